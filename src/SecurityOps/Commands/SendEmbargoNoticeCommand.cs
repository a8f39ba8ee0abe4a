using System;
using System.Collections.Generic;
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
    /// The rules and the crash safety are <see cref="EmbargoNoticeService.Send"/>'s; the cmdlet binds, asks, and writes.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "EmbargoNotice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(EmbargoNoticeResult))]
    public sealed class SendEmbargoNoticeCommand : DirectMailCmdlet
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

        /// <summary>Who is recorded as sending (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() => new EmbargoNoticeService(Session.Distributors, Session.Templates, Session.Config, Session.Cases).Send(Id, new NoticeRequest
            {
                Kind = Kind,
                Force = Force,
                Resend = Resend,
                Actor = Session.Actor(Actor),
                Policy = Session.PolicyFor,
                Approve = (target, action) => ShouldProcess(target, action),
                ApproveNotice = notice => ShouldProcess(notice, notice, MyInvocation.MyCommand.Name),
                Output = (result, error) =>
                {
                    if (error != null)
                    {
                        WriteFailure(error);
                    }

                    WriteObject(result);
                },
                Events = Session.Events,
            }, Deliver));
        }

        /// <summary>
        /// The mail road: one SMTP connection for the batch, on a worker, while this (the pipeline) thread writes its
        /// events and runs each accepted message's journal write, since it holds the state lock; the next message waits for it.
        /// </summary>
        private List<MailDelivery> Deliver(IReadOnlyList<(DistributorMember Member, RenderedMessage Message)> notices, Action<MailDelivery> accepted)
        {
            DistributorMailer mailer = Session.Mailer(SmtpCredential, SmtpServer, Port);
            var events = new PipelineEvents();
            CancellationToken token = CancellationToken;
            mailer.Sender.Accepted = delivery => events.Invoke(_ => accepted(delivery), token);
            return events.Run(this, sink => mailer.SendAsync(notices, sink, token));
        }
    }
}
