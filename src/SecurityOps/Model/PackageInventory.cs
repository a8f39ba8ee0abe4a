using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace SecurityOps.Model
{
    /// <summary>
    /// What one product or release channel ships: inventory/&lt;name&gt;.yaml. Several sit side by side (stable, beta,
    /// an appliance...); a CVE is affected when any of them ships a vulnerable version.
    /// </summary>
    public sealed class PackageInventory : IVersionedDocument
    {
        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        /// <summary>The inventory's name (a file name: letters, digits, '.', '_', '-').</summary>
        public string Name { get; set; }

        /// <summary>What it was imported from: list, ebuild-tree, spdx, cyclonedx, go-mod, cargo-lock.</summary>
        public string Format { get; set; }

        /// <summary>The file or folder it was imported from, as given.</summary>
        public string Source { get; set; }

        public DateTimeOffset? ImportedAt { get; set; }

        public List<InventoryPackage> Packages { get; set; } = new List<InventoryPackage>();

        [JsonIgnore]
        public int PackageCount => Packages.Count;

        public static string PathFor(string name) => $"inventory/{name}.yaml";

        public override string ToString() => Name;
    }

    /// <summary>One shipped package at one version (a package shipped at two versions is two entries).</summary>
    public sealed class InventoryPackage
    {
        /// <summary>The name in its ecosystem: a Gentoo atom (dev-libs/openssl), a Go module path, a crate, a PyPI project.</summary>
        public string Name { get; set; }

        public string Ecosystem { get; set; }

        public string Version { get; set; }

        /// <summary>The package URL, when the source gave one.</summary>
        public string Purl { get; set; }

        /// <summary>Set on output only: the inventory this entry belongs to.</summary>
        public string Inventory { get; set; }

        public override string ToString() => $"{Name}-{Version}";
    }
}
