using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Remove-DistributorMember: marks a member removed with the reason, and renders the removal notice.</summary>
    [Cmdlet(VerbsCommon.Remove, "DistributorMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MembershipDecision))]
    public sealed class RemoveDistributorMemberCommand : MembershipDecisionCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("MemberId", "Member")]
        public string Id { get; set; }

        /// <summary>Why: criteria no longer met, repeated leaks...</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"member '{Id}'", "Remove from the distributors list"))
            {
                return;
            }

            TryRun(() =>
            {
                string key = Session.Distributors.Get(Id).PublicKey;
                MembershipDecision decision = Session.Membership.Remove(Id, Reason);
                WriteVerbose($"'{Id}' removed ({Reason}); the record is kept with status removed.");
                SendIfAsked(decision, key);
                WriteObject(decision);
            });
        }
    }
}
