using System;
using System.Globalization;

namespace SecurityOps.Net
{
    /// <summary>
    /// How long to wait before trying again, for every road out (HTTP feeds and webhooks, the GitHub gateway, SMTP):
    /// one exponential backoff and one reading of <c>Retry-After</c>, so the roads cannot drift apart.
    /// </summary>
    internal static class RetryTiming
    {
        /// <summary>
        /// <paramref name="first"/> doubled for each earlier attempt (attempt 1 waits <paramref name="first"/>), plus up to
        /// <paramref name="jitter"/> of it at random when a random source is given, and never more than <paramref name="max"/>.
        /// </summary>
        public static TimeSpan Exponential(TimeSpan first, int attempt, TimeSpan? max = null, Random random = null, double jitter = 0.5)
        {
            double ms = first.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(attempt, 1) - 1, 20));
            if (random != null)
            {
                ms += ms * jitter * random.NextDouble();
            }

            if (max.HasValue)
            {
                ms = Math.Min(ms, max.Value.TotalMilliseconds);
            }

            return ms <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>
        /// A <c>Retry-After</c> header value (delta seconds or an HTTP date) as a wait from <paramref name="now"/>;
        /// null when there is no usable value. A date in the past or a negative number waits nothing.
        /// </summary>
        public static TimeSpan? RetryAfter(string value, DateTimeOffset now)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            value = value.Trim();
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds - 1)));
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
            {
                TimeSpan until = at - now;
                return until < TimeSpan.Zero ? TimeSpan.Zero : until;
            }

            return null;
        }
    }
}
