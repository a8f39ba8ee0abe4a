using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SecurityOps.Embargo;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Send-EmbargoNotice: the embargoed notice of a case to every active distributor, one OpenPGP/MIME message per
    /// member encrypted to that member's key, over one SMTP connection. Enforces the policy's lead time, refuses after
    /// the public date, knows which revision of the public date each member has, and records every sending on the case.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "EmbargoNotice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(EmbargoNoticeResult))]
    public sealed class SendEmbargoNoticeCommand : StateCmdlet
    {
        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>Initial (default), Revised (after the public date moved) or Advance24h (the day before).</summary>
        [Parameter]
        [ValidateSet("Initial", "Revised", "Advance24h")]
        public string Kind { get; set; } = EmbargoNoticeKind.Initial;

        /// <summary>Send an initial notice later than the policy's lead time (recorded on the case as a policy exception).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Send again to members who already have this revision.</summary>
        [Parameter]
        public SwitchParameter Resend { get; set; }

        /// <summary>The SMTP login (user name and password) for the mail server; the password never appears in output.</summary>
        [Parameter]
        [Credential]
        public PSCredential SmtpCredential { get; set; }

        /// <summary>Not the mail login: see -SmtpCredential. Refused with MailCredentialRenamed, so an older script fails clearly.</summary>
        [Parameter(DontShow = true)]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>The SMTP server (default: messaging.smtp.host).</summary>
        [Parameter]
        public string SmtpServer { get; set; }

        /// <summary>The SMTP port (default: messaging.smtp.port).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int? Port { get; set; }

        /// <summary>Who is recorded as sending (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }

        protected override void ProcessRecord()
        {
            RefuseCredentialAsMailLogin(Credential);
            TryRun(Send);
        }

        private void Send()
        {
            string id = VulnerabilityCase.NormalizeId(Id) ?? throw Disclosure.CaseStore.InvalidId(Id);
            DateTimeOffset now = Session.Now;
            var service = new EmbargoNoticeService(Session.Distributors, Session.Templates, Session.Config);
            var journal = new NoticeJournal(Session.State.Files);
            using (Session.State.Files.AcquireLock())
            {
                VulnerabilityCase c = Session.Cases.GetRequired(id);
                if (journal.Entries(id).Count > 0)
                {
                    // An earlier run stopped mid-batch: what it sent goes onto the case first, so it is not sent again.
                    var (recovered, count) = journal.Recover(service, c, Session.Actor(Actor), now);
                    if (ShouldProcess(id, $"Record on the case the {count} notice(s) an interrupted run sent"))
                    {
                        Session.Cases.Save(recovered);
                        journal.Clear(id);
                    }

                    c = recovered;
                    WriteWarning($"{id}: an earlier Send-EmbargoNotice stopped mid-batch; {count} notice(s) it sent are recorded on the case and are not sent again.");
                }

                EmbargoNoticePlan plan = service.Plan(c, Session.PolicyFor(c), Kind, Force, Resend, now);
                WriteVerbose($"{id}: {plan.Kind} notice, revision {plan.Revision} (public date {plan.PublicDate:u}); {plan.ToSend.Count} member(s) to send to, {plan.Skipped.Count} skipped.");
                if (plan.PolicyException != null)
                {
                    WriteWarning(plan.PolicyException);
                }

                foreach (EmbargoNoticeResult skipped in plan.Skipped)
                {
                    WriteVerbose(skipped.Error);
                    WriteObject(skipped);
                }

                var approved = new List<(DistributorMember Member, RenderedMessage Message)>();
                foreach (var item in plan.ToSend)
                {
                    string description = $"Send the {plan.Kind} embargo notice of {id} (revision {plan.Revision}) to {item.Member.Id} <{item.Member.SecurityAlias}>, encrypted to {item.Member.Fingerprint}:\n" +
                                         $"Subject: {item.Message.Subject}\n{item.Message.Body}";
                    if (ShouldProcess(description, description, "Send-EmbargoNotice"))
                    {
                        approved.Add(item);
                    }
                    else
                    {
                        // -WhatIf plans what the real run would do, refusals included: a member whose key is missing,
                        // expired, revoked or swapped is shown as refused, not as sendable.
                        var result = new EmbargoNoticeResult
                        {
                            CaseId = id, MemberId = item.Member.Id, Recipient = item.Member.SecurityAlias, Kind = plan.Kind, Revision = plan.Revision,
                            PublicDate = plan.PublicDate, Status = "WhatIf", Message = item.Message,
                        };
                        try
                        {
                            OpenPgpKeys.RequireUsable(item.Member, now);
                        }
                        catch (SecurityOpsException ex)
                        {
                            result.Status = "Refused";
                            result.ErrorId = ex.ErrorId;
                            result.Error = ex.Message;
                            result.Message = null;
                            WriteWarning($"What if: {item.Member.Id} would be refused ({ex.ErrorId}): {ex.Message}");
                        }

                        WriteObject(result);
                    }
                }

                if (approved.Count == 0)
                {
                    WriteVerbose($"{id}: nothing sent.");
                    return;
                }

                DistributorMailer mailer = Session.Mailer(SmtpCredential, SmtpServer, Port);
                string actor = Session.Actor(Actor);
                var events = new PipelineEvents();
                CancellationToken token = CancellationToken;

                // Each accepted message is written to the case's journal at once (a small atomic write, on the pipeline
                // thread that holds the state lock) before the next is sent: a crash or Ctrl+C mid-batch keeps who was
                // told, and the next run moves it onto the case and sends only to the rest.
                mailer.Sender.Accepted = delivery => events.Invoke(_ => journal.Add(plan, delivery), token);
                List<MailDelivery> deliveries = events.Run(this, sink => mailer.SendAsync(approved, sink, token));
                var messages = approved.ToDictionary(a => a.Member.Id, a => a.Message, StringComparer.OrdinalIgnoreCase);
                var (updated, results) = service.Record(plan, deliveries, messages, actor, Session.Now);
                Session.Cases.Save(updated);
                journal.Clear(id);
                if (updated.Status != c.Status)
                {
                    WriteVerbose($"{id}: status {c.Status} -> {updated.Status}.");
                }

                foreach (EmbargoNoticeResult r in results)
                {
                    if (r.Status != "Sent")
                    {
                        WriteFailure(new SecurityOpsException(r.ErrorId ?? "EmbargoNoticeNotSent", r.Status == "Refused" ? FailureKind.InvalidData : FailureKind.ConnectionError,
                            r.MemberId, $"{id}: the notice to {r.MemberId} was not sent: {r.Error}"));
                    }

                    WriteObject(r);
                }
            }
        }
    }
}
