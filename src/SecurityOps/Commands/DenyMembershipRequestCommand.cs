using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Deny-MembershipRequest: records why a request is denied and renders the answer to the applicant.</summary>
    [Cmdlet(VerbsLifecycle.Deny, "MembershipRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MembershipDecision))]
    public sealed class DenyMembershipRequestCommand : MessagingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RequestId")]
        public string Id { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

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
            if (!ShouldProcess($"request '{Id}'", "Deny the membership request"))
            {
                return;
            }

            TryRun(() =>
            {
                string key = Distributors.GetRequest(Id).PublicKey;
                MembershipDecision decision = Membership.Deny(Id, Reason);
                if (Send)
                {
                    SendDecision(decision, key, SmtpCredential, SmtpServer, Port);
                }

                WriteObject(decision);
            });
        }
    }
}
