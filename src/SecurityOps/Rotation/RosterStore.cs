using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Rotation
{
    /// <summary>Reads and changes roster.yaml through the state repository; never writes a roster that does not validate.</summary>
    internal sealed class RosterStore
    {
        private readonly StateRepository files;

        public RosterStore(StateRepository files) => this.files = files;

        public string FilePath => files.FullPath(Roster.FileName);

        /// <summary>The roster as written (not validated). A missing file is a RosterNotFound error.</summary>
        public Roster Read()
        {
            Roster roster = files.Read<Roster>(Roster.FileName);
            if (roster == null)
            {
                throw new SecurityOpsException("RosterNotFound", FailureKind.ObjectNotFound, FilePath,
                    $"{FilePath} does not exist. Run Initialize-SecurityState to create a template, then fill in the team.");
            }

            return roster;
        }

        /// <summary>
        /// Starts the rotation with the real team: the members in the order given, week 0 the current ISO week (from its
        /// Monday, 00:00 UTC), no overrides. Only over a missing or still-example roster (a team's roster is never
        /// replaced); an invalid team (a duplicate handle, a bad time zone, fewer than two people) writes nothing.
        /// </summary>
        public Roster StartTeam(IReadOnlyList<RosterMember> members, DateTimeOffset now)
        {
            using (files.AcquireLock())
            {
                Roster current = files.Read<Roster>(Roster.FileName);
                if (current != null && !current.IsExample)
                {
                    throw new SecurityOpsException("RosterAlreadySet", FailureKind.ResourceExists, FilePath,
                        $"{FilePath} already holds the team ({string.Join(", ", current.Members.Select(m => m.Handle))}); it is not replaced. Edit it, or use Set-RotationOverride for changes.");
                }

                DateTime today = now.UtcDateTime.Date;
                var roster = current ?? new Roster();
                roster.Start = new DateTimeOffset(today.AddDays(-(((int)today.DayOfWeek + 6) % 7)), TimeSpan.Zero);
                roster.Members = members.Select(m => new RosterMember { Handle = m.Handle?.Trim(), Name = m.Name?.Trim(), Email = m.Email?.Trim(), TimeZone = m.TimeZone?.Trim() }).ToList();
                roster.Order = roster.Members.Select(m => m.Handle).ToList();
                roster.Overrides = new List<RotationOverride>();
                RotationSchedule.Create(roster, FilePath); // validates: throws RosterInvalid, nothing written
                files.Write(Roster.FileName, roster);
                return roster;
            }
        }

        /// <summary>The rotation of the roster on disk; an invalid roster throws <see cref="RosterInvalidException"/>.</summary>
        public RotationSchedule Load() => RotationSchedule.Create(Read(), FilePath);

        /// <summary>
        /// Who is on duty at <paramref name="now"/>: the week's slot (Primary, Secondary, their e-mail addresses), or null
        /// when there is no roster.yaml or the rotation has not started yet. An invalid roster throws RosterInvalid.
        /// </summary>
        public RotationSlot OnDuty(DateTimeOffset now)
        {
            Roster roster = files.Read<Roster>(Roster.FileName);
            if (roster == null)
            {
                return null;
            }

            RotationSchedule schedule = RotationSchedule.Create(roster, FilePath);
            int week = schedule.WeekNumberOf(now.UtcDateTime);
            return week < 0 ? null : schedule.Slot(week, now);
        }

        /// <summary>
        /// Adds an override, reading, validating and writing under the state lock. When the result is not a valid
        /// roster nothing is written and the problem is thrown. Returns the override as stored (with its id).
        /// </summary>
        public RotationOverride AddOverride(RotationOverride entry, Func<Roster, RotationSchedule, bool> confirm = null)
        {
            using (files.AcquireLock())
            {
                Roster roster = Read();
                RotationSchedule before = RotationSchedule.Create(roster, FilePath);
                entry.Id ??= IdFor(entry, roster);
                if (roster.Overrides.Any(o => string.Equals(o?.Id, entry.Id, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new SecurityOpsException("RotationOverrideExists", FailureKind.ResourceExists, entry.Id,
                        $"{FilePath} already has the override '{entry.Id}'. Remove it first with Remove-RotationOverride -Id {entry.Id}.");
                }

                roster.Overrides ??= new List<RotationOverride>();
                roster.Overrides.Add(entry);
                RotationSchedule after = RotationSchedule.Create(roster, FilePath);
                if (entry.Kind == RotationOverride.SwapKind)
                {
                    CheckSwapHasEffect(before, entry);
                }

                if (confirm == null || confirm(roster, after))
                {
                    files.Write(Roster.FileName, roster);
                }

                return entry;
            }
        }

        /// <summary>Removes an override by id; throws RotationOverrideNotFound when there is none, and refuses a removal that leaves the roster invalid.</summary>
        public RotationOverride RemoveOverride(string id, Func<RotationOverride, bool> confirm = null)
        {
            using (files.AcquireLock())
            {
                Roster roster = Read();
                RotationOverride entry = roster.Overrides?.FirstOrDefault(o => string.Equals(o?.Id, id, StringComparison.OrdinalIgnoreCase));
                if (entry == null)
                {
                    throw new SecurityOpsException("RotationOverrideNotFound", FailureKind.ObjectNotFound, id,
                        $"{FilePath} has no override with id '{id}'. Get-Rotation lists the ids that apply to each week.");
                }

                roster.Overrides.Remove(entry);
                RotationSchedule.Create(roster, FilePath);
                if (confirm == null || confirm(entry))
                {
                    files.Write(Roster.FileName, roster);
                }

                return entry;
            }
        }

        /// <summary>swap-2026-01-12-alice-carol, absence-bob-2026-02-02 (with -2, -3... if taken).</summary>
        public static string IdFor(RotationOverride entry, Roster roster)
        {
            string baseId;
            if (entry.Kind == RotationOverride.SwapKind)
            {
                DateTime week = roster.Start == null
                    ? entry.Week.Value.UtcDateTime.Date
                    : WeekStart(roster.Start.Value.UtcDateTime.Date, entry.Week.Value.UtcDateTime.Date);
                var people = entry.Swap.Select(h => (roster.FindMember(h)?.Handle ?? h).ToLowerInvariant()).OrderBy(h => h, StringComparer.Ordinal);
                baseId = $"swap-{week:yyyy-MM-dd}-{string.Join("-", people)}";
            }
            else
            {
                string who = (roster.FindMember(entry.Absent)?.Handle ?? entry.Absent ?? "someone").ToLowerInvariant();
                baseId = $"absence-{who}-{entry.From?.UtcDateTime:yyyy-MM-dd}";
            }

            return baseId;
        }

        private static DateTime WeekStart(DateTime start, DateTime date) =>
            start.AddDays(7 * Math.Floor((date - start).TotalDays / 7));

        private void CheckSwapHasEffect(RotationSchedule schedule, RotationOverride swap)
        {
            if (swap.Week == null || swap.Swap == null || swap.Swap.Count != 2)
            {
                return; // validation names the problem
            }

            int week = schedule.WeekNumberOf(swap.Week.Value.UtcDateTime);
            if (week < 0)
            {
                return;
            }

            RotationSlot slot = schedule.Slot(week, DateTimeOffset.MinValue);
            bool onDuty = swap.Swap.Any(h => string.Equals(h, slot.Primary, StringComparison.OrdinalIgnoreCase) ||
                                             string.Equals(h, slot.Secondary, StringComparison.OrdinalIgnoreCase));
            if (!onDuty)
            {
                throw new SecurityOpsException("RotationSwapHasNoEffect", FailureKind.InvalidArgument, swap.Id,
                    $"Neither {swap.Swap[0]} nor {swap.Swap[1]} is on duty in the week of {slot.WeekStart:yyyy-MM-dd} (Primary {slot.Primary}, Secondary {slot.Secondary}); the swap would change nothing.");
            }
        }
    }
}
