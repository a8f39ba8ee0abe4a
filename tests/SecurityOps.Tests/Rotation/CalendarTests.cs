using System;
using System.Linq;
using System.Text;
using Ical.Net;
using SecurityOps.Model;
using SecurityOps.Rotation;
using Xunit;

namespace SecurityOps.Tests.Rotation
{
    public sealed class CalendarTests
    {
        private static readonly DateTimeOffset Stamp = new DateTimeOffset(2026, 1, 14, 10, 0, 0, TimeSpan.Zero);

        [Theory]
        [InlineData("plain", "plain")]
        [InlineData("a,b;c\\d", "a\\,b\\;c\\\\d")]
        [InlineData("line1\nline2\r\nline3\rline4", "line1\\nline2\\nline3\\nline4")]
        [InlineData("tab\tkept, bell\u0007 dropped", "tab\tkept\\, bell dropped")]
        public void TextValuesAreEscaped(string value, string expected)
        {
            Assert.Equal(expected, ICalendarWriter.EscapeText(value));
        }

        [Fact]
        public void LongLinesFoldAt75OctetsWithoutSplittingACharacter()
        {
            string value = string.Concat(Enumerable.Repeat("Grüße 😀 à Zürich, ", 12));
            string text = new ICalendarWriter().Text("DESCRIPTION", value).ToString();

            Assert.EndsWith("\r\n", text);
            string[] lines = text.Substring(0, text.Length - 2).Split("\r\n");
            Assert.True(lines.Length > 4);
            foreach (string line in lines)
            {
                Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"{Encoding.UTF8.GetByteCount(line)} octets: {line}");
                Assert.False(char.IsHighSurrogate(line[^1]), "a surrogate pair was split");
                Assert.False(char.IsLowSurrogate(line[0]), "a surrogate pair was split");
            }

            Assert.All(lines.Skip(1), l => Assert.StartsWith(" ", l));
            // Lines are filled: all but the last use at least 72 of the 75 octets (a 4-octet character may not fit).
            Assert.All(lines.Take(lines.Length - 1), l => Assert.True(Encoding.UTF8.GetByteCount(l) >= 72));
            string unfolded = text.Replace("\r\n ", string.Empty);
            Assert.Equal("DESCRIPTION:" + ICalendarWriter.EscapeText(value) + "\r\n", unfolded);
        }

        [Fact]
        public void AShortLineIsNotFoldedAndALineOfExactly75OctetsIsNot()
        {
            string line75 = "SUMMARY:" + new string('x', 67);
            Assert.Equal(line75 + "\r\n", ICalendarWriter.Fold(line75));
            Assert.Equal(line75 + "\r\n y\r\n", ICalendarWriter.Fold(line75 + "y"));
        }

        private static RotationSlot Slot(int week, string primary, string secondary) => new RotationSlot
        {
            WeekNumber = week,
            WeekStart = new DateTime(2026, 1, 5).AddDays(7 * week),
            WeekEnd = new DateTime(2026, 1, 11).AddDays(7 * week),
            Primary = primary,
            Secondary = secondary,
            PrimaryName = "Person, " + primary,
            PrimaryEmail = primary + "@example.org",
        };

        private static SecurityMeeting Meeting(string start) => new SecurityMeeting
        {
            Start = DateTimeOffset.Parse(start),
            End = DateTimeOffset.Parse(start).AddMinutes(45),
            Title = "Security team; fortnightly",
            Location = "Room 1, Building \\ B",
            Url = "https://meet.example.org/sec?x=1,2",
            Uid = "security-meeting-" + DateTimeOffset.Parse(start).UtcDateTime.ToString("yyyyMMdd") + "@p.securityops",
        };

        private static string Build(params RotationSlot[] slots) =>
            SecurityCalendar.Build("Flatcar Container Linux", slots, new[] { Meeting("2026-01-08T16:00:00Z"), Meeting("2026-01-22T16:00:00Z") }, Stamp);

