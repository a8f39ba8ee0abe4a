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
        }
    }
}
