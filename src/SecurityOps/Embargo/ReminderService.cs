using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Inventory;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Embargo
{
    /// <summary>
    /// What the on-duty team must look at: SLA milestones overdue or due soon, revised notices due, distributor keys
    /// expiring or unusable, pending membership requests, leaks without a retrospective. Rendered as markdown and as
    /// the team-reminder message; delivery is the cmdlet's.
    /// </summary>
    internal sealed class ReminderService
    {
        /// <summary>The category of CVE records that wait for a person's decision.</summary>
        public const string TriageCategory = "cve-triage";

        /// <summary>At most this many CVEs awaiting triage are listed one by one; the rest are one line.</summary>
        private const int TriageListed = 20;

        private readonly SecurityState state;
        private readonly TemplateRenderer templates;

        public ReminderService(SecurityState state, TemplateRenderer templates)
        {
            this.state = state;
            this.templates = templates;
        }

        /// <param name="openCases">The open cases when the caller has read them already (the report does); else read here.</param>
        public List<ReminderItem> Collect(DateTimeOffset now, TimeSpan dueSoon, IReadOnlyList<VulnerabilityCase> openCases = null)
        {
            var items = new List<ReminderItem>();
            var cases = openCases?.Where(c => !c.IsClosed).ToList() ?? new CaseStore(state.Files).All().Where(c => !c.IsClosed).ToList();
            var withPolicy = cases.Select(c => (c, PolicyCatalog.Resolve(state, c.Policy))).ToList();
            foreach (DisclosureMilestone m in TimelineCalculator.Alerts(withPolicy, now, dueSoon))
            {
                items.Add(new ReminderItem
                {
                    Category = "sla", State = m.State.ToString(), Subject = m.CaseId, DueAt = m.DueAt,
                    Detail = $"{m.Title} ({m.Rule})" + (m.Note != null ? $"; {m.Note}" : string.Empty),
                });
            }

            var distributors = new DistributorStore(state.Files);
            List<DistributorMember> members = distributors.Load().Members;
            foreach (VulnerabilityCase c in cases.Where(c => c.IsEmbargoed(now) && c.PlannedPublicDate != null))
            {
                List<string> due = EmbargoNoticeService.RevisedDue(c, members);
                if (due.Count > 0)
                {
                    items.Add(new ReminderItem
                    {
                        Category = "revised-notice", State = "Overdue", Subject = c.Id, DueAt = c.PlannedPublicDate,
                        Detail = $"The public date moved to {CaseMessageModel.FormatTime(c.PlannedPublicDate)} (revision {c.PublicDateRevision}): {string.Join(", ", due)} still have an older date. Send-EmbargoNotice -Id {c.Id} -Kind Revised.",
                    });
                }
            }

            var journal = new NoticeJournal(state.Files);
            foreach (VulnerabilityCase c in cases)
            {
                List<NoticeJournalEntry> interrupted = journal.Entries(c.Id);
                if (interrupted.Count > 0)
                {
                    items.Add(new ReminderItem
                    {
                        Category = "interrupted-notice", State = "Overdue", Subject = c.Id, DueAt = c.PlannedPublicDate,
                        Detail = $"Send-EmbargoNotice stopped mid-batch after sending to {string.Join(", ", interrupted.Select(e => e.MemberId))}: rerun Send-EmbargoNotice -Id {c.Id} (it records those and sends only to the rest).",
                    });
                }
            }

            int warningDays = state.Config.Messaging?.KeyExpiryWarningDays ?? 30;
            foreach (DistributorHealthFinding f in new MembershipService(distributors, templates, state.Config).Health(warningDays))
            {
                items.Add(new ReminderItem
                {
                    Category = f.Finding == "FlaggedForRemoval" ? "removal" : "key-expiry", State = f.Severity == "error" ? "Overdue" : "DueSoon",
                    Subject = f.MemberId, DueAt = f.KeyExpires, Detail = f.Detail,
                });
            }

            int pendingDays = Math.Max(0, state.Config.Reminders?.PendingRequestDays ?? 0);
            foreach (MembershipRequest r in distributors.Requests().Where(r => r != null && string.Equals(r.Status, "pending", StringComparison.OrdinalIgnoreCase)))
            {
                if (r.Received == null || now - r.Received.Value >= TimeSpan.FromDays(pendingDays))
                {
                    items.Add(new ReminderItem
                    {
                        Category = "membership-request", State = "Open", Subject = r.Id, DueAt = null,
                        Detail = $"Membership request from {r.Organisation} pending since {CaseMessageModel.FormatTime(r.Received) ?? "unknown"}: Test-MembershipRequest {r.Id}, then approve or deny.",
                    });
                }
            }

            foreach (VulnerabilityCase c in new CaseStore(state.Files).All())
            {
                foreach (EmbargoLeak leak in c.Leaks.Where(l => l.FollowUpDone == null))
                {
                    items.Add(new ReminderItem
                    {
                        Category = "leak-follow-up", State = "Open", Subject = c.Id,
                        Detail = $"Leak #{leak.Number} by {leak.MemberId} ({CaseMessageModel.FormatTime(leak.When)}): hold the retrospective ({leak.Retrospective}), then Add-CaseNote {c.Id} -Kind leak-retrospective.",
                    });
                }
            }

            // The list is written the first time (one scan of every record); later reminders re-check a handful of records.
            var triage = new CveTriageList(state.Files, TryRelevance()).Current(new CveDatabase(state.Files));
            foreach (CveRecord r in triage.Take(TriageListed))
            {
                items.Add(new ReminderItem
                {
                    Category = TriageCategory, State = "Open", Subject = r.CveId,
                    Detail = $"{RelevanceService.TriageReason(r)}; not filed until someone decides: Set-CveRecord {r.CveId} -Package / -Relevance / -Status.",
                });
            }

            if (triage.Count > TriageListed)
            {
                items.Add(new ReminderItem
                {
                    Category = TriageCategory, State = "Open", Subject = $"{triage.Count - TriageListed} more",
                    Detail = "More CVEs wait for triage: Get-CveRecord -Status new.",
                });
            }

            return items;
        }

        /// <summary>The inventories' relevance rules, or null (package-less records only) when they cannot be read.</summary>
        private RelevanceService TryRelevance()
        {
            try
            {
                return new RelevanceService(state.Files, state.Config);
            }
            catch (SecurityOpsException)
            {
                return null;
            }
        }

        public static string Markdown(TeamReminder r)
        {
            var sb = new StringBuilder();
            sb.Append("## Security team reminder, ").Append(CaseMessageModel.FormatTime(r.At)).Append("\n\n");
            sb.Append("Primary: ").Append(r.Primary ?? "(unknown)").Append(r.Secondary != null ? $"; Secondary: {r.Secondary}" : string.Empty).Append("\n\n");
            if (r.Items.Count == 0)
            {
                sb.Append("Nothing is overdue or due soon.\n");
                return sb.ToString();
            }

            AppendTable(sb, r.Items);
            return sb.ToString();
        }

        /// <summary>The items as a markdown table, overdue first (the reminder and the runbook's summary).</summary>
        public static void AppendTable(StringBuilder sb, IEnumerable<ReminderItem> items)
        {
            sb.Append("| What | State | Case / member | Due | Detail |\n|---|---|---|---|---|\n");
            foreach (ReminderItem i in items.OrderBy(i => i.State == "Overdue" ? 0 : i.State == "DueSoon" ? 1 : 2).ThenBy(i => i.DueAt ?? DateTimeOffset.MaxValue))
            {
                sb.Append("| ").Append(i.Category).Append(" | ").Append(i.State).Append(" | ").Append(Cell(i.Subject)).Append(" | ")
                  .Append(CaseMessageModel.FormatTime(i.DueAt) ?? "-").Append(" | ").Append(Cell(i.Detail)).Append(" |\n");
            }
        }

        public RenderedMessage Render(TeamReminder r)
        {
            var model = new MembershipService(new DistributorStore(state.Files), templates, state.Config).BaseModel();
            model["reminder"] = new Dictionary<string, object>
            {
                ["count"] = r.Items.Count.ToString(CultureInfo.InvariantCulture),
                ["date"] = r.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["primary"] = r.Primary ?? "On-duty Primary",
                ["secondary"] = r.Secondary,
                ["hasSecondary"] = r.Secondary != null,
                ["text"] = r.Markdown,
            };
            return templates.Render("team-reminder", model);
        }

        private static string Cell(string s) => (s ?? string.Empty).Replace("|", "\\|").Replace("\n", " ");
    }
}
