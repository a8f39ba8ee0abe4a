using System;
using System.Text.RegularExpressions;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// How a package is known across sources: a key of canonical ecosystem and name (PyPI names normalized as PEP 503
    /// says, Go and Gentoo names as written, others case-insensitive), and package URLs (purl) read into one.
    /// </summary>
    internal static class PackageNames
    {
        private static readonly Regex PypiSeparators = new Regex(@"[-_.]+", RegexOptions.Compiled);

        public static string Key(string ecosystem, string name)
        {
            string eco = VersionSchemes.CanonicalEcosystem(ecosystem) ?? string.Empty;
            string n = (name ?? string.Empty).Trim();
            n = eco == "PyPI" ? PypiSeparators.Replace(n.ToLowerInvariant(), "-") : eco == "Go" ? n : n.ToLowerInvariant();
            return eco.ToLowerInvariant() + "|" + n;
        }

        /// <summary>The name alone (for an advisory package that names no ecosystem).</summary>
        public static string NameKey(string name) => (name ?? string.Empty).Trim().ToLowerInvariant();

        /// <summary>
        /// Reads pkg:type/namespace/name@version into an ecosystem, a name in that ecosystem's spelling and a version
        /// (golang -> Go "namespace/name", cargo -> crates.io, pypi -> PyPI, npm -> npm "@scope/name", ebuild/gentoo ->
        /// Gentoo "category/name"). False when it is not a purl.
        /// </summary>
        public static bool TryParsePurl(string purl, out string ecosystem, out string name, out string version)
        {
            ecosystem = name = version = null;
            if (string.IsNullOrWhiteSpace(purl) || !purl.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            string rest = purl.Substring(4);
            int cut = rest.IndexOfAny(new[] { '?', '#' });
            if (cut >= 0)
            {
                rest = rest.Substring(0, cut);
            }

            int at = rest.LastIndexOf('@');
            if (at > 0 && rest.IndexOf('/', at) < 0)
            {
                version = Uri.UnescapeDataString(rest.Substring(at + 1));
                rest = rest.Substring(0, at);
            }

            int slash = rest.IndexOf('/');
            if (slash <= 0)
            {
                return false;
            }

            string type = rest.Substring(0, slash).ToLowerInvariant();
            string path = Uri.UnescapeDataString(rest.Substring(slash + 1).Trim('/'));
            switch (type)
            {
                case "golang":
                    ecosystem = "Go";
                    break;
                case "cargo":
                    ecosystem = "crates.io";
                    break;
                case "pypi":
                    ecosystem = "PyPI";
                    break;
                case "npm":
                    ecosystem = "npm";
                    break;
                case "ebuild":
                case "gentoo":
                    ecosystem = "Gentoo";
                    break;
                default:
                    ecosystem = type;
                    break;
            }

            name = path;
            return name.Length > 0;
        }
    }
}
