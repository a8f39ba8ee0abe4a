using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation.Runspaces;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Issue 3's figure: a daily Invoke-SecurityRunbook where nothing changed upstream, on a git state of 100,000 CVE
    /// records. Feeds are served on loopback with ETag/304, GitHub by the emulator (token set). Target: under 3 s, zero
    /// GitHub write calls, at most one request per source. Runs through the real engine and the staged module, warm (one
    /// engine) and fresh (a new process per run, as the scheduled job); issue 17: no commit, under 1 s fresh.
    /// </summary>
    internal static class RunbookBenchmark
    {
        public static int Run(string[] args)
        {
            int total = args.Length > 0 ? int.Parse(args[0]) : 100_000;
            int rounds = args.Length > 1 ? int.Parse(args[1]) : 5;
            string root = Path.Combine(Path.GetTempPath(), "secops-bench-runbook");
            string repoRoot = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
            string module = Path.Combine(repoRoot, "out", "SecurityOps", "SecurityOps.psd1");

            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            CveDatabaseBenchmark.Invoke(runspace, $"Import-Module '{module}' -ErrorAction Stop");
            CveDatabaseBenchmark.Prepare(runspace, root, total);
            CommitOnce(root, total);

            // rustsec entries without a CVE are followed to OSV records: both sites answer them (no aliases), as OSV.dev would.
            using var feeds = new LoopbackServer(LoopbackServer.WithOsvRecords(LoopbackServer.StaticFiles(Path.Combine(repoRoot, "examples", "feeds"))));
            using var fixtures = new LoopbackServer(LoopbackServer.WithOsvRecords(LoopbackServer.StaticFiles(Path.Combine(repoRoot, "tests", "SecurityOps.Tests", "Fixtures", "feeds"))));
            using var github = new GitHubEmulator();
            github.Repo("bench/project", isPrivate: true);
            var sources = new[]
            {
                ("gentoo", "gentoo-glsa", feeds.Url("gentoo/feed.rss")),
                ("rustsec", "rustsec", feeds.Url("rustsec/feed.xml")),
                ("rustsec-2023", "rustsec", fixtures.Url("rustsec/feed-2023-06.xml")),
                ("oss-security", "oss-security", fixtures.Url("oss-security/oss-sec.rss")),
            };
            Configure(root, github.ApiUrl, sources.Select(s => (s.Item1, s.Item2, s.Item3.ToString())));
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", github.Token);
            Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", null);

            const string script = "Invoke-SecurityRunbook -StatePath $args[0] -Confirm:$false";
            var warm = Stopwatch.StartNew();
            var first = (SecurityRunbookResult)CveDatabaseBenchmark.Invoke(runspace, script, root).Single().BaseObject;
            warm.Stop();
            Console.WriteLine($"Warm-up run (new loopback ports, so every feed is read again): {warm.ElapsedMilliseconds} ms, {first.NewCves.Count} new CVE(s), {first.IssuesOpened} issue(s) opened, {github.Writes.Count} GitHub write(s), succeeded: {first.Succeeded}");

            var times = new List<long>();
            for (int round = 0; round < rounds; round++)
            {
                int feedBefore = feeds.Requests.Count + fixtures.Requests.Count;
                int githubBefore = github.Server.Requests.Count;
                int writesBefore = github.Writes.Count;
                StateRepository.ResetReadCount();
                var sw = Stopwatch.StartNew();
                var result = (SecurityRunbookResult)CveDatabaseBenchmark.Invoke(runspace, script, root).Single().BaseObject;
                sw.Stop();
                times.Add(sw.ElapsedMilliseconds);
                int feedRequests = feeds.Requests.Count + fixtures.Requests.Count - feedBefore;
                Console.WriteLine($"Warm no-change run {round + 1}: {sw.ElapsedMilliseconds} ms (runbook's own Duration {result.Duration.TotalMilliseconds:0} ms); " +
                    $"feed requests {feedRequests} for {sources.Length} sources ({result.Sources.Count(s => s.NotModified)} answered 304); " +
                    $"GitHub calls {github.Server.Requests.Count - githubBefore}, writes {github.Writes.Count - writesBefore}; " +
                    $"state documents read {StateRepository.ReadCount}; new CVEs {result.NewCves.Count}; pending {result.PendingFiling.Count}; " +
                    $"commit {(result.StateCommit?.CommitId?.Substring(0, 8) ?? "none")}; succeeded {result.Succeeded}");
            }

            times.Sort();
            Console.WriteLine($"Warm: no-change daily run on {total:N0} CVE records: median {times[times.Count / 2]} ms, best {times[0]} ms, worst {times[times.Count - 1]} ms.");

            // Fresh: what the scheduled job runs, a new process each day (engine start, import, the call).
            const string freshScript = "$r = Invoke-SecurityRunbook -StatePath $args[0] -Confirm:$false; " +
                "\"commit $(if ($r.StateCommit) { $r.StateCommit.CommitId.Substring(0, 8) } else { 'none' }); new CVEs $($r.NewCves.Count); 304 $(@($r.Sources | Where-Object NotModified).Count) of $($r.Sources.Count); succeeded $($r.Succeeded)\"";
            int githubBeforeFresh = github.Server.Requests.Count;
            int feedBeforeFresh = feeds.Requests.Count + fixtures.Requests.Count;
            string head = new GitRepository(root).Head();
            FreshTiming fresh = FreshProcess.Best(Math.Max(1, rounds / 2 + 1), "no-change run", null, freshScript, root);
            int freshRuns = Math.Max(1, rounds / 2 + 1);
            Console.WriteLine($"Fresh runs: GitHub calls {github.Server.Requests.Count - githubBeforeFresh}; feed requests {feeds.Requests.Count + fixtures.Requests.Count - feedBeforeFresh} for {freshRuns} x {sources.Length} sources; " +
                $"HEAD {(new GitRepository(root).Head() == head ? "unchanged (no commit)" : "moved")}");

            // The floor of the same run: a bare engine start, and one raw conditional GET per source answering 304.
            double floorGets = RawConditionalGets(sources.Select(s => s.Item3));
            Console.WriteLine($"Floor: bare engine start {fresh.EngineMs:0} ms; {sources.Length} raw conditional GETs (HttpClient, 304) {floorGets:0.0} ms");
            Console.WriteLine($"No-change day on {total:N0} records: fresh {fresh.ImportAndCallMs:0} ms beyond the engine start (import + call; whole process {fresh.WallMs:0} ms) (target < 1000 ms); " +
                $"warm {times[times.Count / 2]} ms; floor {floorGets:0.0} ms of requests + {fresh.EngineMs:0} ms engine start.");
            return 0;
        }

        /// <summary>Each source's validators, then the conditional GET that answers 304: the requests a no-change day cannot avoid.</summary>
        private static double RawConditionalGets(IEnumerable<Uri> urls)
        {
            using var client = new System.Net.Http.HttpClient();
            var validators = urls.Select(u =>
            {
                using var answer = client.GetAsync(u).GetAwaiter().GetResult();
                return (u, answer.Headers.ETag?.Tag, answer.Content.Headers.LastModified);
            }).ToList();
            double best = double.MaxValue;
            for (int round = 0; round < 5; round++)
            {
                var sw = Stopwatch.StartNew();
                foreach (var (u, etag, modified) in validators)
                {
                    using var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, u);
                    if (etag != null)
                    {
                        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                    }

                    if (modified != null)
                    {
                        request.Headers.IfModifiedSince = modified;
                    }

                    using var answer = client.SendAsync(request).GetAwaiter().GetResult();
                    answer.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
                }

                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }

            return best;
        }

        /// <summary>The records are committed once (git add of 100,000 files is setup, not measured).</summary>
        private static void CommitOnce(string root, int total)
        {
            string marker = Path.Combine(root, ".bench-git-" + total);
            if (File.Exists(marker))
            {
                return;
            }

            var sw = Stopwatch.StartNew();
            var git = new GitRepository(root);
            if (!git.IsRepository)
            {
                git.Init();
            }

            git.CommitAll("bench: 100,000 CVE records", "bench", "bench@localhost");
            File.WriteAllText(marker, string.Empty);
            Console.WriteLine($"Committed the records in {sw.Elapsed.TotalSeconds:0.0} s (setup, not measured).");
        }

        private static void Configure(string root, string apiUrl, IEnumerable<(string Name, string Type, string Url)> sources)
        {
            string path = Path.Combine(root, StateRepository.ConfigFileName);
            string text = EmbeddedResources.ReadText("securityops.yaml").Replace("\r", string.Empty)
                .Replace("useDefaults: true", "useDefaults: false")
                .Replace("  issueRepository:\n", "  issueRepository: bench/project\n")
                .Replace("  apiUrl:\n", $"  apiUrl: {apiUrl}\n");
            text = text.Substring(0, text.IndexOf("sources: []", StringComparison.Ordinal)) + "sources:\n" +
                string.Concat(sources.Select(s => $"  - name: {s.Name}\n    type: {s.Type}\n    url: {s.Url}\n" +
                    (s.Type == "rustsec" ? $"    options:\n      osvUrl: {new Uri(new Uri(s.Url), "/osv/{id}.json")}\n" : string.Empty)));
            File.WriteAllText(path, text);
        }
    }
}
