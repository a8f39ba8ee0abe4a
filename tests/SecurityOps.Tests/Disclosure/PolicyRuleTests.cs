using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Disclosure
{
    /// <summary>
    /// Dates and notices checked against the case's policy through the real cmdlets: a public date off the release
    /// days, hour or deadline, too close to the distributors' notice; a final notice outside its window; a release
    /// before a required notice. Each is refused with the rule named, accepted with -Force and recorded.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class PolicyRuleTests
    {
        private const string Cmd = "SecurityOps.Commands.SetVulnerabilityReportCommand";
        private readonly PowerShellFixture ps;

        public PolicyRuleTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>A state on a preset, optionally with one active distributor, and a case received Monday 2026-03-02 08:00 UTC, in fixing.</summary>
        private StateScope NewState(string preset, bool distributor = false, string severity = "HIGH", string holidays = null)
        {
            var state = new StateScope(ps, policy: null);
            string config = state.ReadFile("securityops.yaml").Replace("  policy:\n", $"  policy: {preset}\n");
            if (holidays != null)
            {
                config = config.Replace("holidays: []", $"holidays: [{holidays}]");
            }

            state.WriteFile("securityops.yaml", config);
            if (distributor)
            {
                new StateRepository(state.Path).Write("distributors.yaml", new DistributorList
                {
                    Members = new List<DistributorMember> { new DistributorMember { Id = "distro", SecurityAlias = "security@distro.example", Status = "active" } },
                });
            }

            At(state, "2026-03-02T09:00:00Z", $@"
$c = New-VulnerabilityReport -StatePath $state -Summary 'Escape' -Component runtime -ReceivedAt '2026-03-02T08:00:00Z' -Severity {severity}
Set-VulnerabilityReport -StatePath $state -Id $c.Id -Status acknowledged
Set-VulnerabilityReport -StatePath $state -Id $c.Id -Status triaged -FixTeam alice
Set-VulnerabilityReport -StatePath $state -Id $c.Id -Status fixing").AssertNoErrors();
            return state;
        }

        private static ScriptResult At(StateScope state, string time, string script) =>
            state.Run($"[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'{time}')\ntry {{\n{script}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}");

        private static VulnerabilityCase Case(StateScope state) => new StateRepository(state.Path).Read<VulnerabilityCase>(VulnerabilityCase.PathFor("SEC-2026-0001"));

        private static Dictionary<string, DisclosureMilestone> Timeline(StateScope state, string time) =>
            At(state, time, "Get-DisclosureTimeline -StatePath $state -Id SEC-2026-0001").AssertNoErrors().Objects<DisclosureMilestone>().ToDictionary(m => m.Milestone);

        [Theory]
        [InlineData("2026-03-06T16:00:00Z", "release.weekdays")]                    // a Friday
        [InlineData("2026-03-08T17:00:00Z", "release.weekdays", "release.hourUtc")] // a Sunday, 17:00
        [InlineData("2026-03-26T16:00:00Z", "release.maxDays")]                     // a Thursday, day 24 of 21
        [InlineData("2026-03-02T16:00:00Z", "release.minDays")]                     // the report's own day
        public void StacklokRefusesAPublicDateOffItsReleaseRulesNamingEachAndForceRecordsThem(string date, params string[] rules)
        {
            using var state = NewState("stacklok");
            var refused = At(state, "2026-03-02T10:00:00Z", $"Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '{date}'");
            Assert.Equal(new[] { "PublicDateBreaksPolicy," + Cmd }, refused.ErrorIds);
            string message = refused.Errors[0].ToString();
            foreach (string rule in rules)
            {
                Assert.Contains(rule + ":", message);
            }

            Assert.Equal(date, refused.Errors[0].TargetObject?.ToString() == null ? null : DateTimeOffset.Parse(refused.Errors[0].TargetObject.ToString()).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
            Assert.Null(Case(state).PlannedPublicDate);

            // The same date through the agreed release day is held to the same rules.
            if (DateTimeOffset.Parse(date) > DateTimeOffset.Parse("2026-03-05T00:00:00Z"))
            {
                At(state, "2026-03-04T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -FixReady").AssertNoErrors();
                var day = At(state, "2026-03-04T10:00:00Z", $"Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -ReleaseDate '{date}'");
                Assert.Equal(new[] { "PublicDateBreaksPolicy," + Cmd }, day.ErrorIds);
                Assert.Null(Case(state).ReleaseDate);
            }

            At(state, "2026-03-02T10:00:00Z", $"Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '{date}' -Force").AssertNoErrors();
            VulnerabilityCase c = Case(state);
            Assert.Equal(DateTimeOffset.Parse(date), c.PlannedPublicDate);
            var exceptions = c.Timeline.Where(e => e.Kind == "policy-exception").Select(e => e.What).ToList();
            Assert.Equal(rules.Length, exceptions.Count);
            foreach (string rule in rules)
            {
                Assert.Contains(exceptions, e => e.Contains($"({rule})") && e.Contains("-Force"));
            }
        }

        [Fact]
        public void ADateThatKeepsEveryRuleIsTakenWithoutAnException()
        {
            using var state = NewState("stacklok");
            At(state, "2026-03-02T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '2026-03-05T16:00:00Z'").AssertNoErrors();
            Assert.DoesNotContain(Case(state).Timeline, e => e.Kind == "policy-exception");

            // kubeedge has no release days or hour: any day within 1-21 days and the 7 days' lead will do.
            using var kube = NewState("kubeedge");
            At(kube, "2026-03-02T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '2026-03-15T03:00:00Z'").AssertNoErrors();
            Assert.DoesNotContain(Case(kube).Timeline, e => e.Kind == "policy-exception");
        }

        [Fact]
        public void KubeEdgeHoldsThePublicDateSevenDaysAfterTheNoticeAndTheFinalNoticeToItsWindow()
        {
            using var state = NewState("kubeedge", distributor: true);
            At(state, "2026-03-03T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '2026-03-20T16:00:00Z'").AssertNoErrors();
            At(state, "2026-03-04T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status distributors-notified").AssertNoErrors();

            // Three days after the notice is too soon for a list that is promised seven.
            var soon = At(state, "2026-03-04T11:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '2026-03-07T16:00:00Z'");
            Assert.Equal(new[] { "PublicDateBreaksPolicy," + Cmd }, soon.ErrorIds);
            Assert.Contains("distributors.noticeDaysBeforePublic", soon.Errors[0].ToString());
            Assert.Equal(DateTimeOffset.Parse("2026-03-20T16:00:00Z"), Case(state).PlannedPublicDate);

            // Twelve days early, the "24 hours before" notice is refused; forced, it is recorded and does not count.
            var early = At(state, "2026-03-08T16:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -DistributorsReminded");
            Assert.Equal(new[] { "FinalNoticeOutsideWindow," + Cmd }, early.ErrorIds);
            Assert.Contains("distributors.finalNoticeHoursBeforeRelease", early.Errors[0].ToString());
            Assert.DoesNotContain(Case(state).Timeline, e => e.Kind == "distributors-reminded");
            At(state, "2026-03-08T16:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -DistributorsReminded -Force").AssertNoErrors();
            Assert.Contains(Case(state).Timeline, e => e.Kind == "policy-exception" && e.What.Contains("(distributors.finalNoticeHoursBeforeRelease)"));
            DisclosureMilestone final = Timeline(state, "2026-03-19T10:00:00Z")["distributor-final-notice"];
            Assert.Null(final.MetAt);
            Assert.Equal(MilestoneState.DueSoon, final.State);
            Assert.Contains("outside its window", final.Note);

            // A release now would skip the final notice inside its window.
            var skip = At(state, "2026-03-19T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released");
            Assert.Equal(new[] { "ReleaseBeforeDistributorNotice," + Cmd }, skip.ErrorIds);

            // Inside the window (26 h before the release: the 24 h and a small tolerance) it counts, and the release goes
            // ahead without an exception.
            At(state, "2026-03-19T14:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -DistributorsReminded").AssertNoErrors();
            final = Timeline(state, "2026-03-19T18:00:00Z")["distributor-final-notice"];
            Assert.Equal(MilestoneState.Met, final.State);
            Assert.Equal(DateTimeOffset.Parse("2026-03-19T14:00:00Z"), final.MetAt);
            int exceptions = Case(state).Timeline.Count(e => e.Kind == "policy-exception");
            At(state, "2026-03-20T16:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released").AssertNoErrors();
            Assert.Equal(exceptions, Case(state).Timeline.Count(e => e.Kind == "policy-exception"));
        }

        [Fact]
        public void AReleaseBeforeARequiredNoticeIsRefusedForcedItIsRecordedAndTheNoticesCloseAsNotApplicable()
        {
            using var state = NewState("kubeedge", distributor: true);
            At(state, "2026-03-03T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '2026-03-20T16:00:00Z'").AssertNoErrors();
            var refused = At(state, "2026-03-10T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released");
            Assert.Equal(new[] { "ReleaseBeforeDistributorNotice," + Cmd }, refused.ErrorIds);
            Assert.Contains("distributors.noticeDaysBeforePublic", refused.Errors[0].ToString());
            Assert.Equal("fixing", Case(state).Status);

            At(state, "2026-03-10T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released -Force").AssertNoErrors();
            VulnerabilityCase c = Case(state);
            Assert.Equal("released", c.Status);
            Assert.Contains(c.Timeline, e => e.Kind == "policy-exception" && e.What.Contains("never notified"));

            // Weeks later the notices are not "overdue for ever": they can no longer happen, and say why.
            var timeline = Timeline(state, "2026-04-30T10:00:00Z");
            foreach (string id in new[] { "distributor-notice", "distributor-final-notice" })
            {
                Assert.Equal(MilestoneState.NotApplicable, timeline[id].State);
                Assert.True(timeline[id].SkippedByRelease);
                Assert.Contains("released on 2026-03-10T10:00:00Z without it (recorded as a policy exception)", timeline[id].Note);
            }

            Assert.Empty(At(state, "2026-04-30T10:00:00Z", "Test-DisclosureSla -StatePath $state").AssertNoErrors().Objects<DisclosureMilestone>()
                .Where(m => m.Milestone.StartsWith("distributor", StringComparison.Ordinal)));

            // With nobody on the distributors list there is no one to tell: the release needs no -Force.
            using var empty = NewState("kubeedge");
            At(empty, "2026-03-10T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released").AssertNoErrors();
        }

        [Fact]
        public void FlatcarExpeditesCriticalAndHighCasesPastTheHolidaysAndTheTimelineSaysWhy()
        {
            using var high = NewState("flatcar", severity: "HIGH", holidays: "'2026-03-03'");
            var expedited = At(high, "2026-03-02T10:00:00Z", "Get-ReleaseWindow -StatePath $state -Id SEC-2026-0001 -Count 2 -Verbose").AssertNoErrors();
            Assert.Contains(expedited.Objects<ReleaseCandidate>(), r => r.ReleaseAt.UtcDateTime.Date == new DateTime(2026, 3, 3));
            Assert.Contains(expedited.Verbose, v => v.Contains("release.expediteBySeverity"));
            Assert.Contains("expedited: high severity", Timeline(high, "2026-03-02T10:00:00Z")["release"].Note);

            using var medium = NewState("flatcar", severity: "MEDIUM", holidays: "'2026-03-03'");
            var usual = At(medium, "2026-03-02T10:00:00Z", "Get-ReleaseWindow -StatePath $state -Id SEC-2026-0001 -Count 2").AssertNoErrors();
            Assert.DoesNotContain(usual.Objects<ReleaseCandidate>(), r => r.ReleaseAt.UtcDateTime.Date == new DateTime(2026, 3, 3));
            Assert.Null(Timeline(medium, "2026-03-02T10:00:00Z")["release"].Note);
        }
    }
}
