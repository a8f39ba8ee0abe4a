using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Test-DistributorList: the list's health (keys expiring or expired, swapped keys, unusable keys, removals due).</summary>
    [Cmdlet(VerbsDiagnostic.Test, "DistributorList")]
    [OutputType(typeof(DistributorHealthFinding))]
    public sealed class TestDistributorListCommand : StateCmdlet
    {
        /// <summary>Warn about keys expiring within this many days; default messaging.keyExpiryWarningDays (30).</summary>
        [Parameter]
        [ValidateRange(0, 3650)]
        public int? WarningDays { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                int days = WarningDays ?? Session.Config.Messaging?.KeyExpiryWarningDays ?? 30;
                var findings = Session.Membership.Health(days);
                WriteVerbose($"Distributors list: {findings.Count(f => f.Severity == "error")} error(s), {findings.Count(f => f.Severity != "error")} warning(s) (keys checked for expiry within {days} days).");
                WriteObject(findings, true);
            });
        }
    }
}
