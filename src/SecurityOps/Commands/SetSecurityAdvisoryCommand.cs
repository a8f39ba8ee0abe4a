using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Set-SecurityAdvisory: brings a case's advisory in line with the case (summary, description, severity, packages, CWEs, credits).</summary>
    [Cmdlet(VerbsCommon.Set, "SecurityAdvisory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SecurityAdvisory))]
    public sealed class SetSecurityAdvisoryCommand : AdvisoryContentCmdlet
    {
        /// <summary>Close the advisory instead of updating it (a rejected report, an abandoned draft).</summary>
        [Parameter]
        public SwitchParameter Close { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                VulnerabilityCase c = Session.Cases.GetRequired(Id);
                object result = Perform(Close ? Service.PlanClose(c) : Service.PlanUpdate(c, Content()));
                if (result != null)
                {
                    WriteObject(result);
                }
            });
        }
    }
}
