using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SecurityOps.Database;
using SecurityOps.GitHub;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>
    /// Randomized: over many cases, channels and clock times, no public output (the announcement on every channel,
    /// pushing the state to a public remote, release notes, OSV files, issues in a public repository) ever carries a
    /// case, or the team's own record of its CVE, before the case's public date and time.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class PublicGateRandomizedTests
    {
        private static readonly DateTimeOffset Base = DateTimeOffset.Parse("2026-03-01T00:00:00Z");
        private readonly PowerShellFixture ps;

        public PublicGateRandomizedTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>The oracle, written independently of VulnerabilityCase.IsEmbargoed.</summary>
        private static bool MayBePublic(VulnerabilityCase c, DateTimeOffset now) =>
            c.Status != CaseStatus.Rejected &&
            (c.PlannedPublicDate != null ? now >= c.PlannedPublicDate.Value
                : c.Status == CaseStatus.Released || c.Status == CaseStatus.Disclosed || c.Status == CaseStatus.RetrospectiveDone);

        private static VulnerabilityCase RandomCase(Random random, int n)
        {
            string[] statuses = { CaseStatus.Fixing, CaseStatus.DistributorsNotified, CaseStatus.Released, CaseStatus.Disclosed, CaseStatus.Rejected, CaseStatus.Triaged };
            return new VulnerabilityCase
            {
                Id = VulnerabilityCase.FormatId(2026, n),
                Status = statuses[random.Next(statuses.Length)],
                ReceivedAt = Base,
                Summary = "Issue " + n,
                Component = "example/runtime",
                CveId = $"CVE-2026-{10000 + n}",
                Severity = "HIGH",
                CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                AffectedVersions = { "1.0.0" },
                FixedVersions = { "1.0.1" },
                Impact = "impact",
                Mitigation = "none",
                BinariesUrl = "https://example.org/r",
                ReleaseNotesUrl = "https://example.org/n",
                PlannedPublicDate = random.Next(5) == 0 ? (DateTimeOffset?)null : Base.AddMinutes(random.Next(1, 60 * 24 * 30)),
                Policy = "kubernetes-style",
            };
        }

        private static DateTimeOffset RandomNow(Random random, VulnerabilityCase c) =>
            c.PlannedPublicDate != null && random.Next(3) == 0
                ? c.PlannedPublicDate.Value.AddSeconds(random.Next(-2, 2)) // right at the boundary
                : Base.AddMinutes(random.Next(0, 60 * 24 * 40));

        [Fact]
        public void TheAnnouncementAndAPublicPushNeverCarryACaseBeforeItsPublicDate()
        {
            var random = new Random(20260301);
            var service = new AnnouncementService(new SecurityConfig { Project = new ProjectSettings { SecurityContact = "security@example.org" } }, new TemplateRenderer(null));
            for (int i = 0; i < 2000; i++)
            {
                VulnerabilityCase c = RandomCase(random, i + 1);
                DateTimeOffset now = RandomNow(random, c);
                bool mayBePublic = MayBePublic(c, now);
                try
                {
                    RenderedMessage m = service.Render(c, now);
                    Assert.True(mayBePublic, $"{c.Id} ({c.Status}, public {c.PlannedPublicDate:o}) rendered at {now:o}");
                    Assert.Contains(c.CveId, m.Body);
                }
                catch (SecurityOpsException ex) when (ex.ErrorId == "EmbargoActive")
                {
                    Assert.False(mayBePublic, $"{c.Id} ({c.Status}, public {c.PlannedPublicDate:o}) refused at {now:o}");
                }
            }

            // Publishing the case's GitHub advisory asks the same gate.
            for (int i = 0; i < 500; i++)
            {
                VulnerabilityCase c = RandomCase(random, i + 1);
                c.Advisory = new CaseAdvisory { GhsaId = "GHSA-abcd-efgh-ijkm", Repository = "example/runtime", State = "draft" };
                DateTimeOffset now = RandomNow(random, c);
                using var scratch = new TempFolder();
                var advisories = new SecurityOps.Advisories.AdvisoryService(new SecurityOps.Disclosure.CaseStore(new StateRepository(scratch.Path)), null, null, clock: new FixedClock(now));
                var refused = Record.Exception(() => advisories.PlanPublish(c));
                Assert.True(MayBePublic(c, now) == (refused == null), $"{c.Id} ({c.Status}, public {c.PlannedPublicDate:o}) advisory publish at {now:o}: {refused?.Message}");
            }

            using var temp = new TempFolder();
            string root = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{root}' -Confirm:$false").AssertNoErrors();
            string config = Path.Combine(root, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace("  remoteIsPublic:\n", "  remoteIsPublic: true\n"));
            var repo = new StateRepository(root);
            for (int round = 0; round < 40; round++)
            {
                foreach (string f in Directory.Exists(Path.Combine(root, "cases")) ? Directory.GetFiles(Path.Combine(root, "cases")) : new string[0])
                {
                    File.Delete(f);
                }

                var cases = Enumerable.Range(1, random.Next(0, 5)).Select(n => RandomCase(random, n)).ToList();
                cases.ForEach(c => repo.Write(c.RelativePath, c));
                DateTimeOffset now = Base.AddMinutes(random.Next(0, 60 * 24 * 40));
                bool allowed = cases.All(c => MayBePublic(c, now));
                var state = SecurityState.Open(root);
                var ex = Record.Exception(() => StatePushGuard.EnsurePushAllowedAsync(state, now, null).GetAwaiter().GetResult());
                Assert.True(allowed == (ex == null), $"round {round}: push at {now:o} with {cases.Count} case(s): {ex?.Message}");
            }
        }

        /// <summary>A tracked record of the case's CVE, as the daily watch or a person would add it: no embargo of its own.</summary>
        private static CveRecord TrackedRecord(VulnerabilityCase c) => new CveRecord
        {
            CveId = c.CveId,
            Status = "fixed",
            FixedIn = "v1.0.1",
            Summary = "tracked " + c.CveId,
            Packages = { new PackageRef("example/runtime", "Go") },
        };

        [Fact]
        public async Task ReleaseNotesAndPublicIssuesNeverCarryACveWhoseCaseIsEmbargoed()
        {
            var random = new Random(20261125);
            var repo = GitHubRepositoryName.Parse("example/public");
            var settings = new GitHubSettings { PublicRepositories = { "example/public" } };
            for (int round = 0; round < 300; round++)
            {
                var cases = Enumerable.Range(1, random.Next(1, 6)).Select(n => RandomCase(random, round * 10 + n)).ToList();
                cases.ForEach(c => c.FixedVersions = random.Next(3) switch { 0 => new List<string> { "v1.0.1" }, 1 => new List<string> { "v1.0.2" }, _ => new List<string>() });
                var records = cases.Select(TrackedRecord).ToList();
                DateTimeOffset now = RandomNow(random, cases[random.Next(cases.Count)]);
                var publicAt = cases.ToDictionary(c => c.CveId);

                ReleaseNote note = ReleaseNoteBuilder.Build("v1.0.1", records, cases, now, null, "Example", null);
                foreach (Match cve in Regex.Matches(note.Markdown, @"CVE-2026-\d{5}"))
                {
                    Assert.True(MayBePublic(publicAt[cve.Value], now), $"round {round}: {cve.Value} in the release notes at {now:o} (case {publicAt[cve.Value].Status}, public {publicAt[cve.Value].PlannedPublicDate:o}, fixed in {publicAt[cve.Value].FixedIn})");
                }

                var filer = new CveIssuePublisher(null, repo, settings, new CveIssueFormat(), null, PublicGate.Embargoes(cases, now).Reason, new RepositoryVisibility(settings, null));
                CveIssuePlan plan = await filer.PlanAsync(records);
                foreach (CveRecord planned in plan.Items.SelectMany(i => i.ToAdd.Concat(i.ToLink)))
                {
                    Assert.True(MayBePublic(publicAt[planned.CveId], now), $"round {round}: {planned.CveId} planned for a public repository at {now:o}");
                }

                Assert.Equal(cases.Count(c => !MayBePublic(c, now)), plan.Refused.Count);
                Assert.All(plan.Refused, r => Assert.Equal("EmbargoedRecordRefused", r.ErrorId));
            }
        }

        [Fact]
        public void OsvExportNeverWritesACveWhoseCaseIsEmbargoedWhateverTheSelection()
        {
            using var temp = new TempFolder();
            string root = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{root}' -NoGit -Confirm:$false").AssertNoErrors();
            TestConfig.SetSection(Path.Combine(root, "securityops.yaml"), "osv", "  idPrefix: GHSA\n  ecosystem: Go\n  package: example/runtime\n");
            var repo = new StateRepository(root);
            var random = new Random(42);
            var cases = Enumerable.Range(1, 8).Select(n => RandomCase(random, n)).ToList();
            foreach (VulnerabilityCase c in cases)
            {
                repo.Write(c.RelativePath, c);
                new CveDatabase(repo).Save(TrackedRecord(c));
            }

            var publicAt = cases.ToDictionary(c => c.CveId);
            string[] selections =
            {
                "Export-OsvAdvisory -StatePath $state -Path $out",
                "Export-OsvAdvisory -StatePath $state -Path $out -CveId $cves",
                "Get-CveRecord -StatePath $state | Export-OsvAdvisory -StatePath $state -Path $out",
                "Get-VulnerabilityReport -StatePath $state | Export-OsvAdvisory -StatePath $state -Path $out",
            };
            int publicSeen = 0;
            for (int run = 0; run < 8; run++)
            {
                DateTimeOffset now = RandomNow(random, cases[random.Next(cases.Count)]);
                string output = temp.Combine("osv-" + run);
                ps.At(now.ToString("o"), selections[run % selections.Length] + " -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue",
                    new Dictionary<string, object> { ["state"] = root, ["out"] = output, ["cves"] = cases.Select(c => c.CveId).ToArray() });
                var exported = new HashSet<string>();
                foreach (string file in Directory.Exists(output) ? Directory.GetFiles(output) : new string[0])
                {
                    string text = File.ReadAllText(file);
                    foreach (Match cve in Regex.Matches(text, @"CVE-2026-\d{5}"))
                    {
                        Assert.True(MayBePublic(publicAt[cve.Value], now), $"{selections[run % selections.Length]}: {cve.Value} exported at {now:o}, public {publicAt[cve.Value].PlannedPublicDate:o}");
                    }

                    // Exported means an advisory with content: the CVE as an alias, and the package it affects.
                    System.Text.Json.Nodes.JsonNode json = System.Text.Json.Nodes.JsonNode.Parse(text);
                    Assert.Equal("example/runtime", (string)json["affected"]?[0]?["package"]?["name"]);
                    foreach (var alias in json["aliases"]?.AsArray() ?? new System.Text.Json.Nodes.JsonArray())
                    {
                        exported.Add((string)alias);
                    }
                }

                // Two-sided: the gate holds back only what is embargoed; every CVE that may be public is exported, as
                // an advisory with content, so an export that wrote nothing at all (or empty files) fails here, and
                // there is one file per public case, none beside them.
                var mayBePublic = cases.Where(c => MayBePublic(c, now)).Select(c => c.CveId).ToList();
                Assert.All(mayBePublic, cve => Assert.True(exported.Contains(cve), $"{selections[run % selections.Length]}: {cve} may be public at {now:o} but was not exported"));
                Assert.Equal(mayBePublic.Count, Directory.Exists(output) ? Directory.GetFiles(output).Length : 0);
                publicSeen += mayBePublic.Count;
            }

            Assert.True(publicSeen > 0, "the random clock never reached a public date: the test proved nothing");
        }

        [Fact]
        public void ThroughTheCmdletNoChannelEverReceivesACaseBeforeItsPublicDate()
        {
            using var temp = new TempFolder();
            using var slack = new LoopbackServer((context, request) => Task.CompletedTask);
            using var discord = new LoopbackServer((context, request) => Task.CompletedTask);
            string state = EmbargoTestState.NewState(ps, temp, null);
            AnnouncementTests.Channels(state, slack, discord, AnnouncementTests.Secret(), AnnouncementTests.Secret(), mailingList: false);
            var repo = new StateRepository(state);
            var random = new Random(6);
            var cases = Enumerable.Range(1, 8).Select(n => RandomCase(random, n)).ToList();
            cases.ForEach(c => repo.Write(c.RelativePath, c));
            var publicAt = cases.ToDictionary(c => c.CveId);

            for (int run = 0; run < 16; run++)
            {
                VulnerabilityCase c = cases[random.Next(cases.Count)];
                DateTimeOffset now = RandomNow(random, c);
                int slackBefore = slack.Requests.Count;
                int discordBefore = discord.Requests.Count;
                var result = ps.At(now.ToString("o"), "Send-SecurityAnnouncement -Id $id -Resend -StatePath $state -Confirm:$false",
                    new Dictionary<string, object> { ["id"] = c.Id, ["state"] = state });
                var fresh = slack.Requests.Skip(slackBefore).Concat(discord.Requests.Skip(discordBefore)).ToList();
                if (MayBePublic(c, now))
                {
                    Assert.Empty(result.Errors);
                    Assert.Equal(2, fresh.Count);
                }
                else
                {
                    Assert.Equal(new[] { "EmbargoActive,SecurityOps.Commands.SendSecurityAnnouncementCommand" }, result.ErrorIds);
                    Assert.Empty(fresh);
                }

                foreach (var request in fresh)
                {
                    foreach (Match cve in Regex.Matches(request.Body, @"CVE-2026-\d{5}"))
                    {
                        Assert.True(MayBePublic(publicAt[cve.Value], now), $"{cve.Value} posted at clock {now:o}, public {publicAt[cve.Value].PlannedPublicDate:o}");
                    }
                }
            }

            // Every post on record names only a case whose public date had passed at the clock of the run that posted it.
            foreach (var e in cases.SelectMany(c => EmbargoTestState.Case(state, c.Id).Announcements.Select(a => (c, a))))
            {
                Assert.True(MayBePublic(e.c, e.a.At), $"{e.c.Id} posted at {e.a.At:o}, public {e.c.PlannedPublicDate:o}");
            }
        }
    }

    internal sealed class FixedClock : TimeProvider
    {
        private readonly DateTimeOffset now;

        public FixedClock(DateTimeOffset now) => this.now = now;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
