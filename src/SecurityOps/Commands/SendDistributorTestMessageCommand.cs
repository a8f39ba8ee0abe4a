using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Send-DistributorTestMessage: sends each chosen member an encrypted test message (no vulnerability information)
    /// with a confirmation code, so they can confirm their key works (Confirm-DistributorTestMessage checks the code they
    /// quote back). One SMTP connection; a failure for one member does not stop the others.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "DistributorTestMessage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MailDelivery))]
    public sealed class SendDistributorTestMessageCommand : DirectMailCmdlet
    {
        private readonly List<string> ids = new List<string>();

        /// <summary>Member ids (wildcards); default: every active member.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("MemberId", "Member")]
        [SupportsWildcards]
        public string[] Id { get; set; }

        protected override void ProcessRecord()
        {
            ids.AddRange(Id ?? new[] { "*" });
        }

        protected override void EndProcessing()
        {
            var patterns = ids.Select(i => new WildcardPattern(i, WildcardOptions.IgnoreCase)).ToList();
            List<DistributorMember> members = null;
            TryRun(() => members = Session.Distributors.Load().Members.Where(m => m.IsActive && patterns.Any(p => p.IsMatch(m.Id))).ToList());
            if (members == null)
            {
                return;
            }

            var items = new List<(DistributorMember, RenderedMessage)>();
            var codeHashes = new Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);
            foreach (DistributorMember member in members)
            {
                RenderedMessage message = null;
                if (!TryRun(() =>
                    {
                        var (rendered, codeHash) = DistributorMailer.RenderTestMessage(Session.Membership, Session.Templates, member);
                        message = rendered;
                        codeHashes[member.Id] = codeHash;
                    }))
                {
                    return; // a template error stops everything before anything is sent
                }

                if (ShouldProcess($"{member.Id} <{member.SecurityAlias}>", "Send an encrypted test message"))
                {
                    items.Add((member, message));
                }
            }

            if (items.Count == 0)
            {
                WriteVerbose("No message to send.");
                return;
            }

            List<MailDelivery> deliveries = null;
            try
            {
                DistributorMailer mailer = Session.Mailer(SmtpCredential, SmtpServer, Port);
                var events = new PipelineEvents();
                var codes = new TestMessageCodes(Session.Distributors);

                // As the server accepts each message, its code's hash and the time go onto the member (distributors.yaml,
                // one atomic write on the pipeline thread), so Confirm-DistributorTestMessage can check the code later.
                mailer.Sender.Accepted = delivery => events.Invoke(_ => codes.RecordSent(delivery.MemberId, codeHashes[delivery.MemberId], delivery.SentAt ?? Session.Now), CancellationToken);
                deliveries = events.Run(this, sink => mailer.SendAsync(items, sink, CancellationToken));
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }

            foreach (MailDelivery delivery in deliveries)
            {
                if (delivery.Status != "Sent")
                {
                    WriteFailure(new SecurityOpsException(delivery.ErrorId ?? "MailNotSent", delivery.Status == "Refused" ? FailureKind.InvalidData : FailureKind.ConnectionError,
                        delivery.MemberId, $"{delivery.MemberId}: {delivery.Error}"));
                }

                WriteObject(delivery);
            }
        }
    }
}
