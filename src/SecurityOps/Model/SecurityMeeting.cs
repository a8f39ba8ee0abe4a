using System;

namespace SecurityOps.Model
{
    /// <summary>One occurrence of the security team's recurring (fortnightly) meeting.</summary>
    public sealed class SecurityMeeting
    {
        /// <summary>Occurrences since the first meeting (0 = the first).</summary>
        public int Number { get; set; }

        /// <summary>Start, UTC.</summary>
        public DateTimeOffset Start { get; set; }

        /// <summary>End, UTC.</summary>
        public DateTimeOffset End { get; set; }

        public TimeSpan Duration => End - Start;

        public string Title { get; set; }

        public string Location { get; set; }

        public string Url { get; set; }

        /// <summary>The time zone whose wall-clock time the meeting keeps (UTC when none is configured).</summary>
        public string TimeZone { get; set; }

        /// <summary>The start as wall-clock time in <see cref="TimeZone"/>.</summary>
        public DateTime LocalStart { get; set; }

        /// <summary>Stable calendar id of this occurrence (re-importing a calendar updates it instead of adding a copy).</summary>
        public string Uid { get; set; }

        public override string ToString() => $"{Start.UtcDateTime:yyyy-MM-dd HH:mm} UTC {Title}";
    }
}
