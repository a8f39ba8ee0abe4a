using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>New-SecurityAdvisory: drafts a repository security advisory from a case; a case keeps one advisory.</summary>
    [Cmdlet(VerbsCommon.New, "SecurityAdvisory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SecurityAdvisory))]
    public sealed class NewSecurityAdvisoryCommand : AdvisoryContentCmdlet
    {
        /// <summary>owner/name where the advisory is drafted; default: advisories.repository.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Repository { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                VulnerabilityCase c = Session.Cases.GetRequired(Id);
                var call = Service.PlanCreate(c, RepositoryFor(Repository, c), Content());
                if (call != null)
                {
                    WriteObject(Perform(call));
                }
            });
        }
    }
}
