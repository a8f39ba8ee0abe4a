using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Feeds;
using SecurityOps.Feeds.Readers;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Net;
using SecurityOps.Tests.Feeds;
using SecurityOps.Tests.GitHub;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Net
{
    /// <summary>
    /// One road per kind of traffic (#12): the retries and waits of HTTP and the GitHub gateway run on Net's one
    /// <see cref="RetryLoop"/> and its one injectable delay, and every GitHub token comes from Net's one lookup.
    /// </summary>
    public sealed class OneRoadTests
    {
        private static readonly GitHubRepositoryName Repo = GitHubRepositoryName.Parse("flatcar/Flatcar");

        [Fact]
        public async Task TheLoopBacksOffHonoursAServerWaitUpToItsCapAndLeavesTheLastWordToTheCaller()
        {
            var waits = new List<TimeSpan>();
            var retries = new List<(int Attempt, TimeSpan Wait, string Reason)>();
            var loop = new RetryLoop(4, RetryLoop.ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)))
            {
                MaxServerWait = TimeSpan.FromSeconds(10),
                Delay = (t, c) => { waits.Add(t); return Task.CompletedTask; },
            };

            // Backoff (1 s, 2 s, capped at 3 s), a Retry-After longer than the backoff wins, and the spent loop returns
            // what the caller said it would.
            var steps = new Queue<RetryStep<string>>(new[]
            {
                RetryStep<string>.Backoff("502", () => "spent"),
                RetryStep<string>.Backoff("429", () => "spent", atLeast: TimeSpan.FromSeconds(7)),
                RetryStep<string>.Backoff("503", () => "spent"),
                RetryStep<string>.Backoff("503", () => "spent"),
            });
            string result = await loop.RunAsync(_ => Task.FromResult(steps.Dequeue()), default, (a, w, r) => retries.Add((a, w, r)));
            Assert.Equal("spent", result);
            Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3) }, waits);
            Assert.Equal(new[] { (1, "502"), (2, "429"), (3, "503") }, retries.Select(r => (r.Attempt, r.Reason)));

            // An exact wait is waited exactly; one over the cap ends the loop at once with the caller's WhenTooLong.
            waits.Clear();
            int attempts = 0;
            result = await loop.RunAsync(n => Task.FromResult(++attempts == 1
                ? RetryStep<string>.After(TimeSpan.FromMilliseconds(250), "rate limit", () => "spent")
                : RetryStep<string>.After(TimeSpan.FromSeconds(11), "rate limit", () => "spent", () => "too long")), default);
            Assert.Equal(("too long", 2), (result, attempts));
            Assert.Equal(new[] { TimeSpan.FromMilliseconds(250) }, waits);

            // A long wait is slept in steps, its progress told before each and once at the end.
            var progress = new List<TimeSpan>();
            loop.ProgressStep = TimeSpan.FromSeconds(5);
            loop.WaitProgress = (wait, left, reason) => progress.Add(left);
            waits.Clear();
            await loop.WaitAsync(TimeSpan.FromSeconds(12), "pacing", default);
            Assert.Equal(new[] { 5, 5, 2 }.Select(s => TimeSpan.FromSeconds(s)), waits);
            Assert.Equal(new[] { 12, 7, 2, 0 }.Select(s => TimeSpan.FromSeconds(s)), progress);
        }

        [Fact]
        public async Task ThePipelinesRetryAfterAndBackoffWaitsGoThroughTheLoopsInjectedDelay()
        {
            int calls = 0;
            await using var server = new LoopbackServer((context, request) =>
            {
                switch (Interlocked.Increment(ref calls))
                {
                    case 1:
                        context.Response.StatusCode = 429;
                        context.Response.Headers["Retry-After"] = "30";
                        break;
                    case 2:
                        context.Response.StatusCode = 503;
                        break;
                }

                return Task.CompletedTask;
            });
            var waits = new List<TimeSpan>();
            using var http = new HttpPipeline(new HttpPipelineOptions
            {
                MaxRetries = 3,
                BaseDelay = TimeSpan.FromSeconds(2),
                MaxDelay = TimeSpan.FromSeconds(60),
                Delay = (t, c) => { waits.Add(t); return Task.CompletedTask; },
            });

            HttpFetchResult result = await http.GetAsync(new HttpFetchRequest(server.Url("feed").ToString()), default);

            Assert.Equal((200, 3), (result.StatusCode, result.Attempts));
            Assert.Equal(2, waits.Count); // recorded, not slept: a real wait would have taken 30 s and more
            Assert.Equal(TimeSpan.FromSeconds(30), waits[0]); // Retry-After, longer than the 2-3 s backoff
            Assert.InRange(waits[1], TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)); // second backoff: 4 s plus up to 50% jitter
        }

        [Fact]
        public async Task TheGatewaysRateLimitAndServerErrorWaitsAreTheNetLoopsWaits()
        {
            using var bed = new GitHubTestBed();
            var waits = new List<TimeSpan>();
            // No Delay in the options: the gateway's only way to wait is its Net retry loop, given a recording delay here.
            using var gateway = new GitHubGateway(new GitHubGatewayOptions
            {
                ApiUrl = new Uri(bed.Emulator.ApiUrl),
                Token = GitHubToken.FromValue(bed.Emulator.Token, "test"),
                Clock = bed.Clock,
                Pacer = bed.Pacer,
            });
            gateway.Retry.Delay = (t, c) =>
            {
                lock (waits)
                {
                    waits.Add(t);
                }

                bed.Clock.Advance(t);
                return Task.CompletedTask;
            };

            bed.Emulator.Inject(GitHubFault.TooManyRequests, GitHubEmulator.On("GET", "/Flatcar"), retryAfterSeconds: 7);
            var repo = await gateway.GetRepositoryAsync(Repo);
            Assert.Equal("flatcar/Flatcar", repo.FullName);

            bed.Emulator.Inject(GitHubFault.ServerError, GitHubEmulator.On("GET", "/issues"));
            bed.Emulator.Inject(GitHubFault.ServerError, GitHubEmulator.On("GET", "/issues"));
            await gateway.ListOpenIssuesAsync(Repo, "advisory");

            // 429 Retry-After: 7 (slept in the loop's 5 s progress steps), then the backoff of two 502s: 1 s, 2 s.
            Assert.Equal(new[] { 5, 2, 1, 2 }.Select(s => TimeSpan.FromSeconds(s)), waits);
            Assert.Equal((3, TimeSpan.FromSeconds(10)), (gateway.Statistics.Retries, gateway.Statistics.Waited));
        }

        [Fact]
        public async Task ALostPostThatIsNotFoundIsSentAgainAfterTheLoopsBackoff()
        {
            using var bed = new GitHubTestBed();
            using var gateway = bed.Gateway();
            bed.Emulator.Inject(GitHubFault.ServerError, GitHubEmulator.On("POST", "/issues"));

            var issue = await gateway.CreateIssueAsync(Repo, new GitHubNewIssue { Title = "vim: CVE-2026-1000", Body = "marker-1" }, i => i.Body == "marker-1");

            Assert.Equal(1, issue.Number);
            Assert.Single(bed.Repo.Issues);
            string issues = "/repos/flatcar/Flatcar/issues";
            Assert.Equal(new[] { $"POST {issues}", $"GET {issues}", $"POST {issues}" }, bed.Emulator.Calls);
            Assert.Equal(new[] { TimeSpan.FromSeconds(1) }, bed.Waits);
            Assert.Contains(bed.Verbose, v => v.Contains("not found; sending it again, retry 1 of 4; waiting 1 s"));
        }

        [Fact]
        public void TheTokenLookupTriesTheNamedVariableThenGitHubTokenThenGhToken()
        {
            var env = new Dictionary<string, string>();
            string Read(string name) => env.TryGetValue(name, out string v) ? v : null;

            Assert.Null(GitHubTokenLookup.Find(Read, "SECOPS_FEED_TOKEN"));
            env["GH_TOKEN"] = " gh-value ";
            Assert.Equal(("gh-value", "GH_TOKEN"), GitHubTokenLookup.Find(Read, "SECOPS_FEED_TOKEN"));
            env["GITHUB_TOKEN"] = "github-value";
            Assert.Equal(("github-value", "GITHUB_TOKEN"), GitHubTokenLookup.Find(Read, "SECOPS_FEED_TOKEN"));
            env["SECOPS_FEED_TOKEN"] = "feed-value";
            Assert.Equal(("feed-value", "SECOPS_FEED_TOKEN"), GitHubTokenLookup.Find(Read, "SECOPS_FEED_TOKEN"));
            env["SECOPS_FEED_TOKEN"] = "   "; // blank: skipped
            Assert.Equal(("github-value", "GITHUB_TOKEN"), GitHubTokenLookup.Find(Read, "SECOPS_FEED_TOKEN"));
        }

        [Fact]
        public void TheFeedReaderAndTheGatewayTakeTheSameTokenFromTheSameLookup()
        {
            var environments = new[]
            {
                new Dictionary<string, string>(),
                new Dictionary<string, string> { ["GH_TOKEN"] = "gh-value" },
                new Dictionary<string, string> { ["GH_TOKEN"] = "gh-value", ["GITHUB_TOKEN"] = " github-value\n" },
                new Dictionary<string, string> { ["GH_TOKEN"] = "gh-value", ["GITHUB_TOKEN"] = "" },
            };
            var source = new SecuritySource { Name = "ghsa", Type = "github-advisories" };
            foreach (var env in environments)
            {
                string Read(string name) => env.TryGetValue(name, out string v) ? v : null;
                GitHubToken gateway = GitHubToken.TryResolve(null, Read);
                Assert.Equal(gateway?.Value, GitHubAdvisoryReader.Token(source, Read));
                Assert.Equal(GitHubTokenLookup.Find(Read)?.Variable, gateway?.Source);
            }
        }

        [Fact]
        public async Task TheFeedReaderSendsTheLookedUpTokenAndNoMessageCarriesIt()
        {
            const string feedToken = "ghp_feedTokenValue0123456789abcdefghijKLMN";
            const string ghToken = "ghp_ghTokenValue0123456789abcdefghijklmnOP";
            await using var server = new LoopbackServer(async (context, request) =>
            {
                if (request.Query.Contains("type=refused"))
                {
                    context.Response.StatusCode = 401;
                    return;
                }

                context.Response.ContentType = "application/json";
                await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, "[]");
            });
            var env = new Dictionary<string, string> { ["SECOPS_FEED_TOKEN"] = feedToken, ["GH_TOKEN"] = ghToken };
            string Read(string name) => env.TryGetValue(name, out string v) ? v : null;
            using var http = FeedFixtures.FastPipeline(retries: 0);

            async Task<string> ReadWith(Dictionary<string, string> options)
            {
                var source = new SecuritySource { Name = "ghsa", Type = "github-advisories", Url = server.BaseUri.ToString() };
                foreach (var option in options)
                {
                    source.Options[option.Key] = option.Value;
                }

                await new GitHubAdvisoryReader(Read).ReadAsync(new FeedReadContext(source, http, null, _ => { }));
                return server.Requests.Last().Headers["Authorization"];
            }

            Assert.Equal("Bearer " + feedToken, await ReadWith(new() { ["tokenVariable"] = "SECOPS_FEED_TOKEN" }));
            Assert.Equal("Bearer " + ghToken, await ReadWith(new()));
            env["GITHUB_TOKEN"] = "ghp_githubTokenValue0123456789abcdefghijkLM";
            Assert.Equal("Bearer ghp_githubTokenValue0123456789abcdefghijkLM", await ReadWith(new()));

            var refused = await Assert.ThrowsAsync<SecurityOpsException>(() => ReadWith(new() { ["tokenVariable"] = "SECOPS_FEED_TOKEN", ["type"] = "refused" }));
            Assert.Equal("HttpRequestFailed", refused.ErrorId);
            Assert.Contains("401", refused.Message);
            Assert.DoesNotContain("ghp_", refused.ToString());
        }
    }
}
