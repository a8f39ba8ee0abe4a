using System;

namespace SecurityOps.Commands
{
    /// <summary>How the rotation cmdlets read a user's date: a calendar day, or an instant for meetings.</summary>
    internal static class RotationDates
    {
        /// <summary>The UTC calendar day of a date the user typed (2026-01-14) or got from Get-Date.</summary>
        public static DateTime Day(DateTime value) =>
            value.Kind == DateTimeKind.Local ? value.ToUniversalTime().Date : value.Date;

        /// <summary>An instant: a local DateTime is converted, an unspecified one is taken as UTC.</summary>
        public static DateTimeOffset Instant(DateTime value) =>
            value.Kind == DateTimeKind.Local
                ? new DateTimeOffset(value).ToUniversalTime()
                : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }
}
