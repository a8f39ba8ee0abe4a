using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SecurityOps.Tests.Feeds;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>
    /// A git state whose sources are the sample feeds (examples/feeds) served over loopback with ETag/304, a GitHub
    /// emulator as the issue repository, and script text that runs Invoke-SecurityRunbook with the emulator's token.
    /// </summary>
    internal sealed class RunbookBed : IDisposable
    {
        public const string Repository = "flatcar/Flatcar";

        private readonly TempFolder folder = new TempFolder("secops-runbook");

        /// <param name="baseline">Keep the default: a source's first read is its baseline (BaselineTests); false files from the first run.</param>
        /// <param name="feedsFolder">The folder served as the feeds (default: examples/feeds).</param>
        /// <param name="fileFeeds">The sources name the feed files by file:// URL (their modification time plays Last-Modified) instead of loopback.</param>
        public RunbookBed(PowerShellFixture ps, bool failingSource = false, bool baseline = false, string feedsFolder = null, bool fileFeeds = false)
        {
            Ps = ps;
            StatePath = folder.Combine("state");
            Feeds = new LoopbackServer(LoopbackServer.WithOsvRecords(LoopbackServer.StaticFiles(feedsFolder ?? Path.Combine(RepoPaths.Root, "examples", "feeds"))));
            Broken = new LoopbackServer((context, request) =>
            {
                context.Response.StatusCode = 502;
                return Task.CompletedTask;
            });
            GitHub = new GitHubEmulator();
            GitHub.Repo(Repository, isPrivate: true);
            ps.Run($"Initialize-SecurityState -Path '{StatePath}' | Out-Null").AssertNoErrors();

            string root = feedsFolder ?? Path.Combine(RepoPaths.Root, "examples", "feeds");
            string FeedUrl(string relative) => fileFeeds ? new Uri(Path.Combine(root, relative)).AbsoluteUri : Feeds.Url(relative).ToString();
            var sources = new List<string>
            {
                $"  - name: gentoo\n    type: gentoo-glsa\n    url: {FeedUrl("gentoo/feed.rss")}",
                $"  - name: rust\n    type: rustsec\n    url: {FeedUrl("rustsec/feed.xml")}" + (fileFeeds ? string.Empty : FeedFixtures.OsvUrlOption(Feeds)),
            };
            if (failingSource)
            {
                sources.Add($"  - name: down\n    type: rss\n    url: {Broken.Url("feed.rss")}");
            }

            string config = System.IO.File.ReadAllText(File("securityops.yaml"))
                .Replace("useDefaults: true", "useDefaults: false")
                .Replace("baselineNewSources: true", baseline ? "baselineNewSources: true" : "baselineNewSources: false")
                .Replace("  retries: 3", "  retries: 0")
                .Replace("  issueRepository:\n", $"  issueRepository: {Repository}\n")
                .Replace("  apiUrl:\n", $"  apiUrl: {GitHub.ApiUrl}\n")
                .Replace("  maxAttempts: 5", "  maxAttempts: 1")
                .Replace("sources: []", "sources:\n" + string.Join("\n", sources));
            System.IO.File.WriteAllText(File("securityops.yaml"), config);
            Git("add", "-A");
            Git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "initial state");
        }

        public PowerShellFixture Ps { get; }

        public string StatePath { get; }

        public LoopbackServer Feeds { get; }

        public LoopbackServer Broken { get; }

        public GitHubEmulator GitHub { get; }

        public int SourceCount => 2;

        public string File(string relative) => Path.Combine(StatePath, relative);

        public string Combine(string name) => folder.Combine(name);

        /// <summary>Runs script text with $state, $token (the emulator's) and $secure (it as a SecureString).</summary>
        public ScriptResult Run(string script) => Ps.Run(
            "$secure = [Net.NetworkCredential]::new('', $token).SecurePassword\n" + script,
            new Dictionary<string, object> { ["state"] = StatePath, ["token"] = GitHub.Token });

        public string Git(params string[] args)
        {
            var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = StatePath, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var process = System.Diagnostics.Process.Start(start);
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }

        public void Dispose()
        {
            GitHub.Dispose();
            Feeds.Dispose();
            Broken.Dispose();
            folder.Dispose();
        }
    }
}
