using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Intake;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Send-ReporterReply: answers the reporter of a case from a template (acknowledgement, status, planned public date,
    /// credit wording), encrypted when the state keeps the reporter's key, and records it on the timeline; the
    /// acknowledgement of a received case moves it to acknowledged, meeting the policy's acknowledgement milestone.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "ReporterReply", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MailDelivery))]
    public sealed class SendReporterReplyCommand : DirectMailCmdlet
    {
        /// <summary>The case (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>Acknowledgement (default), Status, PublicDate or Credit.</summary>
        [Parameter(Position = 1)]
        [ValidateSet("Acknowledgement", "Status", "PublicDate", "Credit")]
        public string Kind { get; set; } = "Acknowledgement";

        /// <summary>A few words of your own, put into the message.</summary>
        [Parameter]
        public string Note { get; set; }

        /// <summary>Who is recorded on the timeline.</summary>
        [Parameter]
        public string Actor { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                VulnerabilityCase c = Session.Cases.GetRequired(id);
                var templates = new TemplateRenderer(Session.State.Files);
                RenderedMessage message = ReporterReplies.Render(templates, Session.Config, c, Kind, Note);
                string key = ReporterReplies.ReporterKey(Session.State.Files, message.To);
                if (!ShouldProcess($"{message.To} ({id})", $"Send the {Kind} reply{(key != null ? ", encrypted to the reporter's key" : " in the clear (no key of the reporter in keys/reporters)")}:\nSubject: {message.Subject}\n{message.Body}"))
                {
                    return;
                }

                DistributorMailer mailer = Session.Mailer(SmtpCredential, SmtpServer, Port);
                var (mail, encrypted) = mailer.PrepareDirectMail(id, message.To, key, message);
                List<MailDelivery> deliveries = RunOnWorkers(sink => mailer.Sender.SendAsync(new[] { mail }, sink, CancellationToken));
                MailDelivery delivery = deliveries.Single();
                if (delivery.Status != "Sent")
                {
                    WriteFailure(new SecurityOpsException(delivery.ErrorId ?? "ReporterReplyNotSent", FailureKind.ConnectionError, message.To,
                        $"The {Kind} reply to {message.To} was not sent: {delivery.Error}. Nothing was recorded on {id}."));
                    WriteObject(delivery);
                    return;
                }

                using (Session.State.Files.AcquireLock())
                {
                    VulnerabilityCase current = Session.Cases.GetRequired(id);
                    Session.Cases.Save(ReporterReplies.Record(current, Kind, delivery, encrypted, Session.Actor(Actor), Session.Now));
                }

                WriteVerbose($"{id}: the {Kind} reply went to {message.To}{(encrypted ? ", encrypted" : string.Empty)}; recorded on the timeline.");
                WriteObject(delivery);
            });
        }
    }
}
