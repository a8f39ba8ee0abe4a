using System;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Get-SecurityMeeting: the next occurrences of the team's recurring meeting (meetings: in securityops.yaml).</summary>
    [Cmdlet(VerbsCommon.Get, "SecurityMeeting")]
    [OutputType(typeof(SecurityMeeting))]
    public sealed class GetSecurityMeetingCommand : StateCmdlet
    {
        /// <summary>How many meetings to list.</summary>
        [Parameter(Position = 0)]
        [ValidateRange(1, 1000)]
        public int Count { get; set; } = 1;

        /// <summary>List meetings that have not ended at this time (default: now). A time without offset is UTC.</summary>
        [Parameter]
        [Alias("Date")]
        public DateTime? After { get; set; }

        protected override void ProcessRecord()
        {
            DateTimeOffset after = After == null ? Session.Now : RotationDates.Instant(After.Value);
            MeetingSchedule schedule = null;
            try
            {
                schedule = MeetingSchedule.Create(Session.Config.Meetings, Session.Config.Project?.Name, Session.State.Files.FullPath(StateRepository.ConfigFileName));
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }

            MeetingSettings settings = Session.Config.Meetings;
            WriteVerbose($"Meetings every {settings.CadenceDays} day(s) from {settings.First.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC" +
                         $"{(string.IsNullOrEmpty(settings.TimeZone) ? string.Empty : $", keeping the local time in {settings.TimeZone}")}, " +
                         $"{settings.Cancelled?.Count ?? 0} cancelled date(s); listing {Count} not ended at {after.UtcDateTime:yyyy-MM-dd HH:mm} UTC.");
            foreach (SecurityMeeting meeting in schedule.Next(after, Count))
            {
                WriteObject(meeting);
            }
        }
    }
}
