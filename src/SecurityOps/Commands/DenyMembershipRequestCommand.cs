using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Deny-MembershipRequest: records why a request is denied and renders the answer to the applicant.</summary>
    [Cmdlet(VerbsLifecycle.Deny, "MembershipRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MembershipDecision))]
    public sealed class DenyMembershipRequestCommand : MembershipDecisionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RequestId")]
        public string Id { get; set; }

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"request '{Id}'", "Deny the membership request"))
            {
                return;
            }

            TryRun(() =>
            {
                string key = Session.Distributors.GetRequest(Id).PublicKey;
                MembershipDecision decision = Session.Membership.Deny(Id, Reason);
                SendIfAsked(decision, key);

                WriteObject(decision);
            });
        }
    }
}
