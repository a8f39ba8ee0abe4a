using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Inventory
{
    /// <summary>The inventories of the state: inventory/&lt;name&gt;.yaml, read and written through the state repository.</summary>
    internal sealed class InventoryStore
    {
        public const string Folder = "inventory";
        private static readonly Regex NamePattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.Compiled);

        private readonly StateRepository files;

        public InventoryStore(StateRepository files) => this.files = files;

        public static bool IsValidName(string name) => name != null && NamePattern.IsMatch(name) && !name.EndsWith(".", StringComparison.Ordinal);

        public IReadOnlyList<string> Names() =>
            Directory.Exists(files.FullPath(Folder))
                ? files.EnumerateFiles(Folder, "*.yaml", recursive: false).Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList()
                : (IReadOnlyList<string>)Array.Empty<string>();

        public PackageInventory Get(string name)
        {
            CheckName(name);
            return files.Read<PackageInventory>(PackageInventory.PathFor(name));
        }

        public IReadOnlyList<PackageInventory> All() => Names().Select(n => files.Read<PackageInventory>(PackageInventory.PathFor(n))).Where(i => i != null).ToList();

        public void Save(PackageInventory inventory)
        {
            CheckName(inventory.Name);
            using (files.AcquireLock())
            {
                files.Write(PackageInventory.PathFor(inventory.Name), inventory);
            }
        }

        private static void CheckName(string name)
        {
            if (!IsValidName(name))
            {
                throw new SecurityOpsException("InvalidInventoryName", FailureKind.InvalidArgument, name,
                    $"'{name}' is not an inventory name: use letters, digits, '.', '_' and '-' (it becomes inventory/<name>.yaml).");
            }
        }
    }
}
