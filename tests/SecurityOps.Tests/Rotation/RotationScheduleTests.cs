using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.State;
using Xunit;

namespace SecurityOps.Tests.Rotation
{
    public sealed class RotationScheduleTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 1, 14, 10, 0, 0, TimeSpan.Zero);

        private static RotationSchedule Schedule(Roster roster) => RotationSchedule.Create(roster, "roster.yaml");

        private static string Pair(RotationSlot slot) => slot.Primary + "/" + slot.Secondary;

        [Fact]
        public void PlainRotationTakesPrimaryAndSecondaryInTurnFromTheOrder()
        {
            var slots = Schedule(RosterBuilder.Team()).Slots(new DateTime(2026, 1, 5), 4, Now).ToList();

            Assert.Equal(new[] { "alice/bob", "bob/carol", "carol/alice", "alice/bob" }, slots.Select(Pair));
            Assert.Equal(new[] { 0, 1, 2, 3 }, slots.Select(s => s.WeekNumber));
            Assert.Equal(new DateTime(2026, 1, 12), slots[1].WeekStart);
            Assert.Equal(new DateTime(2026, 1, 18), slots[1].WeekEnd);
            Assert.All(slots, s => Assert.False(s.OverrideApplied));
            Assert.Equal("bob@example.org", slots[1].PrimaryEmail);
            Assert.Equal("Carol", slots[1].SecondaryName);
            Assert.Equal(new[] { false, true, false, false }, slots.Select(s => s.IsCurrent));
        }

        [Fact]
        public void AnyDayOfAWeekFindsThatWeekAndTheRuleHoldsFarAhead()
        {
            var schedule = Schedule(RosterBuilder.Team("alice", "bob", "carol", "dave"));
            Assert.Equal(1, schedule.WeekNumberOf(new DateTime(2026, 1, 18))); // Sunday ends week 1
            Assert.Equal(2, schedule.WeekNumberOf(new DateTime(2026, 1, 19)));
            Assert.Equal(-1, schedule.WeekNumberOf(new DateTime(2026, 1, 4)));

            var slot = schedule.Slot(103, Now); // 103 mod 4 = 3
            Assert.Equal("dave/alice", Pair(slot));
            Assert.Equal(new DateTime(2026, 1, 5).AddDays(7 * 103), slot.WeekStart);
        }

        [Fact]
        public void WeeksBeforeTheStartAreLeftOut()
        {
            var schedule = Schedule(RosterBuilder.Team());
            var slots = schedule.Slots(new DateTime(2025, 12, 22), 3, Now).ToList();
            Assert.Single(slots);
            Assert.Equal(0, slots[0].WeekNumber);
            var ex = Assert.Throws<SecurityOpsException>(() => schedule.Slot(-1, Now));
            Assert.Equal("RotationNotStarted", ex.ErrorId);
        }

        [Fact]
        public void AnAbsentPrimaryIsSkippedAndTheNextPeopleTakeTheTurn()
        {
            var roster = RosterBuilder.Team().WithAbsence("bob", "2026-01-12", "2026-01-18");
            var slot = Schedule(roster).Slot(1, Now);

            Assert.Equal("carol/alice", Pair(slot));
            Assert.Equal("bob", slot.ScheduledPrimary);
            Assert.True(slot.OverrideApplied);
            Assert.Equal(new[] { "absence-bob-2026-01-12" }, slot.Overrides);
            Assert.Contains("bob absent 2026-01-12..2026-01-18", slot.OverrideNotes);
        }

        [Fact]
        public void AnAbsenceOfOneDayTakesThePersonOutOfTheWholeWeekAndOnlyThatWeek()
        {
            var roster = RosterBuilder.Team().WithAbsence("bob", "2026-01-11", "2026-01-11"); // Sunday of week 0
            var slots = Schedule(roster).Slots(new DateTime(2026, 1, 5), 2, Now).ToList();

            Assert.Equal("alice/carol", Pair(slots[0])); // the Secondary's turn passes on
            Assert.Equal("bob/carol", Pair(slots[1]));
            Assert.False(slots[1].OverrideApplied);
        }

        [Fact]
        public void AnAbsenceOfSomeoneOffDutyChangesNothing()
        {
            var roster = RosterBuilder.Team().WithAbsence("carol", "2026-01-05", "2026-01-11");
            var slot = Schedule(roster).Slot(0, Now);
            Assert.Equal("alice/bob", Pair(slot));
            Assert.False(slot.OverrideApplied);
        }

        [Fact]
        public void ASwapPutsTheOtherPersonInTheRoleOrExchangesTheRoles()
        {
            var roster = RosterBuilder.Team()
                .WithSwap("2026-01-07", "alice", "carol")  // week 0: carol takes alice's Primary
                .WithSwap("2026-01-12", "carol", "bob");   // week 1: bob and carol exchange roles
            var slots = Schedule(roster).Slots(new DateTime(2026, 1, 5), 3, Now).ToList();

            Assert.Equal("carol/bob", Pair(slots[0]));
            Assert.Equal(new[] { "swap-2026-01-07-alice-carol" }, slots[0].Overrides);
            Assert.Equal("carol/bob", Pair(slots[1]));
            Assert.True(slots[1].OverrideApplied);
            Assert.Equal("carol/alice", Pair(slots[2]));
            Assert.False(slots[2].OverrideApplied);
        }

        [Fact]
        public void ASwapBringsInAMemberOutsideTheOrder()
        {
            var roster = RosterBuilder.Team();
            roster.Members.Add(new RosterMember { Handle = "erin", Email = "erin@example.org" });
            roster.WithSwap("2026-01-05", "BOB", "Erin"); // handles in any case
            var slot = Schedule(roster).Slot(0, Now);
            Assert.Equal("alice/erin", Pair(slot));
            Assert.Equal("erin@example.org", slot.SecondaryEmail);
        }

        [Fact]
        public void NoOneIsEverBothPrimaryAndSecondaryOrOnDutyWhileAbsent()
        {
            var random = new Random(20260105);
            for (int round = 0; round < 200; round++)
            {
                int n = random.Next(3, 6);
                var roster = RosterBuilder.Team(Enumerable.Range(0, n).Select(i => "m" + i).ToArray());
                for (int a = 0; a < random.Next(0, 4); a++)
                {
                    var from = new DateTime(2026, 1, 5).AddDays(random.Next(0, 60));
                    roster.WithAbsence("m" + random.Next(n), from.ToString("yyyy-MM-dd"), from.AddDays(random.Next(0, 20)).ToString("yyyy-MM-dd"), "a" + a);
                }

                if (RotationSchedule.Validate(roster).Count > 0)
                {
                    continue; // overlapping or unstaffed: validation's business, tested below
                }

                var schedule = Schedule(roster);
                foreach (var slot in schedule.Slots(new DateTime(2026, 1, 5), 14, Now))
                {
                    Assert.NotEqual(slot.Primary, slot.Secondary);
                    Assert.False(schedule.IsAbsent(slot.Primary, slot.WeekNumber), $"round {round}: {slot}");
                    Assert.False(schedule.IsAbsent(slot.Secondary, slot.WeekNumber), $"round {round}: {slot}");
                }
            }
        }

        [Fact]
        public void TheShippedTemplateIsAValidRoster()
        {
            var roster = YamlFormat.Deserialize<Roster>(EmbeddedResources.ReadText("roster.yaml"), "roster.yaml");
            Assert.Empty(RotationSchedule.Validate(roster));
            Assert.Equal(new[] { "alice", "bob", "carol" }, roster.EffectiveOrder);
            Assert.Equal("America/New_York", roster.FindMember("BOB").TimeZone);
        }

        [Fact]
        public void AnEmptyOrderMeansEveryMemberInListedOrder()
        {
            var roster = RosterBuilder.Team("x", "y", "z");
            roster.Order.Clear();
            Assert.Equal("y/z", Pair(Schedule(roster).Slot(1, Now)));
        }
    }
}
