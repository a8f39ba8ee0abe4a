using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Export-SecurityCalendar: writes duty weeks and meetings to an iCalendar (.ics) file for calendar clients.</summary>
    [Cmdlet(VerbsData.Export, "SecurityCalendar", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportSecurityCalendarCommand : StateCmdlet
    {
        /// <summary>The .ics file to write (replaced when it exists).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>How many duty weeks, from the week of -Date.</summary>
        [Parameter]
        [ValidateRange(0, RotationSchedule.MaxWeeks)]
        public int Weeks { get; set; } = 12;

        /// <summary>How many meetings, from -Date on.</summary>
        [Parameter]
        [ValidateRange(0, 1000)]
        public int Meetings { get; set; } = 6;

        /// <summary>Where the calendar begins (default: now).</summary>
        [Parameter]
        public DateTime? Date { get; set; }

        /// <summary>
        /// Attach the next meeting's agenda (Get-SecurityMeetingAgenda) to its event. The agenda holds embargoed detail:
        /// only for a calendar that stays within the team.
        /// </summary>
        [Parameter]
        public SwitchParameter IncludeAgenda { get; set; }

        /// <summary>Emit the written file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            DateTimeOffset now = Session.Now;
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            string directory = System.IO.Path.GetDirectoryName(path);
            if (!Directory.Exists(directory))
            {
                ThrowFailure(new SecurityOpsException("CalendarFolderNotFound", FailureKind.ObjectNotFound, path,
                    $"The folder of {path} does not exist."));
            }

            var slots = new List<RotationSlot>();
            var meetings = new List<SecurityMeeting>();
            try
            {
                if (Weeks > 0)
                {
                    RotationSchedule schedule = new RosterStore(Session.State.Files).Load();
                    DateTime from = Date == null ? now.UtcDateTime.Date : RotationDates.Day(Date.Value);
                    if (schedule.WeekNumberOf(from) < 0)
                    {
                        from = schedule.Start;
                    }

                    slots.AddRange(schedule.Slots(from, Weeks, now));
                }

                if (Meetings > 0)
                {
                    MeetingSettings settings = Session.Config.Meetings;
                    if (settings?.First == null)
                    {
                        WriteWarning($"No meetings are configured (meetings: first: in {Session.State.Files.FullPath(StateRepository.ConfigFileName)}); the calendar holds duty weeks only.");
                    }
                    else
                    {
                        DateTimeOffset after = Date == null ? now : RotationDates.Instant(Date.Value);
                        meetings.AddRange(MeetingSchedule.Create(settings, Session.Config.Project?.Name, Session.State.Files.FullPath(StateRepository.ConfigFileName)).Next(after, Meetings));
                    }
                }
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }

            var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (IncludeAgenda && meetings.Count > 0)
            {
                TryRun(() =>
                {
                    MeetingSchedule schedule = MeetingSchedule.Create(Session.Config.Meetings, Session.Config.Project?.Name, Session.State.Files.FullPath(StateRepository.ConfigFileName));
                    SecurityMeeting first = meetings[0];
                    int cadence = Math.Max(1, Session.Config.Meetings.CadenceDays);
                    SecurityMeeting previous = schedule.Before(first);
                    DateTimeOffset until = meetings.Count > 1 ? meetings[1].Start : first.Start.AddDays(cadence);
                    SecurityMeetingAgenda agenda = Runbook.MeetingAgendaBuilder.Build(Session.State, first, previous?.Start ?? first.Start.AddDays(-cadence), until, now);
                    descriptions[first.Uid] = agenda.Markdown;
                    WriteWarning($"The agenda of the meeting at {first.Start.UtcDateTime:yyyy-MM-dd HH:mm} UTC is attached: it holds embargoed detail, so keep {Path} within the team.");
                });
            }

            string text = SecurityCalendar.Build(Session.Config.Project?.Name, slots, meetings, now, descriptions);
            if (!ShouldProcess(path, $"Write an iCalendar file with {slots.Count} duty week(s) and {meetings.Count} meeting(s)"))
            {
                return;
            }

            try
            {
                StateRepository.WriteFileAtomic(path, text);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ThrowFailure(new SecurityOpsException("CalendarWriteFailed", FailureKind.WriteError, path, $"Could not write {path}: {ex.Message}", ex));
            }

            WriteVerbose($"Wrote {path}: {slots.Count} duty week(s){(slots.Count > 0 ? $" from {slots[0].WeekStart:yyyy-MM-dd}" : string.Empty)}, {meetings.Count} meeting(s).");
            if (PassThru)
            {
                WriteObject(new FileInfo(path));
            }
        }
    }
}
