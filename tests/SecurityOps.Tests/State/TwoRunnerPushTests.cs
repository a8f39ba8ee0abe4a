using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.State
{
    /// <summary>Two runners (a scheduled and a manual run, two machines) pushing one state repository: nothing is lost.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class TwoRunnerPushTests
    {
        private readonly PowerShellFixture ps;

        public TwoRunnerPushTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>A bare remote with a first state, and two clones of it.</summary>
        private (TempFolder Temp, string Remote, string A, string B) TwoClones()
        {
            var temp = new TempFolder("two-runners");
            string remote = temp.Combine("remote.git"), a = temp.Combine("a"), b = temp.Combine("b");
            Directory.CreateDirectory(remote);
            Processes.Git(remote, "init --quiet --bare");
            ps.Run($"Initialize-SecurityState -Path '{a}' | Out-Null").AssertNoErrors();
            Processes.Git(a, $"remote add origin {remote}");
            ps.Run("Save-SecurityState -StatePath $p -Message 'initial state' -Push -Confirm:$false | Out-Null", new System.Collections.Generic.Dictionary<string, object> { ["p"] = a }).AssertNoErrors();
            Processes.Git(temp.Path, $"clone --quiet {remote} b");
            return (temp, remote, a, b);
        }

        private ScriptResult Run(string state, string script) =>
            ps.Run(script, new System.Collections.Generic.Dictionary<string, object> { ["state"] = state });

        [Fact]
        public void TheSecondPushFetchesRebasesAndRetriesAndTheRemoteHoldsBothRunsRecords()
        {
            var (temp, remote, a, b) = TwoClones();
            using (temp)
            {
                Run(a, "[pscustomobject]@{ CveIds = 'CVE-2026-1001'; Packages = 'dev-libs/openssl'; Source = 'gentoo' } | Add-CveRecord -StatePath $state | Out-Null; Save-SecurityState -StatePath $state -Push -Confirm:$false | Out-Null").AssertNoErrors();
                // B has not seen A's push: its own push is refused ("fetch first") and then replayed on top of A's.
                var pushed = Run(b, "[pscustomobject]@{ CveIds = 'CVE-2026-2002'; Packages = 'net-misc/curl'; Source = 'rustsec' } | Add-CveRecord -StatePath $state | Out-Null; Save-SecurityState -StatePath $state -Push -Confirm:$false -Verbose").AssertNoErrors();
                Assert.True(pushed.Objects<StateCommit>().Single().Pushed);
                Assert.Contains(pushed.Verbose, v => v.Contains("refused the push") && v.Contains("replaying"));

                string files = Processes.Git(remote, "ls-tree -r --name-only HEAD");
                Assert.Contains("cves/2026/CVE-2026-1001.yaml", files);
                Assert.Contains("cves/2026/CVE-2026-2002.yaml", files);
            }
        }

        [Fact]
        public void OneRecordChangedOnBothSidesIsMergedFieldByFieldAndAContradictionStopsWithTheFileNamed()
        {
            var (temp, remote, a, b) = TwoClones();
            using (temp)
            {
                Run(a, "[pscustomobject]@{ CveIds = 'CVE-2026-3003'; Packages = 'dev-libs/openssl'; Source = 'gentoo' } | Add-CveRecord -StatePath $state | Out-Null; Save-SecurityState -StatePath $state -Push -Confirm:$false | Out-Null").AssertNoErrors();
                Processes.Git(b, "pull --quiet --rebase origin HEAD");

                // A: another source names a second package; B: a person triages it. Both push.
                Run(a, "[pscustomobject]@{ CveIds = 'CVE-2026-3003'; Packages = 'dev-libs/libressl'; Source = 'oss-security' } | Add-CveRecord -StatePath $state | Out-Null; Save-SecurityState -StatePath $state -Push -Confirm:$false | Out-Null").AssertNoErrors();
                Run(b, "Set-CveRecord -StatePath $state -CveId CVE-2026-3003 -Status tracked -Confirm:$false; Save-SecurityState -StatePath $state -Push -Confirm:$false | Out-Null").AssertNoErrors();

                string merged = Processes.Git(remote, "show HEAD:cves/2026/CVE-2026-3003.yaml");
                Assert.Contains("status: tracked", merged);
                Assert.Contains("dev-libs/openssl", merged);
                Assert.Contains("dev-libs/libressl", merged);
                Assert.Contains("oss-security", merged);

                // A and B now set different statuses: that contradicts, so B's push stops, naming the file, and B keeps its commit.
                Processes.Git(a, "pull --quiet --rebase origin HEAD");
                Processes.Git(b, "pull --quiet --rebase origin HEAD");
                Run(a, "Set-CveRecord -StatePath $state -CveId CVE-2026-3003 -Status fixed -Confirm:$false; Save-SecurityState -StatePath $state -Push -Confirm:$false | Out-Null").AssertNoErrors();
                var conflict = Run(b, "Set-CveRecord -StatePath $state -CveId CVE-2026-3003 -Status not-affected -Confirm:$false; Save-SecurityState -StatePath $state -Push -Confirm:$false -ErrorAction Continue");
                var error = Assert.Single(conflict.Errors);
                Assert.StartsWith("StatePushConflict,", error.FullyQualifiedErrorId);
                Assert.Equal("cves/2026/CVE-2026-3003.yaml", error.TargetObject);
                Assert.Contains("'status' is 'fixed' on the remote and 'not-affected' here", error.Exception.Message);
                Assert.Contains("status: not-affected", File.ReadAllText(Path.Combine(b, "cves/2026/CVE-2026-3003.yaml")));
                Assert.Equal(string.Empty, Processes.Git(b, "status --porcelain").Trim());
                Assert.Contains("status: fixed", Processes.Git(remote, "show HEAD:cves/2026/CVE-2026-3003.yaml"));
            }
        }
    }
}
