using System;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.State
{
    [Collection(PowerShellCollection.Name)]
    public sealed class StateCmdletTests
    {
        private readonly PowerShellFixture ps;

        public StateCmdletTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void InitializeCreatesVersionedFilesFoldersAndGit()
        {
            using var temp = new TempFolder();
            string root = temp.Combine("new-state");
            var result = ps.Run($"Initialize-SecurityState -Path '{root}'").AssertNoErrors();

            var info = Assert.Single(result.Objects<SecurityStateInfo>());
            Assert.Equal(root, info.StatePath);
            Assert.True(info.IsGitRepository);
            Assert.True(Directory.Exists(Path.Combine(root, ".git")));
            foreach (string file in new[] { "securityops.yaml", "roster.yaml" })
            {
                Assert.Contains("schemaVersion: 1", File.ReadAllText(Path.Combine(root, file)));
            }

            foreach (string folder in new[] { "cves", "cases", "templates" })
            {
                Assert.True(Directory.Exists(Path.Combine(root, folder)), folder);
            }

            Assert.Contains(".securityops.lock", File.ReadAllText(Path.Combine(root, ".gitignore")));
        }

        [Fact]
        public void InitializeTwiceKeepsWhatIsThere()
        {
            using var state = new StateScope(ps);
            state.WriteFile("securityops.yaml", "schemaVersion: 1\nproject:\n  name: Flatcar\n");
            state.Run("Initialize-SecurityState -Path $state | Out-Null").AssertNoErrors();
            Assert.Contains("Flatcar", state.ReadFile("securityops.yaml"));
        }

        [Fact]
        public void InitializeWhatIfWritesNothing()
        {
            using var temp = new TempFolder();
            string root = temp.Combine("whatif");
            ps.Run($"Initialize-SecurityState -Path '{root}' -WhatIf").AssertNoErrors();
            Assert.False(Directory.Exists(root));
        }

        [Fact]
        public void StatePathComesFromEnvironmentThenCurrentDirectory()
        {
            using var state = new StateScope(ps);
            var viaEnv = state.Run("$env:SECURITYOPS_STATE = $state; try { Get-SecurityState } finally { $env:SECURITYOPS_STATE = $null }").AssertNoErrors();
            Assert.Equal(state.Path, Assert.Single(viaEnv.Objects<SecurityStateInfo>()).StatePath);

            Directory.CreateDirectory(state.File("cves/2024"));
            var viaCwd = state.Run("$here = $ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath; $ExecutionContext.SessionState.Path.SetLocation([IO.Path]::Combine($state, 'cves', '2024')) | Out-Null; try { Get-SecurityState } finally { $ExecutionContext.SessionState.Path.SetLocation($here) | Out-Null }").AssertNoErrors();
            Assert.Equal(state.Path, Assert.Single(viaCwd.Objects<SecurityStateInfo>()).StatePath);
        }

        [Fact]
        public void MissingStateIsAClearTerminatingError()
        {
            using var temp = new TempFolder();
            var result = ps.Run($"Get-CveRecord -StatePath '{temp.Path}'");
            Assert.Contains("StateNotFound,SecurityOps.Commands.GetCveRecordCommand", result.ErrorIds);
        }

        [Fact]
        public void MalformedConfigNamesFileLineAndColumnAndIsNotOverwritten()
        {
            using var state = new StateScope(ps);
            string broken = "schemaVersion: 1\nproject:\n  name: [unclosed\nstate:\n  lockTimeoutSeconds: 5\n";
            state.WriteFile("securityops.yaml", broken);
            var result = state.Run("Add-CveRecord -StatePath $state -CveId CVE-2024-1234 -Source manual");
            var error = result.Terminating?.ErrorRecord ?? result.Errors.FirstOrDefault();
            Assert.NotNull(error);
            Assert.Equal("StateFileInvalid,SecurityOps.Commands.AddCveRecordCommand", error.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ParserError, error.CategoryInfo.Category);
            Assert.Contains("securityops.yaml:", error.ToString());
            Assert.Matches(@"securityops\.yaml:\d+:\d+", error.ToString());
            Assert.Equal(broken, state.ReadFile("securityops.yaml"));
            Assert.False(File.Exists(state.File(CveRecord.PathFor("CVE-2024-1234"))));
        }

        [Fact]
        public void SchemaFromANewerModuleIsRefused()
        {
            using var state = new StateScope(ps);
            state.WriteFile("cves/2024/CVE-2024-0001.yaml", "schemaVersion: 99\ncveId: CVE-2024-0001\n");
            var result = state.Run("Get-CveRecord -StatePath $state -Id CVE-2024-0001");
            Assert.Contains("StateSchemaTooNew,SecurityOps.Commands.GetCveRecordCommand", result.ErrorIds);
        }

        [Fact]
        public void SaveCommitsWithAMessageThatSaysWhatChanged()
        {
            using var state = new StateScope(ps);
            var first = state.Run("Save-SecurityState -StatePath $state").AssertNoErrors();
            Assert.Single(first.Objects<StateCommit>());

            state.Run("'CVE-2024-1111','CVE-2024-2222' | ForEach-Object { [pscustomobject]@{ CveId = $_; Package = 'openssl'; Source = 'manual' } } | Add-CveRecord -StatePath $state | Out-Null").AssertNoErrors();
            var commit = Assert.Single(state.Run("Save-SecurityState -StatePath $state").AssertNoErrors().Objects<StateCommit>());
            Assert.Equal("securityops: add 2 CVE records", commit.Message);
            Assert.Equal(2, commit.Files.Count);

            string log = Processes.Git(state.Path, "log -1 --format=%B");
            Assert.Contains("Added CVE record: CVE-2024-1111, CVE-2024-2222", log);
            Assert.Equal(string.Empty, Processes.Git(state.Path, "status --porcelain").Trim());

            var nothing = state.Run("Save-SecurityState -StatePath $state -Verbose").AssertNoErrors();
            Assert.Empty(nothing.Output);
            Assert.Contains(nothing.Verbose, v => v.Contains("Nothing to commit"));
        }

        [Fact]
        public void SaveWhatIfCommitsNothing()
        {
            using var state = new StateScope(ps);
            state.Run("Save-SecurityState -StatePath $state | Out-Null").AssertNoErrors();
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2025-0001 -Package curl | Out-Null").AssertNoErrors();
            string head = Processes.Git(state.Path, "rev-parse HEAD");
            state.Run("Save-SecurityState -StatePath $state -WhatIf").AssertNoErrors();
            Assert.Equal(head, Processes.Git(state.Path, "rev-parse HEAD"));
            Assert.Contains("cves/", Processes.Git(state.Path, "status --porcelain --untracked-files=all"));
        }

        [Fact]
        public void SavePushesToTheConfiguredRemote()
        {
            using var state = new StateScope(ps);
            using var remote = new TempFolder("secops-remote");
            Processes.Git(remote.Path, "init --quiet --bare");
            Processes.Git(state.Path, $"remote add origin {remote.Path}");
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2025-0002 -Package curl | Out-Null").AssertNoErrors();
            var commit = Assert.Single(state.Run("Save-SecurityState -StatePath $state -Push").AssertNoErrors().Objects<StateCommit>());
            Assert.True(commit.Pushed);
            string branch = Processes.Git(state.Path, "rev-parse --abbrev-ref HEAD").Trim();
            Assert.Equal(commit.CommitId, Processes.Git(remote.Path, $"rev-parse {branch}").Trim());
        }
    
        [Fact]
        public void PushToAPublicRemoteIsRefusedWhileACaseIsEmbargoed()
        {
            using var state = new StateScope(ps);
            using var remote = new TempFolder("secops-remote");
            Processes.Git(remote.Path, "init --quiet --bare");
            Processes.Git(state.Path, $"remote add origin {remote.Path}");
            state.WriteFile("securityops.yaml", state.ReadFile("securityops.yaml").Replace("  remoteIsPublic:\n", "  remoteIsPublic: true\n"));
            state.Run("New-VulnerabilityReport -StatePath $state -Summary 'Token written to logs' -Component api | Out-Null").AssertNoErrors();
            var result = state.Run("Save-SecurityState -StatePath $state -Push");
            Assert.Contains("EmbargoedStatePushRefused,SecurityOps.Commands.SaveSecurityStateCommand", result.ErrorIds);
            Assert.DoesNotContain("Token written", string.Join("\n", result.ErrorIds) + result.Terminating?.Message);
            Assert.Equal(string.Empty, Processes.Git(remote.Path, "for-each-ref").Trim());
        }
    }
}
