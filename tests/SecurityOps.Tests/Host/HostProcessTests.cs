using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Host
{
    /// <summary>secops-host run as a real process, as the README runs it: stdout, stderr and exit code.</summary>
    public sealed class HostProcessTests
    {
        private static string HostDll
        {
            get
            {
                // tests/SecurityOps.Tests/bin/<Configuration>/net10.0/ -> the host built in the same configuration.
                string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
                string dll = Path.Combine(RepoPaths.Root, "src", "SecurityOps.Host", "bin", configuration, "net10.0", "secops-host.dll");
                Assert.True(File.Exists(dll), dll + " was not built");
                return dll;
            }
        }

        private static async Task<(int Code, string Out, string Err)> RunHost(string workingDirectory, params string[] args)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string d && File.Exists(d) ? d : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory,
            };
            start.ArgumentList.Add(HostDll);
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment.Remove("SECURITYOPS_STATE");
            start.Environment["COLUMNS"] = "200";
            using var process = Process.Start(start)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            bool exited = process.WaitForExit(120_000);
            Assert.True(exited, "secops-host did not finish");
            return (process.ExitCode, await stdout, await stderr);
        }

        [Fact]
        public async Task RunsOrdinaryScriptsWithTheStandardUtilityAndManagementCmdlets()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("ordinary.ps1"), @"
param([string] $Root)
$state = Join-Path $Root 'state'
if (-not (Test-Path $state)) { Initialize-SecurityState -Path $state -NoGit -Confirm:$false | Out-Null }
$weeks = Get-Rotation -StatePath $state -Weeks 4 -WarningAction SilentlyContinue | Sort-Object WeekStart -Descending | Select-Object -First 2 IsoWeek, Primary
$weeks | Format-Table -AutoSize
$weeks | Select-Object -ExpandProperty Primary | Out-File (Join-Path $Root 'primaries.txt')
'exists: ' + (Test-Path (Join-Path $Root 'primaries.txt'))
");
            var (code, stdout, stderr) = await RunHost(folder.Path, folder.Combine("ordinary.ps1"), folder.Path);

            Assert.True(code == 0, stderr);
            Assert.DoesNotContain("CommandNotFound", stderr);
            Assert.Matches(@"IsoWeek\s+Primary", stdout);       // Format-Table's header
            Assert.Contains("exists: True", stdout);
            var primaries = File.ReadAllLines(folder.Combine("primaries.txt"));
            Assert.Equal(2, primaries.Length);                  // Select-Object -First 2 after Sort-Object
        }

        [Fact]
        public async Task RunsAScriptWithNamedAndPositionalArgumentsAndFormatsOutput()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("ok.ps1"), @"
[CmdletBinding()]
param([string] $StatePath, [string] $Package = 'none', [switch] $Shout)
Initialize-SecurityState -Path $StatePath -NoGit -Confirm:$false | Out-Null
Write-Warning 'a warning for stderr'
Write-Progress -Activity 'Recording' -Status 'one CVE' -PercentComplete 50
Write-Verbose 'verbose goes to stderr'
Write-Host ('package ' + $Package + $(if ($Shout) { '!' }))
[pscustomobject]@{ CveId = 'CVE-2026-4242'; Package = $Package; Source = 'test' } | Add-CveRecord -StatePath $StatePath -Confirm:$false
");
            var (code, stdout, stderr) = await RunHost(folder.Path, "ok.ps1", folder.Combine("state"), "-Package", "curl", "-Shout", "-Verbose");

            Assert.True(code == 0, $"exit {code}\n{stderr}");
            Assert.Contains("package curl!", stdout);
            // The module's table view: a header row and the record on one line.
            Assert.Contains(stdout.Split('\n'), l => l.StartsWith("CveId") && l.Contains("Status") && l.Contains("IsNew"));
            Assert.Contains(stdout.Split('\n'), l => l.StartsWith("CVE-2026-4242") && l.Contains("curl") && l.Contains("True"));
            Assert.DoesNotContain("\u001b[", stdout);
            Assert.DoesNotContain("WARNING", stdout);
            Assert.Contains("WARNING: a warning for stderr", stderr);
            Assert.Contains("PROGRESS: Recording: one CVE (50%)", stderr);
            Assert.Contains("VERBOSE: verbose goes to stderr", stderr);
            Assert.True(File.Exists(folder.Combine("state", "cves", "2026", "CVE-2026-4242.yaml")));
        }

        [Fact]
        public async Task FailsWithNonZeroExitOnErrorsThrowsAndPrompts()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("err.ps1"), @"
