using System.Management.Automation;
using System.Linq;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The cmdlets that decide on a membership (approve, deny, remove): the message they render goes out only with -Send,
    /// through one SMTP parameter group.
    /// </summary>
    public abstract class MembershipDecisionCmdlet : DirectMailCmdlet
    {
        /// <summary>Send the message to the applicant or member (encrypted to their key when they have a usable one), not only render it.</summary>
        [Parameter]
        public SwitchParameter Send { get; set; }

        /// <summary>
        /// With -Send, sends a membership decision's message to its recipient (encrypted to <paramref name="armoredKey"/> when usable)
        /// and records the delivery on the decision; a failed send is an error naming the recipient, the decision stands.
        /// </summary>
        internal void SendIfAsked(MembershipDecision decision, string armoredKey)
        {
            if (!Send)
            {
                return;
            }

            DistributorMailer mailer = Session.Mailer(SmtpCredential, SmtpServer, Port);
            var (mail, encrypted) = mailer.PrepareDirectMail(decision.MemberId ?? decision.RequestId, decision.Message.To, armoredKey, decision.Message);
            System.Collections.Generic.List<MailDelivery> deliveries = RunOnWorkers(sink => mailer.Sender.SendAsync(new[] { mail }, sink, CancellationToken));
            decision.Delivery = deliveries.Single();
            WriteVerbose($"The {decision.Message.Template} message to {decision.Message.To}: {decision.Delivery.Status}{(encrypted ? ", encrypted to the recipient's key" : ", in the clear (no usable key)")}.");
            if (decision.Delivery.Status != "Sent")
            {
                WriteFailure(new SecurityOpsException(decision.Delivery.ErrorId ?? "MembershipMailNotSent", FailureKind.ConnectionError, decision.Message.To,
                    $"The {decision.Message.Template} message to {decision.Message.To} was not sent: {decision.Delivery.Error}. The decision is recorded; send it again later."));
            }
        }
    }
}
