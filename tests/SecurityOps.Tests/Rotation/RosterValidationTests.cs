using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.State;
using Xunit;

namespace SecurityOps.Tests.Rotation
{
    public sealed class RosterValidationTests
    {
        private static RosterProblem Single(Roster roster, string errorId)
        {
            var problems = RotationSchedule.Validate(roster);
            Assert.True(problems.Any(p => p.ErrorId == errorId), $"expected {errorId}, got: {string.Join(" | ", problems)}");
            return problems.First(p => p.ErrorId == errorId);
        }

        [Fact]
        public void NoMembers()
        {
            var roster = new Roster { Start = RosterBuilder.Start };
            var problem = Single(roster, RosterErrors.NoMembers);
            Assert.Contains("no members", problem.Message);
            var ex = Assert.Throws<RosterInvalidException>(() => RotationSchedule.Create(roster, "/state/roster.yaml"));
            Assert.Equal(RosterErrors.NoMembers, ex.ErrorId);
            Assert.StartsWith("/state/roster.yaml: ", ex.Message);
        }

        [Fact]
        public void DuplicateHandlesWithoutRegardToCase()
        {
            var roster = RosterBuilder.Team();
            roster.Members.Add(new RosterMember { Handle = "Alice" });
            var problem = Single(roster, RosterErrors.DuplicateHandle);
            Assert.Equal("Alice", problem.Target);
            Assert.Contains("'Alice'", problem.Message);
        }

        [Fact]
        public void AHandleTwiceInTheOrder()
        {
            var roster = RosterBuilder.Team();
            roster.Order.Add("bob");
            Assert.Contains("order names 'bob' more than once", Single(roster, RosterErrors.DuplicateHandle).Message);
        }

        [Fact]
        public void TheOrderNamingSomeoneUnknown()
        {
            var roster = RosterBuilder.Team();
            roster.Order.Add("mallory");
            var problem = Single(roster, RosterErrors.UnknownMember);
            Assert.Equal("mallory", problem.Target);
            Assert.Contains("order names 'mallory'", problem.Message);
        }

        [Fact]
        public void OverridesNamingSomeoneUnknown()
        {
            var swap = RosterBuilder.Team().WithSwap("2026-01-05", "alice", "mallory", "s1");
            Assert.Contains("s1 names 'mallory'", Single(swap, RosterErrors.UnknownMember).Message);

            var absence = RosterBuilder.Team().WithAbsence("trudy", "2026-01-05", "2026-01-09", "a1");
            Assert.Equal("trudy", Single(absence, RosterErrors.UnknownMember).Target);
        }

        [Fact]
        public void BadTimeZone()
        {
            var roster = RosterBuilder.Team();
            roster.Members[1].TimeZone = "Mars/Olympus_Mons";
            var problem = Single(roster, RosterErrors.InvalidTimeZone);
            Assert.Equal("Mars/Olympus_Mons", problem.Target);
            Assert.Contains("'bob'", problem.Message);
        }

        [Fact]
        public void MissingStartAndTooFewPeople()
        {
            var roster = RosterBuilder.Team("solo");
            roster.Start = null;
            Single(roster, RosterErrors.MissingStart);
            Assert.Contains("at least two", Single(roster, RosterErrors.TooFewMembers).Message);
        }

        [Fact]
        public void MemberWithoutHandleOrWithABadEmail()
        {
            var roster = RosterBuilder.Team();
            roster.Members.Add(new RosterMember { Name = "Nameless" });
            roster.Members[0].Email = "alice.example.org";
            var problems = RotationSchedule.Validate(roster).Where(p => p.ErrorId == RosterErrors.MemberInvalid).ToList();
            Assert.Equal(2, problems.Count);
            Assert.Contains(problems, p => p.Message.Contains("#4 has no handle"));
            Assert.Contains(problems, p => (string)p.Target == "alice.example.org");
        }

        [Fact]
        public void OverridesThatAreNeitherOrBothOrMalformed()
        {
            var roster = RosterBuilder.Team();
            roster.Overrides.Add(new RotationOverride { Id = "neither", Reason = "?" });
            roster.Overrides.Add(new RotationOverride { Id = "both", Absent = "bob", From = RosterBuilder.Day("2026-01-05"), To = RosterBuilder.Day("2026-01-06"), Week = RosterBuilder.Day("2026-01-05"), Swap = new List<string> { "alice", "bob" } });
            roster.Overrides.Add(new RotationOverride { Id = "one-person", Week = RosterBuilder.Day("2026-01-05"), Swap = new List<string> { "alice" } });
            roster.Overrides.Add(new RotationOverride { Id = "self", Week = RosterBuilder.Day("2026-01-05"), Swap = new List<string> { "alice", "ALICE" } });
            roster.Overrides.Add(new RotationOverride { Id = "no-week", Swap = new List<string> { "alice", "bob" } });
            roster.Overrides.Add(new RotationOverride { Id = "early", Week = RosterBuilder.Day("2025-12-29"), Swap = new List<string> { "alice", "bob" } });
            roster.Overrides.Add(new RotationOverride { Id = "backwards", Absent = "bob", From = RosterBuilder.Day("2026-02-10"), To = RosterBuilder.Day("2026-02-01") });
            roster.Overrides.Add(new RotationOverride { Id = "open", Absent = "bob", From = RosterBuilder.Day("2026-02-10") });

            var targets = RotationSchedule.Validate(roster).Where(p => p.ErrorId == RosterErrors.InvalidOverride).Select(p => (string)p.Target).ToList();
            Assert.Equal(new[] { "neither", "both", "one-person", "self", "no-week", "early", "backwards", "open" }, targets);
        }

