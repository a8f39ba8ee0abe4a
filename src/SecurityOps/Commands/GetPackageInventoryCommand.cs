using System.Linq;
using System.Management.Automation;
using SecurityOps.Inventory;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Get-PackageInventory: the inventories of the state (inventory/*.yaml), or their packages with -Package.</summary>
    [Cmdlet(VerbsCommon.Get, "PackageInventory", DefaultParameterSetName = InventorySet)]
    [OutputType(typeof(PackageInventory), ParameterSetName = new[] { InventorySet })]
    [OutputType(typeof(InventoryPackage), ParameterSetName = new[] { PackageSet })]
    public sealed class GetPackageInventoryCommand : StateCmdlet
    {
        private const string InventorySet = "Inventory";
        private const string PackageSet = "Package";

        /// <summary>Inventory names; wildcards allowed. Default: all.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string[] Name { get; set; }

        /// <summary>List the packages (name, version, ecosystem, purl) whose names match; wildcards allowed.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PackageSet)]
        [SupportsWildcards]
        public string Package { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var store = new InventoryStore(Session.State.Files);
                var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                foreach (string name in store.Names().Where(n => patterns.Any(p => p.IsMatch(n))))
                {
                    PackageInventory inventory = store.Get(name);
                    if (inventory == null)
                    {
                        continue;
                    }

                    if (Package == null)
                    {
                        WriteObject(inventory);
                        continue;
                    }

                    var match = new WildcardPattern(Package, WildcardOptions.IgnoreCase);
                    foreach (InventoryPackage package in inventory.Packages.Where(p => p.Name != null && match.IsMatch(p.Name)))
                    {
                        package.Inventory = name;
                        WriteObject(package);
                    }
                }
            });
        }
    }
}
