using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// Each ecosystem's own version order: Gentoo (<see cref="GentooVersion"/>), SemVer 2.0 for Go modules, crates and
    /// npm (SemVer 2.0.0 precedence, <see cref="SemVerKey"/>; Go's leading "v" allowed), PEP 440 for PyPI (<see cref="Pep440Version"/>). An ecosystem
    /// without a known order has none: its ranges are reported as not evaluated rather than guessed.
    /// </summary>
    internal static class VersionSchemes
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
                    return SemVerKey.TryParse(text);
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

        /// <summary>
        /// SemVer 2.0.0 precedence (semver.org, item 11): major.minor.patch numerically; a pre-release is lower than the
        /// release; pre-release identifiers compared one by one, numeric ones numerically and lower than alphanumeric
        /// ones, a longer list greater when all before are equal; build metadata ignored.
        /// </summary>
        internal sealed class SemVerKey : IComparable
        {
            private static readonly System.Text.RegularExpressions.Regex Pattern = new System.Text.RegularExpressions.Regex(
                @"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$",
                System.Text.RegularExpressions.RegexOptions.Compiled | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

            private readonly string[] core;
            private readonly string[] pre;

            private SemVerKey(string[] core, string[] pre)
            {
                this.core = core;
                this.pre = pre;
            }

            public static SemVerKey TryParse(string text)
            {
                var m = Pattern.Match(text);
                return m.Success
                    ? new SemVerKey(new[] { m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value }, m.Groups[4].Success ? m.Groups[4].Value.Split('.') : null)
                    : null;
            }

            public int CompareTo(object obj)
            {
                var other = (SemVerKey)obj;
                for (int i = 0; i < 3; i++)
                {
                    int c = Numeric(core[i], other.core[i]);
                    if (c != 0)
                    {
                        return c;
                    }
                }

                if (pre == null || other.pre == null)
                {
                    return (pre == null ? 1 : 0) - (other.pre == null ? 1 : 0);
                }

                for (int i = 0; i < Math.Min(pre.Length, other.pre.Length); i++)
                {
                    bool an = pre[i].All(char.IsDigit), bn = other.pre[i].All(char.IsDigit);
                    int c = an && bn ? Numeric(pre[i], other.pre[i]) : an != bn ? (an ? -1 : 1) : Math.Sign(string.CompareOrdinal(pre[i], other.pre[i]));
                    if (c != 0)
                    {
                        return c;
                    }
                }

                return pre.Length.CompareTo(other.pre.Length);
            }

            private static int Numeric(string a, string b) =>
                a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));

            public override string ToString() => string.Join(".", core) + (pre == null ? string.Empty : "-" + string.Join(".", pre));
        }
    }

    /// <summary>A sorted order of versions for tests and callers: compares by a scheme, throws on a version it cannot read.</summary>
    internal sealed class SchemeVersionComparer : IComparer<string>
    {
        private readonly string scheme;

        public SchemeVersionComparer(string scheme) => this.scheme = scheme;

        public int Compare(string x, string y) =>
            VersionSchemes.TryCompare(scheme, x, y, out int order) ? order : throw new FormatException($"'{x}' or '{y}' is not a {scheme} version.");
    }
}
