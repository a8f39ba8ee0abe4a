using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Rotation;
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

        /// <summary>Who on the security team (a roster member, or the configured team) approved collaborators from outside the code owners and team (recorded on the case timeline).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApprovedBy { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                VulnerabilityCase c = Session.Cases.GetRequired(Id);
                string actor = Session.Actor(Actor);
                IEnumerable<string> roster = ApprovedBy == null ? null : RosterHandles();
                if (Run(s => s.PlanCollaboratorsAsync(c, User, Team, ApprovedBy, actor, CancellationToken, roster), out var call))
                {
                    object result = Perform(call);
                    if (result != null)
                    {
                        WriteObject(result);
                    }
                }
            });
        }

        /// <summary>The roster's members (the security team); none when the state has no roster yet.</summary>
        private IEnumerable<string> RosterHandles()
        {
            var store = new RosterStore(Session.State.Files);
            if (!System.IO.File.Exists(store.FilePath))
            {
                WriteVerbose($"No roster at {store.FilePath}: -ApprovedBy is checked against the configured team (advisories.team) only.");
                return Enumerable.Empty<string>();
            }

            var handles = (store.Read().Members ?? new List<RosterMember>()).Select(m => m?.Handle).Where(h => !string.IsNullOrWhiteSpace(h)).ToList();
            WriteVerbose($"Security team from the roster: {string.Join(", ", handles)}.");
            return handles;
        }
    }
}
