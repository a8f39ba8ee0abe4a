using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Publishing
{
    /// <summary>The public retrospective a case may post, decided before anything is posted.</summary>
    internal sealed class RetrospectivePlan
    {
        public VulnerabilityCase Case { get; set; }

        /// <summary>The policy does not publish retrospectives and -Force posts anyway: recorded with the posting.</summary>
        public string PolicyException { get; set; }

        public RenderedMessage Message { get; set; }
    }

    /// <summary>
    /// Publish-SecurityRetrospective's walk (plan, approve each channel, post, record): where the policy says so
    /// (retrospective.publish; Stacklok), the public sections of a finished retrospective go to the announcement
    /// channels, after the case's public date only (the public gate, asked before anything else is looked at). Refused
    /// while the retrospective is not marked done, when the policy does not publish retrospectives (unless forced, which
    /// the case records), and when its public text names people (<see cref="PublicRetrospective.NamedPeople"/>).
    /// </summary>
    internal sealed class RetrospectivePublisher
    {
        private readonly CaseStore cases;
        private readonly SecurityConfig config;
        private readonly AnnouncementService announcements;
        private readonly TimeProvider clock;

        /// <param name="clock">Null: the module's clock, read at each use.</param>
        public RetrospectivePublisher(CaseStore cases, SecurityConfig config, TemplateRenderer templates, TimeProvider clock = null)
        {
            this.cases = cases ?? throw new ArgumentNullException(nameof(cases));
            this.config = config ?? new SecurityConfig();
            this.clock = clock;
            announcements = new AnnouncementService(this.config, templates, cases, clock);
        }

        private DateTimeOffset Now => clock?.GetUtcNow() ?? ModuleContext.UtcNow;

        /// <summary>The walk, under the state lock: <see cref="Plan"/>, then each chosen channel approved, posted and recorded on the case.</summary>
        public PostingWalk Publish(string caseId, bool force, PostingRequest request)
        {
            string id = VulnerabilityCase.NormalizeId(caseId) ?? throw CaseStore.InvalidId(caseId);
            using (cases.Files.AcquireLock())
            {
                RetrospectivePlan plan = Plan(cases.GetRequired(id), request.Policy, force, request.Events ?? NullEventSink.Instance);
                return announcements.PostAndRecord(plan.Case, plan.Message, PostingKind.Retrospective,
                    plan.PolicyException == null ? null : " (" + plan.PolicyException + ")", request);
            }
        }

        /// <summary>
        /// What may be posted, in the order the rules are asked: the gate, done, the policy (or force), the file, no one
        /// named without consent; then the message from the public sections, the milestones and the case's public fields.
        /// Throws the rule's error (EmbargoActive, RetrospectiveNotDone, RetrospectiveNotPublic, RetrospectiveNotFound,
        /// RetrospectiveNamesPeople); writes nothing.
        /// </summary>
        public RetrospectivePlan Plan(VulnerabilityCase c, Func<VulnerabilityCase, DisclosurePolicy> policyFor, bool force, IEventSink events)
        {
            DateTimeOffset now = Now;
            string id = c.Id;

            // The one gate first: before the public date nothing about the case is looked at further.
            PublicGate.EnsurePublic(c, now, AnnouncementService.RetrospectiveAction);
            string relative = RetrospectiveBuilder.RelativePathFor(id);
            if (c.Status != CaseStatus.RetrospectiveDone)
            {
                throw new SecurityOpsException("RetrospectiveNotDone", FailureKind.InvalidOperation, id,
                    $"{id}'s retrospective is not marked done (the case is {c.Status}): hold it, then run Complete-SecurityRetrospective -Id {id}.");
            }

            DisclosurePolicy policy = policyFor?.Invoke(c);
            var plan = new RetrospectivePlan { Case = c };
            if (policy?.Retrospective?.Publish != true)
            {
                if (!force)
                {
                    throw new SecurityOpsException("RetrospectiveNotPublic", FailureKind.InvalidOperation, id,
                        $"{id} is handled under the policy '{policy?.Name ?? c.Policy}', which keeps retrospectives private (retrospective.publish is not true). Use -Force to post it anyway.");
                }

                plan.PolicyException = $"-Force: the policy '{policy?.Name ?? c.Policy}' does not publish retrospectives";
                events.Warning($"The policy '{policy?.Name ?? c.Policy}' does not publish retrospectives: posting {id}'s anyway (-Force); the case records the exception.");
            }

            string text = cases.Files.ReadText(relative);
            if (text == null)
            {
                throw new SecurityOpsException("RetrospectiveNotFound", FailureKind.ObjectNotFound, relative,
                    $"{id} has no retrospective ({relative}); run New-SecurityRetrospective -Id {id} first.");
            }

            Dictionary<string, string> sections = PublicRetrospective.Sections(text);
            bool namesPeople = policy?.Retrospective?.NamesPeople == true;
            List<string> named = PublicRetrospective.NamedPeople(sections, c, config.Project?.SecurityContact, namesPeople);
            if (named.Count > 0)
            {
                throw new SecurityOpsException("RetrospectiveNamesPeople", FailureKind.InvalidData, relative,
                    $"The public sections of {relative} name {string.Join(", ", named)}: a public retrospective is blameless and names only the credited{(namesPeople ? " and those who agreed to be named (Set-VulnerabilityReport -NamingConsent)" : string.Empty)}. Reword them in the file.");
            }

            if (sections.Count == 0)
            {
                events.Warning($"{relative} has nothing written under {string.Join(", ", PublicRetrospective.PublicSections.Select(x => "'## " + x + "'"))}: only the case's facts and milestones are posted.");
            }

            TimeSpan dueSoon = TimeSpan.FromHours(Math.Max(0, config.Disclosure?.DueSoonHours ?? 24));
            var milestones = TimelineCalculator.Compute(c, policy, now, dueSoon);
            plan.Message = announcements.RenderRetrospective(c, PublicRetrospective.Model(c, milestones, sections, now, namesPeople), now);
            events.Verbose($"{id}: the public retrospective takes {(sections.Count == 0 ? "no written section" : string.Join(", ", sections.Keys))} from {relative}, the milestones and links from the case; the people, the private timeline and other sections stay private.");
            return plan;
        }
    }
}
