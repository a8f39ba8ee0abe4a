using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Advisories
{
    /// <summary>The advisory cmdlets from script text, against the loopback GitHub emulator.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class AdvisoryCmdletTests
    {
        private const string Repo = "StacklokLabs/fetch";

        private const string Setup = @"
$null = Initialize-SecurityState -Path $state
$config = [IO.Path]::Combine($state, 'securityops.yaml')
[IO.File]::WriteAllText($config, [IO.File]::ReadAllText($config).Replace('forkPollSeconds: 5', 'forkPollSeconds: 0.05').Replace('  team: []', '  team: [carol]'))
$secure = [Security.SecureString]::new()
$token.ToCharArray() | ForEach-Object { $secure.AppendChar($_) }
$gh = @{ StatePath = $state; ApiUrl = $url; Token = $secure }
";

        private readonly PowerShellFixture ps;

        public AdvisoryCmdletTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void ReportsAreListedImportedOnceDraftedUpdatedAndNotDuplicated()
        {
            using var folder = new TempFolder();
            using var emulator = new GitHubEmulator();
            emulator.Repo(Repo);
            string ghsa = emulator.AddReport(Repo, "SSRF through redirects", "finder-jane", cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
            var vars = new Dictionary<string, object> { ["state"] = folder.Path, ["url"] = emulator.ApiUrl, ["token"] = emulator.Token, ["repo"] = Repo };

            var listed = ps.Run(Setup + "Get-SecurityAdvisory @gh -Repository $repo -State triage -Severity high", vars).AssertNoErrors();
            var report = Assert.Single(listed.Objects<SecurityAdvisory>());
            Assert.Equal((ghsa, "triage", "finder-jane", (string)null), (report.GhsaId, report.State, report.Author, report.CaseId));
            Assert.Equal($"GET /repos/{Repo}/security-advisories?per_page=100&state=triage", emulator.Server.Requests.Last().ToString());

            var imported = ps.Run("Get-SecurityAdvisory @gh -Repository $repo -State triage | Import-VulnerabilityReport @gh -Verbose", vars).AssertNoErrors();
            var c = Assert.Single(imported.Objects<VulnerabilityCase>());
            Assert.Equal(("github", "finder-jane", ghsa), (c.Channel, c.Reporter, c.GhsaId));
            var again = ps.Run("Import-VulnerabilityReport @gh -Repository $repo -Verbose", vars).AssertNoErrors();
            Assert.Equal(c.Id, Assert.Single(again.Objects<VulnerabilityCase>()).Id);
            Assert.Contains(again.Verbose, v => v.Contains("imported already as " + c.Id));
            var cases = new CaseStore(new StateRepository(folder.Path));
            Assert.Single(cases.All());

            // The imported report is the case's advisory: New- accepts it as the draft, once, and never makes a second one.
            var accepted = ps.Run($"New-SecurityAdvisory @gh -Id {c.Id} -Repository $repo -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal((ghsa, "draft"), (Assert.Single(accepted.Objects<SecurityAdvisory>()).GhsaId, emulator.Advisory(Repo, ghsa)["state"].ToString()));
            var accept = Assert.Single(emulator.Writes);
            Assert.Equal(($"/repos/{Repo}/security-advisories/{ghsa}", "draft"), (accept.Path, (string)JsonNode.Parse(accept.Body)["state"]));
            var second = ps.Run($"New-SecurityAdvisory @gh -Id {c.Id} -Repository $repo -Confirm:$false", vars).AssertNoErrors();
            Assert.Empty(second.Output);
            Assert.Contains(second.Warnings, w => w.Contains("already has the advisory " + ghsa));
            Assert.DoesNotContain(emulator.Writes, w => w.Method == "POST");
            Assert.Single(emulator.Writes);

            var whatIf = ps.Run($"Set-VulnerabilityReport -StatePath $state -Id {c.Id} -FixedVersion 1.4.2 -Confirm:$false; Set-SecurityAdvisory @gh -Id {c.Id} -CweId 918 -WhatIf -Verbose", vars).AssertNoErrors();
            Assert.Single(emulator.Writes);
            string request = Assert.Single(whatIf.Verbose, v => v.Contains("PATCH /repos/"));
            Assert.Contains($"PATCH /repos/{Repo}/security-advisories/{ghsa} {{\"summary\":\"SSRF through redirects\"", request);
            Assert.Contains("\"patched_versions\":\"1.4.2\"", request);

            var set = ps.Run($"Get-VulnerabilityReport -StatePath $state -Id {c.Id} | Set-SecurityAdvisory @gh -CweId 918 -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal(ghsa, Assert.Single(set.Objects<SecurityAdvisory>()).GhsaId);
            var patch = emulator.Writes.Last();
            Assert.Equal(2, emulator.Writes.Count);
            Assert.Equal("[\"CWE-918\"]", JsonNode.Parse(patch.Body)["cwe_ids"].ToJsonString());
            Assert.Equal($"Steps to reproduce.\n\n<!-- securityops-case: {c.Id} -->\n", (string)JsonNode.Parse(patch.Body)["description"]);
            Assert.Contains(cases.GetRequired(c.Id).Timeline, e => e.Kind == "advisory" && e.What.StartsWith("Updated GitHub advisory " + ghsa, System.StringComparison.Ordinal));

            foreach (string text in listed.Verbose.Concat(imported.Verbose).Concat(whatIf.Verbose).Concat(set.Verbose))
            {
                Assert.DoesNotContain(emulator.Token, text);
            }
        }

        [Fact]
        public void DraftCollaboratorsCveForkAndPublishBehindTheGate()
        {
            using var folder = new TempFolder();
            using var emulator = new GitHubEmulator();
            emulator.Repo(Repo);
            emulator.SetFile(Repo, "CODEOWNERS", "* @alice @StacklokLabs/maintainers\n");
            emulator.ForkReadyAfterPolls = 2;
            var vars = new Dictionary<string, object> { ["state"] = folder.Path, ["url"] = emulator.ApiUrl, ["token"] = emulator.Token, ["repo"] = Repo };
            string ghsa = null;
            try
            {
                var created = ps.Run(Setup + @"
[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-01-05T10:00:00Z')
$case = New-VulnerabilityReport -StatePath $state -Summary 'Path traversal in fetch' -Component github.com/StacklokLabs/fetch -Channel email -Reporter finder@example.org -ReceivedAt '2026-01-04T09:00:00Z' -AffectedVersion '< 1.4.2' -Severity HIGH -Confirm:$false
$case | New-SecurityAdvisory @gh -Repository $repo -Ecosystem go -Confirm:$false
$case | New-SecurityAdvisory @gh -Repository $repo -Confirm:$false
", vars);
                created.AssertNoErrors();
                var advisory = Assert.Single(created.Objects<SecurityAdvisory>());
                ghsa = advisory.GhsaId;
                Assert.Equal("draft", advisory.State);
                Assert.Single(emulator.Advisories(Repo));
                var post = Assert.Single(emulator.Writes);
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(@"{""summary"":""Path traversal in fetch"",""description"":""Path traversal in fetch\n\n<!-- securityops-case: SEC-2026-0001 -->\n"",""vulnerabilities"":[{""package"":{""ecosystem"":""go"",""name"":""github.com/StacklokLabs/fetch""},""vulnerable_version_range"":""< 1.4.2""}],""severity"":""high""}"), JsonNode.Parse(post.Body)), post.Body);
                string caseId = advisory.CaseId;
                Assert.Equal("SEC-2026-0001", caseId);

                var refused = ps.Run($"Add-AdvisoryCollaborator @gh -Id {caseId} -User alice,mallory -Confirm:$false", vars);
                Assert.Contains("CollaboratorNotAllowed,SecurityOps.Commands.AddAdvisoryCollaboratorCommand", refused.ErrorIds);
                Assert.DoesNotContain(emulator.Writes, w => w.Method == "PATCH");
                // The approver must be on the security team: dave is neither on the roster nor the configured team.
                var notTeam = ps.Run($"Add-AdvisoryCollaborator @gh -Id {caseId} -User alice,carol,mallory -Team maintainers -ApprovedBy dave -Confirm:$false", vars);
                Assert.Equal(new[] { "ApproverNotOnSecurityTeam,SecurityOps.Commands.AddAdvisoryCollaboratorCommand" }, notTeam.ErrorIds);
                Assert.Equal("dave", notTeam.Errors.Single().TargetObject);
                Assert.Equal(System.Management.Automation.ErrorCategory.PermissionDenied, notTeam.Errors.Single().CategoryInfo.Category);
                Assert.DoesNotContain(emulator.Writes, w => w.Method == "PATCH");
                // bob is on the roster (not in advisories.team): his approval counts, and the timeline names him.
                var added = ps.Run($"Add-AdvisoryCollaborator @gh -Id {caseId} -User alice,carol,mallory -Team maintainers -ApprovedBy bob -Confirm:$false", vars).AssertNoErrors();
                var approvedCase = ps.Run($"Get-VulnerabilityReport -StatePath $state -Id {caseId}", vars).AssertNoErrors();
                Assert.Contains(Assert.Single(approvedCase.Objects<VulnerabilityCase>()).Timeline, e => e.What != null && e.What.Contains("mallory (approved by bob)"));
                Assert.Equal(new[] { "alice", "carol", "mallory" }, Assert.Single(added.Objects<SecurityAdvisory>()).CollaboratingUsers);
                Assert.Equal("{\"collaborating_users\":[\"alice\",\"carol\",\"mallory\"],\"collaborating_teams\":[\"maintainers\"]}", emulator.Writes.Last().Body);

                var cve = ps.Run($"Request-AdvisoryCve @gh -Id {caseId} -Confirm:$false; Request-AdvisoryCve @gh -Id {caseId} -Confirm:$false", vars).AssertNoErrors();
                Assert.Equal("pending", Assert.Single(cve.Objects<CaseAdvisory>()).CveRequestState);
                Assert.Single(emulator.CveRequests);
                emulator.AssignCve(Repo, ghsa, "CVE-2026-5555");
                var refreshed = ps.Run("Update-SecurityAdvisory @gh -Confirm:$false", vars).AssertNoErrors();
                Assert.Equal("CVE-2026-5555", Assert.Single(refreshed.Objects<VulnerabilityCase>()).CveId);

                var fork = ps.Run($"New-AdvisoryFork @gh -Id {caseId} -Confirm:$false", vars).AssertNoErrors();
                var ready = Assert.Single(fork.Objects<CaseAdvisory>());
                Assert.Equal($"{Repo}-{ghsa.ToLowerInvariant()}", ready.PrivateFork);
                Assert.NotNull(ready.ForkReadyAt);
                Assert.Contains(fork.Progress, p => p.Activity == "Waiting for the temporary private fork" && p.RecordType == System.Management.Automation.ProgressRecordType.Processing);
                Assert.Equal(3, emulator.Calls.Count(x => x == $"GET /repos/{ready.PrivateFork}"));

                var early = ps.Run($"Set-VulnerabilityReport -StatePath $state -Id {caseId} -PlannedPublicDate '2026-01-20T16:00:00Z' -Confirm:$false; Publish-SecurityAdvisory @gh -Id {caseId} -Confirm:$false", vars);
                Assert.Contains("EmbargoActive,SecurityOps.Commands.PublishSecurityAdvisoryCommand", early.ErrorIds);
                Assert.DoesNotContain(emulator.Writes, w => w.Body.Contains("published"));
                int readsBefore = emulator.Calls.Count;
                var mergeEarly = ps.Run($"Merge-AdvisoryFork @gh -Id {caseId} -Confirm:$false", vars);
                Assert.Equal(new[] { "EmbargoActive,SecurityOps.Commands.MergeAdvisoryForkCommand" }, mergeEarly.ErrorIds);
                Assert.Equal(readsBefore, emulator.Calls.Count); // the gate first: GitHub is not even read

                var published = ps.Run($"[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-01-20T16:00:00Z'); Publish-SecurityAdvisory @gh -Id {caseId} -Confirm:$false", vars).AssertNoErrors();
                Assert.Equal("published", Assert.Single(published.Objects<SecurityAdvisory>()).State);
                Assert.Equal("{\"state\":\"published\"}", emulator.Writes.Last().Body);

                // The fix waits in the private fork: GitHub's API cannot merge it, so the command says what to do; once
                // merged (in the advisory's page) the merge is recorded, once.
                emulator.SetPull(ready.PrivateFork, 1, "Reject ../ in archive paths", merged: false);
                var pending = ps.Run($"[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-01-20T16:10:00Z'); Merge-AdvisoryFork @gh -Id {caseId} -Confirm:$false", vars).AssertNoErrors();
                var waiting = Assert.Single(pending.Objects<SecurityOps.Advisories.ForkMergeResult>());
                Assert.Equal(("ActionRequired", false), (waiting.Action, waiting.Merged));
                Assert.Contains("'Merge pull request(s)' for #1", Assert.Single(pending.Warnings));
                emulator.SetPull(ready.PrivateFork, 1, "Reject ../ in archive paths", merged: true);
                var merged = ps.Run($"Merge-AdvisoryFork @gh -Id {caseId} -Confirm:$false; Merge-AdvisoryFork @gh -Id {caseId} -Confirm:$false", vars).AssertNoErrors();
                Assert.Equal(new[] { "Recorded", "AlreadyRecorded" }, merged.Objects<SecurityOps.Advisories.ForkMergeResult>().Select(r => r.Action));
                var forkEvent = Assert.Single(new CaseStore(new StateRepository(folder.Path)).GetRequired(caseId).Timeline, e => e.Kind == "fork-merged");
                Assert.Contains("#1 Reject ../ in archive paths (merged)", forkEvent.What);

                var timeline = new CaseStore(new StateRepository(folder.Path)).GetRequired(caseId).Timeline.Where(e => e.Kind == "advisory").Select(e => e.What).ToList();
                Assert.Collection(timeline,
                    e => Assert.StartsWith("Drafted GitHub advisory " + ghsa, e),
                    e => Assert.StartsWith("Advisory https://github.example/", e),
                    e => Assert.StartsWith("Collaborators on " + ghsa + ": alice (codeowners), carol (team), mallory (approved by bob), team maintainers (codeowners)", e),
                    e => Assert.StartsWith("Requested a CVE id", e),
                    e => Assert.StartsWith("GitHub assigned CVE-2026-5555", e),
                    e => Assert.StartsWith("Requested the temporary private fork", e),
                    e => Assert.StartsWith("The private fork", e),
                    e => Assert.StartsWith("Published GitHub advisory " + ghsa, e));
            }
            finally
            {
                ps.Run("[SecurityOps.ModuleContext]::UseSystemTime()");
            }
        }

        [Fact]
        public void WithoutATokenOnlyWhatIfPlansAndNothingIsSent()
        {
            using var folder = new TempFolder();
            using var emulator = new GitHubEmulator();
            emulator.Repo(Repo);
            var vars = new Dictionary<string, object> { ["state"] = folder.Path, ["url"] = emulator.ApiUrl, ["token"] = emulator.Token, ["repo"] = Repo };
            var result = ps.Run(Setup + @"
$saved = $env:GITHUB_TOKEN, $env:GH_TOKEN
$env:GITHUB_TOKEN = $null; $env:GH_TOKEN = $null
try {
  $case = New-VulnerabilityReport -StatePath $state -Summary 'Leak' -Component app -Confirm:$false
  $case | New-SecurityAdvisory -StatePath $state -ApiUrl $url -Repository $repo -WhatIf -Verbose
  $case | New-SecurityAdvisory -StatePath $state -ApiUrl $url -Repository $repo -Confirm:$false
} finally { $env:GITHUB_TOKEN, $env:GH_TOKEN = $saved }", vars);
            Assert.Contains("GitHubTokenNotFound,SecurityOps.Commands.NewSecurityAdvisoryCommand", result.ErrorIds);
            Assert.Contains(result.Verbose, v => v.Contains($"POST /repos/{Repo}/security-advisories {{\"summary\":\"Leak\""));
            Assert.Empty(emulator.Calls);
        }
    }
}
