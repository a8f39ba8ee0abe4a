using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Request-AdvisoryCve: asks GitHub for a CVE id for a case's advisory and records the request (Update-SecurityAdvisory picks the id up).</summary>
    [Cmdlet(VerbsLifecycle.Request, "AdvisoryCve", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CaseAdvisory))]
    public sealed class RequestAdvisoryCveCommand : CaseAdvisoryCmdlet
    {
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                object result = Perform(Service.PlanCveRequest(Cases.GetRequired(Id)));
                if (result != null)
                {
                    WriteObject(result);
                }
            });
        }
    }
}
