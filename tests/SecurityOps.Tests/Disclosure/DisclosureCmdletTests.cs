using System;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Disclosure
{
    [Collection(PowerShellCollection.Name)]
    public sealed class DisclosureCmdletTests
    {
        private const string Clock = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'{0}')\ntry {{\n{1}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}";
        private readonly PowerShellFixture ps;

        public DisclosureCmdletTests(PowerShellFixture ps) => this.ps = ps;

        private static ScriptResult At(StateScope state, string time, string script) => state.Run(string.Format(Clock, time, script));

        [Fact]
        public void ReportsGetSequentialIdsAndAFullLifecycle()
        {
            using var state = new StateScope(ps);
            var created = At(state, "2026-01-05T10:00:00Z", @"
New-VulnerabilityReport -StatePath $state -Summary 'Token leak in logs' -Component edgecore -AffectedVersion 'v1.20.0','v1.19.2' -Channel github -Reporter 'eve@example.org' -Severity HIGH -Actor alice
New-VulnerabilityReport -StatePath $state -Summary 'Second' -Component cloudcore -ReceivedAt '2026-01-04T08:00:00Z' -Severity LOW").AssertNoErrors().Objects<VulnerabilityCase>().ToList();
            Assert.Equal(new[] { "SEC-2026-0001", "SEC-2026-0002" }, created.Select(c => c.Id));
            Assert.Equal("full-process", created[0].Policy);
            Assert.True(File.Exists(state.File("cases/SEC-2026-0001.yaml")));
            Assert.Contains("reporter: eve@example.org", state.ReadFile("cases/SEC-2026-0001.yaml"));

            At(state, "2026-01-05T12:00:00Z", @"
Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status acknowledged -Actor bob
Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status triaged -FixTeam bob,carol -CveId CVE-2026-10001
Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 | Set-VulnerabilityReport -StatePath $state -Status fixing -PlannedPublicDate '2026-01-20T16:00:00Z'").AssertNoErrors();
            var c = At(state, "2026-01-06T09:00:00Z", @"
Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status distributors-notified -PassThru").AssertNoErrors().Objects<VulnerabilityCase>().Single();
            Assert.Equal("distributors-notified", c.Status);
            Assert.Equal(new[] { "bob", "carol" }, c.FixTeam);
            Assert.Equal("CVE-2026-10001", c.CveId);
            Assert.Equal("bob", c.Timeline[1].Actor);
            Assert.Equal(new[] { "created", "status", "fix-team", "cve", "status", "public-date", "status", "status" }, c.Timeline.Select(e => e.Kind));

            var timeline = At(state, "2026-01-06T09:00:00Z", "Get-VulnerabilityReport -StatePath $state -Id 'SEC-2026-000*' -Status distributors-notified | Get-DisclosureTimeline -StatePath $state")
                .AssertNoErrors().Objects<DisclosureMilestone>().ToDictionary(m => m.Milestone);
            Assert.Equal(MilestoneState.Met, timeline["acknowledge"].State);
            Assert.Equal(MilestoneState.Met, timeline["distributor-notice"].State);
            Assert.Equal(new DateTimeOffset(2026, 1, 19, 16, 0, 0, TimeSpan.Zero), timeline["distributor-final-notice"].DueAt);

            var filtered = state.Run("Get-VulnerabilityReport -StatePath $state -Severity LOW").AssertNoErrors().Objects<VulnerabilityCase>();
            Assert.Equal("SEC-2026-0002", Assert.Single(filtered).Id);
        }

        [Fact]
        public void IllegalMovesAreInvalidCaseTransitionAndChangeNoFile()
        {
            using var state = new StateScope(ps);
            At(state, "2026-01-05T10:00:00Z", "New-VulnerabilityReport -StatePath $state -Summary s -Component c | Out-Null").AssertNoErrors();
            string before = state.ReadFile("cases/SEC-2026-0001.yaml");
            var release = At(state, "2026-01-05T11:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released");
            Assert.Equal("InvalidCaseTransition,SecurityOps.Commands.SetVulnerabilityReportCommand", Assert.Single(release.ErrorIds));
            Assert.Contains("not been triaged", release.Errors[0].ToString());
            Assert.Equal(before, state.ReadFile("cases/SEC-2026-0001.yaml"));

            At(state, "2026-01-05T11:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status acknowledged").AssertNoErrors();
            string acknowledged = state.ReadFile("cases/SEC-2026-0001.yaml");
            var twice = At(state, "2026-01-05T12:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status acknowledged -CveId CVE-2026-1111");
            Assert.Equal("InvalidCaseTransition,SecurityOps.Commands.SetVulnerabilityReportCommand", Assert.Single(twice.ErrorIds));
            Assert.Equal(acknowledged, state.ReadFile("cases/SEC-2026-0001.yaml")); // the CVE id was not half-applied

            At(state, "2026-01-05T12:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status triaged -Resolution rejected -Reason 'not a vulnerability'").AssertNoErrors();
            var after = At(state, "2026-01-05T13:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status fixing");
            Assert.Equal("InvalidCaseTransition,SecurityOps.Commands.SetVulnerabilityReportCommand", Assert.Single(after.ErrorIds));

            var whatIf = At(state, "2026-01-05T13:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Note 'told the reporter' -WhatIf").AssertNoErrors();
            Assert.DoesNotContain("told the reporter", state.ReadFile("cases/SEC-2026-0001.yaml"));
        }

        [Theory]
        [InlineData("Get-VulnerabilityReport -StatePath $state -Id SEC-26-1", "InvalidCaseId,SecurityOps.Commands.GetVulnerabilityReportCommand")]
        [InlineData("Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0099", "VulnerabilityReportNotFound,SecurityOps.Commands.GetVulnerabilityReportCommand")]
        [InlineData("Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -CveId CVE-1", "InvalidCveId,SecurityOps.Commands.SetVulnerabilityReportCommand")]
        [InlineData("Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -AdvisoryUrl 'javascript:alert(1)'", "InvalidAdvisoryUrl,SecurityOps.Commands.SetVulnerabilityReportCommand")]
        [InlineData("Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -PlannedPublicDate '2025-12-01'", "InvalidPublicDate,SecurityOps.Commands.SetVulnerabilityReportCommand")]
        [InlineData("Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status rejected", "RejectionReasonRequired,SecurityOps.Commands.SetVulnerabilityReportCommand")]
        [InlineData("New-VulnerabilityReport -StatePath $state -Summary s -Component c -ReceivedAt '2027-01-01'", "InvalidEventTime,SecurityOps.Commands.NewVulnerabilityReportCommand")]
        [InlineData("New-VulnerabilityReport -StatePath $state -Summary s -Component c -Policy nope", "DisclosurePolicyNotFound,SecurityOps.Commands.NewVulnerabilityReportCommand")]
        [InlineData("Test-DisclosureSla -StatePath $state -Within 'soon'", "InvalidWithin,SecurityOps.Commands.TestDisclosureSlaCommand")]
        [InlineData("Get-ReleaseWindow -StatePath $state -Id SEC-2026-0001 -Count 1; Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status acknowledged; Get-DisclosureTimeline -StatePath $state -Id SEC-2026-0099", "VulnerabilityReportNotFound,SecurityOps.Commands.GetDisclosureTimelineCommand")]
        public void BadInputIsAClearError(string script, string errorId)
        {
            using var state = new StateScope(ps);
            At(state, "2026-01-05T10:00:00Z", "New-VulnerabilityReport -StatePath $state -Summary s -Component c | Out-Null").AssertNoErrors();
            var result = At(state, "2026-01-05T11:00:00Z", script);
            Assert.Contains(errorId, result.ErrorIds);
            Assert.Single(Directory.GetFiles(state.File("cases"), "SEC-*.yaml"));
        }

        [Fact]
        public void SlaCheckListsOverdueAndDueSoonOfOpenCasesOnly()
        {
            using var state = new StateScope(ps);
            At(state, "2026-01-05T10:00:00Z", @"
New-VulnerabilityReport -StatePath $state -Summary a -Component c -Severity HIGH | Out-Null
New-VulnerabilityReport -StatePath $state -Summary b -Component c -Severity HIGH | Out-Null
New-VulnerabilityReport -StatePath $state -Summary r -Component c | Set-VulnerabilityReport -StatePath $state -Status rejected -Reason dup").AssertNoErrors();
            At(state, "2026-01-05T12:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0002 -Status acknowledged -FixTeam bob").AssertNoErrors();

            var alerts = At(state, "2026-01-06T12:00:00Z", "Test-DisclosureSla -StatePath $state -Within 6").AssertNoErrors().Objects<DisclosureMilestone>().ToList();
            Assert.Equal(new[] { "SEC-2026-0001 acknowledge Overdue", "SEC-2026-0001 fix-team Overdue" }, alerts.Select(a => a.ToString()));
            Assert.All(alerts, a => Assert.Equal("alice", a.OnDuty)); // the template roster: week 0 (from 2026-01-05) is alice's

            var wide = At(state, "2026-01-06T12:00:00Z", "Test-DisclosureSla -StatePath $state -Within ([TimeSpan]::FromDays(6))").AssertNoErrors().Objects<DisclosureMilestone>().ToList();
            Assert.Contains(wide, a => a.CaseId == "SEC-2026-0002" && a.Milestone == "fix" && a.State == MilestoneState.DueSoon);
            Assert.DoesNotContain(wide, a => a.CaseId == "SEC-2026-0003");

            var overdue = At(state, "2026-01-06T12:00:00Z", "Get-VulnerabilityReport -StatePath $state -Overdue").AssertNoErrors().Objects<VulnerabilityCase>();
            Assert.Equal("SEC-2026-0001", Assert.Single(overdue).Id);
        }

        [Fact]
        public void ReleaseWindowUsesConfigHolidaysAndExplainsWhenNothingFits()
        {
            using var state = new StateScope(ps);
            string config = state.ReadFile("securityops.yaml").Replace("holidays: []", "holidays: ['2026-01-13']");
            state.WriteFile("securityops.yaml", config);
            At(state, "2026-01-05T10:00:00Z", "New-VulnerabilityReport -StatePath $state -Summary s -Component c -Severity HIGH | Out-Null").AssertNoErrors();
            var windows = At(state, "2026-01-05T11:00:00Z", "Get-VulnerabilityReport -StatePath $state | Get-ReleaseWindow -StatePath $state -Count 3 -Verbose").AssertNoErrors();
            Assert.Equal(new[] { "2026-01-12T16:00", "2026-01-14T16:00", "2026-01-15T16:00" },
                windows.Objects<ReleaseCandidate>().Select(c => c.ReleaseAt.ToString("yyyy-MM-ddTHH:mm")));
            Assert.Contains(windows.Verbose, v => v.Contains("disclosure.holidays"));

            var none = At(state, "2026-01-23T11:00:00Z", "Get-ReleaseWindow -StatePath $state -Id SEC-2026-0001");
            Assert.Equal("NoReleaseWindow,SecurityOps.Commands.GetReleaseWindowCommand", Assert.Single(none.ErrorIds));
            Assert.Contains("noticeDaysBeforePublic", none.Errors[0].ToString());
        }

        [Fact]
        public void PoliciesFromPresetsConfigAndPolicyYaml()
        {
            using var state = new StateScope(ps, policy: null);
            var presets = state.Run("Get-DisclosurePolicy -ListAvailable -StatePath $state").AssertNoErrors().Objects<DisclosurePolicy>().ToList();
            Assert.Equal(new[] { "confidential-containers", "flatcar", "kubeedge", "oci", "stacklok" }, presets.Select(p => p.Name));
            Assert.True(presets.Single(p => p.Name == "stacklok").IsCurrent);

            state.WriteFile("securityops.yaml", state.ReadFile("securityops.yaml").Replace("  policy:\n", "  policy: confidential-containers\n"));
            Assert.Equal("confidential-containers", state.Run("Get-DisclosurePolicy -StatePath $state").AssertNoErrors().Objects<DisclosurePolicy>().Single().Name);

            // A state still on a retired preset loads, and says which preset to move to.
            state.WriteFile("securityops.yaml", state.ReadFile("securityops.yaml").Replace("  policy: confidential-containers\n", "  policy: kubernetes-style\n"));
            var retired = state.Run("Get-DisclosurePolicy -StatePath $state").AssertNoErrors();
            Assert.Equal("kubernetes-style", retired.Objects<DisclosurePolicy>().Single().Name);
            Assert.Contains(retired.Warnings, w => w.Contains("'kubeedge' or 'stacklok'"));
            var onRetired = At(state, "2026-01-05T10:00:00Z", "New-VulnerabilityReport -StatePath $state -Summary s -Component c | Get-DisclosureTimeline -StatePath $state").AssertNoErrors();
            Assert.Contains(onRetired.Warnings, w => w.Contains("retired"));
            Assert.Equal(24, onRetired.Objects<DisclosureMilestone>().Single(m => m.Milestone == "acknowledge").DueAt.Value.Subtract(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero)).TotalHours);
            Assert.Equal(new[] { "confidential-containers", "flatcar", "kubeedge", "kubernetes-style", "oci", "stacklok" },
                state.Run("Get-DisclosurePolicy -ListAvailable -StatePath $state").Objects<DisclosurePolicy>().Select(p => p.Name).OrderBy(n => n));
            Directory.Delete(state.File("cases"), recursive: true);

            state.WriteFile("securityops.yaml", state.ReadFile("securityops.yaml").Replace("  policy: kubernetes-style\n", "  policy:\n"));
            state.WriteFile("policy.yaml", "schemaVersion: 1\nname: ours\nacknowledge:\n  withinHours: 48\nrelease:\n  hourUtc: 9\n  weekdays: [Tuesday]\n");
            var ours = state.Run("Get-DisclosurePolicy -StatePath $state").AssertNoErrors().Objects<DisclosurePolicy>().Single();
            Assert.Equal("ours", ours.Name);
            Assert.Equal(state.File("policy.yaml"), ours.Origin);
            var c = At(state, "2026-01-05T10:00:00Z", "New-VulnerabilityReport -StatePath $state -Summary s -Component c | Get-DisclosureTimeline -StatePath $state").AssertNoErrors()
                .Objects<DisclosureMilestone>().Single(m => m.Milestone == "acknowledge");
            Assert.Equal(new DateTimeOffset(2026, 1, 7, 10, 0, 0, TimeSpan.Zero), c.DueAt);

            state.WriteFile("policy.yaml", "name: ours\nrelease:\n  hourUtc: 24\n  weekday: [Tuesday]\n");
            var broken = state.Run("Get-DisclosurePolicy -StatePath $state");
            Assert.Equal("InvalidDisclosurePolicy,SecurityOps.Commands.GetDisclosurePolicyCommand", Assert.Single(broken.ErrorIds));
            string message = (broken.Errors.FirstOrDefault() ?? broken.Terminating.ErrorRecord).ToString();
            Assert.Contains("policy.yaml:3:", message);
            Assert.Contains("release.hourUtc", message);
            Assert.Contains("policy.yaml:4:", message);
            Assert.Contains("release.weekday", message);

            var check = state.Run("Test-DisclosurePolicy -Path ([IO.Path]::Combine($state, 'policy.yaml'))").AssertNoErrors().Objects<PolicyCheckResult>().Single();
            Assert.False(check.IsValid);
            Assert.Equal(2, check.Problems.Count);

            var preset = ps.Run("Get-DisclosurePolicy -Name oci, 'kube*'").AssertNoErrors().Objects<DisclosurePolicy>().Select(p => p.Name);
            Assert.Equal(new[] { "oci", "kubeedge" }, preset);

            // -Policy completes the presets (and the state's own policy), never the retired names.
            var completion = state.Run("$s = 'New-VulnerabilityReport -Policy k'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText").AssertNoErrors();
            Assert.Equal(new[] { "kubeedge" }, completion.Output.Select(o => o.ToString()));
            const string CompleteAll = "$s = \"New-VulnerabilityReport -StatePath '$state' -Policy \"; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText";
            Assert.Equal(new[] { "confidential-containers", "flatcar", "kubeedge", "oci", "stacklok" }, state.Run(CompleteAll).AssertNoErrors().Output.Select(o => o.ToString())); // the broken policy.yaml still completes the presets
            state.WriteFile("policy.yaml", "schemaVersion: 1\nname: ours\nacknowledge:\n  withinHours: 48\n");
            Assert.Equal(new[] { "confidential-containers", "flatcar", "kubeedge", "oci", "ours", "stacklok" }, state.Run(CompleteAll).AssertNoErrors().Output.Select(o => o.ToString()));
        }

        [Fact]
        public void BackportTargetsFromARealGitCloneAndFromTags()
        {
            using var folder = new TempFolder();
            string repo = folder.Combine("repo");
            Directory.CreateDirectory(repo);
            Processes.Git(repo, "init -q");
            Processes.Git(repo, "-c user.name=t -c user.email=t@e commit -q --allow-empty -m init");
            foreach (string tag in new[] { "v1.18.0", "v1.18.2", "v1.19.0", "v1.19.1", "v1.20.0", "v1.21.0-rc.1", "nightly", "v1.17.9" })
            {
                Processes.Git(repo, "tag " + tag);
            }

            var result = ps.Run($"Get-BackportTarget -Path '{repo}' -Policy kubernetes-style").AssertNoErrors();
            Assert.Equal(new[] { "v1.20 -> v1.20.1", "v1.19 -> v1.19.2", "v1.18 -> v1.18.3" }, result.Objects<BackportTarget>().Select(t => t.ToString()));
            Assert.Contains(result.Warnings, w => w.Contains("nightly"));

            var latest = ps.Run("'v0.8.0','v0.7.1','0.9.0-alpha' | Get-BackportTarget -Policy confidential-containers").AssertNoErrors();
            Assert.Equal("v0.8.1", latest.Objects<BackportTarget>().Single().NextPatch);

            var notGit = ps.Run($"Get-BackportTarget -Path '{folder.Path}'");
            Assert.Equal("NotAGitRepository,SecurityOps.Commands.GetBackportTargetCommand", Assert.Single(notGit.ErrorIds));
        }
    }
}
