using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Embargo
{
    /// <summary>
    /// Leaks (OCI: report exactly what leaked and to whom, hold a retrospective, remove repeat offenders; KubeEdge: and
    /// the steps taken to prevent a repeat): recorded on the case and on the member's offenses, with the retrospective
    /// draft written to the private state, the leak report for the on-duty Primary, and, at the policy's threshold,
    /// the member flagged for removal with the removal notice rendered.
    /// </summary>
    internal sealed class LeakService
    {
        private readonly StateRepository files;
        private readonly DistributorStore distributors;
        private readonly TemplateRenderer templates;
        private readonly SecurityConfig config;

        public LeakService(StateRepository files, DistributorStore distributors, TemplateRenderer templates, SecurityConfig config)
        {
            this.files = files;
            this.distributors = distributors;
            this.templates = templates;
            this.config = config;
        }

        /// <summary>Records on the leak and the case's timeline where the leak report was delivered (and where it failed).</summary>
        public static VulnerabilityCase RecordDelivery(VulnerabilityCase original, EmbargoLeakResult result, string actor, DateTimeOffset now)
        {
            VulnerabilityCase c = CaseStore.Clone(original);
            EmbargoLeak leak = c.Leaks.First(l => l.Number == result.LeakNumber);
            leak.ReportDelivered.AddRange(result.Delivered);
            leak.ReportFailed.AddRange(result.Failed);
            c.Timeline.Add(new CaseEvent
            {
                At = now, Actor = actor, Kind = "leak-report", Member = result.MemberId,
                What = $"Leak report #{result.LeakNumber} for the on-duty Primary {result.Primary ?? "(unknown)"}: " +
                       (result.Delivered.Count > 0 ? "delivered to " + string.Join(", ", result.Delivered) : "delivered nowhere") +
                       (result.Failed.Count > 0 ? "; failed on " + string.Join(", ", result.Failed) : string.Empty) + ".",
            });
            return c;
        }

        public static int Threshold(DisclosurePolicy policy) =>
            policy?.Embargo == null || policy.Embargo.RemoveRepeatOffenders ? Math.Max(1, policy?.Embargo?.RemovalAfterOffenses ?? 2) : 0;

        /// <summary>Renders everything first (a missing value fails before anything is written), then writes case, list and draft.</summary>
        public (VulnerabilityCase Case, EmbargoLeakResult Result) Register(VulnerabilityCase original, DisclosurePolicy policy, string memberId, string what, string toWhom,
            DateTimeOffset when, string prevention, string primary, string secondary, string actor, DateTimeOffset now)
        {
            DistributorMember member = distributors.Get(memberId);
            if (when > now)
            {
                throw new SecurityOpsException("InvalidEventTime", FailureKind.InvalidArgument, when, $"The leak's time {DateTimeOffsetConverter.Format(when)} is in the future.");
            }

            // embargo.leakReportRequired (OCI, KubeEdge): the one who leaked reports exactly what, to whom, and how it will
            // not happen again; a report missing a part is refused, naming every missing part.
            var missing = new List<string>();
            if (policy?.Embargo?.LeakReportRequired == true)
            {
                if (string.IsNullOrWhiteSpace(toWhom))
                {
                    missing.Add("-ToWhom (to whom it leaked)");
                }

                if (string.IsNullOrWhiteSpace(prevention))
                {
                    missing.Add("-Prevention (the steps that keep it from happening again)");
                }
            }

            if (missing.Count > 0)
            {
                throw new SecurityOpsException("LeakReportIncomplete", FailureKind.InvalidArgument, original.Id,
                    $"{original.Id}: the {policy.Name} policy requires a full leak report (embargo.leakReportRequired); missing: {string.Join(", ", missing)}. Nothing was recorded.");
            }

            VulnerabilityCase c = CaseStore.Clone(original);
            int number = c.Leaks.Count + 1;
            // embargo.retrospectiveAfterLeak (OCI): a leak is followed by a retrospective, drafted in the private state.
            bool holdRetrospective = policy?.Embargo?.RetrospectiveAfterLeak == true;
            string retrospective = holdRetrospective ? $"retrospectives/{c.Id}-leak-{number}.md" : null;
            int offenses = member.OffenseCount + 1;
            int threshold = Threshold(policy);
            bool flag = threshold > 0 && offenses >= threshold;
            var leak = new EmbargoLeak
            {
                Number = number, MemberId = member.Id, What = what.Trim(), ToWhom = toWhom?.Trim(), When = when.ToUniversalTime(),
                Prevention = prevention?.Trim(), RecordedAt = now, Retrospective = retrospective,
            };

            var membership = new MembershipService(distributors, templates, config);
            Dictionary<string, object> model = membership.Model(member);
            model["case"] = CaseMessageModel.For(c);
            model["leak"] = new Dictionary<string, object>
            {
                ["number"] = number.ToString(CultureInfo.InvariantCulture),
                ["what"] = leak.What,
                ["toWhom"] = leak.ToWhom,
                ["when"] = CaseMessageModel.FormatTime(leak.When),
                ["recordedAt"] = CaseMessageModel.FormatTime(now),
                ["prevention"] = leak.Prevention,
                ["retrospective"] = retrospective,
                ["hasRetrospective"] = holdRetrospective,
                ["hasToWhom"] = !string.IsNullOrWhiteSpace(leak.ToWhom),
                ["hasPrevention"] = !string.IsNullOrWhiteSpace(leak.Prevention),
                ["offenses"] = offenses.ToString(CultureInfo.InvariantCulture),
                ["threshold"] = threshold == 0 ? "none" : threshold.ToString(CultureInfo.InvariantCulture),
                ["flagged"] = flag,
            };
            model["oncall"] = new Dictionary<string, object> { ["primary"] = primary ?? "On-duty Primary", ["secondary"] = secondary };
            RenderedMessage report = templates.Render("leak-report", model, primary);
            RenderedMessage draft = holdRetrospective ? templates.Render("leak-retrospective", model) : null;
            RenderedMessage removal = null;
            string reason = $"Repeated embargo leaks ({offenses}; the latest on {c.Id}).";
            if (flag)
            {
                Dictionary<string, object> removalModel = membership.Model(member);
                removalModel["removal"] = new Dictionary<string, object> { ["reason"] = reason, ["date"] = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
                removal = templates.Render("removal", removalModel, member.SecurityAlias);
            }

            c.Leaks.Add(leak);
            c.Timeline.Add(new CaseEvent
            {
                At = now, Actor = actor, Kind = "leak", Member = member.Id,
                What = $"Embargo leak #{number} by {member.Id} at {DateTimeOffsetConverter.Format(leak.When)}: {leak.What}" +
                       (leak.ToWhom != null ? $" (to {leak.ToWhom})" : string.Empty) +
                       (holdRetrospective ? $". Retrospective draft {retrospective}." : ". No retrospective: the policy does not ask for one after a leak.") +
                       (flag ? $" {member.Id} reached {offenses} offense(s): flagged for removal." : string.Empty),
            });

            distributors.Update(list =>
            {
                DistributorMember m = list.Members.First(x => string.Equals(x.Id, member.Id, StringComparison.OrdinalIgnoreCase));
                m.Offenses.Add(new MemberOffense { At = leak.When, What = "Embargo leak: " + leak.What, CaseId = c.Id, Note = leak.Prevention });
                if (flag)
                {
                    m.FlaggedForRemoval = true;
                    m.RemovalReason = reason;
                }

                return m;
            });
            if (holdRetrospective && !files.Exists(retrospective))
            {
                files.WriteTextAtomic(retrospective, draft.Body);
            }

            return (c, new EmbargoLeakResult
            {
                CaseId = c.Id, MemberId = member.Id, LeakNumber = number, Offenses = offenses, Threshold = threshold, FlaggedForRemoval = flag,
                Retrospective = retrospective, Primary = primary, Secondary = secondary, Report = report, RemovalNotice = removal,
            });
        }
    }
}
