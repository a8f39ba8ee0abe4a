using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Get-SecurityAdvisory: a repository's security advisories and private vulnerability reports (state triage), filtered.</summary>
    [Cmdlet(VerbsCommon.Get, "SecurityAdvisory")]
    [OutputType(typeof(SecurityAdvisory))]
    public sealed class GetSecurityAdvisoryCommand : RepositoryAdvisoryCmdlet
    {
        /// <summary>triage (private reports), draft, published, closed or withdrawn (alias -State).</summary>
        [Parameter]
        [ValidateSet("triage", "draft", "published", "closed", "withdrawn")]
        [Alias("State")]
        public string AdvisoryState { get; set; }

        /// <summary>low, medium, high or critical.</summary>
        [Parameter]
        [ValidateSet("low", "medium", "high", "critical")]
        public string Severity { get; set; }

        /// <summary>Only the advisory with this CVE id.</summary>
        [Parameter]
        [ValidatePattern("^" + CveIdentifier.Shape + "$")]
        public string CveId { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var repo = RequireRepository();
                WriteVerbose(GhsaId != null ? $"Reading {GhsaId} of {repo}." : $"Listing the security advisories of {repo}{(AdvisoryState == null ? string.Empty : " in state " + AdvisoryState)}.");
                if (Run(s => GhsaId != null ? s.ReportsAsync(repo, GhsaId, CancellationToken) : s.ListAsync(repo, AdvisoryState, Severity, CveId, CancellationToken), out var list))
                {
                    var matching = list.Where(a => (AdvisoryState == null || a.State == AdvisoryState) && (Severity == null || string.Equals(a.Severity, Severity, System.StringComparison.OrdinalIgnoreCase))
                        && (CveId == null || string.Equals(a.CveId, CveId, System.StringComparison.OrdinalIgnoreCase))).ToList();
                    foreach (var a in matching.Where(a => a.CaseId == null))
                    {
                        a.CaseId = Service.FindCase(a.GhsaId)?.Id;
                    }

                    WriteObject(matching, enumerateCollection: true);
                }
            });
        }
    }
}
