using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// Keeps content-creating requests within GitHub's secondary limits: at most <see cref="PerMinute"/> in any
    /// 60 seconds and <see cref="PerHour"/> in any hour (GitHub documents 80 and 500). Each write reserves a slot
    /// and is told how long to wait for it; the pacer never sleeps itself, so a test drives it with any clock.
    /// Thread-safe. One pacer is shared per API address in a process, so back-to-back runs in one session count together.
    /// </summary>
    internal sealed class WritePacer
    {
        private static readonly ConcurrentDictionary<string, WritePacer> Shared = new ConcurrentDictionary<string, WritePacer>(StringComparer.OrdinalIgnoreCase);
        private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
        private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

        private readonly object gate = new object();
        private readonly List<DateTimeOffset> slots = new List<DateTimeOffset>();

        public WritePacer(int perMinute = 80, int perHour = 500)
        {
            if (perMinute < 1 || perHour < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(perMinute), "Write limits must be at least 1.");
            }

            PerMinute = perMinute;
            PerHour = perHour;
        }

        public int PerMinute { get; }

        public int PerHour { get; }

        /// <summary>The pacer every gateway for this API address and these limits shares in this process.</summary>
        public static WritePacer For(Uri apiUrl, int perMinute, int perHour) =>
            Shared.GetOrAdd($"{apiUrl}|{perMinute}|{perHour}", _ => new WritePacer(perMinute, perHour));

        /// <summary>
        /// Reserves the earliest slot at or after <paramref name="now"/> that keeps both windows within their limits,
        /// and returns how long to wait for it (zero when the write may go now).
        /// </summary>
        public TimeSpan Reserve(DateTimeOffset now)
        {
            lock (gate)
            {
                slots.RemoveAll(s => s <= now - Hour);
                DateTimeOffset at = now;
                int n = slots.Count;
                if (n >= PerMinute)
                {
                    at = Max(at, slots[n - PerMinute] + Minute);
                }

                if (n >= PerHour)
                {
                    at = Max(at, slots[n - PerHour] + Hour);
                }

                if (n > 0)
                {
                    at = Max(at, slots[n - 1]); // keep the slots in order
                }

                slots.Add(at);
                return at - now;
            }
        }

        private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    }
}
