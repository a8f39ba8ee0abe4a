using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Remove-DistributorMember: marks a member removed with the reason, and renders the removal notice.</summary>
    [Cmdlet(VerbsCommon.Remove, "DistributorMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MembershipDecision))]
    public sealed class RemoveDistributorMemberCommand : MessagingCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("MemberId", "Member")]
        public string Id { get; set; }

        /// <summary>Why: criteria no longer met, repeated leaks...</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        /// <summary>Send the removal notice to the member (encrypted to their key when it is usable), not only render it.</summary>
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
            if (!ShouldProcess($"member '{Id}'", "Remove from the distributors list"))
            {
                return;
            }

            TryRun(() =>
            {
                string key = Distributors.Get(Id).PublicKey;
                MembershipDecision decision = Membership.Remove(Id, Reason);
                WriteVerbose($"'{Id}' removed ({Reason}); the record is kept with status removed.");
                if (Send)
                {
                    SendDecision(decision, key, SmtpCredential, SmtpServer, Port);
                }
                WriteObject(decision);
            });
        }
    }
}
