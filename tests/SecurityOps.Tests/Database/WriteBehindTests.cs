using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading.Tasks;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Database
{
    /// <summary>
    /// Add-CveRecord writes a run's records while it reads the next ones. Nothing any other writer does meanwhile is
    /// lost: a command after it in the pipeline that changes a record it output, or another runspace of the same process
    /// recording the same CVEs at the same time.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class WriteBehindTests
    {
        private readonly PowerShellFixture ps;

        public WriteBehindTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void ASetCveRecordDownstreamOfARecordALaterRunMergesAgainKeepsBoth()
        {
            // CVE-2026-77777 ends the first run (feed-a) and the second (feed-b, another package); the pipeline marks the
            // first run's record triaged. The status and feed-b's merge both stay, whatever the timing.
            for (int attempt = 0; attempt < 3; attempt++)
            {
                using var state = new StateScope(ps);
                state.Run(@"
$items = [Collections.Generic.List[object]]::new()
foreach ($n in 1..255) { $items.Add([pscustomobject]@{ Source = 'feed-a'; Id = ""A-$n""; CveIds = @(""CVE-2026-$(10000 + $n)""); Packages = @('curl') }) }
$items.Add([pscustomobject]@{ Source = 'feed-a'; Id = 'A-X'; CveIds = @('CVE-2026-77777'); Packages = @('curl') })
foreach ($n in 1..255) { $items.Add([pscustomobject]@{ Source = 'feed-a'; Id = ""B-$n""; CveIds = @(""CVE-2026-$(20000 + $n)""); Packages = @('curl') }) }
$items.Add([pscustomobject]@{ Source = 'feed-b'; Id = 'B-X'; CveIds = @('CVE-2026-77777'); Packages = @('net-misc/curl') })
$items | Add-CveRecord -StatePath $state | Where-Object { $_.CveId -eq 'CVE-2026-77777' -and $_.Sources.Count -eq 1 } |
    Set-CveRecord -StatePath $state -Status triaged -Confirm:$false
").AssertNoErrors();

                string text = state.ReadFile("cves/2026/CVE-2026-77777.yaml");
                Assert.Contains("source: feed-b", text);
                Assert.Contains("net-misc/curl", text);
                Assert.Contains("status: triaged", text);
            }
        }

        [Fact]
        public void TwoRunspacesRecordingTheSameCvesAtOnceKeepEverythingBothSaid()
        {
            using var state = new StateScope(ps, git: false);
            string Script(string source) => $@"
$items = foreach ($r in 1..6) {{ foreach ($n in 1..256) {{ [pscustomobject]@{{ Source = '{source}'; Id = ""{source}-$r-$n""; CveIds = @(""CVE-2026-$(10000 + $n + 256 * ($r % 2))""); References = @(""https://{source}.example/$r/$n"") }} }} }}
$items | Add-CveRecord -StatePath '{state.Path}' | Out-Null";
            var runs = new[] { "src-a", "src-b" }.Select(source => Task.Run(() =>
            {
                using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
                runspace.Open();
                using var pipeline = PowerShell.Create();
                pipeline.Runspace = runspace;
                pipeline.AddScript($"Import-Module '{RepoPaths.StagedModule}' -ErrorAction Stop; " + Script(source));
                pipeline.Invoke();
                return pipeline.Streams.Error.Select(e => e.ToString()).ToList();
            })).ToArray();
            Task.WaitAll(runs);
            Assert.All(runs, run => Assert.Empty(run.Result));

            for (int n = 1; n <= 512; n++)
            {
                string text = state.ReadFile($"cves/2026/CVE-2026-{10000 + n}.yaml");
                int k = n > 256 ? n - 256 : n;
                foreach (int r in Enumerable.Range(1, 6).Where(r => (r % 2 == 1) == (n > 256)))
                {
                    Assert.Contains($"https://src-a.example/{r}/{k}", text);
                    Assert.Contains($"https://src-b.example/{r}/{k}", text);
                }
            }
        }
    }
}
