using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Approve-MembershipRequest: adds the applicant to the distributors list and renders the welcome message.</summary>
    [Cmdlet(VerbsLifecycle.Approve, "MembershipRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MembershipDecision))]
    public sealed class ApproveMembershipRequestCommand : MessagingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RequestId")]
        public string Id { get; set; }

        /// <summary>Approve although criteria checks fail (never without a usable key).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Send the message to the applicant or member (encrypted to their key when they have a usable one), not only render it.</summary>
        [Parameter]
        public SwitchParameter Send { get; set; }

        /// <summary>With -Send: the SMTP login; the password never appears in output.</summary>
        [Parameter]
        [Credential]
        public PSCredential SmtpCredential { get; set; }

        /// <summary>With -Send: the SMTP server instead of messaging.smtp.host.</summary>
        [Parameter]
        public string SmtpServer { get; set; }

        /// <summary>With -Send: the SMTP port instead of messaging.smtp.port.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int? Port { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"request '{Id}'", "Add to the distributors list"))
            {
                return;
            }

            TryRun(() =>
            {
                MembershipDecision decision = Membership.Approve(Id, Force);
                WriteVerbose($"'{decision.MemberId}' is now an active member; the welcome message to {decision.Message.To} is in the output's Message.");
                if (Send)
                {
                    SendDecision(decision, Distributors.Get(decision.MemberId).PublicKey, SmtpCredential, SmtpServer, Port);
                }

                WriteObject(decision);
            });
        }
    }
}
