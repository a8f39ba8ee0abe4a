using System;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>New-AdvisoryFork: creates the temporary private fork of a case's advisory and waits, with progress, until it answers.</summary>
    [Cmdlet(VerbsCommon.New, "AdvisoryFork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(CaseAdvisory))]
    public sealed class NewAdvisoryForkCommand : CaseAdvisoryCmdlet
    {
        /// <summary>How long to wait for the fork, 0 for as long as GitHub takes (default: advisories.forkTimeoutSeconds, 0).</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int? TimeoutSeconds { get; set; }

        /// <summary>Do not wait for the fork to answer.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                VulnerabilityCase c = Session.Cases.GetRequired(Id);
                var call = Service.PlanFork(c);
                if (call != null && Perform(call) == null)
                {
                    return;
                }

                if (NoWait)
                {
                    var advisory = Session.Cases.GetRequired(Id).Advisory;
                    advisory.CaseId = Id;
                    WriteObject(advisory);
                    return;
                }

                var timeout = TimeSpan.FromSeconds(TimeoutSeconds ?? Settings.ForkTimeoutSeconds);
                string actor = Session.Actor(Actor);
                WriteVerbose($"Waiting up to {timeout.TotalSeconds:0} s for the private fork of {c.Id}.");
                if (Run(s => s.WaitForForkAsync(c.Id, actor, timeout, CancellationToken), out var ready))
                {
                    WriteObject(ready);
                }
            });
        }
    }
}
