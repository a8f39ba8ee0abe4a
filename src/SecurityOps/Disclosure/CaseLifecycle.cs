using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>What Set-VulnerabilityReport records of the case's later life; null fields stay as they are.</summary>
    internal sealed class CaseLifecycleChange
    {
        public bool FixReady { get; set; }

        public DateTimeOffset? ReleaseDate { get; set; }

        public UpstreamTimeline Upstream { get; set; }

        public bool PrivateHandlingRequested { get; set; }

        public string ReporterAnswer { get; set; }


        public bool IsEmpty => !FixReady && ReleaseDate == null && Upstream == null && !PrivateHandlingRequested && ReporterAnswer == null;
    }

    /// <summary>
    /// The fix-ready to release-day steps and the two ways a case's dates move from outside: an upstream's timeline
    /// (the planned public date follows it; each upstream change is a dated event) and a reporter who goes public
    /// early (the request to keep it private and their answer are recorded; -PubliclyDisclosed then switches every open
    /// clock to the policy's public-disclosure rule). Applies to a copy, or throws and changes nothing.
    /// </summary>
    internal static class CaseLifecycle
    {
        public static VulnerabilityCase Apply(VulnerabilityCase original, CaseLifecycleChange change, DisclosurePolicy policy, string actor, DateTimeOffset now)
        {
            VulnerabilityCase c = CaseStore.Clone(original);
            if (change == null || change.IsEmpty)
            {
                return c;
            }

            if (c.IsClosed)
            {
                throw new SecurityOpsException("InvalidCaseTransition", FailureKind.InvalidOperation, c.Id, $"{c.Id} is '{c.Status}': a closed case only takes notes.");
            }

            var events = new List<CaseEvent>();
            void Add(string kind, string what) => events.Add(new CaseEvent { At = now, Actor = actor, Kind = kind, What = what });

            if (change.FixReady && c.FixReadyAt == null)
            {
                if (c.Status != CaseStatus.Fixing && c.Status != CaseStatus.DistributorsNotified)
                {
                    throw new SecurityOpsException("InvalidCaseTransition", FailureKind.InvalidOperation, c.Id,
                        $"{c.Id} is '{c.Status}': the fix is ready only while it is being fixed (status fixing or distributors-notified).");
                }

                c.FixReadyAt = now;
                Add("fix-ready", "The fix team says the fix is ready." + (c.ReleaseDate == null ? " Next: agree the release day (-ReleaseDate)." : string.Empty));
            }

            if (change.Upstream != null)
            {
                ApplyUpstream(c, change.Upstream, now, Add);
            }

            if (change.ReleaseDate != null)
            {
                DateTimeOffset day = change.ReleaseDate.Value.ToUniversalTime();
                if (day <= now)
                {
                    throw new SecurityOpsException("InvalidReleaseDate", FailureKind.InvalidArgument, change.ReleaseDate,
                        $"{c.Id}: the release day {DateTimeOffsetConverter.Format(day)} is not in the future.");
                }

                if (c.Upstream?.PlannedDate != null && day < c.Upstream.PlannedDate.Value)
                {
                    throw new SecurityOpsException("ReleaseDateBeforeUpstream", FailureKind.InvalidArgument, change.ReleaseDate,
                        $"{c.Id} follows {c.Upstream.Project}'s timeline: the release day {DateTimeOffsetConverter.Format(day)} is before its public date {DateTimeOffsetConverter.Format(c.Upstream.PlannedDate.Value)}.");
                }

                if (day != c.ReleaseDate)
                {
                    string was = c.ReleaseDate == null ? string.Empty : $" (was {DateTimeOffsetConverter.Format(c.ReleaseDate.Value)})";
                    c.ReleaseDate = day;
                    Add("release-day", $"Release day agreed: {DateTimeOffsetConverter.Format(day)}{was}.");
                    MovePublicDate(c, day, "the agreed release day", Add);
                }
            }

            if (change.PrivateHandlingRequested && c.PrivateHandlingRequestedAt == null)
            {
                c.PrivateHandlingRequestedAt = now;
                Add("private-handling-requested", "Asked the reporter whether the issue can be handled privately until the fix is released.");
            }

            if (change.ReporterAnswer != null)
            {
                string answer = change.ReporterAnswer.Trim();
                if (answer.Length == 0)
                {
                    throw new SecurityOpsException("InvalidReporterAnswer", FailureKind.InvalidArgument, c.Id, "-ReporterAnswer is empty.");
                }

                c.ReporterAnswer = answer;
                Add("reporter-answer", "The reporter answered: " + answer + (c.PubliclyDisclosed ? string.Empty : " (if the issue goes public, -PubliclyDisclosed switches the clocks to the policy's public-disclosure rule)."));
            }

            c.Timeline.AddRange(events);
            return c;
        }

        private static void ApplyUpstream(VulnerabilityCase c, UpstreamTimeline upstream, DateTimeOffset now, Action<string, string> add)
        {
            if (string.IsNullOrWhiteSpace(upstream.Project))
            {
                throw new SecurityOpsException("InvalidUpstreamTimeline", FailureKind.InvalidArgument, "-UpstreamTimeline", $"{c.Id}: the upstream timeline needs the upstream project's name (Project).");
            }

            if (upstream.Link != null && (!Uri.TryCreate(upstream.Link, UriKind.Absolute, out Uri link) || (link.Scheme != Uri.UriSchemeHttps && link.Scheme != Uri.UriSchemeHttp)))
            {
                throw new SecurityOpsException("InvalidUpstreamTimeline", FailureKind.InvalidArgument, upstream.Link, $"{c.Id}: the upstream link '{upstream.Link}' is not an http(s) link.");
            }

            DateTimeOffset? date = upstream.PlannedDate?.ToUniversalTime();
            if (date != null && date <= c.ReceivedAt)
            {
                throw new SecurityOpsException("InvalidUpstreamTimeline", FailureKind.InvalidArgument, upstream.PlannedDate, $"{c.Id}: the upstream's public date is not after the report.");
            }

            UpstreamTimeline before = c.Upstream;
            var next = new UpstreamTimeline { Project = upstream.Project.Trim(), Link = upstream.Link?.Trim() ?? before?.Link, PlannedDate = date ?? before?.PlannedDate };
            if (before != null && before.Project == next.Project && before.Link == next.Link && before.PlannedDate == next.PlannedDate)
            {
                return;
            }

            c.Upstream = next;
            if (before == null || before.Project != next.Project)
            {
                add("upstream-timeline", $"The case follows {next.Project}'s disclosure timeline{(next.Link != null ? $" ({next.Link})" : string.Empty)}{(next.PlannedDate != null ? $"; its public date is {DateTimeOffsetConverter.Format(next.PlannedDate.Value)}" : string.Empty)}.");
            }
            else
            {
                add("upstream-changed", $"{next.Project} changed its timeline: public date {(next.PlannedDate != null ? DateTimeOffsetConverter.Format(next.PlannedDate.Value) : "not set")} (was {(before.PlannedDate != null ? DateTimeOffsetConverter.Format(before.PlannedDate.Value) : "not set")}).");
            }

            if (next.PlannedDate != null)
            {
                MovePublicDate(c, next.PlannedDate.Value, $"{next.Project}'s public date", add);
            }
        }

        private static void MovePublicDate(VulnerabilityCase c, DateTimeOffset date, string why, Action<string, string> add)
        {
            if (c.PlannedPublicDate == date)
            {
                return;
            }

            string was = c.PlannedPublicDate == null ? string.Empty : $" (was {DateTimeOffsetConverter.Format(c.PlannedPublicDate.Value)})";
            c.PlannedPublicDate = date;
            add("public-date", $"Planned public date {DateTimeOffsetConverter.Format(date)}{was}, following {why}.");
        }
    }
}
