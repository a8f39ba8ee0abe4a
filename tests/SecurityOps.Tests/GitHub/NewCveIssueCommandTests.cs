using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.GitHub
{
    [Collection(PowerShellCollection.Name)]
    public sealed class NewCveIssueCommandTests
    {
        private const string Setup = @"
$null = Initialize-SecurityState -Path $state
$null = Add-CveRecord -StatePath $state -CveId CVE-2026-1000 -Package app-editors/vim -CvssScore 7.5 -Summary 'Heap overflow.'
$null = Add-CveRecord -StatePath $state -CveId CVE-2026-2000 -Package net-misc/openssh -CvssScore 4.2 -Summary 'Weak check.'
$secure = [Security.SecureString]::new()
$token.ToCharArray() | ForEach-Object { $secure.AppendChar($_) }
";

        private readonly PowerShellFixture ps;

        public NewCveIssueCommandTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void WhatIfShowsTitleAndLabelsAndWritesNothingThenTheRealRunFilesOnce()
        {
            using var folder = new TempFolder();
            using var emulator = new GitHubEmulator();
            emulator.Repo("flatcar/Flatcar");
            var vars = new Dictionary<string, object> { ["state"] = folder.Path, ["url"] = emulator.ApiUrl, ["token"] = emulator.Token };

            var whatIf = ps.Run(Setup + "Get-CveRecord -StatePath $state | New-CveIssue -StatePath $state -Repository flatcar/Flatcar -ApiUrl $url -Token $secure -WhatIf -Verbose", vars).AssertNoErrors();
            Assert.Equal(new[] { CveIssueAction.WouldOpen, CveIssueAction.WouldOpen }, whatIf.Objects<CveIssueResult>().Select(r => r.Action));
            Assert.Equal(new[] { "security", "advisory", "cvss/HIGH" }, whatIf.Objects<CveIssueResult>().First().Labels);
            Assert.Empty(emulator.Writes);
            Assert.Equal(new[] { "GET /repos/flatcar/Flatcar/issues" }, emulator.Calls);
            Assert.Null(new CveDatabase(new StateRepository(folder.Path)).Get("CVE-2026-1000").Issue);

            // A public write asks first at the default $ConfirmPreference (ConfirmImpact High): a host that cannot ask files nothing.
            var unconfirmed = ps.Run("Get-CveRecord -StatePath $state | New-CveIssue -StatePath $state -Repository flatcar/Flatcar -ApiUrl $url -Token $secure", vars);
            Assert.Contains(unconfirmed.Errors, e => e.FullyQualifiedErrorId.StartsWith("HostFunctionNotImplemented", StringComparison.Ordinal));
            Assert.Empty(emulator.Writes);

            var real = ps.Run("Get-CveRecord -StatePath $state | New-CveIssue -StatePath $state -Repository flatcar/Flatcar -ApiUrl $url -Token $secure -Confirm:$false -Verbose", vars).AssertNoErrors();
            var opened = real.Objects<CveIssueResult>().ToList();
            Assert.Equal(new[] { ("CVE-2026-1000", 1, CveIssueAction.Opened), ("CVE-2026-2000", 2, CveIssueAction.Opened) }, opened.Select(r => (r.CveId, r.IssueNumber, r.Action)));
            Assert.Equal("update: app-editors/vim", emulator.Repo("flatcar/Flatcar").Issues[0].Title);
            Assert.Equal(2, emulator.Writes.Count(w => w.Path == "/repos/flatcar/Flatcar/issues"));
            Assert.Contains(real.Verbose, v => v.Contains("GitHub:") && v.Contains("write(s)"));

            var linked = ps.Run("Get-CveRecord -StatePath $state | ForEach-Object IssueNumber", vars).AssertNoErrors();
            Assert.Equal(new object[] { 1, 2 }, linked.Output.Select(o => o.BaseObject));

            int writes = emulator.Writes.Count;
            var rerun = ps.Run("Get-CveRecord -StatePath $state | New-CveIssue -StatePath $state -Repository flatcar/Flatcar -ApiUrl $url -Token $secure -Confirm:$false", vars).AssertNoErrors();
            Assert.All(rerun.Objects<CveIssueResult>(), r => Assert.Equal(CveIssueAction.Unchanged, r.Action));
            Assert.Equal(writes, emulator.Writes.Count);

            foreach (string text in real.Verbose.Concat(whatIf.Verbose).Concat(real.Output.Select(o => o.ToString())))
            {
                Assert.DoesNotContain(emulator.Token, text);
            }
        }

        [Fact]
        public void TokenComesFromTheEnvironmentAndItsAbsenceIsATerminatingError()
        {
            using var folder = new TempFolder();
            using var emulator = new GitHubEmulator();
            emulator.Repo("o/r");
            var vars = new Dictionary<string, object> { ["state"] = folder.Path, ["url"] = emulator.ApiUrl, ["token"] = emulator.Token };

            var missing = ps.Run(Setup + @"
$saved = $env:GITHUB_TOKEN, $env:GH_TOKEN
$env:GITHUB_TOKEN = $null; $env:GH_TOKEN = $null
try { Get-CveRecord -StatePath $state | New-CveIssue -StatePath $state -Repository o/r -ApiUrl $url -Confirm:$false }
finally { $env:GITHUB_TOKEN, $env:GH_TOKEN = $saved }", vars);
            Assert.Contains("GitHubTokenNotFound,SecurityOps.Commands.NewCveIssueCommand", missing.ErrorIds);
            Assert.Empty(emulator.Calls);

            var fromEnv = ps.Run(@"
$saved = $env:GITHUB_TOKEN
$env:GITHUB_TOKEN = $token
try { Get-CveRecord -StatePath $state -Id CVE-2026-1000 | New-CveIssue -StatePath $state -Repository o/r -ApiUrl $url -Verbose -Confirm:$false }
finally { $env:GITHUB_TOKEN = $saved }", vars).AssertNoErrors();
            Assert.Equal(CveIssueAction.Opened, Assert.Single(fromEnv.Objects<CveIssueResult>()).Action);
            Assert.Contains(fromEnv.Verbose, v => v.Contains("GitHub token from GITHUB_TOKEN"));
            Assert.DoesNotContain(fromEnv.Verbose, v => v.Contains(emulator.Token));

            var badToken = ps.Run(@"
$bad = [Security.SecureString]::new(); 'ghp_badTokenValue0123456789abcdefghij'.ToCharArray() | ForEach-Object { $bad.AppendChar($_) }
Get-CveRecord -StatePath $state -Id CVE-2026-2000 | New-CveIssue -StatePath $state -Repository o/r -ApiUrl $url -Token $bad -Confirm:$false", vars);
            Assert.Contains("GitHubUnauthorized,SecurityOps.Commands.NewCveIssueCommand", badToken.ErrorIds);
            Assert.DoesNotContain(badToken.Errors, e => e.ToString().Contains("ghp_bad") || (e.ErrorDetails?.Message ?? string.Empty).Contains("ghp_bad"));
        }

        [Fact]
        public void EmbargoedRecordForAPublicRepositoryIsARefusedActionWithAClearError()
        {
            using var folder = new TempFolder();
            using var emulator = new GitHubEmulator();
            emulator.Repo("flatcar/Flatcar");
            var vars = new Dictionary<string, object> { ["state"] = folder.Path, ["url"] = emulator.ApiUrl, ["token"] = emulator.Token };
            ps.Run(Setup, vars).AssertNoErrors();
            var files = new StateRepository(folder.Path);
            var config = files.Read<SecurityConfig>(StateRepository.ConfigFileName);
            config.GitHub.PublicRepositories.Add("flatcar/Flatcar");
            config.GitHub.IssueRepository = "flatcar/Flatcar";
            files.Write(StateRepository.ConfigFileName, config);
            var db = new CveDatabase(files);
            var record = db.Get("CVE-2026-1000");
            record.EmbargoedUntil = new System.DateTimeOffset(2026, 2, 1, 0, 0, 0, System.TimeSpan.Zero);
            db.Save(record);

            var result = ps.Run(@"
[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-01-05T10:00:00Z')
try { Get-CveRecord -StatePath $state | New-CveIssue -StatePath $state -ApiUrl $url -Token $secure -Confirm:$false }
finally { [SecurityOps.ModuleContext]::UseSystemTime() }", vars);

            var error = Assert.Single(result.Errors);
            Assert.Equal("EmbargoedRecordRefused,SecurityOps.Commands.NewCveIssueCommand", error.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.SecurityError, error.CategoryInfo.Category);
            Assert.Equal("CVE-2026-1000", error.TargetObject);
            var opened = Assert.Single(result.Objects<CveIssueResult>());
            Assert.Equal("CVE-2026-2000", opened.CveId);
            Assert.DoesNotContain(emulator.Repo("flatcar/Flatcar").Issues, i => i.Body.Contains("CVE-2026-1000"));
        }

        [Fact]
        public void BadRepositoryAndUnknownRecordsAreClearErrors()
        {
            using var folder = new TempFolder();
            var vars = new Dictionary<string, object> { ["state"] = folder.Path, ["url"] = "http://127.0.0.1:9/", ["token"] = "x" };
            var bad = ps.Run(Setup + "New-CveIssue -StatePath $state -CveId CVE-2026-1000 -Repository 'not a repo' -Token $secure", vars);
            Assert.Contains("InvalidRepository,SecurityOps.Commands.NewCveIssueCommand", bad.ErrorIds);

            var unset = ps.Run("New-CveIssue -StatePath $state -CveId CVE-2026-1000 -Token $secure", vars);
            Assert.Contains("GitHubRepositoryNotSet,SecurityOps.Commands.NewCveIssueCommand", unset.ErrorIds);

            var unknown = ps.Run("New-CveIssue -StatePath $state -CveId CVE-2026-9999, nonsense -Repository o/r -Token $secure -WhatIf", vars);
            Assert.Contains("CveRecordNotFound,SecurityOps.Commands.NewCveIssueCommand", unknown.ErrorIds);
            Assert.Contains("InvalidCveId,SecurityOps.Commands.NewCveIssueCommand", unknown.ErrorIds);
        }
    }
}
