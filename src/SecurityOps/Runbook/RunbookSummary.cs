using System;
using System.Globalization;
using System.Linq;
using System.Text;
using SecurityOps.Embargo;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Runbook
{
    /// <summary>The run as GitHub-flavoured markdown, for $GITHUB_STEP_SUMMARY and -SummaryPath. Never holds a secret.</summary>
    internal static class RunbookSummary
    {
        public static string Markdown(SecurityRunbookResult r)
        {
            var sb = new StringBuilder();
            sb.Append("## Daily security runbook, ").Append(CaseMessageModel.FormatTime(r.StartedAt)).Append(": ")
              .Append(r.Succeeded ? "succeeded" : $"FAILED ({r.Problems.Count} problem(s))").Append("\n\n");
            if (r.WhatIf)
            {
                sb.Append("> -WhatIf: a plan only. Nothing was written to the state or to GitHub.\n\n");
            }

            if (r.BaselineSources.Count > 0)
            {
                sb.Append($"> **Baseline** for {string.Join(", ", r.BaselineSources.Select(MarkdownText.Cell))}: what {(r.BaselineSources.Count == 1 ? "it holds" : "they hold")} today is recorded as seen and no issue was filed for it. From the next run on, what is new is filed.\n\n");
            }

            if (r.HeldByCap.Count > 0)
            {
                sb.Append($"> **Not filed:** this run would have opened more new issues than github.maxNewIssuesPerRun; all {r.HeldByCap.Count} CVE(s) stay pending until the cap is raised.\n\n");
            }

            if (r.Recovered.Count > 0)
            {
                sb.Append($"> An earlier run was interrupted before its commit: this run committed the {r.Recovered.Count} file(s) it left first.\n\n");
            }

            sb.Append(r.OnDuty != null
                ? $"On duty, week {r.OnDuty.IsoWeek} (from {r.OnDuty.WeekStart:yyyy-MM-dd}): Primary **{r.OnDuty.Primary}**{Name(r.OnDuty.PrimaryName)}, Secondary **{r.OnDuty.Secondary}**{Name(r.OnDuty.SecondaryName)}\n\n" +
                  (r.OnDuty.ExampleRoster ? $"> **Warning:** {MarkdownText.Cell(r.OnDutyNote)}\n\n" : string.Empty)
                : $"On duty: unknown ({MarkdownText.Cell(r.OnDutyNote)})\n\n");

            sb.Append("### Sources\n\n| Source | Type | Items | New CVEs | Skipped | Requests | Status |\n|---|---|---:|---|---|---:|---|\n");
            foreach (RunbookSourceResult s in r.Sources)
            {
                string status = !s.Succeeded ? $"**{s.ErrorId}**: {MarkdownText.Cell(s.Error)}"
                    : s.NotModified ? "not modified"
                    : s.Problems.Count > 0 ? $"ok, {s.Problems.Count} advisory detail(s) failed (retried next run)"
                    : "ok";
                sb.Append("| ").Append(MarkdownText.Cell(s.Source)).Append(" | ").Append(s.Type).Append(" | ").Append(s.Items.ToString(CultureInfo.InvariantCulture))
                  .Append(" | ").Append(s.NewCves.Count == 0 ? "-" : string.Join(", ", s.NewCves)).Append(" | ").Append(MarkdownText.Cell(s.SkippedText))
                  .Append(" | ").Append(s.Requests.ToString(CultureInfo.InvariantCulture))
                  .Append(" | ").Append(status).Append(" |\n");
            }

            sb.Append('\n').Append(r.NewCves.Count).Append(r.WhatIf ? " CVE(s) would be recorded" : " new CVE(s) recorded").Append(r.NewCves.Count > 0 ? ": " + string.Join(", ", r.NewCves) : string.Empty).Append(".\n\n");
            if (r.NewCveRelevance.Count > 0)
            {
                sb.Append("Relevance of the new CVEs to the inventories: ")
                  .Append(string.Join(", ", new[] { CveRelevance.Affected, CveRelevance.NotAffected, CveRelevance.Unknown }.Where(r.NewCveRelevance.ContainsKey).Select(k => $"{k} {r.NewCveRelevance[k]}")))
                  .Append(".\n\n");
            }

            sb.Append("### Issues").Append(r.Repository != null ? $" in {r.Repository}" : string.Empty).Append("\n\n");
            if (r.Issues.Count == 0)
            {
                sb.Append("Nothing to file.\n\n");
            }
            else
            {
                sb.Append($"{r.IssuesOpened} opened, {r.IssuesUpdated} updated, {r.IssuesPlanned} planned.\n\n");
                sb.Append("| CVE | Package | Action | Issue |\n|---|---|---|---|\n");
                foreach (CveIssueResult i in r.Issues)
                {
                    string issue = i.IssueNumber > 0 ? (i.Url != null ? $"[#{i.IssueNumber}]({i.Url})" : "#" + i.IssueNumber) : MarkdownText.Cell(i.Title);
                    sb.Append("| ").Append(i.CveId).Append(" | ").Append(MarkdownText.Cell(i.Package)).Append(" | ").Append(i.Action).Append(" | ").Append(issue).Append(" |\n");
                }

                sb.Append('\n');
            }

            if (r.PendingFiling.Count > 0)
            {
                sb.Append("Pending filing (the next run files them): ").Append(string.Join(", ", r.PendingFiling)).Append("\n\n");
            }

            if (r.ForTriage.Count > 0)
            {
                const int shown = 50;
                sb.Append($"**For triage:** {r.ForTriage.Count} CVE(s) are not filed as they are (no package, or relevance unknown); decide each with Set-CveRecord: ")
                  .Append(string.Join(", ", r.ForTriage.Take(shown)))
                  .Append(r.ForTriage.Count > shown ? $" and {r.ForTriage.Count - shown} more (Get-CveRecord -Status new)" : string.Empty).Append(".\n\n");
            }

            if (r.CvesAssigned.Count > 0 || r.CveRequestsPending.Count > 0)
            {
                sb.Append("### CVE requests\n\n");
                foreach (CveAssignment a in r.CvesAssigned)
                {
                    sb.Append("- ").Append(a.CaseId).Append(": GitHub assigned ").Append(a.CveId).Append(" (").Append(a.GhsaId).Append(")\n");
                }

                if (r.CveRequestsPending.Count > 0)
                {
                    sb.Append("- Still waiting for GitHub: ").Append(string.Join(", ", r.CveRequestsPending)).Append('\n');
                }

                sb.Append('\n');
            }

            if (!r.WhatIf)
            {
                sb.Append("### State\n\n").Append(r.StateCommit == null
                    ? "Nothing committed."
                    : $"Committed `{r.StateCommit.CommitId.Substring(0, Math.Min(12, r.StateCommit.CommitId.Length))}`: {MarkdownText.Cell(r.StateCommit.Message)}{(r.StateCommit.Pushed ? " (pushed)" : string.Empty)}").Append("\n\n");
            }

            if (r.DistributorHealth != null)
            {
                sb.Append("### Distributors list\n\n");
                if (r.DistributorHealth.Count == 0)
                {
                    sb.Append("Every member has a usable key.\n\n");
                }
                else
                {
                    sb.Append("| Member | Finding | Severity | Detail |\n|---|---|---|---|\n");
                    foreach (DistributorHealthFinding f in r.DistributorHealth)
                    {
                        sb.Append("| ").Append(MarkdownText.Cell(f.MemberId)).Append(" | ").Append(f.Finding).Append(" | ").Append(f.Severity).Append(" | ").Append(MarkdownText.Cell(f.Detail)).Append(" |\n");
                    }

                    sb.Append('\n');
                }
            }

            if (r.Reminders != null)
            {
                sb.Append("### Reminders\n\n");
                if (r.Reminders.Count == 0)
                {
                    sb.Append("Nothing is overdue or due soon.\n\n");
                }
                else
                {
                    ReminderService.AppendTable(sb, r.Reminders);
                    sb.Append('\n');
                }
            }

            if (r.Problems.Count > 0)
            {
                sb.Append("### Problems\n\n");
                foreach (RunbookProblem p in r.Problems)
                {
                    sb.Append("- ").Append(p.Step).Append(" `").Append(MarkdownText.Cell(p.Target)).Append("`: **").Append(p.ErrorId).Append("** ").Append(MarkdownText.Cell(p.Message)).Append('\n');
                }

                sb.Append('\n');
            }

            sb.Append("Duration: ").Append(r.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)).Append(" s\n");
            return sb.ToString();
        }

        private static string Name(string name) => string.IsNullOrWhiteSpace(name) ? string.Empty : $" ({MarkdownText.Cell(name)})";
    }
}
