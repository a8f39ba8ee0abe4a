using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Database;
using SecurityOps.Inventory;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Import-PackageInventory: what a product ships (a list, an ebuild tree, an SPDX or CycloneDX SBOM, go.mod/go.sum,
    /// Cargo.lock) as inventory/&lt;name&gt;.yaml; then every CVE record is decided again against the inventories.
    /// </summary>
    [Cmdlet(VerbsData.Import, "PackageInventory", SupportsShouldProcess = true)]
    [OutputType(typeof(PackageInventory))]
    public sealed class ImportPackageInventoryCommand : StateCmdlet
    {
        /// <summary>The file or folder to read (an ebuild tree is a folder).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>The inventory's name (one per release channel or product): inventory/&lt;name&gt;.yaml.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary>list, ebuild-tree, spdx, cyclonedx, go-mod or cargo-lock; default: recognised from the path and content.</summary>
        [Parameter]
        [ValidateSet("list", "ebuild-tree", "spdx", "cyclonedx", "go-mod", "cargo-lock")]
        public string Format { get; set; }

        /// <summary>The ecosystem of entries that name none (a plain list): Gentoo, Go, crates.io, PyPI, npm.</summary>
        [Parameter]
        public string Ecosystem { get; set; }

        protected override void ProcessRecord()
        {
            TryRunItem(() =>
            {
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    throw new SecurityOpsException("InventorySourceNotFound", FailureKind.ObjectNotFound, path, $"{path} does not exist.");
                }

                string format = Format ?? InventoryImporter.Detect(path);
                var packages = InventoryImporter.Read(path, format, Ecosystem, WriteWarning);
                var inventory = new PackageInventory { Name = Name, Format = format, Source = path, ImportedAt = Session.Now, Packages = packages.ToList() };
                WriteVerbose($"{path} ({format}): {packages.Count} package version(s) for inventory '{Name}'.");
                if (!ShouldProcess($"inventory/{Name}.yaml", $"Write {packages.Count} package version(s) read from {path} ({format}) and decide every CVE record's relevance again"))
                {
                    return;
                }

                var store = new InventoryStore(Session.State.Files);
                store.Save(inventory);
                var database = new CveDatabase(Session.State.Files);
                var changed = new RelevanceService(Session.State.Files, Session.Config).ReevaluateAll(database, new CveFilingQueue(Session.State.Files), Session.Now);
                WriteVerbose($"Relevance decided again: {changed.Count} record(s) changed; those now affected and without an issue are on the filing list.");
                WriteObject(inventory);
            });
        }
    }
}
