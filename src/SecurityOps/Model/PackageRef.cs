using System;

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
