using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>How a milestone stands.</summary>
    public enum MilestoneState
    {
        Met,
        MetLate,
        DueSoon,
        Overdue,
        Pending,
        NotApplicable,
    }

    /// <summary>One milestone of a case's disclosure policy with its due time and state (Get-DisclosureTimeline, Test-DisclosureSla).</summary>
    public sealed class DisclosureMilestone
    {
        public string CaseId { get; set; }

        /// <summary>acknowledge, fix-team, fix, distributor-notice, distributor-final-notice, release, retrospective.</summary>
        public string Milestone { get; set; }

        public string Title { get; set; }

        /// <summary>Not before this time (a release 1 day after the report at the earliest, say); null when unbounded.</summary>
        public DateTimeOffset? EarliestAt { get; set; }

        /// <summary>The deadline; null when it cannot be computed yet (no planned public date, no release).</summary>
        public DateTimeOffset? DueAt { get; set; }

        public DateTimeOffset? MetAt { get; set; }

        public MilestoneState State { get; set; }

        /// <summary>The rule behind the due time, in words.</summary>
        public string Rule { get; set; }

        /// <summary>Why the state is what it is when that is not obvious (low severity, publicly disclosed...).</summary>
        public string Note { get; set; }

        /// <summary>The case's policy.</summary>
        public string Policy { get; set; }

        /// <summary>True when the release came before this milestone was met, so it cannot happen any more (State NotApplicable; a retrospective counts it as missed).</summary>
        public bool SkippedByRelease { get; set; }

        public string Severity { get; set; }

        /// <summary>Who is on duty (the rotation's Primary) when the rotation is available; else null.</summary>
        public string OnDuty { get; set; }

        /// <summary>Time left until the due time (negative when overdue), at the time of the check.</summary>
        public TimeSpan? TimeLeft { get; set; }

        /// <summary>Same as CaseId, so the output pipes into Get-VulnerabilityReport / Set-VulnerabilityReport.</summary>
        public string Id => CaseId;

        public override string ToString() => $"{CaseId} {Milestone} {State}";
    }

    /// <summary>A proposed release time for a case (Get-ReleaseWindow).</summary>
    public sealed class ReleaseCandidate
    {
        public string CaseId { get; set; }

        public int Rank { get; set; }

        public DateTimeOffset ReleaseAt { get; set; }

        public DayOfWeek Weekday => ReleaseAt.UtcDateTime.DayOfWeek;

        /// <summary>The distributors' embargoed notice must go out by then (null when already sent or not required).</summary>
        public DateTimeOffset? NoticeBy { get; set; }

        /// <summary>The second notice before the release is due then (null when not required).</summary>
        public DateTimeOffset? FinalNoticeBy { get; set; }

        /// <summary>The window that was searched.</summary>
        public DateTimeOffset Earliest { get; set; }

        public DateTimeOffset Latest { get; set; }

        public string Policy { get; set; }

        public string Id => CaseId;

        public override string ToString() => $"{CaseId} {ReleaseAt:u}";
    }

    /// <summary>A supported release line and the version its fix ships as (Get-BackportTarget).</summary>
    public sealed class BackportTarget
    {
        /// <summary>The line, as MAJOR.MINOR with the tags' prefix (v0.8).</summary>
        public string Line { get; set; }

        /// <summary>The newest release tag of the line.</summary>
        public string LatestRelease { get; set; }

        /// <summary>The version the fix ships as (v0.8.1).</summary>
        public string NextPatch { get; set; }

        /// <summary>1 for the newest line, 2 for the one before...</summary>
        public int Rank { get; set; }

        public string Policy { get; set; }

        public override string ToString() => $"{Line} -> {NextPatch}";
    }
}
