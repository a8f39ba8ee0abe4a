using System;
using System.Collections.Generic;
using NuGet.Versioning;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// Each ecosystem's own version order: Gentoo (<see cref="GentooVersion"/>), SemVer 2.0 for Go modules, crates and
    /// npm (NuGet.Versioning's SemanticVersion; Go's leading "v" allowed), PEP 440 for PyPI (<see cref="Pep440Version"/>). An ecosystem
    /// without a known order has none: its ranges are reported as not evaluated rather than guessed.
    /// </summary>
    public static class VersionSchemes
    {
        public const string Gentoo = "gentoo";
        public const string SemVer = "semver";
        public const string Pep440 = "pep440";

        /// <summary>The canonical spelling of an ecosystem name (OSV's), or the name as given.</summary>
        public static string CanonicalEcosystem(string ecosystem)
        {
            if (string.IsNullOrWhiteSpace(ecosystem))
            {
                return null;
            }

            switch (ecosystem.Trim().ToLowerInvariant())
            {
                case "gentoo":
                case "ebuild":
                    return "Gentoo";
                case "go":
                case "golang":
                    return "Go";
                case "crates.io":
                case "cargo":
                case "crates":
                case "rust":
                    return "crates.io";
                case "pypi":
                case "python":
                    return "PyPI";
                case "npm":
                    return "npm";
                default:
                    return ecosystem.Trim();
            }
        }

        /// <summary>The version order an ecosystem's ECOSYSTEM ranges use; null when the module knows none.</summary>
        public static string SchemeFor(string ecosystem)
        {
            switch (CanonicalEcosystem(ecosystem))
            {
                case "Gentoo":
                    return Gentoo;
                case "Go":
                case "crates.io":
                case "npm":
                    return SemVer;
                case "PyPI":
                    return Pep440;
                default:
                    return null;
            }
        }

        /// <summary>Parses a version in a scheme; null when it is not one.</summary>
        public static IComparable Parse(string scheme, string version)
        {
            if (string.IsNullOrWhiteSpace(version))
            {
                return null;
            }

            switch (scheme)
            {
                case Gentoo:
                    return GentooVersion.TryParse(version, out GentooVersion g) ? g : null;
                case Pep440:
                    return Pep440Version.TryParse(version, out Pep440Version p) ? p : null;
                case SemVer:
                    string text = version.Trim();
                    text = text.StartsWith("v", StringComparison.Ordinal) ? text.Substring(1) : text;
                    return SemanticVersion.TryParse(text, out SemanticVersion s) ? new SemVerKey(s) : null;
                default:
                    return null;
            }
        }

        /// <summary>Compares two versions of a scheme; false when either does not parse.</summary>
        public static bool TryCompare(string scheme, string a, string b, out int order)
        {
            order = 0;
            IComparable x = Parse(scheme, a), y = Parse(scheme, b);
            if (x == null || y == null)
            {
                return false;
            }

            order = Math.Sign(x.CompareTo(y));
            return true;
        }

        /// <summary>SemVer by precedence (build metadata ignored), as the specification orders it.</summary>
        private sealed class SemVerKey : IComparable
        {
            private readonly SemanticVersion version;

            public SemVerKey(SemanticVersion version) => this.version = version;

            public int CompareTo(object obj) => VersionComparer.Default.Compare(version, ((SemVerKey)obj).version);

            public override string ToString() => version.ToString();
        }
    }

    /// <summary>A sorted order of versions for tests and callers: compares by a scheme, throws on a version it cannot read.</summary>
    public sealed class SchemeVersionComparer : IComparer<string>
    {
        private readonly string scheme;

        public SchemeVersionComparer(string scheme) => this.scheme = scheme;

        public int Compare(string x, string y) =>
            VersionSchemes.TryCompare(scheme, x, y, out int order) ? order : throw new FormatException($"'{x}' or '{y}' is not a {scheme} version.");
    }
}
