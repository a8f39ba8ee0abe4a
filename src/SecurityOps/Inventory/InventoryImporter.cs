using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecurityOps.Feeds;
using SecurityOps.Model;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// Reads what a product ships from the forms it is kept in: a plain list (name version [ecosystem], or purls), a
    /// Gentoo-style ebuild tree (category/name/name-version.ebuild; every version present counts, as in Flatcar's
    /// portage-stable and coreos-overlay), an SPDX 2.3 or CycloneDX 1.5/1.6 JSON SBOM (purls where given), go.mod /
    /// go.sum and Cargo.lock. The format is recognised from the path and content unless given.
    /// </summary>
    internal static class InventoryImporter
    {
        public static readonly string[] Formats = { "list", "ebuild-tree", "spdx", "cyclonedx", "go-mod", "cargo-lock" };

        private static readonly HashSet<string> NotCategories = new HashSet<string>(StringComparer.Ordinal)
        {
            "eclass", "licenses", "metadata", "profiles", "scripts", "distfiles", "packages", ".git",
        };

        /// <summary>Which format a path holds.</summary>
        public static string Detect(string path)
        {
            if (Directory.Exists(path))
            {
                return "ebuild-tree";
            }

            string name = Path.GetFileName(path).ToLowerInvariant();
            if (name == "go.mod" || name == "go.sum")
            {
                return "go-mod";
            }

            if (name == "cargo.lock")
            {
                return "cargo-lock";
            }

            if (name.EndsWith(".json", StringComparison.Ordinal))
            {
                string head = ReadHead(path);
                if (head.Contains("\"spdxVersion\""))
                {
                    return "spdx";
                }

                if (Regex.IsMatch(head, "\"bomFormat\"\\s*:\\s*\"CycloneDX\""))
                {
                    return "cyclonedx";
                }

                throw Unreadable(path, "a JSON file that is neither an SPDX nor a CycloneDX document");
            }

            return "list";
        }

        /// <summary>Reads one path; <paramref name="ecosystem"/> names the ecosystem of entries that do not say theirs.</summary>
        public static List<InventoryPackage> Read(string path, string format, string ecosystem, Action<string> warn = null)
        {
            format ??= Detect(path);
            switch (format)
            {
                case "list": return ReadList(path, ecosystem, warn);
                case "ebuild-tree": return ReadEbuildTree(path, ecosystem ?? "Gentoo", warn);
                case "spdx": return ReadSpdx(path, ecosystem);
                case "cyclonedx": return ReadCycloneDx(path, ecosystem);
                case "go-mod": return ReadGo(path);
                case "cargo-lock": return ReadCargoLock(path);
                default:
                    throw new SecurityOpsException("UnknownInventoryFormat", FailureKind.InvalidArgument, format,
                        $"'{format}' is not an inventory format (one of {string.Join(", ", Formats)}).");
            }
        }

        private static string ReadHead(string path)
        {
            using var reader = new StreamReader(path);
            var buffer = new char[4096];
            int n = reader.Read(buffer, 0, buffer.Length);
            return new string(buffer, 0, n);
        }

        /// <summary>Lines of "name version [ecosystem]" (spaces, tabs or commas; a header line name,version,... is skipped), or purls; # comments.</summary>
        private static List<InventoryPackage> ReadList(string path, string ecosystem, Action<string> warn)
        {
            var result = new List<InventoryPackage>();
            int number = 0;
            bool first = true;
            foreach (string raw in File.ReadAllLines(path))
            {
                number++;
                string line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
                {
                    if (PackageNames.TryParsePurl(line, out string eco, out string name, out string version) && version != null)
                    {
                        result.Add(new InventoryPackage { Name = name, Ecosystem = eco, Version = version, Purl = line });
                    }
                    else
                    {
                        warn?.Invoke($"{path}:{number}: the purl names no version; skipped.");
                    }

                    continue;
                }

                string[] fields = line.Split(new[] { ' ', '\t', ',' }, StringSplitOptions.RemoveEmptyEntries);
                bool header = first && string.Equals(fields[0], "name", StringComparison.OrdinalIgnoreCase);
                first = false;
                if (header)
                {
                    continue;
                }

                if (fields.Length < 2)
                {
                    warn?.Invoke($"{path}:{number}: '{line}' has no version; skipped.");
                    continue;
                }

                result.Add(new InventoryPackage
                {
                    Name = fields[0],
                    Version = fields[1],
                    Ecosystem = VersionSchemes.CanonicalEcosystem(fields.Length > 2 ? fields[2] : ecosystem),
                });
            }

            return result;
        }

        /// <summary>category/name/name-version.ebuild: one entry per ebuild (every version present).</summary>
        private static List<InventoryPackage> ReadEbuildTree(string root, string ecosystem, Action<string> warn)
        {
            var result = new List<InventoryPackage>();
            foreach (string category in Directory.EnumerateDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
            {
                string cat = Path.GetFileName(category);
                if (NotCategories.Contains(cat) || cat.StartsWith(".", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (string packageDir in Directory.EnumerateDirectories(category).OrderBy(d => d, StringComparer.Ordinal))
                {
                    string pn = Path.GetFileName(packageDir);
                    foreach (string ebuild in Directory.EnumerateFiles(packageDir, "*.ebuild").OrderBy(f => f, StringComparer.Ordinal))
                    {
                        string file = Path.GetFileNameWithoutExtension(ebuild);
                        string version = file.StartsWith(pn + "-", StringComparison.Ordinal) ? file.Substring(pn.Length + 1) : null;
                        if (version == null || !GentooVersion.TryParse(version, out _))
                        {
                            warn?.Invoke($"{cat}/{pn}/{Path.GetFileName(ebuild)}: no version after '{pn}-'; skipped.");
                            continue;
                        }

                        result.Add(new InventoryPackage { Name = cat + "/" + pn, Ecosystem = ecosystem, Version = version });
                    }
                }
            }

            return result;
        }

        private static List<InventoryPackage> ReadSpdx(string path, string ecosystem)
        {
            using JsonDocument doc = SafeJson.Parse(File.ReadAllBytes(path), path);
            var result = new List<InventoryPackage>();
            foreach (JsonElement package in SafeJson.Array(doc.RootElement, "packages"))
            {
                string purl = SafeJson.Array(package, "externalRefs")
                    .Where(r => string.Equals(SafeJson.String(r, "referenceType"), "purl", StringComparison.OrdinalIgnoreCase))
                    .Select(r => SafeJson.String(r, "referenceLocator"))
                    .FirstOrDefault(p => p != null);
                Add(result, SafeJson.String(package, "name"), SafeJson.String(package, "versionInfo"), purl, ecosystem);
            }

            return result;
        }

        private static List<InventoryPackage> ReadCycloneDx(string path, string ecosystem)
        {
            using JsonDocument doc = SafeJson.Parse(File.ReadAllBytes(path), path);
            var result = new List<InventoryPackage>();
            void Walk(JsonElement parent)
            {
                foreach (JsonElement component in SafeJson.Array(parent, "components"))
                {
                    string group = SafeJson.String(component, "group");
                    string name = SafeJson.String(component, "name");
                    Add(result, string.IsNullOrEmpty(group) ? name : group + "/" + name, SafeJson.String(component, "version"), SafeJson.String(component, "purl"), ecosystem);
                    Walk(component);
                }
            }

            Walk(doc.RootElement);
            return result;
        }

        private static void Add(List<InventoryPackage> result, string name, string version, string purl, string ecosystem)
        {
            if (purl != null && PackageNames.TryParsePurl(purl, out string eco, out string purlName, out string purlVersion))
            {
                result.Add(new InventoryPackage { Name = purlName, Ecosystem = eco, Version = purlVersion ?? version, Purl = purl });
            }
            else if (!string.IsNullOrWhiteSpace(name) && !string.IsNullOrWhiteSpace(version) && version != "NOASSERTION")
            {
                result.Add(new InventoryPackage { Name = name, Ecosystem = VersionSchemes.CanonicalEcosystem(ecosystem), Version = version });
            }
        }

        /// <summary>go.mod: require lines (single and blocks); go.sum: module versions (the /go.mod-only lines are not shipped code).</summary>
        private static List<InventoryPackage> ReadGo(string path)
        {
            var result = new List<InventoryPackage>();
            bool sum = Path.GetFileName(path).Equals("go.sum", StringComparison.OrdinalIgnoreCase);
            bool inRequire = false;
            foreach (string raw in File.ReadAllLines(path))
            {
                string line = Regex.Replace(raw, @"//.*$", string.Empty).Trim();
                string[] f = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
                if (sum)
                {
                    if (f.Length >= 2 && !f[1].EndsWith("/go.mod", StringComparison.Ordinal))
                    {
                        result.Add(new InventoryPackage { Name = f[0], Ecosystem = "Go", Version = f[1] });
                    }

                    continue;
                }

                if (line.StartsWith("require (", StringComparison.Ordinal) || line == "require(")
                {
                    inRequire = true;
                }
                else if (inRequire && line == ")")
                {
                    inRequire = false;
                }
                else if (inRequire && f.Length >= 2)
                {
                    result.Add(new InventoryPackage { Name = f[0], Ecosystem = "Go", Version = f[1] });
                }
                else if (f.Length >= 3 && f[0] == "require")
                {
                    result.Add(new InventoryPackage { Name = f[1], Ecosystem = "Go", Version = f[2] });
                }
            }

            return result.GroupBy(p => p.Name + "@" + p.Version).Select(g => g.First()).ToList();
        }

        /// <summary>Cargo.lock: every [[package]] with its name and version.</summary>
        private static List<InventoryPackage> ReadCargoLock(string path)
        {
            var result = new List<InventoryPackage>();
            string name = null, version = null;
            void Flush()
            {
                if (name != null && version != null)
                {
                    result.Add(new InventoryPackage { Name = name, Ecosystem = "crates.io", Version = version });
                }

                name = version = null;
            }

            foreach (string raw in File.ReadAllLines(path))
            {
                string line = raw.Trim();
                if (line.StartsWith("[", StringComparison.Ordinal))
                {
                    Flush();
                    continue;
                }

                Match m = Regex.Match(line, "^(name|version)\\s*=\\s*\"([^\"]*)\"");
                if (m.Success)
                {
                    if (m.Groups[1].Value == "name")
                    {
                        name = m.Groups[2].Value;
                    }
                    else
                    {
                        version = m.Groups[2].Value;
                    }
                }
            }

            Flush();
            return result;
        }

        private static SecurityOpsException Unreadable(string path, string what) =>
            new SecurityOpsException("InventoryFormatNotRecognized", FailureKind.InvalidData, path,
                $"{path} is {what}; give -Format (one of {string.Join(", ", Formats)}).");
    }
}
