using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>The release times a case's policy allows, and why the others were removed.</summary>
    internal sealed class ReleaseWindowPlan
    {
        public DateTimeOffset Earliest { get; set; }

        /// <summary>The rule that set the earliest time.</summary>
        public string EarliestRule { get; set; }

        public DateTimeOffset Latest { get; set; }

        public string LatestRule { get; set; }

        public List<ReleaseCandidate> Candidates { get; } = new List<ReleaseCandidate>();

        /// <summary>How many days each rule removed, by rule.</summary>
        public Dictionary<string, List<string>> Removed { get; } = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        public List<string> Notes { get; } = new List<string>();

        public string Explain()
        {
            string span = $"Searched {DateTimeOffsetConverter.Format(Earliest)} (earliest: {EarliestRule}) to {DateTimeOffsetConverter.Format(Latest)} (latest: {LatestRule}).";
            if (Earliest > Latest)
            {
                return span + $" The earliest allowed time is after the latest: {EarliestRule} leaves no room before {LatestRule}.";
            }

            var parts = Removed.Select(r => $"{r.Key} removed {r.Value.Count} ({string.Join(", ", r.Value)})");
            return span + (Removed.Count == 0 ? " No day was in range." : " " + string.Join("; ", parts) + ".");
        }
    }

    /// <summary>
    /// Proposes release times for a case: at the policy's preferred hour on its allowed weekdays, no sooner than the
    /// distributors' notice lead (after the embargoed notice, or after now when it has not gone out), no later than
    /// the release deadline, skipping holidays. When nothing fits it says which rule removed which day.
    /// </summary>
    internal static class ReleaseWindowPlanner
    {
        public static ReleaseWindowPlan Plan(VulnerabilityCase c, DisclosurePolicy policy, DateTimeOffset now, IEnumerable<DateTime> holidays, int count, int horizonDays)
        {
            if (c.Status == CaseStatus.Rejected || c.FirstReached(CaseStatus.Released, CaseStatus.Disclosed) != null)
            {
                throw new SecurityOpsException("CaseNotReleasable", FailureKind.InvalidOperation, c.Id,
                    $"{c.Id} is '{c.Status}': there is no release to plan.");
            }

            var plan = new ReleaseWindowPlan { Earliest = now, EarliestRule = "now" };
            var rel = policy.Release;
            var d = policy.Distributors;
            bool asap = c.PubliclyDisclosed && policy.PublicDisclosure?.Asap == true;
            bool relaxed = CaseSeverity.IsLow(c, policy) && !c.PubliclyDisclosed && policy.LowSeverity.Relaxes.Contains("release");
            bool expedited = CaseSeverity.IsExpedited(c, policy);
            if (expedited)
            {
                plan.Notes.Add($"expedited: {c.Severity.ToLowerInvariant()} severity (release.expediteBySeverity), so release.minDays, release.weekdays and the holidays do not hold");
            }

            void AtLeast(DateTimeOffset t, string rule)
            {
                if (t > plan.Earliest)
                {
                    plan.Earliest = t;
                    plan.EarliestRule = rule;
                }
            }

            if (rel?.MinDays != null && !expedited)
            {
                AtLeast(c.ReceivedAt.AddDays(rel.MinDays.Value), $"release.minDays: not before {rel.MinDays} day(s) after the report");
            }

            if (d != null && !asap)
            {
                DateTimeOffset? notified = c.FirstReached(CaseStatus.DistributorsNotified);
                if (d.NoticeDaysBeforePublic > 0)
                {
                    AtLeast((notified ?? now).AddDays(d.NoticeDaysBeforePublic),
                        notified == null
                            ? $"distributors.noticeDaysBeforePublic: {d.NoticeDaysBeforePublic} days' notice, not sent yet"
                            : $"distributors.noticeDaysBeforePublic: {d.NoticeDaysBeforePublic} days after the notice of {DateTimeOffsetConverter.Format(notified.Value)}");
                }

                if (d.FinalNoticeHoursBeforeRelease > 0 && c.FirstEvent("distributors-reminded") == null)
                {
                    AtLeast(now.AddHours(d.FinalNoticeHoursBeforeRelease), $"distributors.finalNoticeHoursBeforeRelease: {d.FinalNoticeHoursBeforeRelease} h reminder, not sent yet");
                }
            }
            else if (asap)
            {
                plan.Notes.Add("publicly disclosed: as soon as possible, the distributors' notice lead does not hold");
            }

            if (rel?.MaxDays != null && !relaxed)
            {
                plan.Latest = c.ReceivedAt.AddDays(rel.MaxDays.Value);
                plan.LatestRule = $"release.maxDays: within {rel.MaxDays} days of the report";
            }
            else
            {
                plan.Latest = plan.Earliest.AddDays(horizonDays);
                plan.LatestRule = relaxed ? $"low severity may go slower; searched {horizonDays} days" : $"no release deadline; searched {horizonDays} days";
                if (relaxed)
                {
                    plan.Notes.Add("low severity: the release deadline is not enforced");
                }
            }

            var allowedDays = rel?.Weekdays.Count > 0 && !expedited
                ? new HashSet<DayOfWeek>(rel.Weekdays.Select(w => (DayOfWeek)Enum.Parse(typeof(DayOfWeek), w, true)))
                : null;
            var holidaySet = new HashSet<DateTime>((expedited ? null : holidays ?? Enumerable.Empty<DateTime>()) ?? Enumerable.Empty<DateTime>());
            holidaySet = new HashSet<DateTime>(holidaySet.Select(h => h.Date));
            int hour = rel?.HourUtc ?? (plan.Earliest.UtcDateTime.Minute == 0 && plan.Earliest.UtcDateTime.Second == 0 ? plan.Earliest.UtcDateTime.Hour : (plan.Earliest.UtcDateTime.Hour + 1) % 24);
            string hourRule = rel?.HourUtc != null ? $"release.hourUtc {hour:00}:00" : null;

            void Remove(string rule, DateTime day)
            {
                if (!plan.Removed.TryGetValue(rule, out var days))
                {
                    plan.Removed[rule] = days = new List<string>();
                }

                days.Add(day.ToString("yyyy-MM-dd ddd", CultureInfo.InvariantCulture));
            }

            if (plan.Earliest <= plan.Latest)
            {
                for (DateTime day = plan.Earliest.UtcDateTime.Date; day <= plan.Latest.UtcDateTime.Date; day = day.AddDays(1))
                {
                    var at = new DateTimeOffset(day.AddHours(hour), TimeSpan.Zero);
                    if (at < plan.Earliest)
                    {
                        Remove(hourRule != null ? $"{plan.EarliestRule} (at {hour:00}:00)" : plan.EarliestRule, day);
                    }
                    else if (at > plan.Latest)
                    {
                        Remove($"{plan.LatestRule} (at {hour:00}:00)", day);
                    }
                    else if (allowedDays != null && !allowedDays.Contains(day.DayOfWeek))
                    {
                        Remove("release.weekdays: " + string.Join("/", rel.Weekdays), day);
                    }
                    else if (holidaySet.Contains(day))
                    {
                        Remove("disclosure.holidays", day);
                    }
                    else if (plan.Candidates.Count < count)
                    {
                        DateTimeOffset? notified = c.FirstReached(CaseStatus.DistributorsNotified);
                        plan.Candidates.Add(new ReleaseCandidate
                        {
                            CaseId = c.Id,
                            Rank = plan.Candidates.Count + 1,
                            ReleaseAt = at,
                            NoticeBy = d == null || notified != null || asap ? (DateTimeOffset?)null : at.AddDays(-d.NoticeDaysBeforePublic),
                            FinalNoticeBy = d == null || d.FinalNoticeHoursBeforeRelease == 0 || asap ? (DateTimeOffset?)null : at.AddHours(-d.FinalNoticeHoursBeforeRelease),
                            Earliest = plan.Earliest,
                            Latest = plan.Latest,
                            Policy = policy.Name,
                        });
                    }
                }
            }

            return plan;
        }

        /// <summary>Reads the config's holiday list; a bad date names the entry.</summary>
        public static List<DateTime> ParseHolidays(IEnumerable<string> values)
        {
            var list = new List<DateTime>();
            int i = 0;
            foreach (string value in values ?? Enumerable.Empty<string>())
            {
                if (!DateTime.TryParseExact(value?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime day))
                {
                    throw new SecurityOpsException("InvalidHoliday", FailureKind.InvalidData, value,
                        $"securityops.yaml: disclosure.holidays[{i}] '{value}' is not a date (yyyy-MM-dd).");
                }

                list.Add(day);
                i++;
            }

            return list;
        }
    }
}
