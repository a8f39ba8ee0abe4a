using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Publish-SecurityAdvisory: publishes a case's advisory on GitHub, refused before the case's public date and time.</summary>
    [Cmdlet(VerbsData.Publish, "SecurityAdvisory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(SecurityAdvisory))]
    public sealed class PublishSecurityAdvisoryCommand : CaseAdvisoryCmdlet
    {
        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                VulnerabilityCase c = Session.Cases.GetRequired(Id);
                object result = Perform(Service.PlanPublish(c));
                if (result != null)
                {
                    WriteObject(result);
                }
            });
        }
    }
}
