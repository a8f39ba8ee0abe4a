using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Embargo;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.Rotation;
using SecurityOps.State;

namespace SecurityOps.Runbook
{
    /// <summary>
    /// The fortnightly meeting's agenda from the state (Flatcar's meeting: open cases, what came in, what is about to
    /// go public, who is on duty). Clocks are read as they will stand when the meeting starts (or now, for a meeting
    /// already under way), "due soon" meaning before the next meeting.
    /// </summary>
    internal static class MeetingAgendaBuilder
    {
        private static readonly string[] RelevanceOrder = { CveRelevance.Affected, CveRelevance.Unknown, CveRelevance.NotAffected };

        /// <param name="since">The previous meeting's start: CVEs first seen from then until this meeting are new.</param>
        /// <param name="until">The next meeting's start: embargoes ending before then are listed.</param>
        public static SecurityMeetingAgenda Build(SecurityState state, SecurityMeeting meeting, DateTimeOffset since, DateTimeOffset until, DateTimeOffset now, int rotationWeeks = 4)
        {
            DateTimeOffset at = meeting.Start > now ? meeting.Start : now;
            TimeSpan window = until > at ? until - at : TimeSpan.FromDays(14);
            var agenda = new SecurityMeetingAgenda { Meeting = meeting, Since = since, Until = until };

            var cases = new CaseStore(state.Files).All().Where(c => !c.IsClosed).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            foreach (VulnerabilityCase c in cases)
            {
                List<DisclosureMilestone> clocks = TimelineCalculator.Compute(c, PolicyCatalog.Resolve(state, c.Policy), at, window);
                var open = clocks.Where(m => m.DueAt != null && (m.State == MilestoneState.Overdue || m.State == MilestoneState.DueSoon || m.State == MilestoneState.Pending)).ToList();
                DisclosureMilestone next = open.Where(m => m.State == MilestoneState.Overdue).OrderBy(m => m.DueAt).FirstOrDefault()
                    ?? open.OrderBy(m => m.DueAt).FirstOrDefault();
                agenda.OpenCases.Add(new AgendaCase
                {
                    Id = c.Id,
                    Summary = c.Summary,
                    Status = c.Status,
                    Severity = c.Severity,
                    PlannedPublicDate = c.PlannedPublicDate,
                    Embargoed = c.IsEmbargoed(at),
                    NextMilestone = next?.Title,
                    NextDue = next?.DueAt,
                    Clock = next?.State.ToString(),
                    Overdue = clocks.Where(m => m.State == MilestoneState.Overdue).Select(m => m.Title).ToList(),
                });

                if (c.IsEmbargoed(at) && c.PlannedPublicDate >= at && c.PlannedPublicDate < until)
                {
                    agenda.EmbargoesEnding.Add(new AgendaEmbargo { Id = c.Id, What = c.Summary + (c.CveId != null ? $" ({c.CveId})" : string.Empty), Ends = c.PlannedPublicDate.Value });
                }
            }

            var database = new CveDatabase(state.Files);
            foreach (CveRecord r in database.Query(new CveQuery()))
            {
                if (r.FirstSeen >= since && r.FirstSeen < meeting.Start)
                {
                    agenda.NewCves.Add(new AgendaCve
                    {
                        CveId = r.CveId,
                        Package = r.Package,
                        Relevance = r.RelevanceState ?? CveRelevance.Unknown,
                        Status = r.Status ?? "new",
                        Issue = r.Issue == null ? null : $"{r.Issue.Repository}#{r.Issue.Number}",
                        FirstSeen = r.FirstSeen,
                    });
                }

                if (r.EmbargoedUntil >= at && r.EmbargoedUntil < until)
                {
                    agenda.EmbargoesEnding.Add(new AgendaEmbargo { Id = r.CveId, What = "CVE record under embargo" + (r.Package != null ? $" ({r.Package})" : string.Empty), Ends = r.EmbargoedUntil.Value });
                }
            }

            agenda.NewCves = agenda.NewCves
                .OrderBy(v => Array.IndexOf(RelevanceOrder, v.Relevance) is int i && i >= 0 ? i : RelevanceOrder.Length)
                .ThenBy(v => v.CveId, CveIdComparer.Instance).ToList();
            agenda.EmbargoesEnding = agenda.EmbargoesEnding.OrderBy(e => e.Ends).ToList();

            // The SLA clocks are the cases' rows; the rest of the reminder (keys, requests, leaks, triage) is listed as is.
            agenda.Reminders = new ReminderService(state, new TemplateRenderer(state.Files)).Collect(at, window).Where(i => i.Category != "sla").ToList();
            agenda.Rotation = new RosterStore(state.Files).Load().Slots(meeting.Start.UtcDateTime.Date, Math.Max(1, rotationWeeks), now).ToList();
            agenda.Markdown = Markdown(agenda);
            return agenda;
        }

