using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;

namespace SecurityOps.Rotation
{
    /// <summary>
    /// The weekly on-duty rotation computed from a roster. The rule, deterministic for any date:
    /// <list type="number">
    /// <item>Week k (k = 0, 1, ...) runs from start + 7k days, 00:00 UTC, for seven days.</item>
    /// <item>Without overrides, Primary = order[k mod n] and Secondary = order[(k+1) mod n].</item>
    /// <item>Absences: walk order[k mod n], order[(k+1) mod n], ... and skip everyone with an absence that overlaps
    ///   any day of the week; the first person left is Primary, the second Secondary (never the same person).</item>
    /// <item>Swaps of that week are applied last, in file order: the two people trade places (a person off duty takes
    ///   the other's role; two people on duty exchange roles).</item>
    /// </list>
    /// </summary>
    internal sealed class RotationSchedule
    {
        /// <summary>The furthest a single query may reach (ten years of weeks).</summary>
        public const int MaxWeeks = 520;

        private readonly Roster roster;
        private readonly List<string> order;
        private readonly List<RotationOverride> absences;
        private readonly List<RotationOverride> swaps;

        private RotationSchedule(Roster roster)
        {
            this.roster = roster;
            Start = roster.Start.Value.UtcDateTime.Date;
            order = roster.EffectiveOrder.Select(Canonical).ToList();
            var overrides = (roster.Overrides ?? new List<RotationOverride>()).Where(o => o != null).ToList();
            absences = overrides.Where(o => o.Kind == RotationOverride.AbsenceKind).ToList();
            swaps = overrides.Where(o => o.Kind == RotationOverride.SwapKind).ToList();
        }

        /// <summary>The first day of week 0.</summary>
        public DateTime Start { get; }

        public Roster Roster => roster;

        /// <summary>Checks the roster and computes its rotation; an unusable roster throws <see cref="RosterInvalidException"/>.</summary>
        public static RotationSchedule Create(Roster roster, string file)
        {
            var problems = Validate(roster);
            if (problems.Count > 0)
            {
                throw new RosterInvalidException(file, problems);
            }

            return new RotationSchedule(roster);
        }

        /// <summary>Every problem of the roster, structural ones first; empty when it is usable.</summary>
        public static IReadOnlyList<RosterProblem> Validate(Roster roster)
        {
            var problems = new List<RosterProblem>();
            if (roster == null)
            {
                problems.Add(new RosterProblem(RosterErrors.NoMembers, null, "The roster is empty: it needs members, a start date and an order."));
                return problems;
            }

            var members = (roster.Members ?? new List<RosterMember>()).ToList();
            if (members.Count == 0)
            {
                problems.Add(new RosterProblem(RosterErrors.NoMembers, null, "The roster has no members: add at least two under 'members:' (handle, name, email, timeZone)."));
            }

            var handles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < members.Count; i++)
            {
                RosterMember member = members[i];
                if (member == null || string.IsNullOrWhiteSpace(member.Handle))
                {
                    problems.Add(new RosterProblem(RosterErrors.MemberInvalid, i, $"Member #{i + 1} has no handle."));
                    continue;
                }

                if (!handles.Add(member.Handle))
                {
                    problems.Add(new RosterProblem(RosterErrors.DuplicateHandle, member.Handle, $"The handle '{member.Handle}' is used by more than one member (handles are compared without case)."));
                }

                if (!string.IsNullOrEmpty(member.TimeZone) && !TimeZones.TryFind(member.TimeZone, out _))
                {
                    problems.Add(new RosterProblem(RosterErrors.InvalidTimeZone, member.TimeZone, $"Member '{member.Handle}' has an unknown time zone '{member.TimeZone}' (use an IANA id such as Europe/Berlin)."));
                }

                if (!string.IsNullOrEmpty(member.Email) && (member.Email.IndexOf('@') <= 0 || member.Email.IndexOf('@') == member.Email.Length - 1))
                {
                    problems.Add(new RosterProblem(RosterErrors.MemberInvalid, member.Email, $"Member '{member.Handle}' has an e-mail address that is not one: '{member.Email}'."));
                }
            }

            if (roster.Start == null)
            {
                problems.Add(new RosterProblem(RosterErrors.MissingStart, null, "The roster has no 'start' date: the rotation needs the first day of week 0 (e.g. start: 2026-01-05)."));
            }

