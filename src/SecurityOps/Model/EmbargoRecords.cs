using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>The kinds of embargo notice: the first one, a revised one after the public date moved, the last one 24 hours before.</summary>
    internal static class EmbargoNoticeKind
    {
        public const string Initial = "Initial";
        public const string Revised = "Revised";
        public const string Advance24h = "Advance24h";

        public static readonly string[] All = { Initial, Revised, Advance24h };

        /// <summary>The built-in template of each kind.</summary>
        public static string Template(string kind) =>
            kind == Revised ? "embargo-notice-revised" : kind == Advance24h ? "embargo-notice-24h" : "embargo-notice";
    }

    /// <summary>What a notice to one member was: who, which kind and revision, and how it went (shared by the record and the result).</summary>
    public abstract class EmbargoNoticeOutcome
    {
        public string MemberId { get; set; }

        public string Recipient { get; set; }

        /// <summary>Initial, Revised or Advance24h.</summary>
        public string Kind { get; set; }

        /// <summary>The case's public-date revision the notice carried.</summary>
        public int Revision { get; set; }

        public DateTimeOffset PublicDate { get; set; }

        /// <summary>Sent, Failed or Refused; on a result also Skipped (already has this revision) or WhatIf.</summary>
        public string Status { get; set; }

        public string MessageId { get; set; }

        public string ErrorId { get; set; }
    }

    /// <summary>One attempt to send one member one embargo notice, kept on the case.</summary>
    public sealed class EmbargoNoticeRecord : EmbargoNoticeOutcome
    {
        public DateTimeOffset At { get; set; }

        /// <summary>True when sent again on purpose (-Resend).</summary>
        public bool Resent { get; set; }

        /// <summary>True when sent later than the policy allows, with -Force (a policy exception).</summary>
        public bool Forced { get; set; }
    }

    /// <summary>What Send-EmbargoNotice did for one member.</summary>
    public sealed class EmbargoNoticeResult : EmbargoNoticeOutcome
    {
        public string CaseId { get; set; }

        public DateTimeOffset? SentAt { get; set; }

        public int Attempts { get; set; }

        public string Error { get; set; }

        /// <summary>The rendered message (the real subject and body; it travelled encrypted).</summary>
        public RenderedMessage Message { get; set; }

        public string Id => CaseId;
    }

    /// <summary>A leak of a case's embargo by a member.</summary>
    public sealed class EmbargoLeak
    {
        public int Number { get; set; }

        public string MemberId { get; set; }

        /// <summary>Exactly what leaked.</summary>
        public string What { get; set; }

        /// <summary>To whom it leaked.</summary>
        public string ToWhom { get; set; }

        /// <summary>When it leaked.</summary>
        public DateTimeOffset When { get; set; }

        /// <summary>The steps the member will take to prevent a repeat.</summary>
        public string Prevention { get; set; }

        public DateTimeOffset RecordedAt { get; set; }

        /// <summary>The retrospective draft in the private state (retrospectives/SEC-...-leak-N.md).</summary>
        public string Retrospective { get; set; }

        /// <summary>Set when the retrospective was held (Add-CaseNote -Kind leak-retrospective).</summary>
        public DateTimeOffset? FollowUpDone { get; set; }

        /// <summary>Where the leak report for the on-duty Primary was delivered ("mail:address", "slack:name").</summary>
        public List<string> ReportDelivered { get; set; } = new List<string>();

        /// <summary>Where delivering the leak report failed.</summary>
        public List<string> ReportFailed { get; set; } = new List<string>();
    }

    /// <summary>What Register-EmbargoLeak recorded and prepared.</summary>
    public sealed class EmbargoLeakResult
    {
        public string CaseId { get; set; }

        public string MemberId { get; set; }

        public int LeakNumber { get; set; }

        /// <summary>The member's offenses, this one included.</summary>
        public int Offenses { get; set; }

        public int Threshold { get; set; }

        public bool FlaggedForRemoval { get; set; }

        /// <summary>The retrospective draft's path inside the state.</summary>
        public string Retrospective { get; set; }

        /// <summary>Who was (or must be) told: the on-duty Primary, and the Secondary.</summary>
        public string Primary { get; set; }

        public string Secondary { get; set; }

        /// <summary>The leak report for the Primary.</summary>
        public RenderedMessage Report { get; set; }

        /// <summary>The removal notice, rendered and ready to send, when the threshold was reached.</summary>
        public RenderedMessage RemovalNotice { get; set; }

        /// <summary>Where the report was delivered: "mail:address", "slack:name" (empty with -NoNotify or no private place).</summary>
        public List<string> Delivered { get; set; } = new List<string>();

        /// <summary>Where delivering the report failed.</summary>
        public List<string> Failed { get; set; } = new List<string>();

        public string Id => CaseId;
    }

    /// <summary>How the announcement went on one channel (shared by the record and the result).</summary>
    public abstract class AnnouncementOutcome
    {
        public string Channel { get; set; }

        /// <summary>slack, discord or mail.</summary>
        public string Type { get; set; }

        /// <summary>Posted or Failed; on a result also Skipped (already posted) or WhatIf.</summary>
        public string Status { get; set; }

        /// <summary>How many posts (Discord splits long text) or mails.</summary>
        public int Parts { get; set; }

        public string ErrorId { get; set; }
    }

    /// <summary>A posting of the public announcement to one channel, kept on the case.</summary>
    public sealed class AnnouncementRecord : AnnouncementOutcome
    {
        public DateTimeOffset At { get; set; }
    }

    /// <summary>What Send-SecurityAnnouncement did on one channel.</summary>
    public sealed class AnnouncementResult : AnnouncementOutcome
    {
        public string CaseId { get; set; }

        public int Attempts { get; set; }

        public string Error { get; set; }

        public string Id => CaseId;
    }

    /// <summary>One thing the on-duty team must look at.</summary>
    public sealed class ReminderItem
    {
        /// <summary>sla, revised-notice, interrupted-notice, key-expiry, membership-request, leak-follow-up.</summary>
        public string Category { get; set; }

        /// <summary>Overdue or DueSoon (or Open for things without a deadline).</summary>
        public string State { get; set; }

        /// <summary>The case or member it is about.</summary>
        public string Subject { get; set; }

        public string Detail { get; set; }

        public DateTimeOffset? DueAt { get; set; }
    }

    /// <summary>What Send-TeamReminder found and where it delivered it.</summary>
    public sealed class TeamReminder
    {
        public DateTimeOffset At { get; set; }

        public string Primary { get; set; }

        public string Secondary { get; set; }

        public List<ReminderItem> Items { get; set; } = new List<ReminderItem>();

        /// <summary>The reminder as markdown (for $env:GITHUB_STEP_SUMMARY).</summary>
        public string Markdown { get; set; }

        /// <summary>Where it went: "mail:addr", "slack:name" ... and what failed.</summary>
        public List<string> Delivered { get; set; } = new List<string>();

        public List<string> Failed { get; set; } = new List<string>();

        /// <summary>The reminder issue in the private repository (its URL), when one is kept.</summary>
        public string Issue { get; set; }

        public int Count => Items.Count;
    }
}
