using System.Collections.Generic;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Update-SecurityAdvisory: checks the cases' pending CVE requests on GitHub and puts assigned CVE ids on the cases
    /// (the daily runbook's step). Outputs the cases that got an id.
    /// </summary>
    [Cmdlet(VerbsData.Update, "SecurityAdvisory", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(VulnerabilityCase))]
    public sealed class UpdateSecurityAdvisoryCommand : AdvisoryCmdlet
    {
        private readonly List<string> ids = new List<string>();

        /// <summary>Only these cases (default: every case with a pending CVE request).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string[] Id { get; set; }

        protected override void ProcessRecord()
        {
            if (Id != null)
            {
                ids.AddRange(Id);
            }
        }

        protected override void EndProcessing()
        {
            if (ShouldProcess(ids.Count == 0 ? "every case with a pending CVE request" : string.Join(", ", ids), "Check GitHub for assigned CVE ids and record them on the cases"))
            {
                string actor = Session.Actor(Actor);
                if (Run(s => s.RefreshPendingCveRequestsAsync(actor, ids.Count == 0 ? null : ids, CancellationToken), out var updated))
                {
                    WriteObject(updated, enumerateCollection: true);
                }
            }

            base.EndProcessing();
        }
    }
}