            var effectiveOrder = roster.EffectiveOrder;
            var inOrder = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string handle in effectiveOrder)
            {
                if (string.IsNullOrWhiteSpace(handle))
                {
                    continue; // reported as a member without a handle, or below as an unknown member
                }

                if (!handles.Contains(handle))
                {
                    problems.Add(new RosterProblem(RosterErrors.UnknownMember, handle, $"The order names '{handle}', who is not a member."));
                }
                else if (!inOrder.Add(handle))
                {
                    problems.Add(new RosterProblem(RosterErrors.DuplicateHandle, handle, $"The order names '{handle}' more than once."));
                }
            }

            if (members.Count > 0 && inOrder.Count < 2)
            {
                problems.Add(new RosterProblem(RosterErrors.TooFewMembers, inOrder.Count,
                    $"The rotation order has {inOrder.Count} usable {(inOrder.Count == 1 ? "person" : "people")}; a Primary and a Secondary need at least two."));
            }

            CheckOverrides(roster, handles, problems);

            // Staffing is only meaningful for a structurally sound roster.
            if (problems.Count == 0)
            {
                new RotationSchedule(roster).CheckStaffing(problems);
            }

            return problems;
        }

        /// <summary>Week number of the week holding <paramref name="date"/> (negative before the start).</summary>
        /// <summary>The ISO 8601 week (yyyy-Www) of a day: weeks start on Monday, week 1 holds the year's first Thursday.</summary>
        public static string IsoWeekOf(DateTime day)
        {
            day = day.Date;
            int weekday = ((int)day.DayOfWeek + 6) % 7; // Monday 0 .. Sunday 6
            DateTime thursday = day.AddDays(3 - weekday);
            int week = ((thursday.DayOfYear - 1) / 7) + 1;
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}-W{1:00}", thursday.Year, week);
        }

        public int WeekNumberOf(DateTime date)
        {
            int days = (int)(date.Date - Start).TotalDays;
            return (int)Math.Floor(days / 7.0);
        }

        public DateTime WeekStartOf(int week) => Start.AddDays(7.0 * week);

        /// <summary>The slot of week <paramref name="week"/> (0 or later); <paramref name="now"/> marks the current one.</summary>
        public RotationSlot Slot(int week, DateTimeOffset now)
        {
            if (week < 0)
            {
                throw new SecurityOpsException("RotationNotStarted", FailureKind.InvalidArgument, WeekStartOf(week),
                    $"The rotation starts on {Start:yyyy-MM-dd}; week {week} is before it.");
            }

            Plan plan = PlanWeek(week);
            if (plan.Problem != null)
            {
                // Validation checks every week an override touches, so this is only reached for a roster changed under us.
                throw new RosterInvalidException(Model.Roster.FileName, new[] { plan.Problem });
            }

            RosterMember primary = roster.FindMember(plan.Primary);
            RosterMember secondary = roster.FindMember(plan.Secondary);
            DateTime weekStart = WeekStartOf(week);
            DateTime today = now.UtcDateTime.Date;
            return new RotationSlot
            {
                WeekNumber = week,
                IsoWeek = IsoWeekOf(weekStart),
                ExampleRoster = roster.IsExample,
                WeekStart = DateTime.SpecifyKind(weekStart, DateTimeKind.Utc),
                WeekEnd = DateTime.SpecifyKind(weekStart.AddDays(6), DateTimeKind.Utc),
                Primary = plan.Primary,
                Secondary = plan.Secondary,
                PrimaryName = primary?.Name,
                SecondaryName = secondary?.Name,
                PrimaryEmail = primary?.Email,
                SecondaryEmail = secondary?.Email,
                ScheduledPrimary = plan.ScheduledPrimary,
                ScheduledSecondary = plan.ScheduledSecondary,
                Overrides = plan.Applied.Select(o => o.Id ?? o.Description).ToList(),
                OverrideNotes = plan.Applied.Select(o => o.Description).ToList(),
                IsCurrent = today >= weekStart && today < weekStart.AddDays(7),
            };
        }

        /// <summary>
        /// <paramref name="count"/> consecutive slots from the week holding <paramref name="from"/>; weeks before the
        /// start are left out.
        /// </summary>
        public IEnumerable<RotationSlot> Slots(DateTime from, int count, DateTimeOffset now)
        {
            int first = WeekNumberOf(from);
            for (int week = first; week < first + count; week++)
            {
                if (week >= 0)
                {
                    yield return Slot(week, now);
                }
            }
        }

        /// <summary>Whether the member (any case) is absent on some day of the week.</summary>
        public bool IsAbsent(string handle, int week) =>
            AbsencesIn(week).Any(a => string.Equals(a.Absent, handle, StringComparison.OrdinalIgnoreCase));

        private IEnumerable<RotationOverride> AbsencesIn(int week)
        {
            DateTime weekStart = WeekStartOf(week);
            DateTime weekEnd = weekStart.AddDays(6);
            return absences.Where(a => a.From.Value.UtcDateTime.Date <= weekEnd && a.To.Value.UtcDateTime.Date >= weekStart);
        }

        private Plan PlanWeek(int week)
        {
            int n = order.Count;
            var plan = new Plan
            {
                ScheduledPrimary = order[Mod(week, n)],
                ScheduledSecondary = order[Mod(week + 1, n)],
            };

            var away = AbsencesIn(week).ToList();
            var picked = new List<string>();
            for (int i = 0; i < n && picked.Count < 2; i++)
            {
                string candidate = order[Mod(week + i, n)];
                var hisAbsences = away.Where(a => string.Equals(a.Absent, candidate, StringComparison.OrdinalIgnoreCase)).ToList();
                if (hisAbsences.Count == 0)
                {
                    picked.Add(candidate);
                }
                else
                {
                    plan.Applied.AddRange(hisAbsences);
                }
            }

            DateTime weekStart = WeekStartOf(week);
            if (picked.Count < 2)
            {
                string missing = picked.Count == 0 ? "a Primary or a Secondary" : "a Secondary";
                plan.Problem = new RosterProblem(RosterErrors.UnstaffedWeek, weekStart.ToString("yyyy-MM-dd"),
                    $"The week of {weekStart:yyyy-MM-dd} has no one left to be {missing}: absent are {string.Join(", ", away.Select(a => a.Absent).Distinct(StringComparer.OrdinalIgnoreCase))} ({string.Join("; ", away.Select(a => a.Id ?? a.Description))}).");
                return plan;
            }

            plan.Primary = picked[0];
            plan.Secondary = picked[1];
            foreach (RotationOverride swap in swaps.Where(s => WeekNumberOf(s.Week.Value.UtcDateTime) == week))
            {
                string a = Canonical(swap.Swap[0]);
                string b = Canonical(swap.Swap[1]);
                string primary = Exchange(plan.Primary, a, b);
                string secondary = Exchange(plan.Secondary, a, b);
                if (primary == plan.Primary && secondary == plan.Secondary)
                {
                    continue; // neither is on duty this week: nothing to do
                }

                plan.Primary = primary;
                plan.Secondary = secondary;
                plan.Applied.Add(swap);
                foreach (string person in new[] { primary, secondary })
                {
                    if (away.Any(x => string.Equals(x.Absent, person, StringComparison.OrdinalIgnoreCase)))
                    {
                        plan.Problem = new RosterProblem(RosterErrors.SwapOntoAbsent, swap.Id ?? swap.Description,
                            $"The swap '{swap.Id ?? swap.Description}' puts {person} on duty in the week of {weekStart:yyyy-MM-dd}, when {person} is absent.");
                        return plan;
                    }
                }
            }

            return plan;
        }

        private void CheckStaffing(List<RosterProblem> problems)
        {
            var weeks = new SortedSet<int>();
            foreach (RotationOverride absence in absences)
            {
                int first = Math.Max(0, WeekNumberOf(absence.From.Value.UtcDateTime));
                int last = Math.Min(WeekNumberOf(absence.To.Value.UtcDateTime), first + MaxWeeks * 10);
                for (int week = first; week <= last; week++)
                {
                    weeks.Add(week);
                }
            }

            foreach (RotationOverride swap in swaps)
            {
                weeks.Add(WeekNumberOf(swap.Week.Value.UtcDateTime));
            }

            foreach (int week in weeks)
            {
                if (week >= 0 && PlanWeek(week).Problem is RosterProblem problem)
                {
                    problems.Add(problem);
                }
            }
        }

        private static void CheckOverrides(Roster roster, HashSet<string> handles, List<RosterProblem> problems)
        {
            var overrides = roster.Overrides ?? new List<RotationOverride>();
            var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            DateTime? start = roster.Start?.UtcDateTime.Date;
            for (int i = 0; i < overrides.Count; i++)
            {
                RotationOverride o = overrides[i];
                string name = o?.Id ?? $"#{i + 1}";
                if (o == null || o.Kind == null)
                {
                    problems.Add(new RosterProblem(RosterErrors.InvalidOverride, name,
                        $"Override {name} must be either a swap (week + swap: [a, b]) or an absence (absent + from + to), not {(o == null || (o.Swap == null && o.Absent == null) ? "neither" : "both")}."));
                    continue;
                }

                if (o.Id != null && !ids.Add(o.Id))
                {
                    problems.Add(new RosterProblem(RosterErrors.DuplicateOverride, o.Id, $"The override id '{o.Id}' is used twice."));
                }

                foreach (string person in o.People)
                {
                    if (string.IsNullOrWhiteSpace(person) || !handles.Contains(person))
                    {
                        problems.Add(new RosterProblem(RosterErrors.UnknownMember, person, $"Override {name} names '{person}', who is not a member."));
                    }
                }

                if (o.Kind == RotationOverride.SwapKind)
                {
                    if (o.Swap.Count != 2 || string.Equals(o.Swap[0], o.Swap[1], StringComparison.OrdinalIgnoreCase))
                    {
                        problems.Add(new RosterProblem(RosterErrors.InvalidOverride, name, $"Swap {name} must name two different people (it names: {string.Join(", ", o.Swap)})."));
                    }

                    if (o.Week == null)
                    {
                        problems.Add(new RosterProblem(RosterErrors.InvalidOverride, name, $"Swap {name} has no 'week'."));
                    }
                    else if (start != null && o.Week.Value.UtcDateTime.Date < start)
                    {
                        problems.Add(new RosterProblem(RosterErrors.InvalidOverride, name, $"Swap {name} is for {o.Week.Value.UtcDateTime:yyyy-MM-dd}, before the rotation starts ({start:yyyy-MM-dd})."));
                    }
                }
                else if (o.From == null || o.To == null)
                {
                    problems.Add(new RosterProblem(RosterErrors.InvalidOverride, name, $"Absence {name} needs both 'from' and 'to'."));
                }
                else if (o.To.Value.UtcDateTime.Date < o.From.Value.UtcDateTime.Date)
                {
                    problems.Add(new RosterProblem(RosterErrors.InvalidOverride, name, $"Absence {name} ends ({o.To.Value.UtcDateTime:yyyy-MM-dd}) before it begins ({o.From.Value.UtcDateTime:yyyy-MM-dd})."));
                }
            }

            var ranges = overrides.Where(o => o?.Kind == RotationOverride.AbsenceKind && o.From != null && o.To != null && o.To >= o.From).ToList();
            for (int i = 0; i < ranges.Count; i++)
            {
                for (int j = i + 1; j < ranges.Count; j++)
                {
                    RotationOverride a = ranges[i], b = ranges[j];
                    if (string.Equals(a.Absent, b.Absent, StringComparison.OrdinalIgnoreCase) &&
                        a.From.Value.UtcDateTime.Date <= b.To.Value.UtcDateTime.Date && b.From.Value.UtcDateTime.Date <= a.To.Value.UtcDateTime.Date)
                    {
                        problems.Add(new RosterProblem(RosterErrors.OverlappingAbsence, b.Id ?? b.Description,
                            $"The absences of {a.Absent} overlap: '{a.Id ?? a.Description}' and '{b.Id ?? b.Description}'. Merge them into one range."));
                    }
                }
            }
        }

        private string Canonical(string handle) => roster.FindMember(handle)?.Handle ?? handle;

        private static string Exchange(string person, string a, string b) =>
            string.Equals(person, a, StringComparison.OrdinalIgnoreCase) ? b
            : string.Equals(person, b, StringComparison.OrdinalIgnoreCase) ? a
            : person;

        private static int Mod(int value, int n) => ((value % n) + n) % n;

        private sealed class Plan
        {
            public string Primary;
            public string Secondary;
            public string ScheduledPrimary;
            public string ScheduledSecondary;
            public readonly List<RotationOverride> Applied = new List<RotationOverride>();
            public RosterProblem Problem;
        }
    }
}
