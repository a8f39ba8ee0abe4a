using System.Collections.Generic;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        public InventorySettings Inventory { get; set; } = new InventorySettings();
    }

    /// <summary>The inventory section: how advisories meet what the project ships.</summary>
    public sealed class InventorySettings
    {
        /// <summary>File issues for CVEs whose relevance is unknown (default: no, they are listed for triage).</summary>
        public bool FileUnknown { get; set; }

        /// <summary>Advisory package name (or name@Ecosystem) to the inventory's name (or name@Ecosystem), for what no rule matches.</summary>
        public Dictionary<string, string> Aliases { get; set; } = new Dictionary<string, string>();
    }
}
