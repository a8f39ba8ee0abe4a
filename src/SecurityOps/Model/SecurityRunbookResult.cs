using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Model
{
    /// <summary>How one source went in a runbook run.</summary>
    public sealed class RunbookSourceResult
    {
        /// <summary>True when this run was the source's baseline: its items were recorded as seen, none filed.</summary>
        public bool Baseline { get; set; }

        public string Source { get; set; }

        public string Type { get; set; }

        /// <summary>New or changed advisories the source emitted.</summary>
        public int Items { get; set; }

        /// <summary>CVE ids first recorded from this source in this run.</summary>
        public List<string> NewCves { get; set; } = new List<string>();

        public int Requests { get; set; }

        /// <summary>The feed answered 304 (or the file was unchanged).</summary>
        public bool NotModified { get; set; }

        /// <summary>Advisory details that failed while the source itself succeeded (retried next run).</summary>
        public List<string> Problems { get; set; } = new List<string>();

        /// <summary>Items left out, by reason: the reader's (no id) and the run's (no CVE id, not a CVE id).</summary>
        public Dictionary<string, int> Skipped { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>How many items were left out, all reasons together.</summary>
        public int SkippedCount => Skipped.Values.Sum();

        /// <summary>"3 (no CVE id: 2, no RUSTSEC id: 1)"; "-" when none.</summary>
        public string SkippedText => Skipped.Count == 0 ? "-" : $"{SkippedCount} ({string.Join(", ", Skipped.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"))})";

        public void Skip(string reason, int count = 1) => Skipped[reason] = (Skipped.TryGetValue(reason, out int n) ? n : 0) + count;

        /// <summary>The error id when the source failed (FeedDownloadFailed, FeedParseFailed...), else null.</summary>
        public string ErrorId { get; set; }

        public string Error { get; set; }

        public bool Succeeded => ErrorId == null;
    }

    /// <summary>Something that failed in a run: which step, about what (a source, a CVE, the repository), and why.</summary>
    public sealed class RunbookProblem
    {
        /// <summary>feeds, records, issues, state, rotation.</summary>
        public string Step { get; set; }

        public string Target { get; set; }

        public string ErrorId { get; set; }

        public string Message { get; set; }

        public override string ToString() => $"{Step} {Target}: {ErrorId}: {Message}";
    }

    /// <summary>What Invoke-SecurityRunbook did: the day's summary, also as markdown for $GITHUB_STEP_SUMMARY.</summary>
    public sealed class SecurityRunbookResult
    {
        public string StatePath { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public TimeSpan Duration { get; set; }

        /// <summary>-WhatIf: nothing was written to the state or to GitHub.</summary>
        public bool WhatIf { get; set; }

        /// <summary>False when any source, record, issue or the state commit failed (see Problems).</summary>
        public bool Succeeded => Problems.Count == 0;

        public List<RunbookSourceResult> Sources { get; set; } = new List<RunbookSourceResult>();

        /// <summary>CVE ids first recorded in this run (with -WhatIf: that would be recorded).</summary>
        public List<string> NewCves { get; set; } = new List<string>();

        /// <summary>owner/name issues are filed in (null when none is configured).</summary>
        public string Repository { get; set; }

        /// <summary>One entry per CVE filed, planned or linked in this run.</summary>
        public List<CveIssueResult> Issues { get; set; } = new List<CveIssueResult>();

        public int IssuesOpened => Issues.Where(i => i.Action == CveIssueAction.Opened).Select(i => i.IssueNumber).Distinct().Count();

        public int IssuesUpdated => Issues.Where(i => i.Action == CveIssueAction.Updated).Select(i => i.IssueNumber).Distinct().Count();

        /// <summary>CVEs planned offline (-WhatIf or no token): WouldOpen / WouldUpdate.</summary>
        public int IssuesPlanned => Issues.Count(i => i.Action == CveIssueAction.WouldOpen || i.Action == CveIssueAction.WouldUpdate);

        /// <summary>CVEs still waiting for their issue after this run (filed by the next run).</summary>
        public List<string> PendingFiling { get; set; } = new List<string>();

        /// <summary>The new CVEs by relevance (affected, not-affected, unknown) when the state has inventories; empty otherwise.</summary>
        public Dictionary<string, int> NewCveRelevance { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>
        /// CVEs a person must look at: new, without an issue and not to be filed, because they name no package or their
        /// relevance is unknown (no version data). Listed by every run until triaged (Set-CveRecord).
        /// </summary>
        public List<string> ForTriage { get; set; } = new List<string>();

        /// <summary>The state commit of this run (null: nothing changed, -WhatIf, or not a git repository).</summary>
        public StateCommit StateCommit { get; set; }

        /// <summary>Sources this run read for the first time (or all, with -Baseline): recorded as seen, nothing filed.</summary>
        public List<string> BaselineSources { get; set; } = new List<string>();

        /// <summary>CVEs not filed because the run would have opened more issues than github.maxNewIssuesPerRun; they stay pending.</summary>
        public List<string> HeldByCap { get; set; } = new List<string>();

        /// <summary>Files an interrupted earlier run wrote and did not commit, committed by this run before it began.</summary>
        public List<string> Recovered { get; set; } = new List<string>();

        /// <summary>Cases whose CVE request GitHub has not answered yet (after this run's check).</summary>
        public List<string> CveRequestsPending { get; set; } = new List<string>();

        /// <summary>CVE ids GitHub assigned since the last run, now on their cases.</summary>
        public List<CveAssignment> CvesAssigned { get; set; } = new List<CveAssignment>();

        /// <summary>This week's duty (null when the roster is missing or unusable; see OnDutyNote).</summary>
        public RotationSlot OnDuty { get; set; }

        public string OnDutyNote { get; set; }

        public string Primary => OnDuty?.Primary;

        public string Secondary => OnDuty?.Secondary;

        /// <summary>Distributors-list findings (null when the state has no distributors list).</summary>
        public List<DistributorHealthFinding> DistributorHealth { get; set; }

        /// <summary>SLA milestones, revised notices, membership requests and leak follow-ups due (null when the state has no cases or list).</summary>
        public List<ReminderItem> Reminders { get; set; }

        public List<RunbookProblem> Problems { get; set; } = new List<RunbookProblem>();

        /// <summary>The summary as markdown (what -SummaryPath and $env:GITHUB_STEP_SUMMARY receive).</summary>
        public string Markdown { get; set; }

        public override string ToString() =>
            $"{(Succeeded ? "Succeeded" : "Failed")}: {Sources.Count} source(s), {NewCves.Count} new CVE(s), {IssuesOpened} opened, {IssuesUpdated} updated, {IssuesPlanned} planned";
    }

    /// <summary>A CVE id GitHub assigned to a case's advisory.</summary>
    public sealed class CveAssignment
    {
        public string CaseId { get; set; }

        public string CveId { get; set; }

        public string GhsaId { get; set; }

        public override string ToString() => $"{CaseId}: {CveId}";
    }
}
