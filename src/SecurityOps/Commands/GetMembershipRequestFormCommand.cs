using System.Management.Automation;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Get-MembershipRequestForm: the blank request form to give an applicant to the distributors list: each criterion
    /// of the policy quoted and numbered, with a place for the answer and for the team's OpenPGP key. What the applicant
    /// sends back is read by New-MembershipRequest -MailText.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MembershipRequestForm")]
    [OutputType(typeof(string))]
    public sealed class GetMembershipRequestFormCommand : StateCmdlet
    {
        /// <summary>The criteria: a policy's name (oci, kubeedge, the state's own); default messaging.membershipCriteria.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DisclosurePolicyCompleter))]
        public string Criteria { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() => WriteObject(Session.Membership.RequestForm(Criteria)));
        }
    }
}
