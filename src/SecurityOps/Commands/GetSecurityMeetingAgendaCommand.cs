using System;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.Runbook;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Get-SecurityMeetingAgenda: the agenda of the team's next meeting (or the meeting on -Meeting's day) from the
    /// state: open cases and their clocks, CVEs since the previous meeting by relevance, embargoes ending before the
    /// next meeting, reminders, the rotation ahead. Read-only.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SecurityMeetingAgenda")]
    [OutputType(typeof(SecurityMeetingAgenda), typeof(string))]
    public sealed class GetSecurityMeetingAgendaCommand : StateCmdlet
    {
        /// <summary>The meeting on this day, or the first one after it (default: the next meeting not yet ended).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Start", "Date")]
        public DateTime? Meeting { get; set; }

        /// <summary>How many duty weeks of the rotation, from the meeting's week.</summary>
        [Parameter]
        [ValidateRange(1, 52)]
        public int Weeks { get; set; } = 4;

        /// <summary>Write the agenda's markdown instead of the object.</summary>
        [Parameter]
        public SwitchParameter AsMarkdown { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                DateTimeOffset now = Session.Now;
                MeetingSchedule schedule = MeetingSchedule.Create(Session.Config.Meetings, Session.Config.Project?.Name, Session.State.Files.FullPath(StateRepository.ConfigFileName));
                DateTimeOffset after = Meeting == null ? now : new DateTimeOffset(RotationDates.Day(Meeting.Value), TimeSpan.Zero);
                SecurityMeeting meeting = schedule.Next(after, 1).First();
                SecurityMeeting previous = schedule.Before(meeting);
                SecurityMeeting next = schedule.Next(meeting.End, 1).FirstOrDefault();
                int cadence = Math.Max(1, Session.Config.Meetings.CadenceDays);
                DateTimeOffset since = previous?.Start ?? meeting.Start.AddDays(-cadence);
                DateTimeOffset until = next?.Start ?? meeting.Start.AddDays(cadence);
                WriteVerbose($"Agenda of the meeting at {meeting.Start.UtcDateTime:yyyy-MM-dd HH:mm} UTC: CVEs first seen since {since.UtcDateTime:yyyy-MM-dd HH:mm} UTC (the previous meeting), " +
                             $"embargoes ending before {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC (the next one), clocks as they stand at {(meeting.Start > now ? "the meeting's start" : "now")}.");
                SecurityMeetingAgenda agenda = MeetingAgendaBuilder.Build(Session.State, meeting, since, until, now, Weeks);
                WriteVerbose($"{agenda.OpenCases.Count} open case(s), {agenda.NewCves.Count} new CVE(s), {agenda.EmbargoesEnding.Count} embargo(es) ending, {agenda.Reminders.Count} reminder(s).");
                if (AsMarkdown)
                {
                    WriteObject(agenda.Markdown);
                }
                else
                {
                    WriteObject(agenda);
                }
            });
        }
    }
}
