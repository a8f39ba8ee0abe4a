using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>One duty week of the rotation: who is Primary and who is Secondary, and why.</summary>
    public sealed class RotationSlot
    {
        /// <summary>Weeks since the rotation's start (week 0 starts on the start date): the index into the rotation order.</summary>
        public int WeekNumber { get; set; }

        /// <summary>The ISO 8601 week of <see cref="WeekStart"/> (2026-W49), as calendars and people count weeks.</summary>
        public string IsoWeek { get; set; }

        /// <summary>True while roster.yaml still holds the example people: this slot names nobody real.</summary>
        public bool ExampleRoster { get; set; }

        /// <summary>First day of the week (a UTC date; duty begins at 00:00 UTC).</summary>
        public DateTime WeekStart { get; set; }

        /// <summary>Last day of the week (included).</summary>
        public DateTime WeekEnd { get; set; }

        /// <summary>Handle of the Primary.</summary>
        public string Primary { get; set; }

        /// <summary>Handle of the Secondary.</summary>
        public string Secondary { get; set; }

        public string PrimaryName { get; set; }

        public string SecondaryName { get; set; }

        public string PrimaryEmail { get; set; }

        public string SecondaryEmail { get; set; }

        /// <summary>Who the plain rotation would have put on duty, before overrides.</summary>
        public string ScheduledPrimary { get; set; }

        public string ScheduledSecondary { get; set; }

        /// <summary>True when a swap or an absence changed this week.</summary>
        public bool OverrideApplied => Overrides.Count > 0;

        /// <summary>Ids of the overrides that changed this week.</summary>
        public List<string> Overrides { get; set; } = new List<string>();

        /// <summary>What the overrides did, readable ("bob absent 2026-02-02..2026-02-15").</summary>
        public List<string> OverrideNotes { get; set; } = new List<string>();

        /// <summary>True when the instant the query was made falls in this week.</summary>
        public bool IsCurrent { get; set; }

        /// <summary>Both e-mail addresses (Primary first), for messages to whoever is on duty.</summary>
        public string[] Emails => new[] { PrimaryEmail, SecondaryEmail };

        public override string ToString() => $"{WeekStart:yyyy-MM-dd}: Primary {Primary}, Secondary {Secondary}";
    }
}
