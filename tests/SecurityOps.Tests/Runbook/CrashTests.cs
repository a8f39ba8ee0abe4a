using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>
    /// The runbook killed (SIGKILL, as a runner's cancel or a lost machine does) at random points over several days of
    /// a growing feed, then run again: every CVE of every day reaches the pushed remote, linked to its issue, and
    /// GitHub (an emulation that outlives the killed processes) holds exactly one issue per package.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class CrashTests
    {
        private readonly PowerShellFixture ps;

        public CrashTests(PowerShellFixture ps) => this.ps = ps;

        private static HostProcess StartRun(string script, string state, string token, string feed = null)
        {
            var arguments = new List<string> { script, state };
            if (feed != null)
            {
                arguments.Add(feed);
            }

            return HostProcess.Start(arguments, token == null ? null : new Dictionary<string, string> { ["GITHUB_TOKEN"] = token });
        }

        private static void AddDay(string feed, int day)
        {
            for (int n = 1; n <= 3; n++)
            {
                int k = (day * 10) + n;
                File.WriteAllText(Path.Combine(feed, $"GO-2026-{k:0000}.json"),
                    $"{{\"id\":\"GO-2026-{k:0000}\",\"modified\":\"2026-12-0{day}T00:00:00Z\",\"published\":\"2026-12-0{day}T00:00:00Z\",\"aliases\":[\"CVE-2026-{k + 10000}\"]," +
                    $"\"summary\":\"Day {day} issue {n}\",\"affected\":[{{\"package\":{{\"name\":\"example.com/pkg{k}\",\"ecosystem\":\"Go\"}}}}]}}");
            }
        }

        [Fact]
        public void RunsKilledAtRandomPointsLoseNoRecordAndFileNoIssueTwice()
        {
            using var temp = new TempFolder("crash");
            using var github = new GitHubEmulator();
            github.Repo("flatcar/Flatcar", isPrivate: true);
            string state = temp.Combine("state"), remote = temp.Combine("remote.git"), feed = temp.Combine("feed"), script = temp.Combine("run.ps1");
            Directory.CreateDirectory(remote);
            Directory.CreateDirectory(feed);
            Processes.Git(remote, "init --quiet --bare");
            ps.Run($"Initialize-SecurityState -Path '{state}' | Out-Null").AssertNoErrors();
            string config = File.ReadAllText(Path.Combine(state, "securityops.yaml"))
                .Replace("useDefaults: true", "useDefaults: false")
                .Replace("baselineNewSources: true", "baselineNewSources: false") // day 1 is filed too: every day's CVEs must reach GitHub
                .Replace("  retries: 3", "  retries: 0")
                .Replace("  issueRepository:\n", "  issueRepository: flatcar/Flatcar\n")
                .Replace("  apiUrl:\n", $"  apiUrl: {github.ApiUrl}\n")
                .Replace("  maxAttempts: 5", "  maxAttempts: 1")
                .Replace("sources: []", $"sources:\n  - name: go\n    type: osv\n    url: {feed}");
            File.WriteAllText(Path.Combine(state, "securityops.yaml"), config);
            Processes.Git(state, $"remote add origin {remote}");
            ps.Run("Save-SecurityState -StatePath $p -Message 'initial state' -Push -Confirm:$false | Out-Null", new Dictionary<string, object> { ["p"] = state }).AssertNoErrors();
            File.WriteAllText(script, "param($State)\n$r = Invoke-SecurityRunbook -StatePath $State -Push -Confirm:$false -ErrorAction Continue\nif (-not $r.Succeeded) { exit 1 }\n");

            int seed = int.TryParse(Environment.GetEnvironmentVariable("SECOPS_CRASH_SEED"), out int given) ? given : 20261203;
            var random = new Random(seed);
            const int days = 4;
            int killed = 0;
            for (int day = 1; day <= days; day++)
            {
                AddDay(feed, day);
                using (HostProcess doomed = StartRun(script, state, github.Token))
                {
                    // Engine start and import take most of a second: kill anywhere from before the first read to after the push.
                    if (!doomed.WaitForExit(random.Next(400, 4000)))
                    {
                        doomed.Kill();
                        killed++;
                    }
                }

                using HostProcess rerun = StartRun(script, state, github.Token);
                Assert.True(rerun.WaitForExit(120_000) && rerun.ExitCode == 0, "the rerun failed:\n" + rerun.Log);
            }

            // What a new runner sees: a fresh clone of the pushed state.
            string clone = temp.Combine("clone");
            Processes.Git(temp.Path, $"clone --quiet {remote} clone");
            var database = new CveDatabase(new StateRepository(clone));
            var issues = github.Repo("flatcar/Flatcar").Issues;
            for (int day = 1; day <= days; day++)
            {
                for (int n = 1; n <= 3; n++)
                {
                    int k = (day * 10) + n;
                    CveRecord record = database.Get($"CVE-2026-{k + 10000}");
                    Assert.True(record != null, $"CVE-2026-{k + 10000} (day {day}) is missing from the pushed state");
                    Assert.True(record.Issue != null, $"CVE-2026-{k + 10000} is not linked to its issue");
                    Assert.Equal($"update: example.com/pkg{k}", issues.Single(i => i.Number == record.Issue.Number).Title);
                }
            }

            Assert.True(killed > 0, $"seed {seed}: no run was killed, so the test proved nothing");
            Assert.Equal(days * 3, issues.Count);
            Assert.Equal(issues.Count, issues.Select(i => i.Title).Distinct().Count());
        }

        [Fact]
        public void TwoRunbooksStartedAtOnceOnTwoClonesBothSucceedAndTheRemoteHoldsEveryRecord()
        {
            using var temp = new TempFolder("two-clones");
            string remote = temp.Combine("remote.git"), a = temp.Combine("a"), feedA = temp.Combine("feed-a"), feedB = temp.Combine("feed-b"), script = temp.Combine("run.ps1");
            Directory.CreateDirectory(remote);
            Directory.CreateDirectory(feedA);
            Directory.CreateDirectory(feedB);
            Processes.Git(remote, "init --quiet --bare");
            ps.Run($"Initialize-SecurityState -Path '{a}' | Out-Null").AssertNoErrors();
            // Two sources; each machine sees only its own folder's records (the other folder is empty there), as two
            // runners that read at different moments would.
            File.WriteAllText(Path.Combine(a, "securityops.yaml"), File.ReadAllText(Path.Combine(a, "securityops.yaml"))
                .Replace("useDefaults: true", "useDefaults: false")
                .Replace("  issueRepository:\n", "  issueRepository: flatcar/Flatcar\n") // no token: issues are planned and kept pending
                .Replace("sources: []", "sources:\n  - name: go\n    type: osv\n    url: ${SECOPS_FEED}"));
            Processes.Git(a, $"remote add origin {remote}");
            ps.Run("Save-SecurityState -StatePath $p -Message 'initial state' -Push -Confirm:$false | Out-Null", new Dictionary<string, object> { ["p"] = a }).AssertNoErrors();
            Processes.Git(temp.Path, $"clone --quiet {remote} b");
            string b = temp.Combine("b");
            AddDay(feedA, 1);
            AddDay(feedB, 2);
            File.WriteAllText(script, "param($State, $Feed)\n$c = [IO.File]::ReadAllText(\"$State/securityops.yaml\").Replace('${SECOPS_FEED}', $Feed)\n[IO.File]::WriteAllText(\"$State/securityops.yaml\", $c)\n" +
                "$r = Invoke-SecurityRunbook -StatePath $State -Push -Confirm:$false -ErrorAction Continue -WarningAction SilentlyContinue\nif (-not $r.Succeeded) { exit 1 }\n");

            using HostProcess first = StartRun(script, a, null, feedA);
            using HostProcess second = StartRun(script, b, null, feedB);
            bool done = first.WaitForExit(120_000) & second.WaitForExit(120_000);
            Assert.True(done && first.ExitCode == 0 && second.ExitCode == 0, "first:\n" + first.Log + "\nsecond:\n" + second.Log);

            string files = Processes.Git(remote, "ls-tree -r --name-only HEAD");
            foreach (int k in new[] { 11, 12, 13, 21, 22, 23 })
            {
                Assert.Contains($"cves/2026/CVE-2026-{k + 10000}.yaml", files);
            }
        }
    }
}
