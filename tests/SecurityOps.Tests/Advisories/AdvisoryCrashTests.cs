using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SecurityOps.Disclosure;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Advisories
{
    /// <summary>
    /// New-SecurityAdvisory in a real process whose create reached GitHub but whose answer never came, killed (as a
    /// runner's cancel does), then run again in a second process: GitHub (an emulation that outlives both processes)
    /// holds one advisory, and the case is linked to it.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class AdvisoryCrashTests
    {
        private const string Repo = "StacklokLabs/fetch";

        private readonly PowerShellFixture ps;

        public AdvisoryCrashTests(PowerShellFixture ps) => this.ps = ps;

        private static HostProcess Start(string script, string state, string token) =>
            HostProcess.Start(new[] { script, state }, new Dictionary<string, string> { ["GITHUB_TOKEN"] = token });

        [Fact]
        public void ACreateWhoseAnswerIsLostInAKilledProcessIsFoundByTheNextRunNotMadeTwice()
        {
            using var temp = new TempFolder("advisory-crash");
            using var github = new GitHubEmulator();
            github.Repo(Repo);
            string state = temp.Combine("state"), script = temp.Combine("draft.ps1");
            ps.Run("$null = Initialize-SecurityState -Path $state -NoGit -Confirm:$false", new Dictionary<string, object> { ["state"] = state }).AssertNoErrors();
            File.WriteAllText(Path.Combine(state, "securityops.yaml"), File.ReadAllText(Path.Combine(state, "securityops.yaml"))
                .Replace("  apiUrl:\n", $"  apiUrl: {github.ApiUrl}\n"));
            var created = ps.Run("New-VulnerabilityReport -StatePath $state -Summary 'Path traversal in fetch' -Component github.com/StacklokLabs/fetch -Channel email -Reporter finder@example.org -AffectedVersion '< 1.4.2' -Severity HIGH -Confirm:$false",
                new Dictionary<string, object> { ["state"] = state }).AssertNoErrors();
            string caseId = ((SecurityOps.Model.VulnerabilityCase)created.Output.Single().BaseObject).Id;
            File.WriteAllText(script, $"param($State)\nGet-VulnerabilityReport -StatePath $State -Id {caseId} | New-SecurityAdvisory -StatePath $State -Repository {Repo} -Confirm:$false -ErrorAction Stop | Out-Null\n");

            // The first run's POST is applied on GitHub, and its answer never comes: the process is killed waiting.
            github.Inject(GitHubFault.HangAfterApply, GitHubEmulator.On("POST", "/security-advisories"));
            using (HostProcess first = Start(script, state, github.Token))
            {
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (github.Advisories(Repo).Count == 0 && !first.Process.HasExited && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(50);
                }

                Assert.True(github.Advisories(Repo).Count == 1, "the first run never created the advisory:\n" + first.Log);
                Assert.False(first.Process.HasExited, "the first run ended by itself:\n" + first.Log);
                first.Kill();
            }

            var cases = new CaseStore(new StateRepository(state));
            Assert.Null(cases.GetRequired(caseId).Advisory?.GhsaId);

            using (HostProcess second = Start(script, state, github.Token))
            {
                Assert.True(second.WaitForExit(120_000) && second.ExitCode == 0, "the rerun failed:\n" + second.Log);
            }

            var only = Assert.Single(github.Advisories(Repo));
            Assert.Single(github.Writes, w => w.Method == "POST");
            var c = cases.GetRequired(caseId);
            Assert.Equal((string)only["ghsa_id"], c.Advisory.GhsaId);
            Assert.Contains("<!-- securityops-case: " + caseId + " -->", (string)only["description"]);
            Assert.Contains(c.Timeline, e => e.What != null && e.What.Contains("earlier run whose answer was lost"));
            var journal = new SecurityOps.Advisories.AdvisoryJournal(new StateRepository(state)).Get(caseId, SecurityOps.Advisories.AdvisoryJournal.Create);
            Assert.Equal(("adopted", c.Advisory.GhsaId, Repo), (journal.Outcome, journal.GhsaId, journal.Repository));
        }

        [Fact]
        public void ACveRequestAndAForkWhoseProcessesAreKilledAreNotSentAgainByTheNextRun()
        {
            using var temp = new TempFolder("advisory-crash-cve");
            using var github = new GitHubEmulator();
            github.Repo(Repo);
            string state = temp.Combine("state");
            string caseId = NewCase(state, github);
            string draft = Script(temp, "draft.ps1", $"Get-VulnerabilityReport -StatePath $State -Id {caseId} | New-SecurityAdvisory -StatePath $State -Repository {Repo} -Confirm:$false -ErrorAction Stop | Out-Null");
            string cve = Script(temp, "cve.ps1", $"Request-AdvisoryCve -StatePath $State -Id {caseId} -Confirm:$false -ErrorAction Stop | Out-Null");
            string fork = Script(temp, "fork.ps1", $"New-AdvisoryFork -StatePath $State -Id {caseId} -NoWait -Confirm:$false -ErrorAction Stop | Out-Null");
            using (HostProcess run = Start(draft, state, github.Token))
            {
                Assert.True(run.WaitForExit(120_000) && run.ExitCode == 0, "the draft failed:\n" + run.Log);
            }

            var cases = new CaseStore(new StateRepository(state));
            string ghsa = cases.GetRequired(caseId).Advisory.GhsaId;

            // The CVE request reaches GitHub, its answer never comes, the process is killed: GitHub's API shows no trace
            // of a pending request, so only the local journal knows.
            github.Inject(GitHubFault.HangAfterApply, GitHubEmulator.On("POST", "/cve"));
            KillWhen(cve, state, github, () => github.CveRequests.Count == 1, "the CVE request");
            Assert.Null(cases.GetRequired(caseId).Advisory.CveRequestState);
            RunToEnd(cve, state, github);
            Assert.Equal(new[] { ghsa }, github.CveRequests);
            var pending = cases.GetRequired(caseId);
            Assert.Equal("pending", pending.Advisory.CveRequestState);
            Assert.Contains(pending.Timeline, e => e.What != null && e.What.Contains("requested by an earlier run"));

            // The fork: GitHub shows it on the advisory, and the rerun adopts it.
            github.Inject(GitHubFault.HangAfterApply, GitHubEmulator.On("POST", "/forks"));
            KillWhen(fork, state, github, () => github.Advisory(Repo, ghsa)["private_fork"] != null, "the fork");
            Assert.Null(cases.GetRequired(caseId).Advisory.PrivateFork);
            RunToEnd(fork, state, github);
            Assert.Single(github.Writes, w => w.Method == "POST" && w.Path.EndsWith("/forks", StringComparison.Ordinal));
            Assert.Equal($"{Repo}-{ghsa.ToLowerInvariant()}", cases.GetRequired(caseId).Advisory.PrivateFork);
            Assert.Single(github.Advisories(Repo));
        }

        private string NewCase(string state, GitHubEmulator github)
        {
            ps.Run("$null = Initialize-SecurityState -Path $state -NoGit -Confirm:$false", new Dictionary<string, object> { ["state"] = state }).AssertNoErrors();
            File.WriteAllText(Path.Combine(state, "securityops.yaml"), File.ReadAllText(Path.Combine(state, "securityops.yaml"))
                .Replace("  apiUrl:\n", $"  apiUrl: {github.ApiUrl}\n"));
            var created = ps.Run("New-VulnerabilityReport -StatePath $state -Summary 'Path traversal in fetch' -Component github.com/StacklokLabs/fetch -Channel email -Reporter finder@example.org -AffectedVersion '< 1.4.2' -Severity HIGH -Confirm:$false",
                new Dictionary<string, object> { ["state"] = state }).AssertNoErrors();
            return ((SecurityOps.Model.VulnerabilityCase)created.Output.Single().BaseObject).Id;
        }

        private static string Script(TempFolder temp, string name, string line)
        {
            string path = temp.Combine(name);
            File.WriteAllText(path, "param($State)\n" + line + "\n");
            return path;
        }

        private static void KillWhen(string script, string state, GitHubEmulator github, Func<bool> applied, string what)
        {
            using HostProcess run = Start(script, state, github.Token);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!applied() && !run.Process.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }

            Assert.True(applied(), $"the first run never sent {what}:\n" + run.Log);
            Assert.False(run.Process.HasExited, "the first run ended by itself:\n" + run.Log);
            run.Kill();
        }

        private static void RunToEnd(string script, string state, GitHubEmulator github)
        {
            using HostProcess run = Start(script, state, github.Token);
            Assert.True(run.WaitForExit(120_000) && run.ExitCode == 0, "the rerun failed:\n" + run.Log);
        }
    }
}
