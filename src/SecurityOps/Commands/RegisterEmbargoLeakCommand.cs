using System;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Embargo;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Register-EmbargoLeak: records a leak on the case and on the member's offenses, opens the leak retrospective draft
    /// (retrospectives/&lt;case&gt;-leak-&lt;n&gt;.md), renders the leak report for the on-duty Primary, and flags the member for
    /// removal with the removal notice ready when the policy's threshold of offenses is reached.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "EmbargoLeak", SupportsShouldProcess = true)]
    [OutputType(typeof(EmbargoLeakResult))]
    public sealed class RegisterEmbargoLeakCommand : EmbargoCmdlet
    {
        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>The member who leaked.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("MemberId")]
        public string Member { get; set; }

        /// <summary>Exactly what leaked.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string What { get; set; }

        /// <summary>To whom it leaked (OCI: "exactly what information leaked and to whom").</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ToWhom { get; set; }

        /// <summary>When it leaked (UTC).</summary>
        [Parameter(Mandatory = true)]
        public DateTimeOffset When { get; set; }

        /// <summary>The steps the member will take to prevent a repeat.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Prevention { get; set; }

        /// <summary>The on-duty Primary to tell (default: the rotation, else reminders.primary).</summary>
        [Parameter]
        public string Primary { get; set; }

        /// <summary>The Secondary (default: the rotation's Secondary, else reminders.secondary).</summary>
        [Parameter]
        public string Secondary { get; set; }

        /// <summary>Who records it (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                if (!ShouldProcess(id, $"Record an embargo leak by {Member} and open its retrospective"))
                {
                    return;
                }

                OnDutyTeam team = OnDuty(Primary, Secondary);
                string primary = team.Primary, secondary = team.Secondary;
                using (State.Files.AcquireLock())
                {
                    VulnerabilityCase current = Cases.GetRequired(id);
                    var service = new LeakService(State.Files, Distributors, Templates, State.Config);
                    var (updated, result) = service.Register(current, PolicyFor(current), Member.Trim(), What, ToWhom, When, Prevention, primary, secondary, ResolveActor(Actor), Now);
                    Cases.Save(updated);
                    if (team.PrimaryEmail != null)
                    {
                        result.Report.To = team.PrimaryEmail;
                    }

                    WriteVerbose($"{id}: leak #{result.LeakNumber} by {result.MemberId} recorded; retrospective draft {result.Retrospective}.");
                    WriteVerbose(primary == null ? "No on-duty Primary is known." :
                        $"The leak report is for the on-duty Primary {primary}{(team.PrimaryEmail != null && team.PrimaryEmail != primary ? $" <{team.PrimaryEmail}>" : string.Empty)}" +
                        (secondary != null ? $", Secondary {secondary}" : string.Empty) +
                        (team.Slot != null && Primary == null ? $" (rotation, week of {team.Slot.WeekStart:yyyy-MM-dd})." : "."));
                    if (primary == null)
                    {
                        WriteWarning($"No on-duty Primary is known (no rotation, no -Primary, no reminders.primary): deliver the leak report in .Report yourself, or run Send-TeamReminder.");
                    }

                    if (result.FlaggedForRemoval)
                    {
                        WriteWarning($"{result.MemberId} has {result.Offenses} offense(s) (threshold {result.Threshold}): flagged for removal; the removal notice is in .RemovalNotice (Remove-DistributorMember sends the member off the list).");
                    }

                    WriteObject(result);
                }
            });
        }
    }
}
