using System.Linq;
using SecurityOps.Inventory;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Inventory
{
    [Collection(PowerShellCollection.Name)]
    public sealed class RelevanceCmdletTests
    {
        private readonly PowerShellFixture ps;

        public RelevanceCmdletTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void GetCveRecordFiltersByRelevance()
        {
            using var state = new StateScope(ps, git: false);
            var files = new StateRepository(state.Path);
            new InventoryStore(files).Save(new PackageInventory { Name = "stable", Packages = { new InventoryPackage { Name = "dev-libs/openssl", Ecosystem = "Gentoo", Version = "3.3.2" } } });
            var service = new RelevanceService(files, SecurityState.Open(state.Path).Config);
            var db = new SecurityOps.Database.CveDatabase(files);
            foreach (var (id, pkg, range) in new[] { ("CVE-2026-0001", "dev-libs/openssl", "lt 3.3.3"), ("CVE-2026-0002", "dev-libs/openssl", "lt 3.0"), ("CVE-2026-0003", "www-client/chromium", "lt 140") })
            {
                var r = db.Record(new SecurityOps.Database.CveObservation { CveId = id, Source = "gentoo", Packages = { new PackageRef(pkg, "Gentoo") { Vulnerable = new System.Collections.Generic.List<string> { range } } } });
                service.Apply(r, ModuleContext.UtcNow);
                db.Save(r);
            }

            db.Record(new SecurityOps.Database.CveObservation { CveId = "CVE-2026-0004", Source = "oss-security" });
            var affected = state.Run("Get-CveRecord -StatePath $state -Relevance affected").AssertNoErrors().Objects<CveRecord>().ToList();
            Assert.Equal(new[] { "CVE-2026-0001" }, affected.Select(r => r.CveId));
            Assert.Equal("3.3.2", affected[0].Relevance.Findings.Single().Version);
            var others = state.Run("Get-CveRecord -StatePath $state -Relevance not-affected, none | ForEach-Object CveId").AssertNoErrors().Objects<string>().ToList();
            Assert.Equal(new[] { "CVE-2026-0002", "CVE-2026-0003", "CVE-2026-0004" }, others);
        }
    }
}
