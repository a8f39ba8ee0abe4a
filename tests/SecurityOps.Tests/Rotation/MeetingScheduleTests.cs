using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.State;
using Xunit;

namespace SecurityOps.Tests.Rotation
{
    public sealed class MeetingScheduleTests
    {
        private static MeetingSettings Fortnightly(string first = "2026-01-08T16:00:00Z") => new MeetingSettings
        {
            First = DateTimeOffset.Parse(first, System.Globalization.CultureInfo.InvariantCulture),
            Location = "Private video call",
        };

        private static List<string> Starts(MeetingSettings settings, string after, int count) =>
            MeetingSchedule.Create(settings, "Flatcar", "securityops.yaml")
                .Next(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture), count)
                .Select(m => m.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm"))
                .ToList();

        [Fact]
        public void FortnightlyFromTheFirstDate()
        {
            Assert.Equal(new[] { "2026-01-08 16:00", "2026-01-22 16:00", "2026-02-05 16:00" }, Starts(Fortnightly(), "2026-01-01T00:00:00Z", 3));

            var meeting = MeetingSchedule.Create(Fortnightly(), "Flatcar", "x").Next(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), 1).Single();
            Assert.Equal(TimeSpan.FromMinutes(60), meeting.Duration);
            Assert.Equal(MeetingSettings.DefaultTitle, meeting.Title);
            Assert.Equal("security-meeting-20260108@flatcar.securityops", meeting.Uid);
            Assert.Equal(0, meeting.Number);
        }

        [Fact]
        public void AMeetingUnderWayIsStillListedAndOneThatEndedIsNot()
        {
            Assert.Equal("2026-01-08 16:00", Starts(Fortnightly(), "2026-01-08T16:59:00Z", 1).Single());
            Assert.Equal("2026-01-22 16:00", Starts(Fortnightly(), "2026-01-08T17:00:00Z", 1).Single());
        }

        [Fact]
        public void FarAfterTheFirstMeetingTheCadenceHolds()
        {
            var settings = Fortnightly();
            settings.CadenceDays = 7;
            settings.DurationMinutes = 30;
            // 2027-06-03 is 73 weeks after 2026-01-08 (a Thursday).
            Assert.Equal(new[] { "2027-06-03 16:00", "2027-06-10 16:00" }, Starts(settings, "2027-06-01T00:00:00Z", 2));
        }

        [Fact]
        public void CancelledDatesAreSkipped()
        {
            var settings = Fortnightly();
            settings.Cancelled.Add(DateTimeOffset.Parse("2026-01-22T00:00:00Z"));
            settings.Cancelled.Add(DateTimeOffset.Parse("2026-02-05T16:00:00Z")); // the exact instant works too
            Assert.Equal(new[] { "2026-01-08 16:00", "2026-02-19 16:00", "2026-03-05 16:00" }, Starts(settings, "2026-01-01T00:00:00Z", 3));
        }

        [Fact]
        public void WithATimeZoneTheLocalTimeIsKeptAcrossDaylightSaving()
        {
            var settings = Fortnightly("2026-03-19T16:00:00Z"); // 17:00 in Berlin (CET)
            settings.TimeZone = "Europe/Berlin";                   // Europe moves to CEST on 2026-03-29
            var meetings = MeetingSchedule.Create(settings, "p", "x").Next(DateTimeOffset.Parse("2026-03-01T00:00:00Z"), 2).ToList();
            Assert.Equal(new[] { "2026-03-19 16:00", "2026-04-02 15:00" }, meetings.Select(m => m.Start.UtcDateTime.ToString("yyyy-MM-dd HH:mm")));
            Assert.All(meetings, m => Assert.Equal(17, m.LocalStart.Hour));

            var utc = Fortnightly("2026-03-19T16:00:00Z");
            Assert.Equal("2026-04-02 16:00", Starts(utc, "2026-03-20T00:00:00Z", 1).Single());
        }

        [Fact]
        public void NotConfiguredOrBadSettings()
        {
            var none = Assert.Throws<SecurityOpsException>(() => MeetingSchedule.Create(new MeetingSettings(), "p", "/s/securityops.yaml"));
            Assert.Equal("MeetingsNotConfigured", none.ErrorId);
            Assert.Contains("/s/securityops.yaml", none.Message);

            var cadence = Fortnightly();
            cadence.CadenceDays = 0;
            Assert.Equal("MeetingConfigInvalid", Assert.Throws<SecurityOpsException>(() => MeetingSchedule.Create(cadence, "p", "x")).ErrorId);

            var zone = Fortnightly();
            zone.TimeZone = "Atlantis/Capital";
            var ex = Assert.Throws<SecurityOpsException>(() => MeetingSchedule.Create(zone, "p", "x"));
            Assert.Equal("MeetingConfigInvalid", ex.ErrorId);
            Assert.Equal("Atlantis/Capital", ex.Target);

            var duration = Fortnightly();
            duration.DurationMinutes = -5;
            Assert.Equal(-5, Assert.Throws<SecurityOpsException>(() => MeetingSchedule.Create(duration, "p", "x")).Target);
        }

        [Fact]
        public void TheShippedConfigHasAFortnightlyMeeting()
        {
            var config = YamlFormat.Deserialize<SecurityConfig>(EmbeddedResources.ReadText("securityops.yaml"), "securityops.yaml");
            Assert.Equal(14, config.Meetings.CadenceDays);
            Assert.NotNull(config.Meetings.First);
            Assert.Empty(config.Meetings.Cancelled);
            Assert.Null(config.Meetings.TimeZone);
        }
    }
}
