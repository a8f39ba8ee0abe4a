using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Inventory
{
    /// <summary>Import-PackageInventory and Get-PackageInventory from script text: an inventory decides what is relevant.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class InventoryCmdletTests
    {
        private readonly PowerShellFixture ps;

        public InventoryCmdletTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void ImportingAnInventoryDecidesEveryRecordAgainAndGetListsInventoriesAndPackages()
        {
            using var state = new StateScope(ps, git: false);
            state.Run("[pscustomobject]@{ CveIds = 'CVE-2026-1001'; Packages = 'www-client/chromium'; Source = 'gentoo' }, [pscustomobject]@{ CveIds = 'CVE-2026-1002'; Packages = 'dev-libs/openssl'; Source = 'gentoo' } | Add-CveRecord -StatePath $state | Out-Null").AssertNoErrors();
            state.WriteFile("../shipped.txt", "dev-libs/openssl 3.0.13 Gentoo\nsys-libs/glibc 2.38-r10 Gentoo\n");

            var whatIf = state.Run("Import-PackageInventory -StatePath $state -Path ([IO.Path]::Combine($state, '..', 'shipped.txt')) -Name stable -WhatIf").AssertNoErrors();
            Assert.False(System.IO.File.Exists(state.File("inventory/stable.yaml")));

            var imported = state.Run("Import-PackageInventory -StatePath $state -Path ([IO.Path]::Combine($state, '..', 'shipped.txt')) -Name stable -Confirm:$false -Verbose").AssertNoErrors();
            var inventory = imported.Objects<PackageInventory>().Single();
            Assert.Equal(("stable", "list", 2), (inventory.Name, inventory.Format, inventory.PackageCount));
            Assert.Contains("dev-libs/openssl", state.ReadFile("inventory/stable.yaml"));

            var notShipped = state.Run("Get-CveRecord -StatePath $state -Relevance not-affected").AssertNoErrors().Objects<CveRecord>().Select(r => r.CveId);
            Assert.Equal(new[] { "CVE-2026-1001" }, notShipped); // chromium is not shipped
            Assert.DoesNotContain("CVE-2026-1002", notShipped);

            Assert.Equal(new[] { "stable" }, state.Run("Get-PackageInventory -StatePath $state").AssertNoErrors().Objects<PackageInventory>().Select(i => i.Name));
            var openssl = state.Run("Get-PackageInventory -StatePath $state -Package '*openssl*'").AssertNoErrors().Objects<InventoryPackage>().Single();
            Assert.Equal(("stable", "dev-libs/openssl", "3.0.13"), (openssl.Inventory, openssl.Name, openssl.Version));

            var bad = state.Run("Import-PackageInventory -StatePath $state -Path ./nowhere.txt -Name stable -Confirm:$false -ErrorAction Continue");
            Assert.StartsWith("InventorySourceNotFound,", Assert.Single(bad.Errors).FullyQualifiedErrorId);
        }
    }
}