        public static string Markdown(SecurityMeetingAgenda a)
        {
            var sb = new StringBuilder();
            sb.Append("## ").Append(a.Meeting.Title).Append(", ").Append(Time(a.Meeting.Start)).Append("\n\n");
            sb.Append($"New since the previous meeting ({Time(a.Since)}); embargoes until the next one ({Time(a.Until)}). This agenda holds embargoed detail: keep it within the team.\n\n");

            sb.Append($"### Open cases ({a.OpenCases.Count})\n\n");
            if (a.OpenCases.Count == 0)
            {
                sb.Append("None.\n\n");
            }
            else
            {
                sb.Append("| Case | Summary | Status | Severity | Next clock | Due | Public date |\n|---|---|---|---|---|---|---|\n");
                foreach (AgendaCase c in a.OpenCases)
                {
                    string clock = c.NextMilestone == null ? "-" : $"{c.NextMilestone} ({c.Clock})";
                    if (c.Overdue.Count > 1)
                    {
                        clock += $"; {c.Overdue.Count} overdue";
                    }

                    sb.Append("| ").Append(c.Id).Append(" | ").Append(MarkdownText.Cell(c.Summary)).Append(" | ").Append(c.Status).Append(" | ").Append(c.Severity ?? "-")
                      .Append(" | ").Append(MarkdownText.Cell(clock)).Append(" | ").Append(Time(c.NextDue)).Append(" | ").Append(Time(c.PlannedPublicDate)).Append(c.Embargoed ? " (embargoed)" : string.Empty).Append(" |\n");
                }

                sb.Append('\n');
            }

            sb.Append($"### New CVEs since the previous meeting ({a.NewCves.Count})\n\n");
            if (a.NewCves.Count == 0)
            {
                sb.Append("None.\n\n");
            }
            else
            {
                sb.Append(string.Join(", ", a.NewCves.GroupBy(v => v.Relevance).Select(g => $"{g.Key}: {g.Count()}"))).Append("\n\n");
                sb.Append("| CVE | Package | Relevance | Status | Issue |\n|---|---|---|---|---|\n");
                foreach (AgendaCve v in a.NewCves)
                {
                    sb.Append("| ").Append(v.CveId).Append(" | ").Append(MarkdownText.Cell(v.Package ?? "-")).Append(" | ").Append(v.Relevance).Append(" | ").Append(v.Status)
                      .Append(" | ").Append(v.Issue ?? "-").Append(" |\n");
                }

                sb.Append('\n');
            }

            sb.Append($"### Embargoes ending before the next meeting ({a.EmbargoesEnding.Count})\n\n");
            if (a.EmbargoesEnding.Count == 0)
            {
                sb.Append("None.\n\n");
            }
            else
            {
                sb.Append("| What | Ends |\n|---|---|\n");
                foreach (AgendaEmbargo e in a.EmbargoesEnding)
                {
                    sb.Append("| ").Append(e.Id).Append(": ").Append(MarkdownText.Cell(e.What)).Append(" | ").Append(Time(e.Ends)).Append(" |\n");
                }

                sb.Append('\n');
            }

            sb.Append($"### Reminders ({a.Reminders.Count})\n\n");
            if (a.Reminders.Count == 0)
            {
                sb.Append("None.\n\n");
            }
            else
            {
                ReminderService.AppendTable(sb, a.Reminders);
                sb.Append('\n');
            }

            sb.Append("### Rotation\n\n| Week | From | Primary | Secondary |\n|---|---|---|---|\n");
            foreach (RotationSlot s in a.Rotation)
            {
                sb.Append("| ").Append(s.IsoWeek).Append(" | ").Append(s.WeekStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                  .Append(" | ").Append(s.Primary).Append(" | ").Append(s.Secondary).Append(" |\n");
            }

            return sb.ToString();
        }

        private static string Time(DateTimeOffset? t) => t == null ? "-" : CaseMessageModel.FormatTime(t);
    }
}
