using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;

namespace SecurityOps.Tests.Rotation
{
    /// <summary>Rosters for tests: alice, bob, carol (and more on request) from Monday 2026-01-05.</summary>
    internal static class RosterBuilder
    {
        public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

        public static Roster Team(params string[] handles)
        {
            if (handles.Length == 0)
            {
                handles = new[] { "alice", "bob", "carol" };
            }

            return new Roster
            {
                Start = Start,
                Members = handles.Select(h => new RosterMember { Handle = h, Name = char.ToUpperInvariant(h[0]) + h.Substring(1), Email = h + "@example.org", TimeZone = "Europe/Berlin" }).ToList(),
                Order = handles.ToList(),
            };
        }

        public static Roster WithAbsence(this Roster roster, string who, string from, string to, string id = null)
        {
            roster.Overrides.Add(new RotationOverride { Id = id ?? $"absence-{who}-{from}", Absent = who, From = Day(from), To = Day(to) });
            return roster;
        }

        public static Roster WithSwap(this Roster roster, string week, string a, string b, string id = null)
        {
            roster.Overrides.Add(new RotationOverride { Id = id ?? $"swap-{week}-{a}-{b}", Week = Day(week), Swap = new List<string> { a, b } });
            return roster;
        }

        public static DateTimeOffset Day(string date) => DateTimeOffset.Parse(date + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    }
}
