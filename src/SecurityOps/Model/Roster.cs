using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Model
{
    /// <summary>
    /// roster.yaml: the people of the security team and the weekly on-duty rotation. Each week from
    /// <see cref="Start"/> has a Primary and a Secondary taken in turn from <see cref="Order"/>; overrides swap two
    /// people for one week or take a person out for an absence.
    /// </summary>
    internal sealed class Roster : IVersionedDocument
    {
        public const string FileName = "roster.yaml";

        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        /// <summary>The first day of week 0; every duty week starts on this weekday at 00:00 UTC.</summary>
        public DateTimeOffset? Start { get; set; }

        public List<RosterMember> Members { get; set; } = new List<RosterMember>();

        /// <summary>Handles in rotation order; empty means the members in the order they are listed.</summary>
        public List<string> Order { get; set; } = new List<string>();

        public List<RotationOverride> Overrides { get; set; } = new List<RotationOverride>();

        /// <summary>The rotation order actually used: <see cref="Order"/>, or every member when it is empty.</summary>
        public IReadOnlyList<string> EffectiveOrder =>
            Order != null && Order.Count > 0 ? Order : (Members ?? new List<RosterMember>()).Select(m => m?.Handle).ToList();

        /// <summary>
        /// True while the roster still holds the example people Initialize-SecurityState writes (every address at a
        /// domain reserved for examples): who is "on duty" then names nobody real, and the module says so.
        /// </summary>
        public bool IsExample => Members != null && Members.Count > 0 &&
            Members.All(m => m?.Email != null && ExampleDomains.Any(d => m.Email.EndsWith("@" + d, StringComparison.OrdinalIgnoreCase)));

        /// <summary>The domains RFC 2606 reserves for documentation.</summary>
        public static readonly string[] ExampleDomains = { "example.org", "example.com", "example.net" };

        public RosterMember FindMember(string handle) =>
            handle == null ? null : Members?.FirstOrDefault(m => string.Equals(m?.Handle, handle, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A person of the security team.</summary>
    public sealed class RosterMember
    {
        /// <summary>Short unique name (a GitHub handle, say); compared without regard to case.</summary>
        public string Handle { get; set; }

        public string Name { get; set; }

        public string Email { get; set; }

        /// <summary>IANA (Europe/Berlin) or Windows time zone id.</summary>
        public string TimeZone { get; set; }

        public override string ToString() => Handle;
    }

    /// <summary>
    /// A change to the plain rotation: either a swap (the two people of <see cref="Swap"/> trade places in the week
    /// of <see cref="Week"/>) or an absence (<see cref="Absent"/> is skipped in every week that overlaps
    /// <see cref="From"/>..<see cref="To"/>, both days included).
    /// </summary>
    public sealed class RotationOverride
    {
        public const string SwapKind = "swap";
        public const string AbsenceKind = "absence";

        /// <summary>A stable id (swap-2026-01-12-alice-carol, absence-bob-2026-02-02); Remove-RotationOverride uses it.</summary>
        public string Id { get; set; }

        /// <summary>Swap: any day of the week concerned.</summary>
        public DateTimeOffset? Week { get; set; }

        /// <summary>Swap: the two handles that trade places for that week.</summary>
        public List<string> Swap { get; set; }

        /// <summary>Absence: the handle of the person away.</summary>
        public string Absent { get; set; }

        /// <summary>Absence: first day away (UTC date).</summary>
        public DateTimeOffset? From { get; set; }

        /// <summary>Absence: last day away (UTC date, included).</summary>
        public DateTimeOffset? To { get; set; }

        public string Reason { get; set; }

        /// <summary>When the override was recorded.</summary>
        public DateTimeOffset? Recorded { get; set; }

        /// <summary>swap, absence, or null when the entry is neither (or both).</summary>
        public string Kind
        {
            get
            {
                bool swap = Swap != null && Swap.Count > 0;
                bool absence = !string.IsNullOrEmpty(Absent);
                return swap == absence ? null : swap ? SwapKind : AbsenceKind;
            }
        }

        /// <summary>The people the override names.</summary>
        public IReadOnlyList<string> People => Kind == SwapKind ? (IReadOnlyList<string>)Swap : Kind == AbsenceKind ? new[] { Absent } : Array.Empty<string>();
        public string Description
        {
            get
            {
                switch (Kind)
                {
                    case SwapKind:
                        return $"{string.Join(" <-> ", Swap)} swap in week of {Week?.UtcDateTime:yyyy-MM-dd}";
                    case AbsenceKind:
                        return $"{Absent} absent {From?.UtcDateTime:yyyy-MM-dd}..{To?.UtcDateTime:yyyy-MM-dd}";
                    default:
                        return Id ?? "(invalid override)";
                }
            }
        }

        public override string ToString() => Id ?? Description;
    }
}
