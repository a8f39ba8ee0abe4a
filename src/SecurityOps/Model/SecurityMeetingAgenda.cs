using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// What the team looks at in one meeting (Get-SecurityMeetingAgenda): open cases and their clocks, CVEs recorded
    /// since the previous meeting by relevance, embargoes that end before the next meeting, reminders, the rotation
    /// ahead. It holds embargoed detail: it is for the team only.
    /// </summary>
    public sealed class SecurityMeetingAgenda
    {
        public SecurityMeeting Meeting { get; set; }

        /// <summary>When the previous meeting started: new CVEs are those first seen since then.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>When the next meeting starts: embargoes ending before it are listed.</summary>
        public DateTimeOffset? Until { get; set; }

        public List<AgendaCase> OpenCases { get; set; } = new List<AgendaCase>();

        public List<AgendaCve> NewCves { get; set; } = new List<AgendaCve>();

        public List<AgendaEmbargo> EmbargoesEnding { get; set; } = new List<AgendaEmbargo>();

        public List<ReminderItem> Reminders { get; set; } = new List<ReminderItem>();

        public List<RotationSlot> Rotation { get; set; } = new List<RotationSlot>();

        /// <summary>The agenda as markdown, to paste into the meeting notes or attach to the calendar event.</summary>
        public string Markdown { get; set; }

        public override string ToString() => $"Agenda of {Meeting}";
    }

    /// <summary>An open case on the agenda with the clock that matters most now.</summary>
    public sealed class AgendaCase
    {
        public string Id { get; set; }

        public string Summary { get; set; }

        public string Status { get; set; }

        public string Severity { get; set; }

        public DateTimeOffset? PlannedPublicDate { get; set; }

        public bool Embargoed { get; set; }

        /// <summary>The most urgent open milestone: overdue first, then the one due soonest.</summary>
        public string NextMilestone { get; set; }

        public DateTimeOffset? NextDue { get; set; }

        /// <summary>The milestone's state at the meeting: Overdue, DueSoon, Pending.</summary>
        public string Clock { get; set; }

        /// <summary>Every overdue milestone's title.</summary>
        public List<string> Overdue { get; set; } = new List<string>();
    }

    /// <summary>A CVE first recorded since the previous meeting.</summary>
    public sealed class AgendaCve
    {
        public string CveId { get; set; }

        public string Package { get; set; }

        /// <summary>affected, not-affected, unknown (see CveRecord.Relevance).</summary>
        public string Relevance { get; set; }

        public string Status { get; set; }

        /// <summary>owner/name#number of its issue, when filed.</summary>
        public string Issue { get; set; }

        public DateTimeOffset? FirstSeen { get; set; }
    }

    /// <summary>An embargo (a case's planned public date, or a CVE record's EmbargoedUntil) that ends before the next meeting.</summary>
    public sealed class AgendaEmbargo
    {
        /// <summary>The case id or the CVE id.</summary>
        public string Id { get; set; }

        public string What { get; set; }

        public DateTimeOffset Ends { get; set; }
    }
}
