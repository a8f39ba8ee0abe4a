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
    /// removal with the removal notice ready when the policy's threshold of offenses is reached. The report is delivered to
    /// the team's private places (mail when messaging.smtp.host is set, the private Slack webhook reminders.slack), the
    /// way Send-TeamReminder delivers, and what was delivered is recorded on the leak; -NoNotify only records.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "EmbargoLeak", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(EmbargoLeakResult))]
    public sealed class RegisterEmbargoLeakCommand : MailCmdlet
    {
        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>The member who leaked.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("MemberId")]
        public string Member { get; set; }

        /// <summary>Exactly what leaked.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string What { get; set; }

        /// <summary>To whom it leaked (OCI, KubeEdge: "exactly what information leaked and to whom"): required where the policy's embargo.leakReportRequired says so.</summary>
        [Parameter]
        public string ToWhom { get; set; }

        /// <summary>When it leaked (UTC).</summary>
        [Parameter(Mandatory = true)]
        public DateTimeOffset When { get; set; }

        /// <summary>The steps the member will take to prevent a repeat (KubeEdge asks for them): required where embargo.leakReportRequired says so.</summary>
        [Parameter]
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

        /// <summary>Only record the leak: do not deliver the report (it is still returned in .Report).</summary>
        [Parameter]
        public SwitchParameter NoNotify { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                if (!ShouldProcess(id, $"Record an embargo leak by {Member} (and open its retrospective where the policy asks for one)"))
                {
                    return;
                }

                OnDutyTeam team = Session.OnDuty(Primary, Secondary);
                string primary = team.Primary, secondary = team.Secondary;
                using (Session.State.Files.AcquireLock())
                {
                    VulnerabilityCase current = Session.Cases.GetRequired(id);
                    var service = new LeakService(Session.State.Files, Session.Distributors, Session.Templates, Session.Config);
                    var (updated, result) = service.Register(current, Session.PolicyFor(current), Member.Trim(), What, ToWhom, When, Prevention, primary, secondary, Session.Actor(Actor), Session.Now);
                    Session.Cases.Save(updated);
                    if (team.PrimaryEmail != null)
                    {
                        result.Report.To = team.PrimaryEmail;
                    }

                    WriteVerbose($"{id}: leak #{result.LeakNumber} by {result.MemberId} recorded; retrospective draft {result.Retrospective}.");
                    WriteVerbose(primary == null ? "No on-duty Primary is known." :
                        $"The leak report is for the on-duty Primary {primary}{(team.PrimaryEmail != null && team.PrimaryEmail != primary ? $" <{team.PrimaryEmail}>" : string.Empty)}" +
                        (secondary != null ? $", Secondary {secondary}" : string.Empty) +
                        (team.Slot != null && Primary == null ? $" (rotation, week of {team.Slot.WeekStart:yyyy-MM-dd})." : "."));
                    if (NoNotify)
                    {
                        WriteVerbose("-NoNotify: the leak report is recorded and returned in .Report, not delivered.");
                    }
                    else if (!PrivateDelivery.AnyPlace(Session.Config, team))
                    {
                        WriteWarning("No private place is configured for the leak report (messaging.smtp.host with an address of the Primary or reminders.mailTo; reminders.slack): deliver .Report yourself.");
                    }
                    else
                    {
                        PrivateDelivery.Deliver(this, Session.Config, team, result.Report, $"the leak report of {id}", SmtpCredential, CancellationToken, result.Delivered, result.Failed);
                        if (result.Delivered.Count > 0 || result.Failed.Count > 0)
                        {
                            updated = LeakService.RecordDelivery(updated, result, Session.Actor(Actor), Session.Now);
                            Session.Cases.Save(updated);
                        }
                    }

                    if (primary == null)
                    {
                        WriteWarning($"No on-duty Primary is known (no rotation, no -Primary, no reminders.primary): the leak report in .Report is addressed to no one in particular{(result.Delivered.Count > 0 ? " (it went to " + string.Join(", ", result.Delivered) + ")" : string.Empty)}; run Send-TeamReminder as well.");
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
