using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Database
{
    /// <summary>A broken record file costs that record an error naming the file, line and column, and nothing else.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class BrokenRecordTests
    {
        private readonly PowerShellFixture ps;

        public BrokenRecordTests(PowerShellFixture ps) => this.ps = ps;

        private static StateScope StateWithBrokenRecords(PowerShellFixture ps)
        {
            var state = new StateScope(ps, git: false);
            state.Run("[pscustomobject]@{ CveIds = 'CVE-2025-1111','CVE-2025-2222','CVE-2025-3333','CVE-2025-4444','CVE-2025-5555'; Packages = 'dev-libs/openssl'; Source = 'manual' } | Add-CveRecord -StatePath $state | Out-Null").AssertNoErrors();
            state.Run("Set-CveRecord -StatePath $state -CveId CVE-2025-5555 -Status tracked -Confirm:$false").AssertNoErrors();
            state.WriteFile("cves/2025/CVE-2025-1111.yaml", string.Empty);                                                  // a write cut short
            state.WriteFile("cves/2025/CVE-2025-2222.yaml", "schemaVersion: 1\ncveId: CVE-2025-2222\npackages: 5\n");        // wrong type
            state.WriteFile("cves/2025/CVE-2025-3333.yaml", "schemaVersion: 1\ncveId: CVE-2025-3333\nstatus: new\nstatus: tracked\n"); // duplicate key
            state.WriteFile("cves/2025/CVE-2025-4444.yaml", "schemaVersion: 1\ncveId: CVE-2025-4444\nsummary: 'unterminated\n"); // truncated
            return state;
        }

        [Fact]
        public void TheListingReportsEachBrokenFileAndStillListsTheRest()
        {
            using var state = StateWithBrokenRecords(ps);
            var result = state.Run("Get-CveRecord -StatePath $state -ErrorAction Continue");

            Assert.Equal(new[] { "CVE-2025-5555" }, result.Objects<CveRecord>().Select(r => r.CveId));
            Assert.Null(result.Terminating);
            var errors = result.Errors.ToDictionary(e => System.IO.Path.GetFileName((string)e.TargetObject), e => e);
            Assert.Equal(new[] { "CVE-2025-1111.yaml", "CVE-2025-2222.yaml", "CVE-2025-3333.yaml", "CVE-2025-4444.yaml" }, errors.Keys.OrderBy(k => k));
            Assert.StartsWith("StateFileEmpty,", errors["CVE-2025-1111.yaml"].FullyQualifiedErrorId);
            Assert.Contains("CVE-2025-2222.yaml:3:11: expected a list here, found a single value", errors["CVE-2025-2222.yaml"].Exception.Message);
            Assert.Contains("CVE-2025-3333.yaml:4:1: the key 'status' appears twice", errors["CVE-2025-3333.yaml"].Exception.Message);
            Assert.Matches(new Regex(@"CVE-2025-4444\.yaml:3:\d+: "), errors["CVE-2025-4444.yaml"].Exception.Message);
            foreach (var e in result.Errors)
            {
                Assert.Equal(System.Management.Automation.ErrorCategory.ParserError, e.CategoryInfo.Category);
                Assert.DoesNotMatch(new Regex(@"System\.|SecurityOps\.Model|Exception"), e.Exception.Message);
            }
        }

        [Fact]
        public void ABrokenRecordIsNeverRecreatedOrRewrittenAndTheOthersOfTheBatchAreRecorded()
        {
            using var state = StateWithBrokenRecords(ps);
            var result = state.Run("[pscustomobject]@{ CveIds = 'CVE-2025-1111','CVE-2025-3333','CVE-2025-6666'; Packages = 'dev-libs/openssl'; Source = 'feed' } | Add-CveRecord -StatePath $state -ErrorAction Continue");

            Assert.Equal(new[] { "CVE-2025-6666" }, result.Objects<CveRecord>().Select(r => r.CveId));
            Assert.Equal(new[] { "StateFileEmpty", "StateFileInvalid" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Equal(string.Empty, state.ReadFile("cves/2025/CVE-2025-1111.yaml"));
            Assert.Equal("schemaVersion: 1\ncveId: CVE-2025-3333\nstatus: new\nstatus: tracked\n", state.ReadFile("cves/2025/CVE-2025-3333.yaml"));

            var byId = state.Run("Get-CveRecord -StatePath $state -Id CVE-2025-1111, CVE-2025-5555, CVE-2025-3333 -ErrorAction Continue");
            Assert.Equal(new[] { "CVE-2025-5555" }, byId.Objects<CveRecord>().Select(r => r.CveId));
            Assert.Equal(2, byId.Errors.Count);
        }
    }
}
