using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using Xunit;
using static SecurityOps.Tests.Disclosure.CaseWorkflowTests;

namespace SecurityOps.Tests.Disclosure
{
    public sealed class TimelineAndWindowTests
    {
        private static readonly TimeSpan Day = TimeSpan.FromHours(24);

        private static Dictionary<string, DisclosureMilestone> Timeline(VulnerabilityCase c, DateTimeOffset now, string policy = "kubernetes-style") =>
            TimelineCalculator.Compute(c, PolicyCatalog.Preset(policy), now, Day).ToDictionary(m => m.Milestone);

        [Fact]
        public void DueTimesFollowTheKubernetesStyleRules()
        {
            var c = NewCase();
            c.PlannedPublicDate = T0.AddDays(14);
            var t = Timeline(c, T0.AddHours(1));
            Assert.Equal(T0.AddHours(24), t["acknowledge"].DueAt);
            Assert.Equal(T0.AddHours(24), t["fix-team"].DueAt);
            Assert.Equal(T0.AddDays(1), t["fix"].EarliestAt);
            Assert.Equal(T0.AddDays(7), t["fix"].DueAt);
            Assert.Equal(T0.AddDays(7), t["distributor-notice"].DueAt);
            Assert.Equal(T0.AddDays(13), t["distributor-final-notice"].DueAt);
            Assert.Equal(T0.AddDays(21), t["release"].DueAt);
            Assert.Null(t["retrospective"].DueAt);
            Assert.Equal(MilestoneState.DueSoon, t["acknowledge"].State);
            Assert.Equal(MilestoneState.Pending, t["fix"].State);
        }

        [Fact]
        public void MetMetLateOverdueAndDueSoon()
        {
            var c = Move(NewCase(), "acknowledged", T0.AddHours(30)); // late
            c = CaseWorkflow.Apply(c, new CaseChange { FixTeam = new[] { "bob" } }, "a", T0.AddHours(31));
            var t = Timeline(c, T0.AddDays(6.5));
            Assert.Equal(MilestoneState.MetLate, t["acknowledge"].State);
            Assert.Equal(T0.AddHours(30), t["acknowledge"].MetAt);
            Assert.Equal(MilestoneState.MetLate, t["fix-team"].State);
            Assert.Equal(MilestoneState.DueSoon, t["fix"].State);
            Assert.Equal(MilestoneState.Overdue, Timeline(c, T0.AddDays(8))["fix"].State);
            Assert.Equal(MilestoneState.Pending, t["distributor-notice"].State); // no public date yet
            Assert.Contains("planned public date", t["distributor-notice"].Note);

            var onTime = Move(NewCase(), "acknowledged", T0.AddHours(3));
            Assert.Equal(MilestoneState.Met, Timeline(onTime, T0.AddDays(2))["acknowledge"].State);
        }

        [Fact]
        public void LowSeverityMayGoSlower()
        {
            var low = NewCase(severity: "LOW");
            low.CvssScore = 3.1;
            var t = Timeline(low, T0.AddDays(30));
            Assert.Equal(MilestoneState.Pending, t["fix"].State);
            Assert.Equal(MilestoneState.Pending, t["release"].State);
            Assert.Contains("low severity", t["release"].Note);
            Assert.Equal(MilestoneState.Overdue, t["acknowledge"].State); // acknowledging is not relaxed

            var high = NewCase(severity: "HIGH");
            Assert.Equal(MilestoneState.Overdue, Timeline(high, T0.AddDays(30))["release"].State);
        }

        [Fact]
        public void PubliclyDisclosedMakesEverythingAsap()
        {
            var c = CaseWorkflow.Apply(NewCase(severity: "LOW"), new CaseChange { PubliclyDisclosed = true }, "a", T0.AddHours(2));
            var t = Timeline(c, T0.AddHours(3));
            Assert.Equal(T0.AddHours(2), t["release"].DueAt);
            Assert.Equal(MilestoneState.Overdue, t["release"].State); // low severity no longer relaxes it
            Assert.Contains("as soon as possible", t["fix"].Note);
        }

        [Fact]
        public void RetrospectiveAndRejectedCases()
        {
            var c = NewCase();
            foreach (var (s, h) in new[] { ("acknowledged", 1), ("triaged", 2), ("fixing", 3), ("released", 100) })
            {
                c = Move(c, s, T0.AddHours(h));
            }

            var t = Timeline(c, T0.AddHours(101));
            Assert.Equal(T0.AddHours(100 + 72), t["retrospective"].DueAt);
            Assert.Equal(T0.AddHours(124), t["retrospective"].EarliestAt);

            var rejected = Move(NewCase(), "rejected", T0.AddHours(1), "duplicate");
            var r = Timeline(rejected, T0.AddDays(40));
            Assert.Equal(MilestoneState.Met, r["acknowledge"].State);
            Assert.All(r.Values.Where(m => m.Milestone != "acknowledge"), m => Assert.Equal(MilestoneState.NotApplicable, m.State));
        }

        [Fact]
        public void PresetsWithoutARuleShowNotApplicable()
        {
            var t = Timeline(NewCase("openssf"), T0.AddDays(20), "openssf");
            Assert.Equal(T0.AddDays(14), t["acknowledge"].DueAt);
            Assert.Equal(MilestoneState.Overdue, t["acknowledge"].State);
            Assert.Equal(MilestoneState.NotApplicable, t["fix-team"].State);
            Assert.Equal(MilestoneState.NotApplicable, t["distributor-notice"].State);
            Assert.Equal(MilestoneState.Pending, t["release"].State);
            var f = Timeline(NewCase("flatcar"), T0.AddDays(20), "flatcar");
            Assert.Equal(MilestoneState.NotApplicable, f["acknowledge"].State);
        }

