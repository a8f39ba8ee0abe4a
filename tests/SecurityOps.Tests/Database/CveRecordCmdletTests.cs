using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Database
{
    [Collection(PowerShellCollection.Name)]
    public sealed class CveRecordCmdletTests
    {
        private readonly PowerShellFixture ps;

        public CveRecordCmdletTests(PowerShellFixture ps) => this.ps = ps;

        private const string FeedLikeItems = @"
$items = @(
  [pscustomobject]@{ Source = 'gentoo-glsa'; Id = 'GLSA 202601-01'; Title = 'OpenSSL: Multiple Vulnerabilities'; Link = 'https://security.gentoo.org/glsa/202601-01'; CveIds = @('CVE-2025-1111', 'CVE-2025-2222'); Packages = @([pscustomobject]@{ Name = 'dev-libs/openssl'; Ecosystem = 'Gentoo' }); Summary = 'Several flaws.' }
  [pscustomobject]@{ Source = 'rustsec'; Id = 'RUSTSEC-2025-0001'; Title = 'openssl crate'; Link = 'https://rustsec.org/advisories/RUSTSEC-2025-0001'; CveIds = @('CVE-2025-1111'); Packages = @('openssl@crates.io') }
)";

        [Fact]
        public void FeedItemsBecomeRecordsFlaggedNewThenMerged()
        {
            using var state = new StateScope(ps);
            var result = state.Run(FeedLikeItems + "\n$items | Add-CveRecord -StatePath $state").AssertNoErrors();
            var records = result.Objects<CveRecord>().ToList();
            Assert.Equal(new[] { "CVE-2025-1111", "CVE-2025-2222", "CVE-2025-1111" }, records.Select(r => r.CveId));
            Assert.Equal(new[] { true, true, false }, records.Select(r => r.IsNew));

            var merged = state.Run("Get-CveRecord -StatePath $state -Id CVE-2025-1111").AssertNoErrors().Objects<CveRecord>().Single();
            Assert.Equal(new[] { "gentoo-glsa", "rustsec" }, merged.SourceNames);
            Assert.Contains(merged.Packages, p => p.Name == "dev-libs/openssl" && p.Ecosystem == "Gentoo");
            Assert.Contains(merged.Packages, p => p.Name == "openssl" && p.Ecosystem == "crates.io");
            Assert.Equal("GLSA 202601-01", merged.Sources[0].AdvisoryId);
            Assert.Equal("OpenSSL: Multiple Vulnerabilities", merged.Title);
            Assert.True(File.Exists(state.File("cves/2025/CVE-2025-1111.yaml")));

            // The same feed again adds nothing: no record is new, and no file changes.
            string before = state.ReadFile("cves/2025/CVE-2025-1111.yaml");
            var again = state.Run(FeedLikeItems + "\n$items | Add-CveRecord -StatePath $state | Where-Object IsNew").AssertNoErrors();
            Assert.Empty(again.Output);
            Assert.Equal(before, state.ReadFile("cves/2025/CVE-2025-1111.yaml"));
        }

        [Fact]
        public void AFeedOfHundredsIsRecordedInOrderWithEveryRepeatMergedAndEachItemsOwnSourceNamed()
        {
            // 600 items (the cmdlet reads ahead in runs of 256): 300 CVEs reported by one source, then again by another in
            // reverse order, so a repeat falls in the same run as the first report (items 300 and 301) or in another
            // (items 1 and 600); 40 of the records are known beforehand.
            using var state = new StateScope(ps, git: false);
            state.Run("1..40 | ForEach-Object { [pscustomobject]@{ CveId = ('CVE-2026-{0}' -f (10000 + $_)); Packages = 'known'; Source = 'earlier' } } | Add-CveRecord -StatePath $state | Out-Null").AssertNoErrors();
            var result = state.Run(@"
$items = foreach ($i in 1..600) {
  $n = if ($i -le 300) { $i } else { 601 - $i }
  [pscustomobject]@{ CveId = ('CVE-2026-{0}' -f (10000 + $n)); Packages = ""pkg-$n""; Source = $(if ($i -le 300) { 'first' } else { 'second' }) }
}
$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();

            var records = result.Objects<CveRecord>().ToList();
            Assert.Equal(600, records.Count);
            Assert.Equal(Enumerable.Range(1, 600).Select(i => $"CVE-2026-{10000 + (i <= 300 ? i : 601 - i)}"), records.Select(r => r.CveId));
            Assert.Equal(260, records.Count(r => r.IsNew));
            Assert.All(records.Skip(300), r => Assert.False(r.IsNew));

            var all = state.Run("Get-CveRecord -StatePath $state").AssertNoErrors().Objects<CveRecord>().ToList();
            Assert.Equal(300, all.Count);
            Assert.All(all, r => Assert.Contains("first", r.SourceNames));
            Assert.All(all, r => Assert.Contains("second", r.SourceNames));
            Assert.All(all.Where(r => int.Parse(r.CveId.Substring(9)) <= 10040), r => Assert.Contains("earlier", r.SourceNames));

            // Verbose names the source of the item it speaks of, not of whichever item the pipeline bound last.
            Assert.Contains("CVE-2026-10257: new record (pkg-257) from first.", result.Verbose);
            Assert.Contains("CVE-2026-10041: merged what second adds.", result.Verbose);
        }

        [Fact]
        public void VerboseSaysWhetherEachRecordIsCreatedOrMerged()
        {
            using var state = new StateScope(ps, git: false);
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2025-1111 -Package curl -Source feed -Confirm:$false | Out-Null").AssertNoErrors();
            const string Items = "'CVE-2025-1111', 'CVE-2025-9999' | ForEach-Object { [pscustomobject]@{ CveId = $_; Packages = 'curl'; Source = 'feed' } }";

            // The words ShouldProcess shows name what happens to each file.
            var result = state.Run(Items + " | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();
            Assert.Contains(result.Verbose, v => v.Contains("\"Merge into the CVE record\"") && v.Contains("CVE-2025-1111"));
            Assert.Contains(result.Verbose, v => v.Contains("\"Create the CVE record\"") && v.Contains("CVE-2025-9999"));
        }

        [Fact]
        public void TextTheYamlLibraryCannotWriteFailsThatRecordAloneAndTheRunGoesOn()
        {
            // YamlDotNet writes a text that starts with a tab and a bracket as a plain scalar it cannot read back.
            using var state = new StateScope(ps, git: false);
            var result = state.Run("'CVE-2026-1000', 'CVE-2026-2000', 'CVE-2026-3000' | ForEach-Object { [pscustomobject]@{ CveId = $_; Packages = 'curl'; Source = 'feed'; References = $(if ($_ -eq 'CVE-2026-2000') { @(\"`t[87\") } else { @() }) } } | Add-CveRecord -StatePath $state -ErrorAction Continue");

            Assert.Null(result.Terminating);
            Assert.Equal(new[] { "CVE-2026-1000", "CVE-2026-3000" }, result.Objects<CveRecord>().Select(r => r.CveId));
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("StateWriteFailed,", error.FullyQualifiedErrorId);
            Assert.EndsWith("CVE-2026-2000.yaml", (string)error.TargetObject);
            Assert.False(File.Exists(state.File("cves/2026/CVE-2026-2000.yaml")));
            Assert.True(File.Exists(state.File("cves/2026/CVE-2026-3000.yaml")));
        }

        [Fact]
        public void ARecordThatCannotBeWrittenIsAnErrorNamingItsFileAndIsNotOutputWhileTheOthersAreWritten()
        {
            using var state = new StateScope(ps, git: false);
            // A folder where CVE-2026-2000's file belongs: nothing can be written there.
            Directory.CreateDirectory(state.File("cves/2026/CVE-2026-2000.yaml"));
            var result = state.Run("'CVE-2026-1000', 'CVE-2026-2000', 'CVE-2026-3000' | ForEach-Object { [pscustomobject]@{ CveId = $_; Packages = 'curl'; Source = 'feed' } } | Add-CveRecord -StatePath $state -ErrorAction Continue");

            Assert.Equal(new[] { "CVE-2026-1000", "CVE-2026-3000" }, result.Objects<CveRecord>().Select(r => r.CveId));
            var error = Assert.Single(result.Errors);
            Assert.StartsWith("StateWriteFailed,", error.FullyQualifiedErrorId);
            Assert.EndsWith("CVE-2026-2000.yaml", (string)error.TargetObject);
            Assert.True(File.Exists(state.File("cves/2026/CVE-2026-1000.yaml")));
            Assert.True(File.Exists(state.File("cves/2026/CVE-2026-3000.yaml")));
            Assert.Empty(Directory.GetFiles(state.File("cves/2026"), ".*.tmp-*"));
        }

        [Fact]
        public void ARecordEmbargoedByHandStaysOutOfPublicIssuesAndOsvUntilItIsLifted()
        {
            using var state = new StateScope(ps);
            TestConfig.SetSection(state.File("securityops.yaml"), "osv", "  idPrefix: GHSA\n");
            File.WriteAllText(state.File("securityops.yaml"), File.ReadAllText(state.File("securityops.yaml")).Replace("publicRepositories: []", "publicRepositories: [flatcar/Flatcar]"));
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2026-4242 -Package app-misc/thing | Out-Null").AssertNoErrors();
            string clock = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-11-20T10:00:00Z')\ntry {{\n{0}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}";

            var set = state.Run(string.Format(clock, "Set-CveRecord -StatePath $state -CveId CVE-2026-4242 -Status fixed -EmbargoedUntil '2026-12-01T14:00:00Z' -PassThru")).AssertNoErrors();
            Assert.Equal(System.DateTimeOffset.Parse("2026-12-01T14:00:00Z"), set.Objects<CveRecord>().Single().EmbargoedUntil);

            string offline = "$env:GITHUB_TOKEN = $null; $env:GH_TOKEN = $null\n";
            var issue = state.Run(string.Format(clock, offline + "New-CveIssue -StatePath $state -CveId CVE-2026-4242 -Repository flatcar/Flatcar -WhatIf -WarningAction SilentlyContinue"));
            Assert.Equal("EmbargoedRecordRefused,SecurityOps.Commands.NewCveIssueCommand", Assert.Single(issue.ErrorIds));
            var osv = state.Run(string.Format(clock, "Export-OsvAdvisory -StatePath $state -CveId CVE-2026-4242 -Path ([IO.Path]::Combine($state, 'out'))"));
            Assert.Equal("EmbargoActive,SecurityOps.Commands.ExportOsvAdvisoryCommand", Assert.Single(osv.ErrorIds));
            Assert.Contains("until 2026-12-01T14:00:00Z", osv.Errors[0].ToString());

            var both = state.Run("Set-CveRecord -StatePath $state -CveId CVE-2026-4242 -EmbargoedUntil '2026-12-01T14:00:00Z' -LiftEmbargo");
            Assert.Equal("ConflictingEmbargo,SecurityOps.Commands.SetCveRecordCommand", Assert.Single(both.ErrorIds));
            state.Run("Set-CveRecord -StatePath $state -CveId CVE-2026-4242 -LiftEmbargo").AssertNoErrors();
            var planned = state.Run(string.Format(clock, offline + "New-CveIssue -StatePath $state -CveId CVE-2026-4242 -Repository flatcar/Flatcar -WhatIf -WarningAction SilentlyContinue")).AssertNoErrors();
            Assert.Equal(CveIssueAction.WouldOpen, planned.Objects<CveIssueResult>().Single().Action);
        }

        [Fact]
        public void ReExportingUnchangedRecordsLeavesTheirOsvFilesAsTheyWere()
        {
            using var state = new StateScope(ps);
            TestConfig.SetSection(state.File("securityops.yaml"), "osv", "  idPrefix: GHSA\n");
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2026-5001,CVE-2026-5002 -Package app-misc/thing | Out-Null").AssertNoErrors();
            const string Export = "Export-OsvAdvisory -StatePath $state -CveId CVE-2026-5001,CVE-2026-5002 -Path ([IO.Path]::Combine($state, 'osv')) -Confirm:$false";
            var first = state.Run(Export).AssertNoErrors().Objects<OsvAdvisoryFile>().ToList();
            Assert.Equal(2, first.Count);
            Assert.All(first, f => Assert.False(f.Unchanged));

            var old = new System.DateTime(2026, 1, 2, 3, 4, 5, System.DateTimeKind.Utc);
            foreach (OsvAdvisoryFile f in first)
            {
                File.SetLastWriteTimeUtc(f.Path, old);
            }

            var again = state.Run(Export).AssertNoErrors().Objects<OsvAdvisoryFile>().ToList();
            Assert.All(again, f => Assert.True(f.Unchanged));
            Assert.All(again, f => Assert.Equal(old, File.GetLastWriteTimeUtc(f.Path)));

            // A record that changed is written again; the other keeps its file time.
            state.Run("Set-CveRecord -StatePath $state -CveId CVE-2026-5002 -CvssVector 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' -Confirm:$false").AssertNoErrors();
            var third = state.Run(Export).AssertNoErrors().Objects<OsvAdvisoryFile>().ToDictionary(f => f.CveIds.Single());
            Assert.True(third["CVE-2026-5001"].Unchanged);
            Assert.Equal(old, File.GetLastWriteTimeUtc(third["CVE-2026-5001"].Path));
            Assert.False(third["CVE-2026-5002"].Unchanged);
            Assert.NotEqual(old, File.GetLastWriteTimeUtc(third["CVE-2026-5002"].Path));
            Assert.Contains("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", File.ReadAllText(third["CVE-2026-5002"].Path));
        }

        /// <summary>
        /// A run's records are written while the next items are read and merged: each record is output only once its
        /// file holds it, in the order the items came, and a CVE seen again in a later run merges into what the earlier
        /// run wrote (the later run waits for that write if it is still going on).
        /// </summary>
        [Fact]
        public void RecordsAreOutputInOrderOnceOnDiskAndALaterRunMergesIntoWhatAnEarlierOneWrote()
        {
            using var state = new StateScope(ps);
            var result = state.Run(@"
$items = [Collections.Generic.List[object]]@(foreach ($n in 1..700) { [pscustomobject]@{ Source = 'feed-a'; Id = ""ADV-$n""; CveIds = @(""CVE-2026-$(10000 + $n)""); Packages = @('curl') } })
# The first run's last record, first in the second run: the first run's writes are most likely still going on.
$items.Insert(256, [pscustomobject]@{ Source = 'feed-b'; Id = 'ADV-B'; CveIds = @('CVE-2026-10256'); Packages = @('net-misc/curl') })
$items | Add-CveRecord -StatePath $state | ForEach-Object {
    $text = [IO.File]::ReadAllText([IO.Path]::Combine($state, $_.RelativePath))
    '{0} {1} {2}' -f $_.CveId, ($text.Contains('source: ' + $_.Sources[-1].Source)), ($_.Sources.Count)
}").AssertNoErrors();

            var lines = result.Objects<string>().ToList();
            Assert.Equal(701, lines.Count);
            var expected = Enumerable.Range(1, 700).Select(n => $"CVE-2026-{10000 + n} True 1").ToList();
            expected.Insert(256, "CVE-2026-10256 True 2");
            Assert.Equal(expected, lines);
            string merged = state.ReadFile("cves/2026/CVE-2026-10256.yaml");
            Assert.Contains("source: feed-a", merged);
            Assert.Contains("source: feed-b", merged);
            Assert.Contains("net-misc/curl", merged);
        }

        /// <summary>
        /// Stopped mid-pipeline (Ctrl+C, a cancelled job) while a run's writes are still going on: the command ends only
        /// once they are done, so every record it output is on disk, no file is half-written or left as a temp file, and
        /// the state's lock is free for the next run.
        /// </summary>
        [Fact]
        public void AStoppedRunEndsOnlyOnceItsWritesAreDoneAndLeavesNoHalfWrittenFile()
        {
            using var state = new StateScope(ps);
            var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using (var pipeline = PowerShell.Create())
            {
                pipeline.Runspace = ps.Runspace;
                pipeline.AddScript($@"
param($sink)
& {{ foreach ($n in 1..20000) {{ [pscustomobject]@{{ Source = 'feed-a'; Id = ""ADV-$n""; CveIds = @(""CVE-2026-$(10000 + $n)""); Packages = @('curl') }} }} }} |
    Add-CveRecord -StatePath '{state.Path}' | ForEach-Object {{ $sink.Enqueue($_.CveId) }}").AddArgument(output);
                IAsyncResult running = pipeline.BeginInvoke();
                var watch = Stopwatch.StartNew();
                while (output.Count < 512 && watch.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(5);
                }

                pipeline.Stop();
                try
                {
                    pipeline.EndInvoke(running);
                }
                catch (PipelineStoppedException)
                {
                }
            }

            Assert.InRange(output.Count, 512, 19999);
            Assert.All(output, id => Assert.True(File.Exists(state.File($"cves/2026/{id}.yaml")), id));
            Assert.Empty(Directory.EnumerateFiles(state.File("cves"), ".*.tmp-*", SearchOption.AllDirectories));
            var all = state.Run("Get-CveRecord -StatePath $state").AssertNoErrors().Objects<CveRecord>().ToList();
            Assert.True(all.Count >= output.Count);
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2026-99999 -Package curl").AssertNoErrors();
        }

        [Fact]
        public void InvalidIdsAreNonTerminatingErrorsNamingTheValue()
        {
            using var state = new StateScope(ps);
            // The last has Arabic-Indic digits, which .NET's \d would take for a year and a number: a CVE id's digits are ASCII.
            const string OtherDigits = "CVE-\u0662\u0660\u0662\u0664-\u0661\u0662\u0663\u0664";
            var result = state.Run("Add-CveRecord -StatePath $state -CveId 'CVE-2024-123','cve-2024-12345','GHSA-xxxx-yyyy','CVE-24-1234','" + OtherDigits + "' -Package curl");
            var created = result.Objects<CveRecord>().Select(r => r.CveId).ToList();
            Assert.Equal(new[] { "CVE-2024-12345" }, created);
            Assert.Equal(4, result.Errors.Count);
            Assert.All(result.Errors, e => Assert.Equal("InvalidCveId,SecurityOps.Commands.AddCveRecordCommand", e.FullyQualifiedErrorId));
            Assert.Equal(new object[] { "CVE-2024-123", "GHSA-xxxx-yyyy", "CVE-24-1234", OtherDigits }, result.Errors.Select(e => e.TargetObject));
        }

        [Fact]
        public void WhatPeopleWroteIsNeverReplacedByAFeed()
        {
            using var state = new StateScope(ps);
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2024-3094 -Package xz-utils -Title 'xz backdoor' | Out-Null").AssertNoErrors();
            state.Run("Set-CveRecord -StatePath $state -CveId CVE-2024-3094 -Status tracked -AddNote 'Flatcar ships 5.4.6, not affected by the tarball' | Out-Null").AssertNoErrors();
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2024-3094 -Package app-arch/xz-utils -Title 'XZ Utils: Backdoor' -Source gentoo-glsa | Out-Null").AssertNoErrors();
            var record = state.Run("Get-CveRecord -StatePath $state CVE-2024-3094").AssertNoErrors().Objects<CveRecord>().Single();
            Assert.Equal("xz backdoor", record.Title);
            Assert.Equal("tracked", record.Status);
            Assert.Contains("not affected by the tarball", record.Notes);
            Assert.Equal(2, record.Packages.Count);
        }

        [Fact]
        public void QueriesFilterByWildcardPackageStatusAndSince()
        {
            using var state = new StateScope(ps);
            state.Run(@"
[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-01-01T00:00:00Z')
try {
  Add-CveRecord -StatePath $state -CveId CVE-2023-0001 -Package openssl | Out-Null
  Add-CveRecord -StatePath $state -CveId CVE-2024-0002 -Package curl | Out-Null
  [SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-02-01T00:00:00Z')
  Add-CveRecord -StatePath $state -CveId CVE-2024-10003 -Package openssh | Out-Null
  Add-CveRecord -StatePath $state -CveId CVE-2024-0004 -Package open-iscsi | Out-Null
  Set-CveRecord -StatePath $state -CveId CVE-2024-0004 -Status fixed -FixedIn 4152.2.1 | Out-Null
} finally { [SecurityOps.ModuleContext]::UseSystemTime() }").AssertNoErrors();

            string Ids(string script) => string.Join(",", state.Run(script).AssertNoErrors().Objects<CveRecord>().Select(r => r.CveId));
            Assert.Equal("CVE-2023-0001,CVE-2024-0002,CVE-2024-0004,CVE-2024-10003", Ids("Get-CveRecord -StatePath $state"));
            Assert.Equal("CVE-2024-0002,CVE-2024-0004,CVE-2024-10003", Ids("Get-CveRecord -StatePath $state -Id 'cve-2024-*'"));
            Assert.Equal("CVE-2023-0001,CVE-2024-10003", Ids("Get-CveRecord -StatePath $state -Package 'openss*'"));
            Assert.Equal("CVE-2024-0004", Ids("Get-CveRecord -StatePath $state -Status fixed"));
            Assert.Equal("CVE-2024-0004,CVE-2024-10003", Ids("Get-CveRecord -StatePath $state -Since '2026-01-15'"));
            Assert.Equal("CVE-2024-0002", Ids("'CVE-2024-0002' | Get-CveRecord -StatePath $state"));
        }

        [Fact]
        public void UnknownIdIsNotFoundAndBrokenRecordFileStopsTheCommand()
        {
            using var state = new StateScope(ps);
            var missing = state.Run("Get-CveRecord -StatePath $state -Id CVE-2020-0001");
            Assert.Equal(new[] { "CveRecordNotFound,SecurityOps.Commands.GetCveRecordCommand" }, missing.ErrorIds);

            state.WriteFile("cves/2020/CVE-2020-0002.yaml", "schemaVersion: 1\ncveId: CVE-2020-0002\npackages: {name: [x\n");
            var broken = state.Run("Add-CveRecord -StatePath $state -CveId CVE-2020-0002 -Package x");
            Assert.Contains("StateFileInvalid,SecurityOps.Commands.AddCveRecordCommand", broken.ErrorIds);
            Assert.Contains("CVE-2020-0002.yaml:3:", (broken.Terminating?.ErrorRecord ?? broken.Errors[0]).ToString());
        }

        [Fact]
        public void SetAndRemoveHonourWhatIfAndRecordTheIssue()
        {
            using var state = new StateScope(ps);
            state.Run("Add-CveRecord -StatePath $state -CveId CVE-2025-5555 -Package runc | Out-Null").AssertNoErrors();
            state.Run("Set-CveRecord -StatePath $state -CveId CVE-2025-5555 -Status rejected -WhatIf").AssertNoErrors();
            var set = state.Run("Set-CveRecord -StatePath $state -CveId CVE-2025-5555 -IssueNumber 42 -Repository flatcar/Flatcar -PassThru").AssertNoErrors().Objects<CveRecord>().Single();
            Assert.Equal("new", set.Status);
            Assert.Equal(42, set.IssueNumber);
            Assert.Contains("repository: flatcar/Flatcar", state.ReadFile("cves/2025/CVE-2025-5555.yaml"));

            state.Run("Remove-CveRecord -StatePath $state -CveId CVE-2025-5555 -WhatIf").AssertNoErrors();
            Assert.True(File.Exists(state.File("cves/2025/CVE-2025-5555.yaml")));
            state.Run("Get-CveRecord -StatePath $state -Id CVE-2025-5555 | Remove-CveRecord -StatePath $state -Confirm:$false").AssertNoErrors();
            Assert.False(File.Exists(state.File("cves/2025/CVE-2025-5555.yaml")));
        }
    }
}
