using System.Collections.Generic;
using System.Linq;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Runbook;
using Xunit;

namespace SecurityOps.Tests.Publishing
{
    /// <summary>Which URLs name a GitHub repository, and the URLs git pushes to (as written and as insteadOf rewrites them).</summary>
    public sealed class GitHubRemoteUrlTests
    {
        [Theory]
        [InlineData("https://github.com/example/state.git", null, "example/state")]
        [InlineData("https://github.com/example/state", null, "example/state")]
        [InlineData("https://github.com/example/state/", null, "example/state")]
        [InlineData("https://x-access-token:ghp_secret@github.com/example/state.git", null, "example/state")]
        [InlineData("git@github.com:example/state.git", null, "example/state")]
        [InlineData("github.com:example/state", null, "example/state")]
        [InlineData("ssh://git@github.com/example/state.git", null, "example/state")]
        [InlineData("ssh://git@GitHub.com:22/example/my.state.git", null, "example/my.state")]
        [InlineData("git://github.com/example/state.git", null, "example/state")]
        [InlineData("https://ghe.example.org/team/state.git", "ghe.example.org", "team/state")]
        [InlineData("git@ghe.example.org:team/state.git", "ghe.example.org", "team/state")]
        [InlineData("https://ghe.example.org/team/state.git", null, null)]
        [InlineData("https://gitlab.com/example/state.git", null, null)]
        [InlineData("https://github.com/example", null, null)]
        [InlineData("https://github.com/example/state/tree/main", null, null)]
        [InlineData("/srv/git/state.git", null, null)]
        [InlineData("file:///srv/git/state.git", null, null)]
        [InlineData("../state.git", null, null)]
        [InlineData("", null, null)]
        public void RecognizesGitHubRemotes(string url, string enterpriseHost, string expected)
        {
            Assert.Equal(expected, GitHubRemoteUrl.TryParse(url, enterpriseHost)?.ToString());
        }

        [Fact]
        public void TheEnterpriseHostIsTheApiUrlsHostExceptForApiGitHubCom()
        {
            Assert.Null(GitHubRemoteUrl.EnterpriseHost(GitHubGatewayOptions.DefaultApiUrl));
            Assert.Equal("ghe.example.org", GitHubRemoteUrl.EnterpriseHost(new System.Uri("https://ghe.example.org/api/v3/")));
        }

        [Fact]
        public void PushUrlsAreTheWrittenUrlAndTheOneInsteadOfMakesOfIt()
        {
            using var temp = new TempFolder("secops-pushurls");
            Processes.Git(temp.Path, "init --quiet");
            Processes.Git(temp.Path, "remote add origin https://github.com/example/state.git");
            var git = new GitRepository(temp.Path);
            Assert.Equal(new[] { "https://github.com/example/state.git" }, git.PushUrls("origin"));

            Processes.Git(temp.Path, "config url./srv/mirror.git.insteadOf https://github.com/example/state.git");
            Assert.Equal(new[] { "https://github.com/example/state.git", "/srv/mirror.git" }, git.PushUrls("origin"));

            // A shorthand that only insteadOf turns into GitHub is seen too; a pushurl wins over the url. (git applies
            // pushInsteadOf to url only, never to an explicit pushurl; insteadOf to both.)
            Processes.Git(temp.Path, "config url.git@github.com:.insteadOf gh:");
            Processes.Git(temp.Path, "config remote.origin.pushurl gh:example/public-mirror");
            Assert.Equal(new[] { "gh:example/public-mirror", "git@github.com:example/public-mirror" }, git.PushUrls("origin"));

            // A remote given as a URL rather than a name.
            Assert.Equal(new[] { "https://github.com/example/state.git", "/srv/mirror.git" }, git.PushUrls("https://github.com/example/state.git"));
        }
    }