        [Fact]
        public void ReleaseWindowAtFourPmOnMondayToThursdayAfterTheNoticeLead()
        {
            var c = NewCase(); // received Monday 2026-01-05 10:00
            var plan = ReleaseWindowPlanner.Plan(c, PolicyCatalog.Preset("kubernetes-style"), T0.AddHours(1), new[] { new DateTime(2026, 1, 13) }, 5, 30);
            // notice not sent: earliest = now + 7 days = Mon 12th 11:00 -> first 16:00 slot Mon 12th; Tue 13th is a holiday.
            Assert.Equal(new[] { "2026-01-12", "2026-01-14", "2026-01-15", "2026-01-19", "2026-01-20" },
                plan.Candidates.Select(x => x.ReleaseAt.ToString("yyyy-MM-dd")));
            Assert.All(plan.Candidates, x => Assert.Equal(16, x.ReleaseAt.Hour));
            Assert.Equal(plan.Candidates[0].ReleaseAt.AddDays(-7), plan.Candidates[0].NoticeBy);
            Assert.Equal(plan.Candidates[0].ReleaseAt.AddHours(-24), plan.Candidates[0].FinalNoticeBy);
            Assert.Contains("disclosure.holidays", plan.Removed.Keys);
            Assert.DoesNotContain(plan.Candidates, x => x.Weekday == DayOfWeek.Friday);
        }

        [Fact]
        public void NoWindowIsExplainedByRule()
        {
            var c = NewCase();
            // 18 days after the report: 7 days' notice pushes the earliest past the 21-day deadline.
            var plan = ReleaseWindowPlanner.Plan(c, PolicyCatalog.Preset("kubernetes-style"), T0.AddDays(18), null, 5, 30);
            Assert.Empty(plan.Candidates);
            Assert.Contains("noticeDaysBeforePublic", plan.Explain());
            Assert.Contains("release.maxDays", plan.Explain());

            // Notice sent on day 13: earliest day 20 (Sun 25th) 10:00, deadline Mon 26th 10:00 -> Sun removed by weekday, Mon 16:00 after deadline.
            var notified = c;
            foreach (var (s, h) in new[] { ("acknowledged", 1), ("triaged", 2), ("fixing", 3) })
            {
                notified = Move(notified, s, T0.AddHours(h));
            }

            notified = CaseWorkflow.Apply(notified, new CaseChange { Status = "distributors-notified", DistributorsReminded = true }, "a", T0.AddDays(13));
            var tight = ReleaseWindowPlanner.Plan(notified, PolicyCatalog.Preset("kubernetes-style"), T0.AddDays(13), null, 5, 30);
            Assert.Empty(tight.Candidates);
            string why = tight.Explain();
            Assert.Contains("release.weekdays", why);
            Assert.Contains("release.maxDays", why);
        }

        [Fact]
        public void ReleasedCasesHaveNoWindow()
        {
            var c = NewCase();
            foreach (var (s, h) in new[] { ("acknowledged", 1), ("triaged", 2), ("fixing", 3), ("released", 4) })
            {
                c = Move(c, s, T0.AddHours(h));
            }

            Assert.Equal("CaseNotReleasable", Assert.Throws<SecurityOpsException>(() =>
                ReleaseWindowPlanner.Plan(c, PolicyCatalog.Preset("kubernetes-style"), T0.AddDays(1), null, 5, 30)).ErrorId);
        }

        [Fact]
        public void HolidaysMustBeDates()
        {
            var ex = Assert.Throws<SecurityOpsException>(() => ReleaseWindowPlanner.ParseHolidays(new[] { "2026-12-25", "Christmas" }));
            Assert.Equal("InvalidHoliday", ex.ErrorId);
            Assert.Contains("holidays[1]", ex.Message);
        }

        [Fact]
        public void BackportTargetsFollowTheSupportedVersionsRule()
        {
            var sink = new RecordingSink();
            string[] tags = { "v0.7.0", "v0.7.3", "v0.8.0", "v0.9.0-rc.1", "v0.6.2", "v0.5.9", "release-2024", "v1.0.0-beta", "0.9.0", "v0.8.1+build.5" };
            var k = BackportPlanner.Plan(tags, PolicyCatalog.Preset("kubernetes-style"), sink);
            Assert.Equal(new[] { "0.9 -> 0.9.1", "v0.8 -> v0.8.2", "v0.7 -> v0.7.4" }, k.Select(t => t.ToString()));
            Assert.Contains(sink.Warnings, w => w.Contains("release-2024"));
            Assert.Single(sink.Warnings);
            Assert.Contains(sink.Verbose, v => v.Contains("v0.9.0-rc.1") && v.Contains("pre-release"));

            var o = BackportPlanner.Plan(new[] { "v0.8.0", "v0.7.5" }, PolicyCatalog.Preset("openssf"), sink);
            Assert.Equal("v0.8.1", Assert.Single(o).NextPatch);

            var none = new RecordingSink();
            Assert.Single(BackportPlanner.Plan(new[] { "4152.2.1", "4081.3.6" }, PolicyCatalog.Preset("flatcar"), none));
            Assert.Contains(none.Warnings, w => w.Contains("supportedVersions"));
        }

        private sealed class RecordingSink : IEventSink
        {
            public List<string> Warnings { get; } = new List<string>();

            public List<string> Verbose { get; } = new List<string>();

            void IEventSink.Verbose(string message) => Verbose.Add(message);

            public void Warning(string message) => Warnings.Add(message);

            public void Progress(ProgressInfo progress)
            {
            }
        }
    }
}
