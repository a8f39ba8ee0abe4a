using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>One rule of a case's policy that a change would break.</summary>
    internal sealed class PolicyBreach
    {
        public PolicyBreach(string rule, string message)
        {
            Rule = rule;
            Message = message;
        }

        /// <summary>The policy field (release.weekdays).</summary>
        public string Rule { get; }

        public string Message { get; }

        public override string ToString() => $"{Rule}: {Message}";
    }

    /// <summary>The final distributors' notice window: from the policy's hours before the release (less a small tolerance) to the release.</summary>
    internal static class FinalNoticeWindow
    {
        /// <summary>How early a final notice may go beyond the policy's hours: an eighth of them, at least an hour (3 h for 24 h).</summary>
        public static TimeSpan Tolerance(int hours) => TimeSpan.FromHours(Math.Max(1, hours / 8.0));

        /// <summary>(opens, closes) for a release at <paramref name="release"/>; null when the policy has no final notice.</summary>
        public static (DateTimeOffset Opens, DateTimeOffset Closes)? For(DisclosurePolicy policy, DateTimeOffset? release)
        {
            int hours = policy.Distributors?.FinalNoticeHoursBeforeRelease ?? 0;
            if (hours <= 0 || release == null)
            {
                return null;
            }

            return (release.Value.AddHours(-hours) - Tolerance(hours), release.Value);
        }

        /// <summary>The release the final notice counts to: the agreed release day, else the planned public date.</summary>
        public static DateTimeOffset? ReleaseOf(VulnerabilityCase c) => c.ReleaseDate ?? c.PlannedPublicDate;

        /// <summary>The first final notice (distributors-reminded) sent inside the window, if any.</summary>
        public static DateTimeOffset? MetAt(VulnerabilityCase c, DisclosurePolicy policy, DateTimeOffset? release)
        {
            var window = For(policy, release);
            return c.Timeline.Where(e => e.Kind == "distributors-reminded" && (window == null || (e.At >= window.Value.Opens && e.At <= window.Value.Closes)))
                .Select(e => (DateTimeOffset?)e.At).FirstOrDefault();
        }
    }

    /// <summary>
    /// Checks a change of a case against its policy's rules before it is saved: a planned public date (or agreed
    /// release day) against the release weekdays, hour, first and last day and the distributors' lead time; a release
    /// before a notice the policy requires; a final notice outside its window. A change that breaks a rule is refused
    /// with every broken rule named, unless forced; a forced change records each broken rule on the timeline as a
    /// policy exception. An issue that is already public (under an as-soon-as-possible policy) and a date that follows
    /// an upstream's timeline are not held to the release rules.
    /// </summary>
    internal static class PolicyGuard
    {
        /// <summary>The rules a public date / release time breaks for this case.</summary>
        public static List<PolicyBreach> CheckPublicDate(VulnerabilityCase c, DisclosurePolicy policy, DateTimeOffset date, DateTimeOffset now)
        {
            var breaches = new List<PolicyBreach>();
            if (c.PubliclyDisclosed && policy.PublicDisclosure?.Asap == true)
            {
                return breaches;
            }

            DateTime utc = date.UtcDateTime;
            string at = DateTimeOffsetConverter.Format(date);
            ReleaseRules rel = policy.Release;
            bool expedited = CaseSeverity.IsExpedited(c, policy);
            bool relaxed = CaseSeverity.IsLow(c, policy) && policy.LowSeverity.Relaxes.Contains("release");
            if (rel != null && rel.Weekdays.Count > 0 && !expedited &&
                !rel.Weekdays.Any(w => string.Equals(w, utc.DayOfWeek.ToString(), StringComparison.OrdinalIgnoreCase)))
            {
                breaches.Add(new PolicyBreach("release.weekdays",
                    $"{at} is a {utc.DayOfWeek}; the {policy.Name} policy releases on {string.Join("/", rel.Weekdays)} only."));
            }

            if (rel?.HourUtc != null && (utc.Hour != rel.HourUtc.Value || utc.Minute != 0 || utc.Second != 0))
            {
                breaches.Add(new PolicyBreach("release.hourUtc",
                    $"{at} is not {rel.HourUtc.Value:00}:00 UTC, the {policy.Name} policy's release time."));
            }

            if (rel?.MinDays != null && !expedited && date < c.ReceivedAt.AddDays(rel.MinDays.Value))
            {
                breaches.Add(new PolicyBreach("release.minDays",
                    $"{at} is sooner than {rel.MinDays} day(s) after the report ({DateTimeOffsetConverter.Format(c.ReceivedAt.AddDays(rel.MinDays.Value))})."));
            }

            if (rel?.MaxDays != null && !relaxed && date > c.ReceivedAt.AddDays(rel.MaxDays.Value))
            {
                breaches.Add(new PolicyBreach("release.maxDays",
                    $"{at} is past the release deadline, {rel.MaxDays} days after the report ({DateTimeOffsetConverter.Format(c.ReceivedAt.AddDays(rel.MaxDays.Value))})."));
            }

            DistributorRules d = policy.Distributors;
            if (d != null && d.NoticeDaysBeforePublic > 0)
            {
                DateTimeOffset? notified = c.FirstReached(CaseStatus.DistributorsNotified);
                DateTimeOffset earliest = (notified ?? now).AddDays(d.NoticeDaysBeforePublic);
                if (date < earliest)
                {
                    breaches.Add(new PolicyBreach("distributors.noticeDaysBeforePublic", notified == null
                        ? $"{at} leaves the distributors, not told yet, less than {d.NoticeDaysBeforePublic} days' notice (the earliest date a notice sent now allows is {DateTimeOffsetConverter.Format(earliest)})."
                        : $"{at} is less than {d.NoticeDaysBeforePublic} days after the distributors' notice of {DateTimeOffsetConverter.Format(notified.Value)} (earliest {DateTimeOffsetConverter.Format(earliest)})."));
                }
            }

            if (d != null && d.FinalNoticeHoursBeforeRelease > 0 && c.FirstEvent("distributors-reminded") == null && date < now.AddHours(d.FinalNoticeHoursBeforeRelease))
            {
                breaches.Add(new PolicyBreach("distributors.finalNoticeHoursBeforeRelease",
                    $"{at} is less than {d.FinalNoticeHoursBeforeRelease} h away, so the distributors' final notice cannot go out {d.FinalNoticeHoursBeforeRelease} h before it."));
            }

            return breaches;
        }

        /// <summary>The notices a release now would skip: the distributors' notice and the final notice inside its window.</summary>
        public static List<PolicyBreach> CheckRelease(VulnerabilityCase c, DisclosurePolicy policy, DateTimeOffset now, bool haveDistributors)
        {
            var breaches = new List<PolicyBreach>();
            DistributorRules d = policy.Distributors;
            if (d == null || !haveDistributors || (c.PubliclyDisclosed && policy.PublicDisclosure?.Asap == true))
            {
                return breaches;
            }

            if (c.FirstReached(CaseStatus.DistributorsNotified) == null)
            {
                breaches.Add(new PolicyBreach("distributors.noticeDaysBeforePublic",
                    $"the {policy.Name} policy tells the distributors list before the release{(d.NoticeDaysBeforePublic > 0 ? $" ({d.NoticeDaysBeforePublic} days ahead)" : string.Empty)}, and {c.Id} was never notified (Send-EmbargoNotice)."));
            }
            else if (d.FinalNoticeHoursBeforeRelease > 0 && FinalNoticeWindow.MetAt(c, policy, now) == null)
            {
                breaches.Add(new PolicyBreach("distributors.finalNoticeHoursBeforeRelease",
                    $"the {policy.Name} policy tells the distributors again {d.FinalNoticeHoursBeforeRelease} h before the release, and no final notice went out in that window (Send-EmbargoNotice -Kind Advance24h)."));
            }

            return breaches;
        }

        /// <summary>A final notice sent now: refused outside the window before the release.</summary>
        public static List<PolicyBreach> CheckFinalNotice(VulnerabilityCase c, DisclosurePolicy policy, DateTimeOffset now)
        {
            var breaches = new List<PolicyBreach>();
            DateTimeOffset? release = FinalNoticeWindow.ReleaseOf(c);
            var window = FinalNoticeWindow.For(policy, release);
            if (policy.Distributors == null || policy.Distributors.FinalNoticeHoursBeforeRelease <= 0)
            {
                return breaches;
            }

            int hours = policy.Distributors.FinalNoticeHoursBeforeRelease;
            if (window == null)
            {
                breaches.Add(new PolicyBreach("distributors.finalNoticeHoursBeforeRelease",
                    $"{c.Id} has no planned public date or release day, so there is no release for the {hours} h notice to count to."));
            }
            else if (now < window.Value.Opens)
            {
                breaches.Add(new PolicyBreach("distributors.finalNoticeHoursBeforeRelease",
                    $"the final notice goes out {hours} h before the release of {DateTimeOffsetConverter.Format(release.Value)}: its window opens {DateTimeOffsetConverter.Format(window.Value.Opens)}, and it is {DateTimeOffsetConverter.Format(now)}, {(window.Value.Opens - now).TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h early."));
            }
            else if (now > window.Value.Closes)
            {
                breaches.Add(new PolicyBreach("distributors.finalNoticeHoursBeforeRelease",
                    $"the release time {DateTimeOffsetConverter.Format(release.Value)} has passed; a final notice now comes after it."));
            }

            return breaches;
        }

        /// <summary>
        /// The fixing release against release.fixVersion, counted from the newest exact version the case lists as
        /// affected: next-patch (a later patch of that minor line, 0.8.0 -> 0.8.1), next-release (any later release),
        /// patch-or-next-release (a later patch, or the next minor or major release: 0.8.1 or 0.9.0). Nothing to check
        /// without a rule or without an exact affected version.
        /// </summary>
        public static List<PolicyBreach> CheckFixVersion(VulnerabilityCase c, DisclosurePolicy policy, string fixedIn)
        {
            var breaches = new List<PolicyBreach>();
            string rule = policy.Release?.FixVersion;
            ReleaseTag fix = ReleaseTag.Parse(fixedIn);
            ReleaseTag current = c.AffectedVersions.Select(ReleaseTag.Parse).Where(t => t != null && !t.IsPreRelease)
                .OrderByDescending(t => t.Major).ThenByDescending(t => t.Minor).ThenByDescending(t => t.Patch).FirstOrDefault();
            if (rule == null || fix == null || current == null)
            {
                return breaches;
            }

            int order = Compare(fix, current);
            bool laterPatch = fix.Major == current.Major && fix.Minor == current.Minor && fix.Patch > current.Patch;
            bool nextRelease = (fix.Major == current.Major && fix.Minor == current.Minor + 1 && fix.Patch == 0) || (fix.Major == current.Major + 1 && fix.Minor == 0 && fix.Patch == 0);
            string nextPatch = $"{current.Prefix}{current.Major}.{current.Minor}.{current.Patch + 1}";
            string nextMinor = $"{current.Prefix}{current.Major}.{current.Minor + 1}.0";
            string problem = null;
            switch (rule)
            {
                case "next-patch":
                    problem = laterPatch ? null : $"the fix ships as a patch release of the affected line {current.Major}.{current.Minor} (such as {nextPatch}), not {fixedIn}.";
                    break;
                case "next-release":
                    problem = order > 0 ? null : $"the fix ships in a release after the newest affected one ({current.Tag}), and {fixedIn} is not later.";
                    break;
                case "patch-or-next-release":
                    problem = laterPatch || nextRelease ? null : $"the fix ships as a point release of {current.Major}.{current.Minor} (such as {nextPatch}) or in the next release ({nextMinor}), not {fixedIn}.";
                    break;
            }

            if (problem != null)
            {
                breaches.Add(new PolicyBreach("release.fixVersion", problem));
            }

            return breaches;
        }

        private static int Compare(ReleaseTag a, ReleaseTag b) =>
            a.Major != b.Major ? a.Major.CompareTo(b.Major) : a.Minor != b.Minor ? a.Minor.CompareTo(b.Minor) : a.Patch.CompareTo(b.Patch);

        /// <summary>
        /// Refuses the breaches (one error naming every rule), or with <paramref name="force"/> returns the
        /// policy-exception events that record them.
        /// </summary>
        public static IEnumerable<CaseEvent> Enforce(VulnerabilityCase c, DisclosurePolicy policy, IReadOnlyList<PolicyBreach> breaches, string errorId, object target,
            string what, bool force, string actor, DateTimeOffset now)
        {
            if (breaches.Count == 0)
            {
                return Enumerable.Empty<CaseEvent>();
            }

            if (!force)
            {
                throw new SecurityOpsException(errorId, FailureKind.InvalidArgument, target,
                    $"{c.Id}: {what} breaks the {policy.Name} policy: {string.Join(" ", breaches.Select(b => b.ToString()))} Nothing was changed. Fix it, or pass -Force to go ahead and record each rule as a policy exception on the timeline.");
            }

            return breaches.Select(b => new CaseEvent
            {
                At = now, Actor = actor, Kind = "policy-exception",
                What = $"Policy exception ({b.Rule}), accepted with -Force: {what}: {b.Message}",
            }).ToList();
        }
    }
}
