using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using SecurityOps.Model;

namespace SecurityOps.Rotation
{
    /// <summary>
    /// The team calendar as iCalendar text: one all-day event per duty week and one timed (UTC) event per meeting.
    /// UIDs depend only on the project and the date, so importing a newer export updates events in place.
    /// </summary>
    internal static class SecurityCalendar
    {
        /// <param name="descriptions">Text for a meeting's DESCRIPTION, by the meeting's UID (its agenda); optional.</param>
        public static string Build(string projectName, IEnumerable<RotationSlot> slots, IEnumerable<SecurityMeeting> meetings, DateTimeOffset stamp,
            IReadOnlyDictionary<string, string> descriptions = null)
        {
            string version = typeof(SecurityCalendar).Assembly.GetName().Version?.ToString(3) ?? "0";
            string project = string.IsNullOrWhiteSpace(projectName) ? "Project" : projectName.Trim();
            var ics = new ICalendarWriter()
                .Begin("VCALENDAR")
                .Raw("VERSION", "2.0")
                .Raw("PRODID", $"-//SecurityOps//SecurityOps {version}//EN")
                .Raw("CALSCALE", "GREGORIAN")
                .Raw("METHOD", "PUBLISH")
                .Text("X-WR-CALNAME", $"{project} security team");

            foreach (RotationSlot slot in slots ?? Enumerable.Empty<RotationSlot>())
            {
                ics.Begin("VEVENT")
                   .Raw("UID", CalendarIds.DutyWeek(slot.WeekStart, project))
                   .DateTimeUtc("DTSTAMP", stamp)
                   .Date("DTSTART", slot.WeekStart)
                   .Date("DTEND", slot.WeekStart.AddDays(7))
                   .Text("SUMMARY", DutySummary(slot))
                   .Text("DESCRIPTION", DutyDescription(slot))
                   .Raw("TRANSP", "TRANSPARENT")
                   .Text("CATEGORIES", "Security duty")
                   .End("VEVENT");
            }

            foreach (SecurityMeeting meeting in meetings ?? Enumerable.Empty<SecurityMeeting>())
            {
                ics.Begin("VEVENT")
                   .Raw("UID", meeting.Uid)
                   .DateTimeUtc("DTSTAMP", stamp)
                   .DateTimeUtc("DTSTART", meeting.Start)
                   .DateTimeUtc("DTEND", meeting.End)
                   .Text("SUMMARY", meeting.Title);
                if (!string.IsNullOrWhiteSpace(meeting.Location))
                {
                    ics.Text("LOCATION", meeting.Location);
                }

                if (Uri.TryCreate(meeting.Url, UriKind.Absolute, out Uri url))
                {
                    ics.Raw("URL", url.AbsoluteUri);
                }

                if (descriptions != null && descriptions.TryGetValue(meeting.Uid, out string description) && !string.IsNullOrWhiteSpace(description))
                {
                    ics.Text("DESCRIPTION", description);
                }

                ics.Raw("TRANSP", "OPAQUE")
                   .Text("CATEGORIES", "Security meeting")
                   .End("VEVENT");
            }

            return ics.End("VCALENDAR").ToString();
        }

        public static string DutySummary(RotationSlot slot) => $"Security duty: Primary {slot.Primary}, Secondary {slot.Secondary}";

        private static string DutyDescription(RotationSlot slot)
        {
            var lines = new List<string>
            {
                $"Primary: {Person(slot.PrimaryName, slot.Primary, slot.PrimaryEmail)}",
                $"Secondary: {Person(slot.SecondaryName, slot.Secondary, slot.SecondaryEmail)}",
                $"Week {slot.WeekNumber}: {slot.WeekStart:yyyy-MM-dd} to {slot.WeekEnd:yyyy-MM-dd} (UTC).",
            };
            lines.AddRange(slot.OverrideNotes.Select(n => "Override: " + n));
            return string.Join("\n", lines);
        }

        private static string Person(string name, string handle, string email)
        {
            string who = string.IsNullOrWhiteSpace(name) ? handle : $"{name} ({handle})";
            return string.IsNullOrWhiteSpace(email) ? who : $"{who} <{email}>";
        }
    }
}
