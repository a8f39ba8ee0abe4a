using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        /// <summary>The `meetings:` section: the team's recurring meeting (Get-SecurityMeeting, Export-SecurityCalendar).</summary>
        public MeetingSettings Meetings { get; set; } = new MeetingSettings();
    }

    public sealed class MeetingSettings
    {
        public const string DefaultTitle = "Security team meeting";

        /// <summary>Start of the first meeting (ISO 8601). Without it there are no meetings.</summary>
        public DateTimeOffset? First { get; set; }

        /// <summary>Days between meetings (14: fortnightly).</summary>
        public int CadenceDays { get; set; } = 14;

        public int DurationMinutes { get; set; } = 60;

        public string Title { get; set; } = DefaultTitle;

        /// <summary>Where: a room or "private video call".</summary>
        public string Location { get; set; }

        /// <summary>The call's link. It goes into exported calendars: leave it out if the link itself is a secret.</summary>
        public string Url { get; set; }

        /// <summary>
        /// Time zone whose wall-clock time the meeting keeps across daylight-saving changes (e.g. Europe/Berlin).
        /// Empty: the meeting keeps the UTC time of <see cref="First"/>.
        /// </summary>
        public string TimeZone { get; set; }

        /// <summary>Dates (in the meeting's time zone) on which the meeting does not take place.</summary>
        public List<DateTimeOffset> Cancelled { get; set; } = new List<DateTimeOffset>();
    }
}
