using System;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using Xunit;

namespace SecurityOps.Tests.Disclosure
{
    public sealed class CaseWorkflowTests
    {
        internal static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero); // a Monday

        internal static VulnerabilityCase NewCase(string policy = "kubernetes-style", string severity = "HIGH")
        {
            var c = new VulnerabilityCase { Id = "SEC-2026-0001", ReceivedAt = T0, Channel = "email", Policy = policy, Summary = "s", Component = "c", Severity = severity };
            c.Timeline.Add(CaseWorkflow.Created(c, "alice", T0));
            return c;
        }

        internal static VulnerabilityCase Move(VulnerabilityCase c, string status, DateTimeOffset at, string reason = null) =>
            CaseWorkflow.Apply(c, new CaseChange { Status = status, Reason = reason }, "alice", at);

        [Fact]
        public void TheFullPathAppendsOneEventPerMove()
        {
            var c = NewCase();
            foreach (var (status, hours) in new[] { ("acknowledged", 2), ("triaged", 5), ("fixing", 6), ("distributors-notified", 48), ("released", 300), ("retrospective-done", 340) })
            {
                c = Move(c, status, T0.AddHours(hours));
            }

            Assert.Equal("retrospective-done", c.Status);
            Assert.Equal("accepted", c.Resolution);
            Assert.Equal(7, c.Timeline.Count);
            Assert.All(c.Timeline.Skip(1), e => Assert.Equal("alice", e.Actor));
            Assert.Equal(T0.AddHours(300), c.FirstReached("released"));
        }

        [Theory]
        [InlineData("received", "released")]
        [InlineData("received", "fixing")]
        [InlineData("received", "triaged")]
        [InlineData("acknowledged", "acknowledged")]
        [InlineData("acknowledged", "released")]
        [InlineData("triaged", "distributors-notified")]
        [InlineData("fixing", "retrospective-done")]
        [InlineData("released", "fixing")]
        public void IllegalMovesThrowAndChangeNothing(string from, string to)
        {
            var c = NewCase();
            string[] path = { "acknowledged", "triaged", "fixing", "distributors-notified", "released" };
            foreach (string s in path.TakeWhile(s => Array.IndexOf(path, s) <= Array.IndexOf(path, from)))
            {
                c = Move(c, s, T0.AddHours(1));
            }

            Assert.Equal(from, c.Status);
            int events = c.Timeline.Count;
            var ex = Assert.Throws<SecurityOpsException>(() => Move(c, to, T0.AddHours(2)));
            Assert.Equal("InvalidCaseTransition", ex.ErrorId);
            Assert.Equal(from, c.Status);
            Assert.Equal(events, c.Timeline.Count);
        }

        [Fact]
        public void RejectedNeedsAReasonAndThenTakesOnlyNotes()
        {
            var c = Move(NewCase(), "acknowledged", T0.AddHours(1));
            Assert.Equal("RejectionReasonRequired", Assert.Throws<SecurityOpsException>(() =>
                CaseWorkflow.Apply(c, new CaseChange { Status = "triaged", Resolution = "rejected" }, "a", T0.AddHours(2))).ErrorId);
            c = CaseWorkflow.Apply(c, new CaseChange { Status = "triaged", Resolution = "rejected", Reason = "works as intended" }, "a", T0.AddHours(2));
            Assert.Equal("rejected", c.Status);
            Assert.Equal("works as intended", c.RejectionReason);
            foreach (var change in new[] { new CaseChange { Status = "fixing" }, new CaseChange { CveId = "CVE-2026-1234" }, new CaseChange { PlannedPublicDate = T0.AddDays(9) } })
            {
                Assert.Equal("InvalidCaseTransition", Assert.Throws<SecurityOpsException>(() => CaseWorkflow.Apply(c, change, "a", T0.AddHours(3))).ErrorId);
            }

            c = CaseWorkflow.Apply(c, new CaseChange { Note = "reporter informed" }, "a", T0.AddHours(3));
            Assert.Equal("note", c.Timeline.Last().Kind);
        }