        [Fact]
        public void DuplicateOverrideIds()
        {
            var roster = RosterBuilder.Team().WithSwap("2026-01-05", "alice", "carol", "x").WithSwap("2026-01-12", "alice", "bob", "x");
            Assert.Equal("x", Single(roster, RosterErrors.DuplicateOverride).Target);
        }

        [Fact]
        public void OverlappingAbsencesOfOnePerson()
        {
            var roster = RosterBuilder.Team("alice", "bob", "carol", "dave")
                .WithAbsence("bob", "2026-02-01", "2026-02-10", "first")
                .WithAbsence("BOB", "2026-02-10", "2026-02-20", "second")   // shares 02-10
                .WithAbsence("carol", "2026-02-01", "2026-02-10", "other"); // someone else: fine
            var problems = RotationSchedule.Validate(roster);
            var problem = Assert.Single(problems);
            Assert.Equal(RosterErrors.OverlappingAbsence, problem.ErrorId);
            Assert.Contains("'first' and 'second'", problem.Message);

            var touching = RosterBuilder.Team("alice", "bob", "carol", "dave")
                .WithAbsence("bob", "2026-02-01", "2026-02-09").WithAbsence("bob", "2026-02-10", "2026-02-20");
            Assert.Empty(RotationSchedule.Validate(touching));
        }

        [Fact]
        public void AbsencesThatLeaveAWeekWithoutASecondaryOrWithoutAnyone()
        {
            var roster = RosterBuilder.Team()
                .WithAbsence("alice", "2026-01-20", "2026-01-20", "a")
                .WithAbsence("bob", "2026-01-14", "2026-01-22", "b");
            var problem = Single(roster, RosterErrors.UnstaffedWeek);
            Assert.Equal("2026-01-19", problem.Target);
            Assert.Contains("no one left to be a Secondary", problem.Message);
            Assert.Contains("alice", problem.Message);

            var two = RosterBuilder.Team("alice", "bob")
                .WithAbsence("alice", "2026-03-02", "2026-03-03").WithAbsence("bob", "2026-03-04", "2026-03-06");
            Assert.Contains("a Primary or a Secondary", Single(two, RosterErrors.UnstaffedWeek).Message);
        }

        [Fact]
        public void ASwapThatPutsAnAbsentPersonOnDuty()
        {
            var roster = RosterBuilder.Team("alice", "bob", "carol", "dave")
                .WithAbsence("carol", "2026-01-05", "2026-01-11", "away")
                .WithSwap("2026-01-06", "alice", "carol", "bad-swap");
            var problem = Single(roster, RosterErrors.SwapOntoAbsent);
            Assert.Equal("bad-swap", problem.Target);
            Assert.Contains("puts carol on duty in the week of 2026-01-05", problem.Message);
        }

        [Fact]
        public void TheExceptionListsEveryProblemAndCarriesTheFirstId()
        {
            var roster = RosterBuilder.Team();
            roster.Members.Add(new RosterMember { Handle = "bob" });
            roster.Members[0].TimeZone = "Nowhere/Land";
            var ex = Assert.Throws<RosterInvalidException>(() => RotationSchedule.Create(roster, "roster.yaml"));
            Assert.Equal(RosterErrors.InvalidTimeZone, ex.ErrorId); // problems come in file order: alice is listed first
            Assert.Equal(FailureKind.InvalidData, ex.Kind);
            Assert.Contains("Nowhere/Land", ex.Message);
            Assert.Contains("'bob' is used by more than one member", ex.Message);
            Assert.Equal(2, ex.Problems.Count);
        }

        [Fact]
        public void ARosterFileReadsWithHandWrittenDates()
        {
            const string yaml = "schemaVersion: 1\nstart: 2026-01-05\nmembers:\n  - handle: a\n  - handle: b\norder: [a, b]\noverrides:\n  - absent: a\n    from: 2026-01-07\n    to: 2026-01-08\n";
            var roster = YamlFormat.Deserialize<Roster>(yaml, "roster.yaml");
            var problems = RotationSchedule.Validate(roster);
            Assert.Equal(RosterErrors.UnstaffedWeek, Assert.Single(problems).ErrorId); // two people, one away
        }
    }
}
