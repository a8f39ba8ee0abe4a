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
    /// <summary>Who gets which notice, decided before anything is sent.</summary>
    internal sealed class EmbargoNoticePlan
    {
        public VulnerabilityCase Case { get; set; }

        public string Kind { get; set; }

        public int Revision { get; set; }

        public DateTimeOffset PublicDate { get; set; }

        public bool Resend { get; set; }

        /// <summary>Set when the notices go later than the policy allows (with -Force): recorded as a policy exception.</summary>
        public string PolicyException { get; set; }

        public List<(DistributorMember Member, RenderedMessage Message)> ToSend { get; } = new List<(DistributorMember, RenderedMessage)>();

        /// <summary>Members left out, with why (already have this revision, not told yet...).</summary>
        public List<EmbargoNoticeResult> Skipped { get; } = new List<EmbargoNoticeResult>();
    }

    /// <summary>
    /// Embargo notices to the distributors list: the policy (lead time, too late, no public date), which revision of
    /// the public date each member has, rendering per member, recording every sending on the case, and the sending walk
    /// itself with its crash safety (<see cref="Send"/>: journal before the next message, recovery after a killed run).
    /// </summary>
    internal sealed class EmbargoNoticeService
    {
        /// <summary>The lead time when the case's policy has no distributors section.</summary>
        public const int DefaultLeadDays = 7;

        private readonly DistributorStore distributors;
        private readonly TemplateRenderer templates;
        private readonly SecurityConfig config;
        private readonly CaseStore cases;
        private readonly TimeProvider clock;

        /// <param name="cases">The case store <see cref="Send"/> reads and writes (null: planning and recording only).</param>
        public EmbargoNoticeService(DistributorStore distributors, TemplateRenderer templates, SecurityConfig config, CaseStore cases = null, TimeProvider clock = null)
        {
            this.distributors = distributors;
            this.templates = templates;
            this.config = config ?? new SecurityConfig();
            this.cases = cases;
            this.clock = clock ?? ModuleContext.Time;
        }

        public static int LeadDays(DisclosurePolicy policy) => policy?.Distributors?.NoticeDaysBeforePublic ?? DefaultLeadDays;

        /// <summary>The latest revision a member was sent (initial or revised notices); 0 when never told.</summary>
        public static int RevisionOf(VulnerabilityCase c, string memberId) =>
            c.Notices.Where(n => n.Status == "Sent" && Same(n.MemberId, memberId) && n.Kind != EmbargoNoticeKind.Advance24h)
                .Select(n => n.Revision).DefaultIfEmpty(0).Max();

        /// <summary>Members told an older public date than the current one: a revised notice is due to them.</summary>
        public static List<string> RevisedDue(VulnerabilityCase c, IEnumerable<DistributorMember> members)
        {
            int revision = c.PublicDateRevision;
            return members.Where(m => m.IsActive)
                .Where(m => { int r = RevisionOf(c, m.Id); return r > 0 && r < revision; })
                .Select(m => m.Id).ToList();
        }

        public EmbargoNoticePlan Plan(VulnerabilityCase c, DisclosurePolicy policy, string kind, bool force, bool resend, DateTimeOffset now)
        {
            kind = EmbargoNoticeKind.All.FirstOrDefault(k => string.Equals(k, kind ?? EmbargoNoticeKind.Initial, StringComparison.OrdinalIgnoreCase))
                ?? throw new SecurityOpsException("EmbargoNoticeKindInvalid", FailureKind.InvalidArgument, kind, $"'{kind}' is not a notice kind ({string.Join(", ", EmbargoNoticeKind.All)}).");
            if (c.Status == CaseStatus.Rejected || c.IsClosed)
            {
                throw new SecurityOpsException("EmbargoNoticeCaseClosed", FailureKind.InvalidOperation, c.Id, $"{c.Id} is '{c.Status}': no notice goes out for it.");
            }

            EnsureFields(c, kind);

            DateTimeOffset publicDate = c.PlannedPublicDate ?? throw new InvalidOperationException("EnsureFields lets no case without a public date through.");
            if (now >= publicDate)
            {
                throw new SecurityOpsException("EmbargoNoticeTooLate", FailureKind.InvalidOperation, c.Id,
                    $"{c.Id}'s public date {DateTimeOffsetConverter.Format(publicDate)} has passed: an embargo notice now would embargo nothing. Nothing was sent.");
            }

            var plan = new EmbargoNoticePlan { Case = c, Kind = kind, Revision = c.PublicDateRevision, PublicDate = publicDate, Resend = resend };
            List<DistributorMember> active = distributors.Load().Members.Where(m => m.IsActive).ToList();
            var targets = new List<DistributorMember>();
            foreach (DistributorMember m in active)
            {
                int has = RevisionOf(c, m.Id);
                string skip = null;
                switch (kind)
                {
                    case EmbargoNoticeKind.Initial:
                        skip = resend ? null
                            : has == plan.Revision ? $"already has revision {has} (-Resend sends it again)"
                            : has > 0 ? $"has revision {has}: a revised notice is due (-Kind Revised)"
                            : null;
                        break;
                    case EmbargoNoticeKind.Revised:
                        skip = has == 0 ? "was never told: send the initial notice (-Kind Initial)"
                            : resend ? null
                            : has >= plan.Revision ? $"already has revision {has} (-Resend sends it again)"
                            : null;
                        break;
                    case EmbargoNoticeKind.Advance24h:
                        bool hasAdvance = c.Notices.Any(n => n.Status == "Sent" && Same(n.MemberId, m.Id) && n.Kind == EmbargoNoticeKind.Advance24h && n.Revision == plan.Revision);
                        skip = has == 0 ? "was never told: send the initial notice (-Kind Initial) first"
                            : has < plan.Revision ? $"has revision {has}: send the revised notice (-Kind Revised) first"
                            : hasAdvance && !resend ? "already has the 24-hour notice for this date (-Resend sends it again)"
                            : null;
                        break;
                }

                if (skip != null)
                {
                    plan.Skipped.Add(new EmbargoNoticeResult
                    {
                        CaseId = c.Id, MemberId = m.Id, Recipient = m.SecurityAlias, Kind = kind, Revision = plan.Revision, PublicDate = publicDate,
                        Status = "Skipped", Error = $"{m.Id} {skip}.",
                    });
                }
                else
                {
                    targets.Add(m);
                }
            }

            if (kind == EmbargoNoticeKind.Advance24h && targets.Count > 0 && policy != null)
            {
                List<PolicyBreach> outside = PolicyGuard.CheckFinalNotice(c, policy, now);
                if (outside.Count > 0)
                {
                    if (!force)
                    {
                        throw new SecurityOpsException("FinalNoticeOutsideWindow", FailureKind.InvalidOperation, c.Id,
                            $"{c.Id}: {string.Join(" ", outside)} Nothing was sent. -Force sends anyway and records a policy exception on the case (the milestone is met only by a notice inside the window).");
                    }

                    plan.PolicyException = "Final embargo notice sent outside its window with -Force: " + string.Join(" ", outside);
                }
            }

            int leadDays = LeadDays(policy);
            DateTimeOffset noticeBy = publicDate.AddDays(-leadDays);
            if (kind == EmbargoNoticeKind.Initial && targets.Count > 0 && now > noticeBy)
            {
                string late = $"the initial notice is due at least {leadDays} day(s) before the public date {DateTimeOffsetConverter.Format(publicDate)} (by {DateTimeOffsetConverter.Format(noticeBy)}; policy {policy?.Name ?? "default"})";
                if (!force)
                {
                    throw new SecurityOpsException("EmbargoNoticeLeadTimeTooShort", FailureKind.InvalidOperation, c.Id,
                        $"{c.Id}: {late}. Nothing was sent. -Force sends anyway and records a policy exception on the case; or move the public date.");
                }

                plan.PolicyException = $"Initial embargo notice sent late with -Force: {late}.";
            }

            foreach (DistributorMember m in targets)
            {
                plan.ToSend.Add((m, Render(c, m, plan)));
            }

            return plan;
        }

        /// <summary>
        /// The case values the notice's template needs, checked before anything else: every one the case lacks is named
        /// in one error (TemplateFieldsMissing, with the command that fills each), the planned public date among them
        /// (a notice tells the date the embargo ends, whatever the template). Member values are checked per member.
        /// </summary>
        private void EnsureFields(VulnerabilityCase c, string kind)
        {
            string template = EmbargoNoticeKind.Template(kind);
            Dictionary<string, object> probe = Model(c, new DistributorMember { Id = "member" }, kind, c.PublicDateRevision, c.PlannedPublicDate);
            List<string> missing = templates.MissingFields(template, probe).Where(p => !p.StartsWith("member.", StringComparison.Ordinal)).ToList();
            if (c.PlannedPublicDate == null && !missing.Any(p => p.StartsWith("case.publicDate", StringComparison.Ordinal) || p == "embargo.publicDate"))
            {
                missing.Insert(0, "case.publicDate");
            }

            if (missing.Count > 0)
            {
                var (_, source) = templates.Find(template);
                throw TemplateFields.Missing(template, source, missing, probe);
            }
        }

        /// <summary>Renders one member's notice (a missing value throws TemplateFieldsMissing: the whole plan fails before sending).</summary>
        public RenderedMessage Render(VulnerabilityCase c, DistributorMember member, EmbargoNoticePlan plan) =>
            templates.Render(EmbargoNoticeKind.Template(plan.Kind), Model(c, member, plan.Kind, plan.Revision, plan.PublicDate), member.SecurityAlias);

        private Dictionary<string, object> Model(VulnerabilityCase c, DistributorMember member, string kind, int revision, DateTimeOffset? publicDate)
        {
            var model = new MembershipService(distributors, templates, config).Model(member);
            model["case"] = CaseMessageModel.For(c);
            int had = RevisionOf(c, member.Id);
            DateTimeOffset? previous = c.Notices.Where(n => n.Status == "Sent" && Same(n.MemberId, member.Id) && n.Revision == had && n.Kind != EmbargoNoticeKind.Advance24h)
                .Select(n => (DateTimeOffset?)n.PublicDate).LastOrDefault();
            model["notice"] = new Dictionary<string, object>
            {
                ["kind"] = kind,
                ["revision"] = revision.ToString(CultureInfo.InvariantCulture),
                ["previousPublicDate"] = CaseMessageModel.FormatTime(previous),
                ["hasPreviousPublicDate"] = previous != null,
            };
            model["embargo"] = new Dictionary<string, object>
            {
                ["list"] = PolicyList(c),
                ["publicDate"] = CaseMessageModel.FormatTime(publicDate),
            };
            return model;
        }

        private string PolicyList(VulnerabilityCase c) => config.Messaging?.From ?? config.Project?.SecurityContact;

        /// <summary>
        /// Applies the deliveries to a copy of the case: a record per member, one timeline event per sending (who got
        /// it with which message id, who did not and why), the policy exception, and the move to distributors-notified
        /// (or the distributors-reminded event for a 24-hour notice) when the first notice succeeded.
        /// </summary>
        public (VulnerabilityCase Case, List<EmbargoNoticeResult> Results) Record(EmbargoNoticePlan plan, IList<MailDelivery> deliveries, IDictionary<string, RenderedMessage> messages, string actor, DateTimeOffset now)
        {
            VulnerabilityCase c = CaseStore.Clone(plan.Case);
            var results = new List<EmbargoNoticeResult>();
            foreach (MailDelivery d in deliveries)
            {
                c.Notices.Add(new EmbargoNoticeRecord
                {
                    MemberId = d.MemberId, Recipient = d.Recipient, Kind = plan.Kind, Revision = plan.Revision, PublicDate = plan.PublicDate,
                    Status = d.Status, At = d.SentAt ?? now, MessageId = d.Status == "Sent" ? d.MessageId : null, ErrorId = d.ErrorId,
                    Resent = plan.Resend, Forced = plan.PolicyException != null,
                });
                results.Add(new EmbargoNoticeResult
                {
                    CaseId = c.Id, MemberId = d.MemberId, Recipient = d.Recipient, Kind = plan.Kind, Revision = plan.Revision, PublicDate = plan.PublicDate,
                    Status = d.Status, MessageId = d.Status == "Sent" ? d.MessageId : null, SentAt = d.SentAt, Attempts = d.Attempts, ErrorId = d.ErrorId, Error = d.Error,
                    Message = messages != null && messages.TryGetValue(d.MemberId, out RenderedMessage m) ? m : null,
                });
            }

            var sent = deliveries.Where(d => d.Status == "Sent").ToList();
            var notSent = deliveries.Where(d => d.Status != "Sent").ToList();
            if (plan.PolicyException != null && sent.Count > 0)
            {
                c.Timeline.Add(new CaseEvent { At = now, Actor = actor, Kind = "policy-exception", What = plan.PolicyException });
            }

            if (deliveries.Count > 0)
            {
                string label = plan.Kind == EmbargoNoticeKind.Advance24h ? "24-hour embargo notice" : plan.Kind.ToLowerInvariant() + " embargo notice";
                string what = $"{char.ToUpperInvariant(label[0])}{label.Substring(1)}{(plan.Resend ? " (resent)" : string.Empty)}, revision {plan.Revision} (public date {DateTimeOffsetConverter.Format(plan.PublicDate)}): " +
                              (sent.Count > 0 ? "sent to " + string.Join(", ", sent.Select(d => $"{d.MemberId} {d.MessageId}")) : "sent to nobody") +
                              (notSent.Count > 0 ? "; NOT sent to " + string.Join(", ", notSent.Select(d => $"{d.MemberId} ({d.Status}: {d.ErrorId})")) : string.Empty) + ".";
                c.Timeline.Add(new CaseEvent { At = now, Actor = actor, Kind = "embargo-notice", What = what });
            }

            if (sent.Count > 0)
            {
                var change = new CaseChange();
                if (plan.Kind != EmbargoNoticeKind.Advance24h && c.Status == CaseStatus.Fixing)
                {
                    change.Status = CaseStatus.DistributorsNotified;
                    change.Reason = "First embargo notice sent.";
                }
                else if (plan.Kind == EmbargoNoticeKind.Advance24h && c.Status == CaseStatus.DistributorsNotified && c.FirstEvent("distributors-reminded") == null)
                {
                    change.DistributorsReminded = true;
                }

                if (change.Status != null || change.DistributorsReminded)
                {
                    c = CaseWorkflow.Apply(c, change, actor, now);
                }
            }

            return (c, results);
        }

        /// <summary>
        /// The sending walk of a case's notices, under the state lock (plan, ask per notice, send, record): first, what
        /// the journal of an interrupted run holds goes onto the case, so nobody it told is told again; then the plan;
        /// each planned notice is put to <see cref="NoticeRequest.ApproveNotice"/>, and one declined is reported as the
        /// real run would treat it (refused when the member's key is unusable); the approved ones go to
        /// <paramref name="transport"/>, each accepted message written to the journal before the next is sent; last,
        /// every sending is recorded on the case and the journal cleared. Results reach <see cref="NoticeRequest.Output"/>
        /// as they are known; an error that ends the walk (the plan refused, the transport failed) is thrown.
        /// </summary>
        /// <param name="transport">Sends the approved notices (called only when one is approved; null plans only).</param>
        public NoticeWalk Send(string caseId, NoticeRequest request, NoticeTransport transport)
        {
            if (cases == null)
            {
                throw new InvalidOperationException("Sending needs the case store: construct the service with one.");
            }

            string id = VulnerabilityCase.NormalizeId(caseId) ?? throw CaseStore.InvalidId(caseId);
            IEventSink events = request.Events ?? NullEventSink.Instance;
            var journal = new NoticeJournal(cases.Files);
            var walk = new NoticeWalk();
            void Output(EmbargoNoticeResult result, SecurityOpsException error)
            {
                walk.Results.Add(result);
                if (error != null)
                {
                    walk.Errors.Add(error);
                }

                request.Output?.Invoke(result, error);
            }

            DateTimeOffset now = clock.GetUtcNow();
            using (cases.Files.AcquireLock())
            {
                VulnerabilityCase c = cases.GetRequired(id);
                if (journal.Entries(id).Count > 0)
                {
                    // An earlier run stopped mid-batch: what it sent goes onto the case first, so it is not sent again.
                    var (recovered, count) = journal.Recover(this, c, request.Actor, now);
                    if (request.Approve(id, $"Record on the case the {count} notice(s) an interrupted run sent"))
                    {
                        cases.Save(recovered);
                        journal.Clear(id);
                    }

                    c = recovered;
                    walk.Recovered = count;
                    events.Warning($"{id}: an earlier Send-EmbargoNotice stopped mid-batch; {count} notice(s) it sent are recorded on the case and are not sent again.");
                }

                walk.Case = c;
                EmbargoNoticePlan plan = Plan(c, request.Policy?.Invoke(c), request.Kind, request.Force, request.Resend, now);
                walk.Plan = plan;
                events.Verbose($"{id}: {plan.Kind} notice, revision {plan.Revision} (public date {plan.PublicDate:u}); {plan.ToSend.Count} member(s) to send to, {plan.Skipped.Count} skipped.");
                if (plan.PolicyException != null)
                {
                    events.Warning(plan.PolicyException);
                }

                foreach (EmbargoNoticeResult skipped in plan.Skipped)
                {
                    events.Verbose(skipped.Error);
                    Output(skipped, null);
                }

                var approved = new List<(DistributorMember Member, RenderedMessage Message)>();
                foreach (var item in plan.ToSend)
                {
                    string description = $"Send the {plan.Kind} embargo notice of {id} (revision {plan.Revision}) to {item.Member.Id} <{item.Member.SecurityAlias}>, encrypted to {item.Member.Fingerprint}:\n" +
                                         $"Subject: {item.Message.Subject}\n{item.Message.Body}";
                    if (request.ApproveNotice(description))
                    {
                        approved.Add(item);
                    }
                    else
                    {
                        Output(NotApproved(plan, item.Member, item.Message, now, events), null);
                    }
                }

                if (approved.Count == 0 || transport == null)
                {
                    events.Verbose($"{id}: nothing sent.");
                    return walk;
                }

                // Each accepted message is written to the case's journal at once (a small atomic write) before the next
                // is sent: a crash or Ctrl+C mid-batch keeps who was told, and the next run moves it onto the case and
                // sends only to the rest. The batch's end below records it all on the case.
                List<MailDelivery> deliveries = transport(approved, delivery => journal.Add(plan, delivery));
                var messages = approved.ToDictionary(a => a.Member.Id, a => a.Message, StringComparer.OrdinalIgnoreCase);
                var (updated, results) = Record(plan, deliveries, messages, request.Actor, clock.GetUtcNow());
                cases.Save(updated);
                journal.Clear(id);
                walk.Case = updated;
                if (updated.Status != c.Status)
                {
                    events.Verbose($"{id}: status {c.Status} -> {updated.Status}.");
                }

                foreach (EmbargoNoticeResult r in results)
                {
                    Output(r, r.Status == "Sent" ? null : new SecurityOpsException(r.ErrorId ?? "EmbargoNoticeNotSent", r.Status == "Refused" ? FailureKind.InvalidData : FailureKind.ConnectionError,
                        r.MemberId, $"{id}: the notice to {r.MemberId} was not sent: {r.Error}"));
                }

                return walk;
            }
        }

        /// <summary>
        /// A notice that was not approved (-WhatIf, or declined), shown as the real run would treat it, refusals included:
        /// a member whose key is missing, expired, revoked or swapped is shown as refused, not as sendable.
        /// </summary>
        private static EmbargoNoticeResult NotApproved(EmbargoNoticePlan plan, DistributorMember member, RenderedMessage message, DateTimeOffset now, IEventSink events)
        {
            var result = new EmbargoNoticeResult
            {
                CaseId = plan.Case.Id, MemberId = member.Id, Recipient = member.SecurityAlias, Kind = plan.Kind, Revision = plan.Revision,
                PublicDate = plan.PublicDate, Status = "WhatIf", Message = message,
            };
            try
            {
                OpenPgpKeys.RequireUsable(member, now);
            }
            catch (SecurityOpsException ex)
            {
                result.Status = "Refused";
                result.ErrorId = ex.ErrorId;
                result.Error = ex.Message;
                result.Message = null;
                events.Warning($"What if: {member.Id} would be refused ({ex.ErrorId}): {ex.Message}");
            }

            return result;
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Sends approved notices (the caller's mail road) and returns one delivery per notice. <c>accepted</c> must be
    /// called for each message the server accepted, on the thread that called <see cref="EmbargoNoticeService.Send"/>
    /// (it holds the state lock), and must have returned before the next message is sent; when it throws, the batch stops.
    /// </summary>
    internal delegate List<MailDelivery> NoticeTransport(IReadOnlyList<(DistributorMember Member, RenderedMessage Message)> notices, Action<MailDelivery> accepted);

    /// <summary>What the caller of <see cref="EmbargoNoticeService.Send"/> decides: the kind, the overrides, who sends, and the approve callbacks.</summary>
    internal sealed class NoticeRequest
    {
        public string Kind { get; set; } = EmbargoNoticeKind.Initial;

        /// <summary>Send later than the policy allows (recorded on the case as a policy exception).</summary>
        public bool Force { get; set; }

        /// <summary>Send again to members who already have this revision.</summary>
        public bool Resend { get; set; }

        /// <summary>Who is recorded as sending.</summary>
        public string Actor { get; set; }

        /// <summary>The policy the case is handled under (null: the defaults).</summary>
        public Func<VulnerabilityCase, DisclosurePolicy> Policy { get; set; }

        /// <summary>(target, action): asked before the journal of an interrupted run is recorded on the case; false leaves the case as it was.</summary>
        public Func<string, string, bool> Approve { get; set; } = (target, action) => true;

        /// <summary>
        /// Asked before each notice goes out, with the notice in full (recipient, key, subject and body: what the person
        /// approves); false sends nothing to that member.
        /// </summary>
        public Func<string, bool> ApproveNotice { get; set; } = notice => true;

        /// <summary>Each result as it is known, with the error when a notice was not sent.</summary>
        public Action<EmbargoNoticeResult, SecurityOpsException> Output { get; set; }

        public IEventSink Events { get; set; }
    }

    /// <summary>What a sending walk did: the case it planned from (as saved, after sending), how many notices it recovered, the plan, the results and errors.</summary>
    internal sealed class NoticeWalk
    {
        public VulnerabilityCase Case { get; set; }

        public int Recovered { get; set; }

        public EmbargoNoticePlan Plan { get; set; }

        public List<EmbargoNoticeResult> Results { get; } = new List<EmbargoNoticeResult>();

        public List<SecurityOpsException> Errors { get; } = new List<SecurityOpsException>();
    }
}
