using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Rotation
{
    /// <summary>One thing wrong with a roster: a stable error id, the offending value and a sentence that names it.</summary>
    internal sealed class RosterProblem
    {
        public RosterProblem(string errorId, object target, string message)
        {
            ErrorId = errorId;
            Target = target;
            Message = message;
        }

        public string ErrorId { get; }

        public object Target { get; }

        public string Message { get; }

        public override string ToString() => $"{ErrorId}: {Message}";
    }

    /// <summary>A roster that cannot be used. The error id and target are the first problem's; the message lists all.</summary>
    internal sealed class RosterInvalidException : SecurityOpsException
    {
        public RosterInvalidException(string file, IReadOnlyList<RosterProblem> problems)
            : base(problems[0].ErrorId, FailureKind.InvalidData, problems[0].Target, Compose(file, problems))
        {
            File = file;
            Problems = problems;
        }

        public string File { get; }

        public IReadOnlyList<RosterProblem> Problems { get; }

        private static string Compose(string file, IReadOnlyList<RosterProblem> problems)
        {
            string head = $"{file}: {problems[0].Message}";
            return problems.Count == 1
                ? head
                : head + " Also: " + string.Join(" ", problems.Skip(1).Select(p => p.Message));
        }
    }

    /// <summary>The error ids a roster can fail with.</summary>
    internal static class RosterErrors
    {
        public const string NoMembers = "RosterNoMembers";
        public const string DuplicateHandle = "RosterDuplicateHandle";
        public const string MemberInvalid = "RosterMemberInvalid";
        public const string UnknownMember = "RosterUnknownMember";
        public const string InvalidTimeZone = "RosterInvalidTimeZone";
        public const string MissingStart = "RosterMissingStart";
        public const string TooFewMembers = "RosterTooFewMembers";
        public const string InvalidOverride = "RosterInvalidOverride";
        public const string DuplicateOverride = "RosterDuplicateOverride";
        public const string OverlappingAbsence = "RosterOverlappingAbsence";
        public const string UnstaffedWeek = "RosterUnstaffedWeek";
        public const string SwapOntoAbsent = "RosterSwapOntoAbsentMember";
    }

    /// <summary>Time zone ids: IANA (Europe/Berlin) or Windows ids, as the runtime knows them.</summary>
    internal static class TimeZones
    {
        public static bool TryFind(string id, out TimeZoneInfo zone)
        {
            zone = null;
            if (string.IsNullOrWhiteSpace(id))
            {
                return false;
            }

            if (string.Equals(id, "UTC", StringComparison.OrdinalIgnoreCase) || string.Equals(id, "Etc/UTC", StringComparison.OrdinalIgnoreCase))
            {
                zone = TimeZoneInfo.Utc;
                return true;
            }

            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(id);
                return true;
            }
            catch (TimeZoneNotFoundException)
            {
                return false;
            }
            catch (InvalidTimeZoneException)
            {
                return false;
            }
        }
    }
}