    /// <summary>
    /// Save-SecurityState -Push and Invoke-SecurityRunbook -Push against the GitHub emulator and a real bare repository:
    /// the state's remote is https://github.com/example/REPO.git as written, and url.BASE.insteadOf in the state
    /// repository's git config makes git push it to the bare repository in a temp folder.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class StatePushGuardTests
    {
        private const string Secure = "$secure = [Net.NetworkCredential]::new('', $token).SecurePassword\n";
        private const string NoToken = "$saved = $env:GITHUB_TOKEN, $env:GH_TOKEN\n$env:GITHUB_TOKEN = $null; $env:GH_TOKEN = $null\n";
        private const string Restore = "\n$env:GITHUB_TOKEN, $env:GH_TOKEN = $saved";
        private const string Refused = "EmbargoedStatePushRefused,SecurityOps.Commands.SaveSecurityStateCommand";
        private readonly PowerShellFixture ps;

        public StatePushGuardTests(PowerShellFixture ps) => this.ps = ps;

        private sealed class Bed : System.IDisposable
        {
            public Bed(PowerShellFixture ps, string repo, bool? isPrivate, string remoteIsPublic = null)
            {
                GitHub = new GitHubEmulator();
                if (isPrivate != null)
                {
                    GitHub.Repo(repo, isPrivate.Value);
                }

                State = new StateScope(ps);
                Processes.Git(Remote.Path, "init --quiet --bare");
                Url = $"https://github.com/{repo}.git";
                Processes.Git(State.Path, $"remote add origin {Url}");
                Processes.Git(State.Path, $"config url.{Remote.Path}.insteadOf {Url}");
                State.WriteFile("securityops.yaml", State.ReadFile("securityops.yaml")
                    .Replace("  apiUrl:\n", $"  apiUrl: {GitHub.ApiUrl}\n")
                    .Replace("  maxAttempts: 5", "  maxAttempts: 1")
                    .Replace("  remoteIsPublic:\n", remoteIsPublic == null ? "  remoteIsPublic:\n" : $"  remoteIsPublic: {remoteIsPublic}\n"));
            }

            public GitHubEmulator GitHub { get; }

            public StateScope State { get; }

            public TempFolder Remote { get; } = new TempFolder("secops-remote");

            public string Url { get; }

            public string RemoteRefs => Processes.Git(Remote.Path, "for-each-ref").Trim();

            public string Head => Processes.Git(State.Path, "rev-parse HEAD").Trim();

            public ScriptResult Run(string script) =>
                State.Ps.Run(script, new Dictionary<string, object> { ["state"] = State.Path, ["token"] = GitHub.Token });

            public void Embargoed() =>
                Run("New-VulnerabilityReport -StatePath $state -Summary 'Token written to debug logs' -Component api | Out-Null").AssertNoErrors();

            public void Dispose()
            {
                GitHub.Dispose();
                State.Dispose();
                Remote.Dispose();
            }
        }

        [Fact]
        public void APrivateGitHubRemoteIsAskedThenPushed()
        {
            using var bed = new Bed(ps, "example/security-state", isPrivate: true);
            bed.Embargoed();
            var run = bed.Run(Secure + "Save-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false -Verbose").AssertNoErrors();
            StateCommit commit = run.Objects<StateCommit>().Single();
            Assert.True(commit.Pushed);
            string branch = Processes.Git(bed.State.Path, "rev-parse --abbrev-ref HEAD").Trim();
            Assert.Equal(commit.CommitId, Processes.Git(bed.Remote.Path, $"rev-parse {branch}").Trim());
            Assert.Equal(new[] { "GET /repos/example/security-state" }, bed.GitHub.Calls);
            Assert.Contains(run.Verbose, v => v.Contains("example/security-state counts as private: GitHub says it is private"));
            Assert.DoesNotContain(run.Verbose, v => v.Contains(bed.GitHub.Token) || v.Contains(bed.Remote.Path));
        }

        [Fact]
        public void APublicGitHubRemoteIsRefusedAndTheCommitIsKept()
        {
            using var bed = new Bed(ps, "example/security-state", isPrivate: false);
            bed.Embargoed();
            var run = bed.Run(Secure + "Save-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false");
            Assert.Equal(new[] { Refused }, run.ErrorIds);
            string message = run.Errors.Single().ToString();
            Assert.Contains("example/security-state, the remote 'origin', counts as public (GitHub says it is public)", message);
            Assert.Contains("1 embargoed case(s)", message);
            Assert.DoesNotContain("Token written", message);
            Assert.DoesNotContain("SEC-", message);

            StateCommit commit = run.Objects<StateCommit>().Single();
            Assert.False(commit.Pushed);
            Assert.Equal(commit.CommitId, bed.Head);
            Assert.Contains(commit.Files, f => f.StartsWith("cases/SEC-"));
            Assert.Equal(string.Empty, Processes.Git(bed.State.Path, "status --porcelain"));
            Assert.Equal(string.Empty, bed.RemoteRefs);

            // -ErrorAction Stop stops the script at the refusal: the commit is already made.
            var stopped = bed.Run(Secure + "Add-CveRecord -StatePath $state -CveId CVE-2026-0001 -Package curl | Out-Null\nSave-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false -ErrorAction Stop; 'after'");
            Assert.NotNull(stopped.Terminating);
            Assert.DoesNotContain(stopped.Output, o => "after".Equals(o?.BaseObject));
            Assert.Contains("cves/", Processes.Git(bed.State.Path, "show --name-only --format= HEAD"));
            Assert.Equal(string.Empty, bed.RemoteRefs);
        }

        [Fact]
        public void WithoutATokenAnEmbargoedStateIsRefusedWithTheWayForward()
        {
            using var bed = new Bed(ps, "example/security-state", isPrivate: true);
            bed.Embargoed();
            var run = bed.Run(NoToken + "try { Save-SecurityState -StatePath $state -Push -Confirm:$false } finally {" + Restore + " }");
            Assert.Equal(new[] { Refused }, run.ErrorIds);
            string message = run.Errors.Single().ToString();
            Assert.Contains("is not confirmed private (no GitHub token was given to ask GitHub)", message);
            Assert.Contains("$env:GITHUB_TOKEN", message);
            Assert.Contains("remoteIsPublic: false", message);
            Assert.Equal(run.Objects<StateCommit>().Single().CommitId, bed.Head);
            Assert.Empty(bed.GitHub.Calls);
            Assert.Equal(string.Empty, bed.RemoteRefs);
        }

        [Fact]
        public void ARepositoryGitHubDoesNotKnowIsRefusedAsUnconfirmed()
        {
            using var bed = new Bed(ps, "example/gone", isPrivate: null);
            bed.Embargoed();
            var run = bed.Run(Secure + "Save-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false");
            Assert.Equal(new[] { Refused }, run.ErrorIds);
            Assert.Contains("is not confirmed private (GitHub did not say whether it is private (GitHubNotFound))", run.Errors.Single().ToString());
            Assert.Equal(string.Empty, bed.RemoteRefs);
        }

        [Fact]
        public void VouchingWithRemoteIsPublicFalsePushesWithoutAskingGitHub()
        {
            // GitHub would say public: the team's explicit word is what counts, and GitHub is not asked.
            using var bed = new Bed(ps, "example/security-state", isPrivate: false, remoteIsPublic: "false");
            bed.Embargoed();
            var run = bed.Run(Secure + "Save-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false").AssertNoErrors();
            Assert.True(run.Objects<StateCommit>().Single().Pushed);
            Assert.NotEqual(string.Empty, bed.RemoteRefs);
            Assert.Empty(bed.GitHub.Calls);
        }

        [Fact]
        public void MarkedPublicIsRefusedWithoutAskingGitHub()
        {
            using var bed = new Bed(ps, "example/security-state", isPrivate: true, remoteIsPublic: "true");
            bed.Embargoed();
            var run = bed.Run(Secure + "Save-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false");
            Assert.Equal(new[] { Refused }, run.ErrorIds);
            Assert.Contains("marked public (state.remoteIsPublic)", run.Errors.Single().ToString());
            Assert.Empty(bed.GitHub.Calls);
            Assert.Equal(string.Empty, bed.RemoteRefs);
        }

        [Fact]
        public void ACveRecordUnderItsOwnEmbargoKeepsThePushFromAPublicRemoteUntilTheDate()
        {
            using var bed = new Bed(ps, "example/security-state", isPrivate: false);
            bed.Run("Add-CveRecord -StatePath $state -CveId CVE-2026-0003 -Package curl | Out-Null; Add-CveRecord -StatePath $state -CveId CVE-2026-0004 -Package curl | Out-Null").AssertNoErrors();
            bed.Run("Set-CveRecord -StatePath $state -CveId CVE-2026-0003 -EmbargoedUntil '2099-01-01T00:00:00Z' -Confirm:$false").AssertNoErrors();

            var run = bed.Run(Secure + "Save-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false");
            Assert.Equal(new[] { Refused }, run.ErrorIds);
            Assert.Contains("1 embargoed case(s) or CVE record(s)", run.Errors.Single().ToString());
            Assert.DoesNotContain("CVE-2026-0003", run.Errors.Single().ToString());
            Assert.Equal(string.Empty, bed.RemoteRefs);

            Assert.Equal(new[] { "GET /repos/example/security-state" }, bed.GitHub.Calls); // GitHub said public

            bed.Run("Set-CveRecord -StatePath $state -CveId CVE-2026-0003 -LiftEmbargo -Confirm:$false").AssertNoErrors();
            var lifted = bed.Run(Secure + "Save-SecurityState -StatePath $state -Push -Token $secure -Confirm:$false").AssertNoErrors();
            Assert.True(lifted.Objects<StateCommit>().Single().Pushed);
            Assert.Single(bed.GitHub.Calls); // with nothing embargoed, GitHub is not asked again
        }

        [Fact]
        public void WithoutAnEmbargoedCaseNothingIsAskedAndThePushGoes()
        {
            using var bed = new Bed(ps, "example/security-state", isPrivate: false);
            bed.Run("Add-CveRecord -StatePath $state -CveId CVE-2026-0002 -Package curl | Out-Null").AssertNoErrors();
            var run = bed.Run(NoToken + "try { Save-SecurityState -StatePath $state -Push -Confirm:$false } finally {" + Restore + " }").AssertNoErrors();
            Assert.True(run.Objects<StateCommit>().Single().Pushed);
            Assert.NotEqual(string.Empty, bed.RemoteRefs);
            Assert.Empty(bed.GitHub.Calls);
        }

        [Fact]
        public void ANonGitHubRemoteIsDecidedByTheConfigAlone()
        {
            using var state = new StateScope(ps);
            using var remote = new TempFolder("secops-remote");
            Processes.Git(remote.Path, "init --quiet --bare");
            Processes.Git(state.Path, $"remote add origin {remote.Path}");
            state.Run("New-VulnerabilityReport -StatePath $state -Summary 'Embargoed' -Component api | Out-Null").AssertNoErrors();
            var run = state.Run(NoToken + "try { Save-SecurityState -StatePath $state -Push -Confirm:$false -Verbose } finally {" + Restore + " }").AssertNoErrors();
            Assert.True(run.Objects<StateCommit>().Single().Pushed);
            Assert.Contains(run.Verbose, v => v.Contains("is not a GitHub repository: only state.remoteIsPublic decides"));
        }

        [Fact]
        public void TheRunbookCommitsThenRecordsARefusedPushAsAProblem()
        {
            using var bed = new RunbookBed(ps);
            using var remote = new TempFolder("secops-remote");
            bed.GitHub.Repo("example/runbook-state", isPrivate: false);
            Processes.Git(remote.Path, "init --quiet --bare");
            Processes.Git(bed.StatePath, "remote add origin https://github.com/example/runbook-state.git");
            Processes.Git(bed.StatePath, $"config url.{remote.Path}.insteadOf https://github.com/example/runbook-state.git");
            const string invoke = "Invoke-SecurityRunbook -StatePath $state -Token $secure -Push -Confirm:$false";

            // No embargoed case: pushed, and the state's repository is not looked up on GitHub.
            var first = bed.Run(invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.True(first.Succeeded, first.ToString());
            Assert.True(first.StateCommit.Pushed);
            Assert.DoesNotContain(bed.GitHub.Calls, c => c.Contains("runbook-state"));
            string pushed = Processes.Git(remote.Path, "for-each-ref --format=%(objectname)").Trim();
            Assert.Equal(first.StateCommit.CommitId, pushed);

            // An embargoed case: the day's commit is made, the push to the public remote is refused and recorded. (The
            // Gentoo feed state is removed and that committed, so the run reads the feed again and has a file to commit.)
            System.IO.File.Delete(bed.File(System.IO.Path.Combine("feeds", "gentoo.yaml")));
            bed.Run("New-VulnerabilityReport -StatePath $state -Summary 'Token written to debug logs' -Component api | Out-Null\nSave-SecurityState -StatePath $state -Confirm:$false | Out-Null").AssertNoErrors();
            var run = bed.Run(invoke);
            Assert.Equal(new[] { "EmbargoedStatePushRefused,SecurityOps.Commands.InvokeSecurityRunbookCommand" }, run.ErrorIds);
            var second = run.Objects<SecurityRunbookResult>().Single();
            Assert.False(second.Succeeded);
            RunbookProblem problem = second.Problems.Single();
            Assert.Equal("state", problem.Step);
            Assert.Equal("EmbargoedStatePushRefused", problem.ErrorId);
            Assert.Contains("example/runbook-state, the remote 'origin', counts as public (GitHub says it is public)", problem.Message);
            Assert.NotNull(second.StateCommit);
            Assert.Contains("feeds/gentoo.yaml", second.StateCommit.Files);
            Assert.False(second.StateCommit.Pushed);
            Assert.Equal(second.StateCommit.CommitId, bed.Git("rev-parse", "HEAD").Trim());
            Assert.Equal(pushed, Processes.Git(remote.Path, "for-each-ref --format=%(objectname)").Trim());
            Assert.Contains(bed.GitHub.Calls, c => c == "GET /repos/example/runbook-state");
        }
    }
}
