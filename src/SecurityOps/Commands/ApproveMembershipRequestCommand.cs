using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Approve-MembershipRequest: adds the applicant to the distributors list and renders the welcome message.</summary>
    [Cmdlet(VerbsLifecycle.Approve, "MembershipRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MembershipDecision))]
    public sealed class ApproveMembershipRequestCommand : MembershipDecisionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RequestId")]
        public string Id { get; set; }

        /// <summary>Approve although criteria checks fail (never without a usable key).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"request '{Id}'", "Add to the distributors list"))
            {
                return;
            }

            TryRun(() =>
            {
                MembershipDecision decision = Session.Membership.Approve(Id, Force);
                WriteVerbose($"'{decision.MemberId}' is now an active member; the welcome message to {decision.Message.To} is in the output's Message.");
                SendIfAsked(decision, Session.Distributors.Get(decision.MemberId).PublicKey);

                WriteObject(decision);
            });
        }
    }
}
