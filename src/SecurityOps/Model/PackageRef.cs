using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace SecurityOps.Model
{
    /// <summary>An affected package: its name and the ecosystem it lives in (Gentoo, Go, crates.io, PyPI...).</summary>
    public sealed class PackageRef : IEquatable<PackageRef>
    {
        public PackageRef()
        {
        }

        public PackageRef(string name, string ecosystem = null)
        {
            Name = name;
            Ecosystem = ecosystem;
        }

        public string Name { get; set; }

        public string Ecosystem { get; set; }

        /// <summary>GLSA-style vulnerable ranges, "op version[:slot]" (lt, le, gt, ge, eq, rlt, rle, rgt, rge): vulnerable when one matches...</summary>
        public List<string> Vulnerable { get; set; }

        /// <summary>...and no unaffected range does.</summary>
        public List<string> Unaffected { get; set; }

        /// <summary>OSV ranges (SEMVER, ECOSYSTEM, GIT) with their introduced / fixed / last_affected events.</summary>
        public List<AffectedRange> Ranges { get; set; }

        /// <summary>OSV's explicit list of affected versions.</summary>
        public List<string> Versions { get; set; }

        /// <summary>True when the advisory said which versions are affected.</summary>
        [JsonIgnore]
        public bool HasVersionData =>
            (Vulnerable?.Count ?? 0) + (Unaffected?.Count ?? 0) + (Ranges?.Count ?? 0) + (Versions?.Count ?? 0) > 0;

        /// <summary>Takes the other's version data when this one has none; true when anything was taken.</summary>
        public bool TakeVersionData(PackageRef other)
        {
            if (HasVersionData || other == null || !other.HasVersionData)
            {
                return false;
            }

            Vulnerable = other.Vulnerable?.ToList();
            Unaffected = other.Unaffected?.ToList();
            Ranges = other.Ranges?.ToList();
            Versions = other.Versions?.ToList();
            return true;
        }

        /// <summary>Accepts "name" or "ecosystem:name" is ambiguous with Gentoo atoms, so only "name@ecosystem" splits.</summary>
        public static PackageRef Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            text = text.Trim();
            int at = text.LastIndexOf('@');
            return at > 0 && at < text.Length - 1
                ? new PackageRef(text.Substring(0, at), text.Substring(at + 1))
                : new PackageRef(text);
        }

        public bool Equals(PackageRef other) =>
            other != null &&
            string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(Ecosystem ?? string.Empty, other.Ecosystem ?? string.Empty, StringComparison.OrdinalIgnoreCase);

        public override bool Equals(object obj) => Equals(obj as PackageRef);

        public override int GetHashCode() =>
            StringComparer.OrdinalIgnoreCase.GetHashCode(Name ?? string.Empty) ^
            StringComparer.OrdinalIgnoreCase.GetHashCode(Ecosystem ?? string.Empty);

        public override string ToString() => string.IsNullOrEmpty(Ecosystem) ? Name : $"{Name} ({Ecosystem})";
    }
}
