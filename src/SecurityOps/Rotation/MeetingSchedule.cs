using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using SecurityOps.Model;

namespace SecurityOps.Rotation
{
    /// <summary>
    /// The team's recurring meeting: occurrence k starts at first + k × cadenceDays. With a time zone the meeting
    /// keeps its wall-clock time there across daylight-saving changes; without one it keeps its UTC time.
    /// Cancelled dates are left out.
    /// </summary>
    internal sealed class MeetingSchedule
    {
        private readonly MeetingSettings settings;
        private readonly TimeZoneInfo zone;
        private readonly DateTime firstLocal;
        private readonly string uidDomain;

        private MeetingSchedule(MeetingSettings settings, TimeZoneInfo zone, string projectName)
        {
            this.settings = settings;
            this.zone = zone;
            firstLocal = TimeZoneInfo.ConvertTime(settings.First.Value, zone).DateTime;
            uidDomain = CalendarIds.Domain(projectName);
        }

        /// <summary>Checks the meetings section; a missing first date or bad value throws (MeetingsNotConfigured / MeetingConfigInvalid).</summary>
        public static MeetingSchedule Create(MeetingSettings settings, string projectName, string configFile)
        {
            if (settings?.First == null)
            {
                throw new SecurityOpsException("MeetingsNotConfigured", FailureKind.ObjectNotFound, configFile,
                    $"{configFile} has no 'meetings: first:' date, so there are no meetings to list. Add e.g. 'meetings: {{ first: 2026-01-08T16:00:00Z, cadenceDays: 14 }}'.");
            }

            if (settings.CadenceDays < 1)
            {
                throw Invalid(configFile, settings.CadenceDays, $"meetings.cadenceDays must be 1 or more (it is {settings.CadenceDays}).");
            }

            if (settings.DurationMinutes < 1 || settings.DurationMinutes > 24 * 60)
            {
                throw Invalid(configFile, settings.DurationMinutes, $"meetings.durationMinutes must be between 1 and 1440 (it is {settings.DurationMinutes}).");
            }

            TimeZoneInfo zone = TimeZoneInfo.Utc;
            if (!string.IsNullOrEmpty(settings.TimeZone) && !TimeZones.TryFind(settings.TimeZone, out zone))
            {
                throw Invalid(configFile, settings.TimeZone, $"meetings.timeZone '{settings.TimeZone}' is not a known time zone (use an IANA id such as Europe/Berlin).");
            }

            return new MeetingSchedule(settings, zone, projectName);
        }

        /// <summary>The next <paramref name="count"/> meetings that have not ended at <paramref name="after"/>.</summary>
        public IEnumerable<SecurityMeeting> Next(DateTimeOffset after, int count)
        {
            var cancelled = settings.Cancelled ?? new List<DateTimeOffset>();
            TimeSpan duration = TimeSpan.FromMinutes(settings.DurationMinutes);

            // Jump close to 'after' instead of walking from the first meeting (one day of slack for time zones).
            double daysSinceFirst = (after - settings.First.Value).TotalDays;
            int k = Math.Max(0, (int)Math.Floor((daysSinceFirst - 1) / settings.CadenceDays));
            int found = 0;
            for (int guard = 0; found < count && guard < count + cancelled.Count + 3; k++)
            {
                SecurityMeeting meeting = Occurrence(k, duration);
                if (meeting.End <= after)
                {
                    continue;
                }

                guard++;
                if (cancelled.Any(c => c == meeting.Start || c.UtcDateTime.Date == meeting.LocalStart.Date))
                {
                    continue;
                }

                found++;
                yield return meeting;
            }
        }

        /// <summary>The meeting before <paramref name="meeting"/> (cancelled dates left out); null before the first.</summary>
        public SecurityMeeting Before(SecurityMeeting meeting)
        {
            var cancelled = settings.Cancelled ?? new List<DateTimeOffset>();
            TimeSpan duration = TimeSpan.FromMinutes(settings.DurationMinutes);
            for (int k = meeting.Number - 1, guard = 0; k >= 0 && guard <= cancelled.Count; k--, guard++)
            {
                SecurityMeeting previous = Occurrence(k, duration);
                if (!cancelled.Any(c => c == previous.Start || c.UtcDateTime.Date == previous.LocalStart.Date))
                {
                    return previous;
                }
            }

            return null;
        }

        private SecurityMeeting Occurrence(int k, TimeSpan duration)
        {
            DateTime local = firstLocal.AddDays((double)k * settings.CadenceDays);
            DateTimeOffset start = ToUtc(local);
            return new SecurityMeeting
            {
                Number = k,
                Start = start,
                End = start + duration,
                Title = string.IsNullOrWhiteSpace(settings.Title) ? MeetingSettings.DefaultTitle : settings.Title,
                Location = settings.Location,
                Url = settings.Url,
                TimeZone = zone.Id,
                LocalStart = local,
                Uid = $"security-meeting-{local:yyyyMMdd}@{uidDomain}",
            };
        }

        private DateTimeOffset ToUtc(DateTime local)
        {
            local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            if (zone.IsInvalidTime(local))
            {
                local = local.AddHours(1); // a wall time skipped by a daylight-saving jump: take the hour after
            }

            TimeSpan offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
            return new DateTimeOffset(local, offset).ToUniversalTime();
        }

        private static SecurityOpsException Invalid(string file, object value, string message) =>
            new SecurityOpsException("MeetingConfigInvalid", FailureKind.InvalidData, value, $"{file}: {message}");
    }

    /// <summary>Calendar ids: stable per project, so re-importing a calendar updates its events.</summary>
    internal static class CalendarIds
    {
        /// <summary>"Example Project" -> "example-project.securityops".</summary>
        public static string Domain(string projectName)
        {
            var slug = new StringBuilder();
            foreach (char c in (projectName ?? "project").ToLowerInvariant())
            {
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                {
                    slug.Append(c);
                }
                else if (slug.Length > 0 && slug[slug.Length - 1] != '-')
                {
                    slug.Append('-');
                }
            }

            string text = slug.ToString().Trim('-');
            return (text.Length == 0 ? "project" : text) + ".securityops";
        }

        public static string DutyWeek(DateTime weekStart, string projectName) =>
            $"security-duty-{weekStart:yyyyMMdd}@{Domain(projectName)}";
    }
}
