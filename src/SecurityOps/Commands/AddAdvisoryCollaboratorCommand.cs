using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Add-AdvisoryCollaborator: gives the fix team access to a case's advisory under the policy: the repository's code
    /// owners and the configured team; the reporter only after a private report; anyone else with -ApprovedBy.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "AdvisoryCollaborator", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SecurityAdvisory))]
    public sealed class AddAdvisoryCollaboratorCommand : CaseAdvisoryCmdlet
    {
        /// <summary>GitHub logins to add.</summary>
        [Parameter(Position = 1)]
        [Alias("Login")]
        public string[] User { get; set; }

        /// <summary>Team slugs (of the repository's organization) to add.</summary>
        [Parameter]
        public string[] Team { get; set; }

        /// <summary>Who on the security team approved collaborators from outside the code owners and team (recorded on the case).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApprovedBy { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                VulnerabilityCase c = Cases.GetRequired(Id);
                string actor = ResolveActor(Actor);
                if (Run(s => s.PlanCollaboratorsAsync(c, User, Team, ApprovedBy, actor, CancellationToken), out var call))
                {
                    object result = Perform(call);
                    if (result != null)
                    {
                        WriteObject(result);
                    }
                }
            });
        }
    }
}
