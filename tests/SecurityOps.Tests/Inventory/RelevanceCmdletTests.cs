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

        [Fact]
        public void APersonOverrulesTheRelevanceWithAReasonItSurvivesReevaluationAndAutoHandsItBack()
        {
            using var state = new StateScope(ps, git: false);
            var files = new StateRepository(state.Path);
            new InventoryStore(files).Save(new PackageInventory { Name = "stable", Packages = { new InventoryPackage { Name = "dev-libs/openssl", Ecosystem = "Gentoo", Version = "3.3.2" } } });
            var db = new SecurityOps.Database.CveDatabase(files);
            var service = new RelevanceService(files, SecurityState.Open(state.Path).Config);
            foreach (var (id, range) in new[] { ("CVE-2026-0011", "lt 3.3.3"), ("CVE-2026-0012", "lt 3.0") })
            {
                var r = db.Record(new SecurityOps.Database.CveObservation { CveId = id, Source = "gentoo", Packages = { new PackageRef("dev-libs/openssl", "Gentoo") { Vulnerable = new System.Collections.Generic.List<string> { range } } } });
                service.Apply(r, ModuleContext.UtcNow);
                db.Save(r);
            }

            Assert.Equal(CveRelevance.Affected, db.Get("CVE-2026-0011").RelevanceState);
            Assert.Equal(CveRelevance.NotAffected, db.Get("CVE-2026-0012").RelevanceState);

            // Without a reason: refused, nothing changed.
            var noReason = state.Run("Set-CveRecord CVE-2026-0011 -Relevance not-affected -StatePath $state -Confirm:$false");
            Assert.Equal(new[] { "RelevanceReasonRequired,SecurityOps.Commands.SetCveRecordCommand" }, noReason.ErrorIds);
            Assert.False(db.Get("CVE-2026-0011").Relevance.Manual);

            state.Run("Set-CveRecord CVE-2026-0011 -Relevance not-affected -RelevanceReason 'Built without the ktls module.' -Actor dana -StatePath $state -Confirm:$false").AssertNoErrors();
            CveRecord overruled = db.Get("CVE-2026-0011");
            Assert.Equal((CveRelevance.NotAffected, "Built without the ktls module.", true, "dana"), (overruled.RelevanceState, overruled.Relevance.Reason, overruled.Relevance.Manual, overruled.Relevance.DecidedBy));

            // An inventory import decides every record again: the person's decision stays.
            state.Run("$list = [IO.Path]::Combine($state, 'list.csv'); [IO.File]::WriteAllText($list, 'dev-libs/openssl,3.3.1,Gentoo'); Import-PackageInventory -Name stable -Path $list -Format list -StatePath $state -Confirm:$false | Out-Null").AssertNoErrors();
            Assert.Equal(CveRelevance.NotAffected, db.Get("CVE-2026-0011").RelevanceState);
            Assert.True(db.Get("CVE-2026-0011").Relevance.Manual);

            // Overruled to affected: on the pending-filing list, so the next filing files it.
            state.Run("Set-CveRecord CVE-2026-0012 -Relevance affected -RelevanceReason 'We backported the vulnerable code.' -StatePath $state -Confirm:$false").AssertNoErrors();
            Assert.Contains("CVE-2026-0012", new SecurityOps.Database.CveFilingQueue(files).Pending);

            // auto: the inventories decide again at once.
            state.Run("Set-CveRecord CVE-2026-0011 -Relevance auto -StatePath $state -Confirm:$false").AssertNoErrors();
            CveRecord back = db.Get("CVE-2026-0011");
            Assert.False(back.Relevance.Manual);
            Assert.Equal(CveRelevance.Affected, back.RelevanceState);
        }
    }
}
