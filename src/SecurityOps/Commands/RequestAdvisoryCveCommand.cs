using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Request-AdvisoryCve: asks GitHub for a CVE id for a case's advisory and records the request (Update-SecurityAdvisory picks the id up).</summary>
    [Cmdlet(VerbsLifecycle.Request, "AdvisoryCve", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CaseAdvisory))]
    public sealed class RequestAdvisoryCveCommand : CaseAdvisoryCmdlet
    {
        /// <summary>Ask again although a request is pending (on the case, or in the journal of a run whose answer was lost).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                object result = Perform(Service.PlanCveRequest(Session.Cases.GetRequired(Id), Force));
                if (result != null)
                {
                    WriteObject(result);
                }
            });
        }
    }
}