        [Fact]
        public void ACalendarClientReadsDutyWeeksAsAllDayEventsAndMeetingsAsUtcTimes()
        {
            string text = Build(Slot(0, "alice", "bob"), Slot(1, "bob", "carol"));
            Calendar calendar = Calendar.Load(text);

            Assert.Equal(4, calendar.Events.Count);
            var duty = calendar.Events.Single(e => e.Uid == "security-duty-20260105@flatcar-container-linux.securityops");
            Assert.Equal("Security duty: Primary alice, Secondary bob", duty.Summary);
            Assert.False(duty.DtStart.HasTime);
            Assert.Equal(new DateTime(2026, 1, 5), duty.DtStart.Value);
            Assert.Equal(new DateTime(2026, 1, 12), duty.DtEnd.Value);
            Assert.Contains("Primary: Person, alice (alice) <alice@example.org>\nSecondary: bob", duty.Description);
            Assert.Equal(new DateTime(2026, 1, 14, 10, 0, 0), duty.DtStamp.Value);

            var meeting = calendar.Events.Single(e => e.Uid == "security-meeting-20260122@p.securityops");
            Assert.True(meeting.DtStart.HasTime);
            Assert.True(meeting.DtStart.IsUtc);
            Assert.Equal(new DateTime(2026, 1, 22, 16, 0, 0), meeting.DtStart.Value);
            Assert.Equal(new DateTime(2026, 1, 22, 16, 45, 0), meeting.DtEnd.Value);
            Assert.Equal("Security team; fortnightly", meeting.Summary);
            Assert.Equal("Room 1, Building \\ B", meeting.Location);
            Assert.Equal(new Uri("https://meet.example.org/sec?x=1,2"), meeting.Url);
        }

        [Fact]
        public void TheFileIsStructurallyRfc5545()
        {
            string text = Build(Slot(0, "alice", "bob"));
            Assert.StartsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//SecurityOps//SecurityOps ", text);
            Assert.EndsWith("END:VEVENT\r\nEND:VCALENDAR\r\n", text);
            Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty));
            Assert.DoesNotContain("\r", text.Replace("\r\n", string.Empty));
            Assert.Equal(3, text.Split("BEGIN:VEVENT").Length - 1);
            Assert.Equal(3, text.Split("DTSTAMP:20260114T100000Z\r\n").Length - 1);
            Assert.Contains("DTSTART;VALUE=DATE:20260105\r\nDTEND;VALUE=DATE:20260112\r\n", text);
            Assert.Contains("SUMMARY:Security duty: Primary alice\\, Secondary bob\r\n", text);
            Assert.Contains("DTSTART:20260108T160000Z\r\nDTEND:20260108T164500Z\r\n", text);
        }

        [Fact]
        public void UidsAreStableAcrossExportsSoReimportingUpdates()
        {
            Calendar first = Calendar.Load(Build(Slot(0, "alice", "bob"), Slot(1, "bob", "carol")));
            var changed = Slot(1, "carol", "alice");
            changed.OverrideNotes.Add("bob absent 2026-01-12..2026-01-18");
            Calendar second = Calendar.Load(SecurityCalendar.Build("Flatcar Container Linux",
                new[] { Slot(0, "alice", "bob"), changed },
                new[] { Meeting("2026-01-08T16:00:00Z"), Meeting("2026-01-22T16:00:00Z") }, Stamp.AddDays(1)));

            Assert.Equal(first.Events.Select(e => e.Uid).OrderBy(u => u), second.Events.Select(e => e.Uid).OrderBy(u => u));
            Assert.Equal(4, first.Events.Select(e => e.Uid).Distinct().Count());
            var updated = second.Events.Single(e => e.Uid == "security-duty-20260112@flatcar-container-linux.securityops");
            Assert.Equal("Security duty: Primary carol, Secondary alice", updated.Summary);
            Assert.Contains("Override: bob absent", updated.Description);
        }

        [Fact]
        public void ProjectNamesBecomeUidDomains()
        {
            Assert.Equal("flatcar-container-linux.securityops", CalendarIds.Domain("Flatcar  Container Linux!"));
            Assert.Equal("project.securityops", CalendarIds.Domain("¿¿"));
            Assert.Equal("project.securityops", CalendarIds.Domain(null));
        }
    }
}
