using System;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Rotation;

namespace SecurityOps.Commands
{
    /// <summary>Get-Rotation: who is Primary and Secondary in a week (default: now), for one or more weeks.</summary>
    [Cmdlet(VerbsCommon.Get, "Rotation")]
    [OutputType(typeof(RotationSlot))]
    public sealed class GetRotationCommand : StateCmdlet
    {
        /// <summary>Any day of the first week to show; default: today (UTC).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("WeekStart", "Week")]
        public DateTime? Date { get; set; }

        /// <summary>How many consecutive weeks to show.</summary>
        [Parameter]
        [ValidateRange(1, RotationSchedule.MaxWeeks)]
        public int Weeks { get; set; } = 1;

        /// <summary>Only weeks where this member is Primary or Secondary; without -Weeks, that member's next turn.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RosterMemberCompleter))]
        [Alias("Handle")]
        [ValidateNotNullOrEmpty]
        public string Member { get; set; }

        protected override void ProcessRecord()
        {
            DateTimeOffset now = Session.Now;
            RotationSchedule schedule = null;
            try
            {
                schedule = new RosterStore(Session.State.Files).Load();
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex); // an unusable roster stops the command
            }

            if (schedule.Roster.IsExample)
            {
                WriteWarning(Runbook.DailyRunbook.ExampleRosterNote);
            }

            DateTime from = Date == null ? now.UtcDateTime.Date : RotationDates.Day(Date.Value);
            if (schedule.WeekNumberOf(from) < 0)
            {
                WriteWarning($"The rotation starts on {schedule.Start:yyyy-MM-dd}; there is no duty before it. Showing weeks from the start.");
                from = schedule.Start;
            }

            string member = null;
            if (Member != null)
            {
                member = schedule.Roster.FindMember(Member)?.Handle;
                if (member == null)
                {
                    ThrowFailure(new SecurityOpsException("RotationMemberNotFound", FailureKind.ObjectNotFound, Member,
                        $"'{Member}' is not a member of the roster ({string.Join(", ", schedule.Roster.Members.Select(m => m.Handle))})."));
                }
            }

            bool weeksGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Weeks));
            int count = member != null && !weeksGiven ? RotationSchedule.MaxWeeks : Weeks;
            WriteVerbose(member == null
                ? $"Rotation from the week of {from:yyyy-MM-dd}, {count} week(s); week 0 began {schedule.Start:yyyy-MM-dd}, order {string.Join(", ", schedule.Roster.EffectiveOrder)}."
                : weeksGiven
                    ? $"Weeks of {member} among {count} week(s) from the week of {from:yyyy-MM-dd}."
                    : $"The next duty week of {member} from the week of {from:yyyy-MM-dd}.");

            bool wrote = false;
            try
            {
                foreach (RotationSlot slot in schedule.Slots(from, count, now))
                {
                    if (Stopping)
                    {
                        return;
                    }

                    if (member != null && slot.Primary != member && slot.Secondary != member)
                    {
                        continue;
                    }

                    WriteObject(slot);
                    wrote = true;
                    if (member != null && !weeksGiven)
                    {
                        break;
                    }
                }
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }

            if (member != null && !wrote)
            {
                WriteVerbose($"{member} is not on duty in the weeks asked for.");
            }
        }
    }
}
