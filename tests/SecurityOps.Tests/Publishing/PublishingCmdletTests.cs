using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Publishing
{
    [Collection(PowerShellCollection.Name)]
    public sealed class PublishingCmdletTests
    {
        private const string Clock = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'{0}')\ntry {{\n{1}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}";
        private readonly PowerShellFixture ps;

        public PublishingCmdletTests(PowerShellFixture ps) => this.ps = ps;

        private static ScriptResult At(StateScope state, string time, string script) => state.Run(string.Format(Clock, time, script));

        /// <summary>Two cases fixed in v0.8.1: SEC-2026-0001 public on 2026-01-20, SEC-2026-0002 embargoed until 2026-03-01.</summary>
        private static void TwoFixedCases(StateScope state)
        {
            At(state, "2026-01-05T10:00:00Z", @"
New-VulnerabilityReport -StatePath $state -Summary 'Token leak in cloudcore logs' -Component cloudcore -AffectedVersion v0.8.0 -Severity MEDIUM -Actor alice | Out-Null
New-VulnerabilityReport -StatePath $state -Summary 'Secret bypass in edgemesh' -Component edgemesh -Severity HIGH -Actor alice | Out-Null
Add-CveRecord -StatePath $state -CveId CVE-2025-22871 -Package go -Source flatcar | Out-Null
Set-CveRecord -StatePath $state -CveId CVE-2025-22871 -Status fixed -FixedIn v0.8.1").AssertNoErrors();
            At(state, "2026-01-06T10:00:00Z", @"
foreach ($id in 'SEC-2026-0001','SEC-2026-0002') {
  Set-VulnerabilityReport -StatePath $state -Id $id -Status acknowledged
  Set-VulnerabilityReport -StatePath $state -Id $id -Status triaged -FixTeam bob
  Set-VulnerabilityReport -StatePath $state -Id $id -Status fixing -FixedIn v0.8.1 -FixedBy https://github.com/example/project/pull/42
}
Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -CveId CVE-2026-1001 -PlannedPublicDate '2026-01-20T16:00:00Z' -Credit 'Jane Finder' -Impact 'Tokens readable by node users.'
Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0002 -CveId CVE-2026-2002 -PlannedPublicDate '2026-03-01T16:00:00Z' -Force").AssertNoErrors();
        }

        [Fact]
        public void ReleaseNotesLeaveEmbargoedCasesOutWithAWarningAndWriteTheFile()
        {
            using var state = new StateScope(ps);
            TwoFixedCases(state);
            string path = Path.Combine(state.Path, "..", "notes", "v0.8.1.md");

            var result = At(state, "2026-01-21T09:00:00Z", $"New-SecurityReleaseNote -StatePath $state -Release v0.8.1 -Format All -Path '{path}'").AssertNoErrors();

            ReleaseNote note = result.Objects<ReleaseNote>().Single();
            Assert.Equal(new[] { "CVE-2025-22871", "CVE-2026-1001" }, note.CveIds);
            Assert.Equal(new[] { "SEC-2026-0001" }, note.CaseIds);
            Assert.Equal(1, note.LeftOut);
            Assert.Equal(Path.GetFullPath(path), note.Path);
            string warning = Assert.Single(result.Warnings);
            Assert.Contains("1 issue(s) fixed in v0.8.1 are still under embargo", warning);
            string written = File.ReadAllText(path);
            Assert.Equal(note.Markdown, written);
            Assert.Contains("- cloudcore ([CVE-2026-1001](https://www.cve.org/CVERecord?id=CVE-2026-1001))\n- go ([CVE-2025-22871](https://www.cve.org/CVERecord?id=CVE-2025-22871))\n", written);
            Assert.Contains("- **Credits:** Jane Finder", written);
            foreach (string hidden in new[] { "CVE-2026-2002", "SEC-2026-0002", "edgemesh", "Secret bypass" })
            {
                Assert.DoesNotContain(hidden, written);
                Assert.DoesNotContain(hidden, warning);
            }

            // Piped from a case by property name, changelog only, -WhatIf writes nothing.
            string other = Path.Combine(state.Path, "..", "notes", "whatif.md");
            var piped = At(state, "2026-03-02T09:00:00Z", $"Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0002 | New-SecurityReleaseNote -StatePath $state -Format Changelog -Path '{other}' -WhatIf").AssertNoErrors();
            Assert.Empty(piped.Warnings);
            Assert.Contains("- edgemesh ([CVE-2026-2002](", piped.Objects<ReleaseNote>().Single().Markdown);
            Assert.False(File.Exists(other));
        }

        [Fact]
        public void RetrospectiveDraftIsNeverOverwrittenOnceEditedAndCompletesTheCase()
        {
            using var state = new StateScope(ps);
            TwoFixedCases(state);
            At(state, "2026-01-20T16:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released -IntroducedBy https://github.com/example/project/pull/7").AssertNoErrors();

            var first = At(state, "2026-01-22T10:00:00Z", "Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 | New-SecurityRetrospective -StatePath $state").AssertNoErrors();
            SecurityRetrospective retro = first.Objects<SecurityRetrospective>().Single();
            Assert.Equal("retrospectives/SEC-2026-0001.md", retro.RelativePath);
            string text = state.ReadFile("retrospectives/SEC-2026-0001.md");
            Assert.Contains("https://github.com/example/project/pull/7", text);
            Assert.Contains("| Acknowledge the report | within 24 h of the report | 2026-01-06T10:00:00Z | 2026-01-06T10:00:00Z | met, at the deadline |", text);
            // Released without the distributors' notice: it can no longer happen, says why, and counts as missed.
            Assert.Contains("| Notify the distributors (embargoed) | at least 7 days before the planned public date | 2026-01-13T16:00:00Z | - | not applicable (cannot happen any more: the fix was released on 2026-01-20T16:00:00Z without it) |", text);
            Assert.True(retro.MilestonesMissed > 0);

            var notYet = At(state, "2026-01-22T11:00:00Z", "Complete-SecurityRetrospective -StatePath $state -Id SEC-2026-0001");
            Assert.Equal("RetrospectiveNotWritten,SecurityOps.Commands.CompleteSecurityRetrospectiveCommand", Assert.Single(notYet.ErrorIds));

            At(state, "2026-01-22T11:00:00Z", "New-SecurityRetrospective -StatePath $state -Id SEC-2026-0001 | Out-Null").AssertNoErrors(); // untouched: regenerated
            string edited = state.ReadFile("retrospectives/SEC-2026-0001.md").Replace("## What went well\n\n- ", "## What went well\n\n- The fix team formed within a day.");
            state.WriteFile("retrospectives/SEC-2026-0001.md", edited);

            var refused = At(state, "2026-01-22T12:00:00Z", "New-SecurityRetrospective -StatePath $state -Id SEC-2026-0001");
            Assert.Equal("RetrospectiveEdited,SecurityOps.Commands.NewSecurityRetrospectiveCommand", Assert.Single(refused.ErrorIds));
            Assert.Equal(edited, state.ReadFile("retrospectives/SEC-2026-0001.md"));

            var done = At(state, "2026-01-22T12:00:00Z", "Complete-SecurityRetrospective -StatePath $state -Id SEC-2026-0001 -Actor carol -PassThru").AssertNoErrors();
            Assert.Equal("done", done.Objects<SecurityRetrospective>().Single().Status);
            var c = state.Run("Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0001").AssertNoErrors().Objects<VulnerabilityCase>().Single();
            Assert.Equal("retrospective-done", c.Status);
            var timeline = At(state, "2026-01-22T12:00:00Z", "Get-DisclosureTimeline -StatePath $state -Id SEC-2026-0001").AssertNoErrors().Objects<DisclosureMilestone>();
            Assert.Equal(MilestoneState.Met, timeline.Single(m => m.Milestone == "retrospective").State);

            At(state, "2026-01-22T13:00:00Z", "New-SecurityRetrospective -StatePath $state -Id SEC-2026-0001 -Force | Out-Null").AssertNoErrors();
            Assert.DoesNotContain("formed within a day", state.ReadFile("retrospectives/SEC-2026-0001.md"));

            var missing = state.Run("Complete-SecurityRetrospective -StatePath $state -Id SEC-2026-0002");
            Assert.Equal("RetrospectiveNotFound,SecurityOps.Commands.CompleteSecurityRetrospectiveCommand", Assert.Single(missing.ErrorIds));
        }

        [Fact]
        public void OsvExportWritesValidFilesAndRefusesEmbargoedOrInvalidOnes()
        {
            using var state = new StateScope(ps);
            TwoFixedCases(state);
            TestConfig.SetSection(state.File("securityops.yaml"), "osv", "  idPrefix: KUBE\n  ecosystem: Go\n  package: github.com/kubeedge/kubeedge\n");
            string folder = Path.Combine(state.Path, "..", "osv-out");

            var all = At(state, "2026-01-21T09:00:00Z", $"Export-OsvAdvisory -StatePath $state -Path '{folder}'").AssertNoErrors();
            var files = all.Objects<OsvAdvisoryFile>().OrderBy(f => f.Id).ToList();
            Assert.Equal(new[] { "KUBE-2026-0001", "KUBE-CVE-2025-22871" }, files.Select(f => f.Id));
            Assert.All(files, f => Assert.True(f.Valid));
            Assert.Contains("1 case(s) or CVE record(s) are still under embargo", Assert.Single(all.Warnings)); // KUBE is registered: no prefix warning
            Assert.Equal(new[] { "KUBE-2026-0001.json", "KUBE-CVE-2025-22871.json" }, Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n));
            JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "KUBE-2026-0001.json")));
            Assert.Equal("CVE-2026-1001", (string)json["aliases"][0]);
            Assert.Equal("github.com/kubeedge/kubeedge", (string)json["affected"][0]["package"]["name"]);
            Assert.Equal("v0.8.0", (string)json["affected"][0]["versions"][0]); // a single affected version, not a range

            var refused = At(state, "2026-01-21T09:00:00Z", $"Export-OsvAdvisory -StatePath $state -Path '{folder}' -Id SEC-2026-0002");
            Assert.Equal("EmbargoActive,SecurityOps.Commands.ExportOsvAdvisoryCommand", Assert.Single(refused.ErrorIds));
            Assert.False(File.Exists(Path.Combine(folder, "KUBE-2026-0002.json")));

            // A hand-edited record with a broken vector: an error naming the path, and no file.
            state.WriteFile("cves/2024/CVE-2024-6387.yaml", "schemaVersion: 1\ncveId: CVE-2024-6387\nstatus: fixed\nfixedIn: v0.8.1\ncvssVector: 'CVSS:3.1/AV:Q'\n");
            var invalid = At(state, "2026-01-21T09:00:00Z", $"Get-CveRecord -StatePath $state -Id CVE-2024-6387 | Export-OsvAdvisory -StatePath $state -Path '{folder}'");
            Assert.Equal("OsvValidationFailed,SecurityOps.Commands.ExportOsvAdvisoryCommand", Assert.Single(invalid.ErrorIds));
            Assert.Contains("$.severity[0].score", invalid.Errors[0].ToString());
            Assert.False(File.Exists(Path.Combine(folder, "KUBE-CVE-2024-6387.json")));
            Assert.Empty(Directory.GetFiles(folder, ".*tmp*"));

            // A prefix the official schema does not accept: a warning, and no file that would be invalid.
            File.WriteAllText(state.File("securityops.yaml"), File.ReadAllText(state.File("securityops.yaml")).Replace("idPrefix: KUBE", "idPrefix: SECOPS"));
            var local = At(state, "2026-03-02T09:00:00Z", "Export-OsvAdvisory -StatePath $state -Id SEC-2026-0002 -WarningAction Continue").AssertNoErrors();
            Assert.Contains(local.Warnings, w => w.Contains("'SECOPS' is not one the official OSV schema"));
            Assert.Contains(local.Warnings, w => w.StartsWith("SECOPS-2026-0002 was not written"));
            Assert.False(File.Exists(state.File("osv/SECOPS-2026-0002.json")));
        }

        [Fact]
        public void ExportedOsvFilesReadBackThroughTheDailyWatchsOsvReader()
        {
            using var state = new StateScope(ps);
            TwoFixedCases(state);
            TestConfig.SetSection(state.File("securityops.yaml"), "osv", "  idPrefix: KUBE\n  ecosystem: Go\n  package: github.com/kubeedge/kubeedge\n");
            string folder = Path.GetFullPath(Path.Combine(state.Path, "..", "osv-roundtrip"));
            var written = At(state, "2026-01-21T09:00:00Z", $"Export-OsvAdvisory -StatePath $state -Path '{folder}' -WarningAction SilentlyContinue").AssertNoErrors()
                .Objects<OsvAdvisoryFile>().OrderBy(f => f.Id).ToList();

            // What a downstream team running SecurityOps would see when it points an osv source at the published files.
            var items = state.Run($"Get-SecurityFeed -Uri '{folder}' -Type osv").AssertNoErrors()
                .Objects<SecurityFeedItem>().OrderBy(i => i.Id).ToList();

            Assert.Equal(written.Select(f => f.Id), items.Select(i => i.Id));
            SecurityFeedItem fromCase = items[0];
            Assert.Equal(new[] { "CVE-2026-1001" }, fromCase.CveIds);
            Assert.Equal("Token leak in cloudcore logs", fromCase.Title);
            PackageRef package = Assert.Single(fromCase.Packages);
            Assert.Equal(("Go", "github.com/kubeedge/kubeedge"), (package.Ecosystem, package.Name));
            Assert.Equal(new[] { "CVE-2025-22871" }, items[1].CveIds);
            Assert.All(items, i => Assert.NotNull(i.Published));

            // And into the receiving team's database: the CVEs, nothing else.
            using var downstream = new StateScope(ps);
            var added = downstream.Run($"Get-SecurityFeed -Uri '{folder}' -Type osv | Add-CveRecord -StatePath $state").AssertNoErrors().Objects<CveRecord>();
            Assert.Equal(new[] { "CVE-2025-22871", "CVE-2026-1001" }, added.Select(r => r.CveId).OrderBy(id => id));
        }
    }
}
