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
    /// GitHub write calls, at most one request per source. Runs through the real engine and the staged module.
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
                Console.WriteLine($"No-change run {round + 1}: {sw.ElapsedMilliseconds} ms (runbook's own Duration {result.Duration.TotalMilliseconds:0} ms); " +
                    $"feed requests {feedRequests} for {sources.Length} sources ({result.Sources.Count(s => s.NotModified)} answered 304); " +
                    $"GitHub calls {github.Server.Requests.Count - githubBefore}, writes {github.Writes.Count - writesBefore}; " +
                    $"state documents read {StateRepository.ReadCount}; new CVEs {result.NewCves.Count}; pending {result.PendingFiling.Count}; " +
                    $"commit {(result.StateCommit?.CommitId?.Substring(0, 8) ?? "none")}; succeeded {result.Succeeded}");
            }

            times.Sort();
            Console.WriteLine($"No-change daily run on {total:N0} CVE records: median {times[times.Count / 2]} ms, best {times[0]} ms, worst {times[times.Count - 1]} ms (target < 3000 ms).");
            return 0;
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