        [Fact]
        public void FieldsAreRecordedWithEvents()
        {
            var c = CaseWorkflow.Apply(NewCase(), new CaseChange
            {
                FixTeam = new[] { "bob", "carol", "bob" },
                CveId = "cve-2026-12345",
                PlannedPublicDate = T0.AddDays(10),
                AdvisoryUrl = "https://github.com/o/r/security/advisories/GHSA-1234-5678-9abc",
                PubliclyDisclosed = true,
            }, "alice", T0.AddHours(3));
            Assert.Equal(new[] { "bob", "carol" }, c.FixTeam);
            Assert.Equal("CVE-2026-12345", c.CveId);
            Assert.Equal(T0.AddDays(10), c.PlannedPublicDate);
            Assert.True(c.PubliclyDisclosed);
            Assert.Equal(T0.AddHours(3), c.PubliclyDisclosedAt);
            Assert.Equal(new[] { "created", "fix-team", "cve", "public-date", "advisory", "publicly-disclosed" }, c.Timeline.Select(e => e.Kind));
        }

        [Theory]
        [InlineData("CveId", "CVE-26-1", "InvalidCveId")]
        [InlineData("AdvisoryUrl", "ftp://x/y", "InvalidAdvisoryUrl")]
        [InlineData("AdvisoryUrl", "not a link", "InvalidAdvisoryUrl")]
        [InlineData("PlannedPublicDate", "2026-01-01T00:00:00Z", "InvalidPublicDate")]
        [InlineData("At", "2026-01-01T00:00:00Z", "InvalidEventTime")]
        [InlineData("At", "2027-01-01T00:00:00Z", "InvalidEventTime")]
        [InlineData("Severity", "SEVERE", "InvalidSeverity")]
        [InlineData("FixTeam", " ", "InvalidFixTeam")]
        [InlineData("Resolution", "maybe", "InvalidResolution")]
        public void BadValuesAreClearErrors(string field, string value, string errorId)
        {
            var c = Move(NewCase(), "acknowledged", T0.AddHours(1));
            var change = new CaseChange();
            switch (field)
            {
                case "CveId": change.CveId = value; break;
                case "AdvisoryUrl": change.AdvisoryUrl = value; break;
                case "PlannedPublicDate": change.PlannedPublicDate = DateTimeOffset.Parse(value); break;
                case "At": change.At = DateTimeOffset.Parse(value); change.Note = "n"; break;
                case "Severity": change.Severity = value; break;
                case "FixTeam": change.FixTeam = new[] { value }; break;
                case "Resolution": change.Resolution = value; break;
            }

            var ex = Assert.Throws<SecurityOpsException>(() => CaseWorkflow.Apply(c, change, "a", T0.AddHours(2)));
            Assert.Equal(errorId, ex.ErrorId);
            Assert.Equal(2, c.Timeline.Count);
        }

        [Fact]
        public void SecondDistributorNoticeOnlyAfterTheFirst()
        {
            var c = Move(Move(Move(NewCase(), "acknowledged", T0.AddHours(1)), "triaged", T0.AddHours(2)), "fixing", T0.AddHours(3));
            Assert.Equal("InvalidCaseTransition", Assert.Throws<SecurityOpsException>(() =>
                CaseWorkflow.Apply(c, new CaseChange { DistributorsReminded = true }, "a", T0.AddHours(4))).ErrorId);
            c = CaseWorkflow.Apply(c, new CaseChange { Status = "distributors-notified", DistributorsReminded = true }, "a", T0.AddHours(4));
            Assert.Equal("distributors-reminded", c.Timeline.Last().Kind);
        }

        [Fact]
        public void EmbargoHoldsUntilThePublicDate()
        {
            var c = NewCase();
            Assert.True(c.IsEmbargoed(T0.AddYears(1))); // no public date, not released
            c.PlannedPublicDate = T0.AddDays(10);
            Assert.True(c.IsEmbargoed(T0.AddDays(10).AddSeconds(-1)));
            Assert.False(c.IsEmbargoed(T0.AddDays(10)));
            var ex = Assert.Throws<SecurityOpsException>(() => SecurityOps.Publishing.PublicGate.EnsurePublic(c, T0.AddDays(1), "post the advisory"));
            Assert.Equal("EmbargoActive", ex.ErrorId);
            SecurityOps.Publishing.PublicGate.EnsurePublic(c, T0.AddDays(11), "post the advisory");
            c.Status = "rejected";
            Assert.True(c.IsEmbargoed(T0.AddDays(11)));
        }
    }
}
