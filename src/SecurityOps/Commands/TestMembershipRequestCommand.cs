using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Test-MembershipRequest: one result per criterion and key check of a request.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MembershipRequest")]
    [OutputType(typeof(MembershipCheckResult))]
    public sealed class TestMembershipRequestCommand : StateCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RequestId")]
        public string Id { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                MembershipRequest request = Session.Distributors.GetRequest(Id);
                var results = Session.Membership.Test(request);
                WriteVerbose($"Request '{Id}' against the {request.Criteria} criteria: {results.Count(r => r.Passed)} of {results.Count} checks pass.");
                WriteObject(results, true);
            });
        }
    }
}
