using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Disclosure
{
    /// <summary>The rest of a case's life: fix ready, the release day, an upstream's timeline, a reporter who goes public early.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class CaseLifecycleTests
    {
        private const string Cmd = "SecurityOps.Commands.SetVulnerabilityReportCommand";
        private readonly PowerShellFixture ps;

        public CaseLifecycleTests(PowerShellFixture ps) => this.ps = ps;

        private static string Set(string args) => $"Set-VulnerabilityReport $id {args} -StatePath $state -Confirm:$false";

        [Fact]
        public void FixReadyThenTheReleaseDayMovesThePublicDateAndADayPastTheDeadlineNeedsForce()
        {
            using var temp = new TempFolder();
            string state = EmbargoTestState.NewState(ps, temp, null);
            string id = EmbargoTestState.NewCase(ps, state, "2026-03-20T14:00:00Z");
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            ps.At("2026-03-05T10:00:00Z", Set("-FixReady"), vars).AssertNoErrors();
            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-05T10:00:00Z"), c.FixReadyAt);
            Assert.Equal("fix-ready", c.Timeline.Last().Kind);
            int events = c.Timeline.Count;
            ps.At("2026-03-05T11:00:00Z", Set("-FixReady"), vars).AssertNoErrors();
            Assert.Equal(events, EmbargoTestState.Case(state, id).Timeline.Count); // once

            ps.At("2026-03-05T12:00:00Z", Set("-ReleaseDate '2026-03-19T16:00:00Z'"), vars).AssertNoErrors();
            c = EmbargoTestState.Case(state, id);
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-19T16:00:00Z"), c.ReleaseDate);
            Assert.Equal(c.ReleaseDate, c.PlannedPublicDate);
            Assert.Equal(2, c.PublicDateRevision);
            Assert.Equal(new[] { "release-day", "public-date" }, c.Timeline.Skip(events).Select(e => e.Kind));

            var past = ps.At("2026-03-05T12:00:00Z", Set("-ReleaseDate '2026-03-01T16:00:00Z'"), vars);
            Assert.Equal(new[] { "InvalidReleaseDate," + Cmd }, past.ErrorIds);
            var late = ps.At("2026-03-05T12:00:00Z", Set("-ReleaseDate '2026-09-01T16:00:00Z'"), vars);
            Assert.Equal(new[] { "PublicDateBreaksPolicy," + Cmd }, late.ErrorIds);
            Assert.Contains("release.maxDays", late.Errors[0].ToString());
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-19T16:00:00Z"), EmbargoTestState.Case(state, id).ReleaseDate);
            ps.At("2026-03-05T12:00:00Z", Set("-ReleaseDate '2026-09-01T16:00:00Z' -Force"), vars).AssertNoErrors();
            Assert.Contains(EmbargoTestState.Case(state, id).Timeline, e => e.Kind == "policy-exception" && e.What.Contains("release deadline"));

            var received = ps.At("2026-03-05T12:00:00Z", "$r = New-VulnerabilityReport 'Another' -Component x -StatePath $state -Confirm:$false; Set-VulnerabilityReport $r.Id -FixReady -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "InvalidCaseTransition," + Cmd }, received.ErrorIds);
        }

        [Fact]
        public void AnUpstreamTimelineLeadsThePublicDateAndAReporterWhoGoesPublicEarlyIsRecorded()
        {
            using var temp = new TempFolder();
            string state = EmbargoTestState.NewState(ps, temp, null);
            string id = EmbargoTestState.NewCase(ps, state, "2026-03-20T14:00:00Z");
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            ps.At("2026-03-05T10:00:00Z", Set("-UpstreamTimeline @{ Project = 'golang'; Link = 'https://groups.google.com/g/golang-announce'; Date = '2026-04-07T16:00:00Z' }"), vars).AssertNoErrors();
            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            Assert.Equal(("golang", "https://groups.google.com/g/golang-announce"), (c.Upstream.Project, c.Upstream.Link));
            Assert.Equal(System.DateTimeOffset.Parse("2026-04-07T16:00:00Z"), c.PlannedPublicDate);
            Assert.Contains(c.Timeline, e => e.Kind == "upstream-timeline" && e.What.Contains("follows golang's disclosure timeline"));

            ps.At("2026-03-10T10:00:00Z", Set("-UpstreamTimeline @{ Project = 'golang'; Date = '2026-04-14T16:00:00Z' }"), vars).AssertNoErrors();
            c = EmbargoTestState.Case(state, id);
            CaseEvent moved = c.Timeline.Single(e => e.Kind == "upstream-changed");
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-10T10:00:00Z"), moved.At);
            Assert.Contains("was 2026-04-07", moved.What);
            Assert.Equal(System.DateTimeOffset.Parse("2026-04-14T16:00:00Z"), c.PlannedPublicDate);
            Assert.Equal("https://groups.google.com/g/golang-announce", c.Upstream.Link);

            var early = ps.At("2026-03-10T10:00:00Z", Set("-ReleaseDate '2026-04-10T16:00:00Z'"), vars);
            Assert.Equal(new[] { "ReleaseDateBeforeUpstream," + Cmd }, early.ErrorIds);
            var wrongKey = ps.At("2026-03-10T10:00:00Z", Set("-UpstreamTimeline @{ Project = 'golang'; When = 'soon' }"), vars);
            Assert.Equal(new[] { "InvalidUpstreamTimeline," + Cmd }, wrongKey.ErrorIds);

            // The reporter wants to publish: the request and the answer are recorded; then the issue is public and the clocks switch.
            ps.At("2026-03-11T10:00:00Z", Set("-PrivateHandlingRequested"), vars).AssertNoErrors();
            ps.At("2026-03-11T18:00:00Z", Set("-ReporterAnswer 'I present it at a conference on 2026-03-13.'"), vars).AssertNoErrors();
            ps.At("2026-03-13T09:00:00Z", Set("-PubliclyDisclosed"), vars).AssertNoErrors();
            c = EmbargoTestState.Case(state, id);
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-11T10:00:00Z"), c.PrivateHandlingRequestedAt);
            Assert.Equal("I present it at a conference on 2026-03-13.", c.ReporterAnswer);
            Assert.Equal(new[] { "private-handling-requested", "reporter-answer", "publicly-disclosed" }, c.Timeline.Skip(c.Timeline.Count - 3).Select(e => e.Kind));
            var timeline = ps.At("2026-03-13T09:30:00Z", "Get-DisclosureTimeline $id -StatePath $state", vars).AssertNoErrors().Objects<DisclosureMilestone>().ToList();
            Assert.Contains(timeline, m => m.MetAt == null && m.Note != null && m.Note.Contains("publicly disclosed"));
        }
    }
}