param([string] $StatePath)
Initialize-SecurityState -Path $StatePath -NoGit -Confirm:$false | Out-Null
'not-a-cve' | ForEach-Object { [pscustomobject]@{ CveId = $_ } } | Add-CveRecord -StatePath $StatePath
'after the error'
");
            File.WriteAllText(folder.Combine("throw.ps1"), "throw 'boom from the script'\n'never'");
            File.WriteAllText(folder.Combine("prompt.ps1"), @"
param([string] $StatePath)
Initialize-SecurityState -Path $StatePath -NoGit -Confirm:$false | Out-Null
Add-CveRecord -StatePath $StatePath -CveId CVE-2026-0001 -Confirm:$false | Out-Null
Remove-CveRecord -StatePath $StatePath -CveId CVE-2026-0001 -Confirm
");

            var error = await RunHost(folder.Path, "err.ps1", "-StatePath", folder.Combine("s1"));
            Assert.Equal(1, error.Code);
            Assert.Contains("after the error", error.Out);
            Assert.Contains("[InvalidCveId,SecurityOps.Commands.AddCveRecordCommand]", error.Err);
            Assert.Contains("not-a-cve", error.Err);

            var thrown = await RunHost(folder.Path, "throw.ps1");
            Assert.Equal(1, thrown.Code);
            Assert.Contains("boom from the script", thrown.Err);
            Assert.DoesNotContain("never", thrown.Out);

            var prompt = await RunHost(folder.Path, "prompt.ps1", "-StatePath", folder.Combine("s2"));
            Assert.Equal(1, prompt.Code);
            Assert.Contains("without interactive input", prompt.Err);
            Assert.True(File.Exists(folder.Combine("s2", "cves", "2026", "CVE-2026-0001.yaml")), "a refused prompt must not delete");

            var usage = await RunHost(folder.Path, "missing.ps1");
            Assert.Equal(2, usage.Code);
            Assert.Contains("does not exist", usage.Err);
        }

        [Fact]
        public async Task DemoRunsTheDailyRunbookOfflineOnTheSampleFeeds()
        {
            using var folder = new TempFolder();
            var (code, stdout, stderr) = await RunHost(RepoPaths.Root, "examples/Demo.ps1", "-StatePath", folder.Combine("state"));
            Assert.True(code == 0, $"exit {code}\n{stderr}\n{stdout}");

            // The first run is the sources' baseline: their back catalogue recorded as seen, nothing filed.
            Assert.Contains("Baseline for: gentoo-glsa, rustsec, go-osv; CVEs recorded as seen: 6; issues planned: 0", stdout);
            Assert.True(File.Exists(folder.Combine("state", "cves", "2020", "CVE-2020-8555.yaml"))); // from the Go OSV sample

            // The next day a new GLSA: -WhatIf first, the plan from the real Gentoo advisory XML, with nothing written.
            Assert.Contains("True (WhatIf)", stdout);
            Assert.Contains(stdout.Split('\n'), l => l.StartsWith("CVE-2025-48734") && l.Contains("WouldOpen") && l.Contains("dev-java/commons-beanutils"));

            // The real run: the new CVE recorded and committed, its issue planned offline (no token) and kept pending.
            Assert.Contains("New CVEs: CVE-2025-48734", stdout);
            Assert.Contains("## Daily security runbook", stdout);
            Assert.Contains("| gentoo-glsa | gentoo-glsa | 1 | CVE-2025-48734 |", stdout);
            Assert.Contains("Pending filing (the next run with a token files them): 1", stdout);
            Assert.Contains("No GitHub token", stderr);
            Assert.Contains("Sources not modified: 2 of 3; new CVEs: 0", stdout);
            Assert.Contains("triaged", stdout);
            Assert.Contains("securityops: add 6 CVE records", stdout);
            Assert.Contains("securityops: add 1 CVE record", stdout);
            Assert.Equal(1, stdout.Split('\n').Count(l => l.StartsWith("New CVEs:"))); // each Write-Host line once
            Assert.True(File.Exists(folder.Combine("state", "cves", "2025", "CVE-2025-48734.yaml")));
            Assert.Contains("CVE-2025-48734", File.ReadAllText(folder.Combine("state", "runbook", "pending-issues.yaml")));
            Assert.True(Directory.Exists(folder.Combine("state", ".git")));
        }
    }
}
