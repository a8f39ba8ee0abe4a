using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// A blameless retrospective draft from a case (Stacklok's policy: everyone involved, the timeline, the pull requests
    /// that introduced the issue, critiques of the response). It stays in the private state repository; the first
    /// line records a hash of what was generated, so a person's edit is recognised and never overwritten unasked.
    /// </summary>
    internal static class RetrospectiveBuilder
    {
        private static readonly Regex Marker = new Regex(@"^<!-- securityops:retrospective generated sha256=(?<hash>[0-9a-f]{64}) -->\n", RegexOptions.CultureInvariant);

        public static string RelativePathFor(string caseId) => $"retrospectives/{caseId}.md";

        /// <summary>The draft's markdown, marker line included.</summary>
        public static string Build(VulnerabilityCase c, DisclosurePolicy policy, IReadOnlyList<DisclosureMilestone> milestones, DateTimeOffset now,
            out int met, out int missed)
        {
            var sb = new StringBuilder();
            sb.Append("# Retrospective: ").Append(c.Id).Append(c.CveId != null ? " (" + c.CveId + ")" : string.Empty).Append("\n\n");
            sb.Append("> Blameless: this looks at how the process and the tools worked, not at who did what wrong.\n");
            sb.Append("> Draft generated ").Append(DateTimeOffsetConverter.Format(now)).Append(" from the case; edit freely.\n\n");

            sb.Append("## Summary\n\n");
            MarkdownText.Field(sb, "Issue", c.Summary);
            MarkdownText.Field(sb, "Component", c.Component);
            MarkdownText.Field(sb, "Severity", c.Severity + (c.CvssScore != null ? " (CVSS " + c.CvssScore.Value.ToString("0.0", CultureInfo.InvariantCulture) + ")" : string.Empty));
            MarkdownText.Field(sb, "CVSS vector", c.CvssVector == null ? null : "`" + c.CvssVector + "`");
            MarkdownText.Field(sb, "Policy", policy?.Name ?? c.Policy);
            MarkdownText.Field(sb, "Status", c.Status);
            MarkdownText.Field(sb, "Affected versions", string.Join(", ", c.AffectedVersions));
            MarkdownText.Field(sb, "Fixed in", c.FixedIn);
            MarkdownText.Field(sb, "Reported", DateTimeOffsetConverter.Format(c.ReceivedAt) + " by " + (c.Channel ?? "unknown channel"));
            MarkdownText.Field(sb, "Planned public date", c.PlannedPublicDate == null ? null : DateTimeOffsetConverter.Format(c.PlannedPublicDate.Value));
            if (c.PubliclyDisclosed)
            {
                MarkdownText.Field(sb, "Publicly known since", c.PubliclyDisclosedAt == null ? "unknown" : DateTimeOffsetConverter.Format(c.PubliclyDisclosedAt.Value));
            }

            sb.Append("\n## People involved\n\n");
            var people = c.FixTeam.Concat(c.Timeline.Select(e => e.Actor))
                .Where(p => !string.IsNullOrWhiteSpace(p)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            foreach (string person in people)
            {
                var roles = new List<string>();
                if (c.FixTeam.Contains(person, StringComparer.OrdinalIgnoreCase))
                {
                    roles.Add("fix team");
                }

                int events = c.Timeline.Count(e => string.Equals(e.Actor, person, StringComparison.OrdinalIgnoreCase));
                if (events > 0)
                {
                    roles.Add(events + (events == 1 ? " timeline entry" : " timeline entries"));
                }

                sb.Append("- ").Append(person).Append(" (").Append(string.Join(", ", roles)).Append(")\n");
            }

            sb.Append("- the reporter").Append(c.Credits.Count > 0 ? "; credited publicly: " + string.Join(", ", c.Credits) : " (not named here: ask before crediting)").Append('\n');

            sb.Append("\n## Links\n\n");
            MarkdownText.Field(sb, "Introduced by", c.IntroducedBy.Count == 0 ? "(unknown: add with Set-VulnerabilityReport -IntroducedBy)" : string.Join(", ", c.IntroducedBy));
            MarkdownText.Field(sb, "Fixed by", c.FixedBy.Count == 0 ? "(add with Set-VulnerabilityReport -FixedBy)" : string.Join(", ", c.FixedBy));
            MarkdownText.Field(sb, "Advisory", c.AdvisoryUrl ?? "(none recorded)");
            MarkdownText.Field(sb, "CVE", c.CveId == null ? null : ReleaseNoteBuilder.CveLinkBase + c.CveId);

            sb.Append("\n## Timeline\n\n| When (UTC) | Who | What |\n|---|---|---|\n");
            foreach (CaseEvent e in c.Timeline.OrderBy(e => e.At)) // by when it happened; a stable sort keeps the recorded order of ties
            {
                sb.Append("| ").Append(DateTimeOffsetConverter.Format(e.At))
                  .Append(e.RecordedAt == null ? string.Empty : " (recorded " + DateTimeOffsetConverter.Format(e.RecordedAt.Value) + ")").Append(" | ").Append(MarkdownText.Cell(e.Actor)).Append(" | ").Append(MarkdownText.Cell(e.What)).Append(" |\n");
            }

            sb.Append("\n## Service levels\n\n| Milestone | Rule | Due (UTC) | Done (UTC) | Result |\n|---|---|---|---|---|\n");
            met = 0;
            missed = 0;
            foreach (DisclosureMilestone m in milestones)
            {
                string result = Result(m, now);
                if (m.State == MilestoneState.Met)
                {
                    met++;
                }
                else if (m.State == MilestoneState.MetLate || m.State == MilestoneState.Overdue || m.SkippedByRelease)
                {
                    missed++;
                }

                sb.Append("| ").Append(MarkdownText.Cell(m.Title)).Append(" | ").Append(MarkdownText.Cell(m.Rule)).Append(" | ")
                  .Append(m.DueAt == null ? "-" : DateTimeOffsetConverter.Format(m.DueAt.Value)).Append(" | ")
                  .Append(m.MetAt == null ? "-" : DateTimeOffsetConverter.Format(m.MetAt.Value)).Append(" | ")
                  .Append(MarkdownText.Cell(result)).Append(" |\n");
            }

            sb.Append("\n").Append(met).Append(" milestone(s) met, ").Append(missed).Append(" missed.\n");
            sb.Append("\n## What went well\n\n- \n\n## What did not go well\n\n- \n\n## Follow-ups\n\n- [ ] \n");
            string body = sb.ToString();
            return $"<!-- securityops:retrospective generated sha256={Hash(body)} -->\n" + body;
        }

        /// <summary>True when the file is exactly what was generated (its marker matches its content): safe to regenerate.</summary>
        public static bool IsUntouchedDraft(string text)
        {
            if (text == null)
            {
                return true;
            }

            string normalized = text.Replace("\r\n", "\n");
            Match m = Marker.Match(normalized);
            return m.Success && m.Groups["hash"].Value == Hash(normalized.Substring(m.Length));
        }

        /// <summary>Met 3 h 20 min early, missed by 2 d 4 h, overdue by..., as words.</summary>
        public static string Result(DisclosureMilestone m, DateTimeOffset now)
        {
            switch (m.State)
            {
                case MilestoneState.Met:
                    if (m.DueAt == null || m.MetAt == null)
                    {
                        return "met" + Note(m);
                    }

                    TimeSpan margin = m.DueAt.Value - m.MetAt.Value;
                    return (margin.TotalMinutes < 1 ? "met, at the deadline" : $"met, {Span(margin)} before the deadline") + Note(m);
                case MilestoneState.MetLate:
                    return $"missed by {Span(m.MetAt.Value - m.DueAt.Value)}" + Note(m);
                case MilestoneState.Overdue:
                    return $"missed: not done, {Span(now - m.DueAt.Value)} past the deadline";
                case MilestoneState.NotApplicable:
                    return "not applicable" + Note(m);
                default:
                    return "open" + (m.DueAt != null ? $", due in {Span(m.DueAt.Value - now)}" : string.Empty) + Note(m);
            }
        }

        public static string Span(TimeSpan t)
        {
            if (t < TimeSpan.Zero)
            {
                t = t.Negate();
            }

            if (t.TotalMinutes < 1)
            {
                return "0 min";
            }

            var parts = new List<string>();
            if (t.Days > 0)
            {
                parts.Add(t.Days + " d");
            }

            if (t.Hours > 0)
            {
                parts.Add(t.Hours + " h");
            }

            if (t.Minutes > 0 && t.Days == 0)
            {
                parts.Add(t.Minutes + " min");
            }

            return string.Join(" ", parts);
        }

        private static string Note(DisclosureMilestone m) => string.IsNullOrEmpty(m.Note) ? string.Empty : $" ({m.Note})";

        private static string Hash(string text)
        {
            using (var sha = SHA256.Create())
            {
                return string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(text)).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            }
        }
    }
}
