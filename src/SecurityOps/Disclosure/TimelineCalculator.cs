using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>
    /// Computes every milestone of a case's policy: its due time (from the report time, the severity, the planned
    /// public date and whether the issue is already public), when it was met (from the timeline) and its state.
    /// Pure: the same case, policy and clock give the same answer.
    /// </summary>
    internal static class TimelineCalculator
    {
        public static List<DisclosureMilestone> Compute(VulnerabilityCase c, DisclosurePolicy policy, DateTimeOffset now, TimeSpan dueSoon)
        {
            var list = new List<DisclosureMilestone>();
            bool low = CaseSeverity.IsLow(c, policy);
            bool rejected = c.Status == CaseStatus.Rejected;
            DateTimeOffset r = c.ReceivedAt;
            DateTimeOffset? released = c.FirstReached(CaseStatus.Released, CaseStatus.Disclosed);
            DateTimeOffset? releaseTime = released ?? c.PlannedPublicDate;

            DisclosureMilestone Make(string id, string title, bool applicable, string rule, DateTimeOffset? earliest, DateTimeOffset? due, DateTimeOffset? met, bool afterTriage)
            {
                var m = new DisclosureMilestone
                {
                    CaseId = c.Id,
                    Milestone = id,
                    Title = title,
                    Rule = rule,
                    EarliestAt = earliest,
                    DueAt = due,
                    MetAt = met,
                    Policy = policy.Name,
                    Severity = c.Severity,
                };
                if (!applicable)
                {
                    m.State = MilestoneState.NotApplicable;
                    m.Note = "the policy has no such rule";
                    m.DueAt = null;
                    m.EarliestAt = null;
                    return m;
                }

                if (rejected && afterTriage && met == null)
                {
                    m.State = MilestoneState.NotApplicable;
                    m.Note = "the report was rejected";
                    return m;
                }

                bool relaxed = low && !c.PubliclyDisclosed && policy.LowSeverity.Relaxes.Contains(id);
                if (c.PubliclyDisclosed && policy.PublicDisclosure?.Asap == true && met == null && c.PubliclyDisclosedAt != null)
                {
                    DateTimeOffset asap = c.PubliclyDisclosedAt.Value.AddHours(policy.PublicDisclosure.AsapWithinHours);
                    if (m.DueAt == null || asap < m.DueAt)
                    {
                        m.DueAt = asap;
                    }

                    m.EarliestAt = null;
                    m.Note = "publicly disclosed: as soon as possible";
                }

                Classify(m, now, dueSoon, relaxed);
                return m;
            }

            list.Add(Make("acknowledge", "Acknowledge the report", policy.Acknowledge != null,
                $"within {policy.Acknowledge?.WithinHours} h of the report", null, r.AddHours(policy.Acknowledge?.WithinHours ?? 0),
                FirstStatusAfterReceived(c), afterTriage: false));

            list.Add(Make("fix-team", "Form the fix team", policy.FixTeam != null,
                $"within {policy.FixTeam?.WithinHours} h of the report", null, r.AddHours(policy.FixTeam?.WithinHours ?? 0),
                c.FirstEvent("fix-team"), afterTriage: true));

            list.Add(Make("fix", "Develop the fix", policy.Fix != null,
                $"{policy.Fix?.MinDays}-{policy.Fix?.MaxDays} days after the report", r.AddDays(policy.Fix?.MinDays ?? 0), r.AddDays(policy.Fix?.MaxDays ?? 0),
                c.FirstReached(CaseStatus.DistributorsNotified, CaseStatus.Released, CaseStatus.Disclosed), afterTriage: true));

            var d = policy.Distributors;
            DisclosureMilestone notice = Make("distributor-notice", "Notify the distributors (embargoed)", d != null,
                $"at least {d?.NoticeDaysBeforePublic} days before the planned public date", null,
                c.PlannedPublicDate?.AddDays(-(d?.NoticeDaysBeforePublic ?? 0)), c.FirstReached(CaseStatus.DistributorsNotified), afterTriage: true);
            if (d != null && notice.DueAt == null && notice.State == MilestoneState.Pending)
            {
                notice.Note = "set a planned public date (Set-VulnerabilityReport -PlannedPublicDate) to compute it";
            }

            list.Add(notice);

            bool finalNotice = d != null && d.FinalNoticeHoursBeforeRelease > 0;
            DateTimeOffset? finalCountsTo = released ?? FinalNoticeWindow.ReleaseOf(c);
            var window = finalNotice ? FinalNoticeWindow.For(policy, finalCountsTo) : null;
            DisclosureMilestone final = Make("distributor-final-notice", "Remind the distributors before the release", finalNotice,
                $"{d?.FinalNoticeHoursBeforeRelease} h before the release", window?.Opens,
                finalCountsTo?.AddHours(-(d?.FinalNoticeHoursBeforeRelease ?? 0)), finalNotice ? FinalNoticeWindow.MetAt(c, policy, finalCountsTo) : null, afterTriage: true);
            if (finalNotice && final.DueAt == null && final.State == MilestoneState.Pending)
            {
                final.Note = "set a planned public date to compute it";
            }

            DateTimeOffset? outside = finalNotice && final.MetAt == null ? c.FirstEvent("distributors-reminded") : null;
            if (outside != null)
            {
                final.Note = (final.Note == null ? string.Empty : final.Note + "; ") +
                             $"the final notice of {DateTimeOffsetConverter.Format(outside.Value)} was outside its window ({(window == null ? "no release date" : $"{DateTimeOffsetConverter.Format(window.Value.Opens)} to {DateTimeOffsetConverter.Format(window.Value.Closes)}")}) and does not count";
            }

            list.Add(final);

            var rel = policy.Release;
            string releaseRule = rel?.MaxDays != null ? $"{rel.MinDays ?? 0}-{rel.MaxDays} days after the report" : "no fixed deadline";
            if (rel?.HourUtc != null)
            {
                releaseRule += $", at {rel.HourUtc:00}:00 UTC";
            }

            if (rel?.Weekdays.Count > 0)
            {
                releaseRule += " on " + string.Join("/", rel.Weekdays.Select(w => w.Substring(0, 3)));
            }

            DisclosureMilestone release = Make("release", "Release the fix and disclose", rel != null, releaseRule,
                rel?.MinDays == null ? (DateTimeOffset?)null : r.AddDays(rel.MinDays.Value),
                rel?.MaxDays == null ? (DateTimeOffset?)null : r.AddDays(rel.MaxDays.Value),
                released, afterTriage: true);
            if (rel != null && released == null && CaseSeverity.IsExpedited(c, policy))
            {
                release.EarliestAt = null;
                release.Note = (release.Note == null ? string.Empty : release.Note + "; ") +
                               $"expedited: {c.Severity.ToLowerInvariant()} severity (release.expediteBySeverity), a release may come before the usual days";
            }

            if (rel != null && released == null && c.PlannedPublicDate != null && release.DueAt != null && c.PlannedPublicDate > release.DueAt)
            {
                release.Note = (release.Note == null ? string.Empty : release.Note + "; ") + "the planned public date is after the policy's release deadline";
            }

            list.Add(release);

            var retro = policy.Retrospective;
            DisclosureMilestone retrospective = Make("retrospective", "Hold the retrospective", retro != null,
                $"{retro?.MinDays}-{retro?.MaxDays} days after the release",
                released?.AddDays(retro?.MinDays ?? 0), released?.AddDays(retro?.MaxDays ?? 0), c.FirstReached(CaseStatus.RetrospectiveDone), afterTriage: true);
            if (retro != null && released == null && retrospective.State == MilestoneState.Pending)
            {
                retrospective.DueAt = null;
                retrospective.Note = "due once the fix is released";
            }

            list.Add(retrospective);

            // Once the fix is out, what had to happen before it can no longer happen: not applicable, with the reason.
            if (released != null)
            {
                foreach (DisclosureMilestone m in list.Where(m => m.MetAt == null && (m.Milestone == "fix-team" || m.Milestone == "distributor-notice" || m.Milestone == "distributor-final-notice") &&
                                                                 m.State != MilestoneState.NotApplicable))
                {
                    bool excepted = c.Timeline.Any(e => e.Kind == "policy-exception" && e.At >= released.Value.AddMinutes(-1) && e.At <= released.Value.AddMinutes(1));
                    m.State = MilestoneState.NotApplicable;
                    m.SkippedByRelease = true;
                    m.TimeLeft = null;
                    string outsideNote = m.Note != null && m.Note.Contains("outside its window") ? "; " + m.Note.Substring(m.Note.IndexOf("the final notice of", StringComparison.Ordinal)) : string.Empty;
                    m.Note = $"cannot happen any more: the fix was released on {DateTimeOffsetConverter.Format(released.Value)} without it" +
                             (excepted ? " (recorded as a policy exception)" : string.Empty) + outsideNote;
                }
            }

            return list;
        }

        /// <summary>Overdue or due-soon milestones of the open cases (Test-DisclosureSla).</summary>
        public static IEnumerable<DisclosureMilestone> Alerts(IEnumerable<(VulnerabilityCase Case, DisclosurePolicy Policy)> cases, DateTimeOffset now, TimeSpan within)
        {
            foreach (var (c, policy) in cases)
            {
                if (c.IsClosed)
                {
                    continue;
                }

                foreach (var m in Compute(c, policy, now, within))
                {
                    if (m.State == MilestoneState.Overdue || m.State == MilestoneState.DueSoon)
                    {
                        yield return m;
                    }
                }
            }
        }

        private static void Classify(DisclosureMilestone m, DateTimeOffset now, TimeSpan dueSoon, bool relaxed)
        {
            m.TimeLeft = m.DueAt == null ? (TimeSpan?)null : m.DueAt.Value - now;
            if (m.MetAt != null)
            {
                m.State = m.DueAt == null || m.MetAt <= m.DueAt ? MilestoneState.Met : MilestoneState.MetLate;
                m.TimeLeft = null;
                if (relaxed && m.State == MilestoneState.MetLate)
                {
                    m.State = MilestoneState.Met;
                    m.Note = "low severity: allowed to go slower";
                }

                return;
            }

            if (m.DueAt == null)
            {
                m.State = MilestoneState.Pending;
                return;
            }

            if (relaxed)
            {
                m.State = MilestoneState.Pending;
                m.Note = "low severity: may go slower; the deadline is a guide";
                return;
            }

            if (now > m.DueAt)
            {
                m.State = MilestoneState.Overdue;
            }
            else if (now >= m.DueAt.Value - dueSoon)
            {
                m.State = MilestoneState.DueSoon;
            }
            else
            {
                m.State = MilestoneState.Pending;
            }
        }

        private static DateTimeOffset? FirstStatusAfterReceived(VulnerabilityCase c) =>
            c.Timeline.Where(e => e.Kind == "status" && e.To != CaseStatus.Received).Select(e => (DateTimeOffset?)e.At).FirstOrDefault();
    }
}
