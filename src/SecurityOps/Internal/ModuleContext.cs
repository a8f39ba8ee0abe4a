using System;

namespace SecurityOps
{
    /// <summary>
    /// Process-wide services the parts share and tests swap: the clock above all. Nothing in the module reads
    /// DateTime.Now or UtcNow; everything asks <see cref="Time"/>.
    /// </summary>
    public static class ModuleContext
    {
        private static TimeProvider time = TimeProvider.System;

        public static TimeProvider Time
        {
            get => time;
            set => time = value ?? TimeProvider.System;
        }

        public static DateTimeOffset UtcNow => time.GetUtcNow();

        /// <summary>Freezes the clock at an instant (for tests, demos and replaying a day's run).</summary>
        public static void UseFixedTime(DateTimeOffset instant) => Time = new FixedTimeProvider(instant);

        /// <summary>Back to the system clock.</summary>
        public static void UseSystemTime() => Time = TimeProvider.System;
    }

    /// <summary>A clock that stands still until moved.</summary>
    /// <remarks>Internal on purpose: PowerShell lists the module's exported types before the module initializer can
    /// serve Dependencies/, so a public type deriving from a dependency's type (TimeProvider comes from
    /// Microsoft.Bcl.TimeProvider) makes Import-Module fail in pwsh. Tests reach it through InternalsVisibleTo.</remarks>
    internal sealed class FixedTimeProvider : TimeProvider
    {
        private DateTimeOffset now;

        public FixedTimeProvider(DateTimeOffset now) => this.now = now.ToUniversalTime();

        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        public void Advance(TimeSpan by) => now = now.Add(by);

        public void Set(DateTimeOffset instant) => now = instant.ToUniversalTime();
    }
}
