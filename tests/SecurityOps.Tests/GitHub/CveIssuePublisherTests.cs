using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.GitHub
{
    public sealed class CveIssuePublisherTests
    {
        private const string Issues = "/repos/flatcar/Flatcar/issues";
        private const string Labels = "/repos/flatcar/Flatcar/labels";

        [Fact]
        public async Task ALabelAnotherRunnerJustMadeIsSuccessNotAFailedFiling()
        {
            // Two runners list the labels (none yet), both create "security": GitHub answers the second 422 already_exists.
            using var bed = new GitHubTestBed();
            using var first = bed.Gateway();
            using var second = bed.Gateway();
            await first.CreateLabelAsync(bed.Name, new GitHubLabel("security", "b60205", "Created by SecurityOps"));
            GitHubLabel again = await second.CreateLabelAsync(bed.Name, new GitHubLabel("security", "b60205", "Created by SecurityOps"));

            Assert.Equal("security", again.Name);
            Assert.Equal(new[] { $"POST {Labels}", $"POST {Labels}", $"GET {Labels}/security" }, bed.Emulator.Calls);
            Assert.Single(bed.Repo.Labels, l => l == "security");
            Assert.Contains(bed.Verbose, v => v.Contains("already exists") && v.Contains("another run"));
        }

        [Fact]
        public async Task OpensOneIssuePerPackageInFlatcarFormatAndRecordsTheNumber()
        {
            using var bed = new GitHubTestBed();
            bed.Add("CVE-2026-1001", "app-editors/vim", 7.5, "Heap overflow in vim.", "https://bugs.gentoo.org/900001");
            bed.Add("CVE-2026-1000", "app-editors/vim", 5.0, "Use after free.");
            bed.Add("CVE-2026-2000", "net-misc/openssh", 9.8, "Pre-auth RCE.");

            var (_, results) = await bed.File("CVE-2026-1001", "CVE-2026-1000", "CVE-2026-2000");

            Assert.Equal(new[]
            {
                $"GET {Issues}", $"GET {Labels}",
                $"POST {Labels}", $"POST {Labels}", $"POST {Labels}", $"POST {Issues}",
                $"POST {Labels}", $"POST {Issues}",
            }, bed.Emulator.Calls);
            Assert.Contains("labels=advisory", bed.Emulator.Server.Requests[0].Query);
            Assert.Contains("state=open", bed.Emulator.Server.Requests[0].Query);

            var vim = bed.Repo.Issues[0];
            Assert.Equal("update: app-editors/vim", vim.Title);
            Assert.Equal(new[] { "security", "advisory", "cvss/HIGH" }, vim.Labels);
            Assert.Equal(
                "**Name**: app-editors/vim\n" +
                "**CVEs**: CVE-2026-1000, CVE-2026-1001\n" +
                "**CVSSs**: 5.0 MEDIUM, 7.5 HIGH\n" +
                "**Action Needed**: TBD\n" +
                "**Summary**: \n" +
                "CVE-2026-1000: Use after free.\n" +
                "CVE-2026-1001: Heap overflow in vim.\n" +
                "\n" +
                "**refmap.gentoo**: https://bugs.gentoo.org/900001\n" +
                "\n" +
                "<!-- securityops:package=app-editors%2Fvim opened=CVE-2026-1000,CVE-2026-1001 -->\n",
                vim.Body);
            Assert.Equal(new[] { "security", "advisory", "cvss/CRITICAL" }, bed.Repo.Issues[1].Labels);
            Assert.Contains("**Summary**: Pre-auth RCE.\n", bed.Repo.Issues[1].Body);

            Assert.All(results, r => Assert.Equal(CveIssueAction.Opened, r.Action));
            Assert.Equal(1, bed.Database.Get("CVE-2026-1001").Issue.Number);
            Assert.Equal("flatcar/Flatcar", bed.Database.Get("CVE-2026-1000").Issue.Repository);
            Assert.Equal("tracked", bed.Database.Get("CVE-2026-1000").Status);
            Assert.Equal(2, bed.Database.Get("CVE-2026-2000").Issue.Number);
        }

        [Fact]
        public async Task RerunWritesNothingAndRerunAfterACrashBeforeTheRecordSaveFindsTheIssueByItsMarker()
        {
            using var bed = new GitHubTestBed();
            bed.Add("CVE-2026-1000", "vim", 5.0);
            await bed.File("CVE-2026-1000");
            int before = bed.Emulator.Calls.Count;

            // Linked records: nothing to ask GitHub at all.
            var (_, again) = await bed.File("CVE-2026-1000");
            Assert.Equal(CveIssueAction.Unchanged, Assert.Single(again).Action);
            Assert.Equal(before, bed.Emulator.Calls.Count);

            // A crash between create and record-save: the record has no issue; the listing finds it by its marker.
            var record = bed.Database.Get("CVE-2026-1000");
            record.Issue = null;
            bed.Database.Save(record);
            var (_, recovered) = await bed.File("CVE-2026-1000");
            Assert.Equal(new[] { $"GET {Issues}" }, bed.Emulator.Calls.Skip(before));
            Assert.Equal(CveIssueAction.Unchanged, Assert.Single(recovered).Action);
            Assert.Single(bed.Repo.Issues);
            Assert.Equal(1, bed.Database.Get("CVE-2026-1000").Issue.Number);
        }

        [Fact]
        public async Task AppendsANewCveToAPersonsOpenIssueKeepingEveryLineAndComments()
        {
            using var bed = new GitHubTestBed();
            string human =
                "**Name**: net-misc/openssh\r\n" +
                "**CVEs**: [CVE-2026-35385](https://www.cve.org/CVERecord?id=CVE-2026-35385), CVE-2026-35386\r\n" +
                "**CVSSs**: 7.5, 3.6\r\n" +
                "**Action Needed**: upgrade to >= 10.3_p1 \r\n" +
                "**Summary**: https://bugs.gentoo.org/971889\r\n" +
                "\r\n" +
                "**refmap.gentoo**: https://bugs.gentoo.org/971889\r\n" +
                "\r\n" +
                "Note from a maintainer: only the SDK is affected.";
            bed.Repo.Labels.AddRange(new[] { "security", "advisory", "cvss/HIGH" });
            bed.Repo.Add("update: net-misc/openssh", human, "advisory", "cvss/HIGH", "security");
            bed.Repo.Add("update: unrelated", "**Name**: unrelated", "advisory");
            bed.Add("CVE-2026-35414", "net-misc/openssh", 4.2, null, "https://nvd.nist.gov/vuln/detail/CVE-2026-35414");

            var (_, results) = await bed.File("CVE-2026-35414");

            Assert.Equal(new[] { $"GET {Issues}", $"PATCH {Issues}/1", $"POST {Issues}/1/comments" }, bed.Emulator.Calls);
            string body = bed.Repo.Issues[0].Body;
            foreach (string line in human.Split("\r\n"))
            {
                Assert.Contains(line.TrimEnd(), body);
            }

            Assert.Contains("**CVEs**: [CVE-2026-35385](https://www.cve.org/CVERecord?id=CVE-2026-35385), CVE-2026-35386, CVE-2026-35414\r\n", body);
            Assert.Contains("**CVSSs**: 7.5, 3.6, 4.2 MEDIUM\r\n", body);
            Assert.Contains("**refmap.gentoo**: https://bugs.gentoo.org/971889\r\n**refmap.nvd**: https://nvd.nist.gov/vuln/detail/CVE-2026-35414\r\n", body);
            Assert.Contains("<!-- securityops:package=net-misc%2Fopenssh opened= -->", body);
            Assert.Equal("Added CVE-2026-35414.", Assert.Single(bed.Repo.Issues[0].Comments).Body);
            var result = Assert.Single(results);
            Assert.Equal((CveIssueAction.Updated, 1), (result.Action, result.IssueNumber));
            Assert.Equal(1, bed.Database.Get("CVE-2026-35414").Issue.Number);

            // The PATCH sent the body only (labels untouched: a cvss label is already there).
            Assert.DoesNotContain("\"labels\"", bed.Emulator.Writes[0].Body);

            // Next run: the marker finds it; nothing more is written.
            var record = bed.Database.Get("CVE-2026-35414");
            record.Issue = null;
            bed.Database.Save(record);
            int writes = bed.Emulator.Writes.Count;
            await bed.File("CVE-2026-35414");
            Assert.Equal(writes, bed.Emulator.Writes.Count);
        }

        [Fact]
        public async Task CrashAfterTheBodyEditBeforeTheCommentCommentsOnRerunOnce()
        {
            using var bed = new GitHubTestBed();
            var format = new CveIssueFormat();
            bed.Add("CVE-2026-1000", "vim", 5.0);
            bed.Add("CVE-2026-1001", "vim", 6.0);
            var first = format.Body("vim", new[] { bed.Database.Get("CVE-2026-1000") });
            var (edited, _) = format.Append(first, "vim", new[] { bed.Database.Get("CVE-2026-1001") });
            bed.Repo.Add("update: vim", edited, "security", "advisory");

            await bed.File("CVE-2026-1000", "CVE-2026-1001");
            Assert.Equal(new[] { $"GET {Issues}", $"GET {Issues}/1/comments", $"POST {Issues}/1/comments" }, bed.Emulator.Calls);
            Assert.Equal("Added CVE-2026-1001.", Assert.Single(bed.Repo.Issues[0].Comments).Body);
            Assert.Equal(edited, bed.Repo.Issues[0].Body);
        }

        [Fact]
        public async Task ADroppedConnectionAfterTheCreateIsResolvedByListingNotByResending()
        {
            using var bed = new GitHubTestBed();
            bed.Repo.Labels.AddRange(new[] { "security", "advisory" });
            bed.Add("CVE-2026-1000", "vim");
            bed.Emulator.Inject(GitHubFault.DropAfterApply, GitHubEmulator.On("POST", "/issues"));

            var (_, results) = await bed.File("CVE-2026-1000");

            Assert.Single(bed.Repo.Issues);
            Assert.Equal(new[] { $"GET {Issues}", $"GET {Labels}", $"POST {Issues}", $"GET {Issues}" }, bed.Emulator.Calls);
            Assert.Contains("state=all", bed.Emulator.Server.Requests[3].Query);
            Assert.Equal(1, Assert.Single(results).IssueNumber);
            Assert.Equal(1, bed.Database.Get("CVE-2026-1000").Issue.Number);
        }

        [Fact]
        public async Task ADroppedCommentIsFoundAgainNotDuplicated()
        {
            using var bed = new GitHubTestBed();
            bed.Repo.Add("update: vim", "**Name**: vim\n**CVEs**: CVE-2026-1000\n", "advisory");
            bed.Add("CVE-2026-1001", "vim");
            bed.Emulator.Inject(GitHubFault.DropAfterApply, GitHubEmulator.On("POST", "/comments"));

            await bed.File("CVE-2026-1001");

            Assert.Single(bed.Repo.Issues[0].Comments);
            Assert.Equal(new[] { $"GET {Issues}", $"PATCH {Issues}/1", $"POST {Issues}/1/comments", $"GET {Issues}/1/comments" }, bed.Emulator.Calls);
        }

        [Theory]
        [InlineData(GitHubFault.SecondaryLimit)]
        [InlineData(GitHubFault.TooManyRequests)]
        public async Task SecondaryLimitsWaitForRetryAfterThenSendAgain(GitHubFault fault)
        {
            using var bed = new GitHubTestBed();
            bed.Repo.Labels.AddRange(new[] { "security", "advisory" });
            bed.Add("CVE-2026-1000", "vim");
            bed.Emulator.Inject(fault, GitHubEmulator.On("POST", "/issues"), retryAfterSeconds: 7);

            await bed.File("CVE-2026-1000");

            Assert.Single(bed.Repo.Issues);
            Assert.Equal(new[] { $"GET {Issues}", $"GET {Labels}", $"POST {Issues}", $"POST {Issues}" }, bed.Emulator.Calls);
            Assert.Equal(TimeSpan.FromSeconds(7), TimeSpan.FromTicks(bed.Waits.Sum(w => w.Ticks)));
            Assert.Contains(bed.Progress, p => p.Activity == "Waiting for GitHub" && p.SecondsRemaining == 7);
            Assert.Contains(bed.Verbose, v => v.Contains("Retry-After: 7"));
        }

        [Fact]
        public async Task ServerErrorsOnReadsAreRetriedWithBackoff()
        {
            using var bed = new GitHubTestBed();
            bed.Add("CVE-2026-1000", "vim");
            bed.Repo.Labels.AddRange(new[] { "security", "advisory" });
            bed.Emulator.Inject(GitHubFault.ServerError, GitHubEmulator.On("GET", "/issues"));
            bed.Emulator.Inject(GitHubFault.ServerError, GitHubEmulator.On("GET", "/issues"));

            await bed.File("CVE-2026-1000");

            Assert.Equal(new[] { $"GET {Issues}", $"GET {Issues}", $"GET {Issues}", $"GET {Labels}", $"POST {Issues}" }, bed.Emulator.Calls);
            Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }, bed.Waits);
        }

        [Fact]
        public async Task ASpentPrimaryLimitWaitsUntilTheReset()
        {
            using var bed = new GitHubTestBed();
            bed.Repo.Labels.AddRange(new[] { "security", "advisory" });
            bed.Add("CVE-2026-1000", "vim");
            bed.Emulator.RateRemaining = 1; // the first answer says 0 left
            bed.Emulator.RateReset = GitHubTestBed.T0.AddSeconds(30);

            await bed.File("CVE-2026-1000");

            Assert.Equal(TimeSpan.FromSeconds(31), TimeSpan.FromTicks(bed.Waits.Sum(w => w.Ticks)));
            Assert.Contains(bed.Verbose, v => v.Contains("x-ratelimit-reset"));
            Assert.Single(bed.Repo.Issues);
        }

        [Fact]
        public async Task ForbiddenPrimaryLimitAnswerWaitsAndSendsAgain()
        {
            using var bed = new GitHubTestBed();
            bed.Repo.Labels.AddRange(new[] { "security", "advisory" });
            bed.Add("CVE-2026-1000", "vim");
            bed.Emulator.RateReset = GitHubTestBed.T0.AddSeconds(100);
            bed.Emulator.Inject(GitHubFault.PrimaryLimit, GitHubEmulator.On("GET", "/labels"));

            await bed.File("CVE-2026-1000");

            Assert.Equal(new[] { $"GET {Issues}", $"GET {Labels}", $"GET {Labels}", $"POST {Issues}" }, bed.Emulator.Calls);
            Assert.Equal(TimeSpan.FromSeconds(101), TimeSpan.FromTicks(bed.Waits.Sum(w => w.Ticks)));
        }

        [Fact]
        public async Task WritesArePacedPerMinute()
        {
            using var bed = new GitHubTestBed(pacer: new WritePacer(perMinute: 2, perHour: 500));
            bed.Repo.Labels.AddRange(new[] { "security", "advisory" });
            bed.Add("CVE-2026-1000", "a");
            bed.Add("CVE-2026-1001", "b");
            bed.Add("CVE-2026-1002", "c");

            await bed.File("CVE-2026-1000", "CVE-2026-1001", "CVE-2026-1002");

            Assert.Equal(3, bed.Repo.Issues.Count);
            Assert.Equal(TimeSpan.FromMinutes(1), TimeSpan.FromTicks(bed.Waits.Sum(w => w.Ticks)));
            Assert.Contains(bed.Verbose, v => v.Contains("pacing writes"));
        }

        [Fact]
        public void PacerKeepsEveryMinuteAndHourWithinTheLimits()
        {
            var pacer = new WritePacer(80, 500);
            var t = GitHubTestBed.T0;
            Assert.All(Enumerable.Range(0, 80), _ => Assert.Equal(TimeSpan.Zero, pacer.Reserve(t)));
            Assert.Equal(TimeSpan.FromMinutes(1), pacer.Reserve(t));

            var hourly = new WritePacer(1000, 500);
            var now = t;
            for (int i = 0; i < 500; i++)
            {
                now += hourly.Reserve(now) + TimeSpan.FromSeconds(1);
            }

            // 500 writes in 500 s: the next waits until the first leaves the hour.
            Assert.Equal(t.AddHours(1) - now, hourly.Reserve(now));
        }

        [Fact]
        public async Task EmbargoedRecordsAreRefusedForAPublicRepositoryAndNothingIsWritten()
        {
            ModuleContext.UseFixedTime(GitHubTestBed.T0);
            try
            {
                using var bed = new GitHubTestBed();
                var record = bed.Add("CVE-2026-1000", "vim");
                record.EmbargoedUntil = GitHubTestBed.T0.AddDays(3);
                bed.Database.Save(record);
                bed.Settings.PublicRepositories.Add("flatcar/Flatcar");

                var (plan, results) = await bed.File("CVE-2026-1000");

                var refused = Assert.Single(plan.Refused);
                Assert.Equal("EmbargoedRecordRefused", refused.ErrorId);
                Assert.Equal(FailureKind.SecurityError, refused.Kind);
                Assert.Contains("2026-01-08T10:00:00Z", refused.Message);
                Assert.Empty(results);
                Assert.Empty(bed.Emulator.Calls);
                Assert.Null(bed.Database.Get("CVE-2026-1000").Issue);
            }
            finally
            {
                ModuleContext.UseSystemTime();
            }
        }

        [Fact]
        public async Task EmbargoedRecordsGoToARepositoryGitHubSaysIsPrivate()
        {
            ModuleContext.UseFixedTime(GitHubTestBed.T0);
            try
            {
                using var bed = new GitHubTestBed(privateRepo: true);
                var record = bed.Add("CVE-2026-1000", "vim");
                record.EmbargoedUntil = GitHubTestBed.T0.AddDays(3);
                bed.Database.Save(record);

                var (plan, _) = await bed.File("CVE-2026-1000");

                Assert.Empty(plan.Refused);
                Assert.Equal("GET /repos/flatcar/Flatcar", bed.Emulator.Calls[0]);
                Assert.Single(bed.Repo.Issues);
            }
            finally
            {
                ModuleContext.UseSystemTime();
            }
        }

        [Fact]
        public async Task OpenIssuesAreListedOnceAcrossPages()
        {
            using var bed = new GitHubTestBed();
            for (int i = 0; i < 150; i++)
            {
                bed.Repo.Add($"update: pkg{i}", CveIssueFormat.Marker($"pkg{i}", new[] { $"CVE-2025-{1000 + i}" }), "advisory");
            }

            bed.Add("CVE-2026-5000", "pkg3");
            bed.Add("CVE-2026-5001", "pkg140");
            await bed.File("CVE-2026-5000", "CVE-2026-5001");

            Assert.Equal(2, bed.Emulator.Calls.Count(c => c == $"GET {Issues}"));
            Assert.Equal(150, bed.Repo.Issues.Count);
            Assert.Equal(2, bed.Emulator.Calls.Count(c => c.StartsWith("PATCH")));
        }

        [Fact]
        public void TokenResolutionOrderAndMissingToken()
        {
            var env = new System.Collections.Generic.Dictionary<string, string> { ["GH_TOKEN"] = "gh-value" };
            Assert.Equal("GH_TOKEN", GitHubToken.Resolve(null, n => env.TryGetValue(n, out var v) ? v : null).Source);
            env["GITHUB_TOKEN"] = "github-value";
            Assert.Equal("GITHUB_TOKEN", GitHubToken.Resolve(null, n => env.TryGetValue(n, out var v) ? v : null).Source);
            Assert.Equal("-Token", GitHubToken.Resolve(GitHubToken.FromValue("x", "-Token"), n => env[n]).Source);
            Assert.DoesNotContain("github-value", GitHubToken.Resolve(null, n => env.TryGetValue(n, out var v) ? v : null).ToString());
            var ex = Assert.Throws<SecurityOpsException>(() => GitHubToken.Resolve(null, _ => null));
            Assert.Equal(("GitHubTokenNotFound", FailureKind.AuthenticationError), (ex.ErrorId, ex.Kind));
        }

        [Fact]
        public async Task SendAsyncCallsAnyEndpointThroughTheSameGovernedConnection()
        {
            using var bed = new GitHubTestBed();
            using var gateway = bed.Gateway();
            bed.Emulator.Inject(GitHubFault.SecondaryLimit, GitHubEmulator.On("GET", "/Flatcar"), retryAfterSeconds: 3);

            var repo = await gateway.SendAsync<RepoShape>(HttpMethod.Get, "repos/flatcar/Flatcar");
            Assert.Equal(("flatcar/Flatcar", false), (repo.Body.FullName, repo.Body.Private));
            Assert.Equal(TimeSpan.FromSeconds(3), TimeSpan.FromTicks(bed.Waits.Sum(w => w.Ticks)));

            var created = await gateway.SendAsync<IssueShape>(HttpMethod.Post, "/repos/flatcar/Flatcar/issues", new { Title = "raw", Body = "made via SendAsync" });
            Assert.Equal((201, 1), (created.StatusCode, created.Body.Number));
            Assert.Equal("{\"title\":\"raw\",\"body\":\"made via SendAsync\"}", bed.Emulator.Writes.Single().Body);

            // A lost POST answer: recovered through the caller's lookup, never sent twice.
            bed.Emulator.Inject(GitHubFault.DropAfterApply, GitHubEmulator.On("POST", "/issues"));
            var lost = await gateway.SendAsync<IssueShape>(HttpMethod.Post, "repos/flatcar/Flatcar/issues", new { Title = "second" },
                recoverLostWrite: async () => (await gateway.ListRecentIssuesAsync(bed.Name, null)).Where(i => i.Title == "second").Select(i => new IssueShape { Number = i.Number }).FirstOrDefault());
            Assert.True(lost.Recovered);
            Assert.Equal(2, bed.Repo.Issues.Count);

            // Without a lookup, the unknown outcome is an error, not a second POST.
            bed.Emulator.Inject(GitHubFault.DropAfterApply, GitHubEmulator.On("POST", "/issues"));
            var ex = await Assert.ThrowsAsync<GitHubWriteOutcomeUnknownException>(() => gateway.SendAsync<IssueShape>(HttpMethod.Post, "repos/flatcar/Flatcar/issues", new { Title = "third" }));
            Assert.Equal("GitHubWriteOutcomeUnknown", ex.ErrorId);
            Assert.Equal(3, bed.Repo.Issues.Count);
        }

        [Fact]
        public async Task ErrorsAreMappedAndNeverCarryTheToken()
        {
            using var bed = new GitHubTestBed();
            using var gateway = new GitHubGateway(new GitHubGatewayOptions { ApiUrl = new Uri(bed.Emulator.ApiUrl), Token = GitHubToken.FromValue("ghp_wrongTokenValue0123456789abcdefXYZ", "test") });
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => gateway.ListOpenIssuesAsync(bed.Name, "advisory"));
            Assert.Equal("GitHubUnauthorized", ex.ErrorId);
            Assert.DoesNotContain("ghp_wrong", ex.ToString());

            using var good = bed.Gateway();
            var missing = await Assert.ThrowsAsync<SecurityOpsException>(() => good.GetIssueAsync(bed.Name, 99));
            Assert.Equal(("GitHubNotFound", FailureKind.ObjectNotFound), (missing.ErrorId, missing.Kind));
        }

        public sealed class RepoShape
        {
            public string FullName { get; set; }

            public bool Private { get; set; }
        }

        public sealed class IssueShape
        {
            public int Number { get; set; }

            public string Title { get; set; }
        }
    }
}
