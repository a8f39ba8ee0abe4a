using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;

namespace SecurityOps.Inventory
{
    /// <summary>Whether one shipped version falls in an advisory's ranges.</summary>
    internal enum RangeVerdict
    {
        NotAffected,
        Affected,
        Unknown,
    }

    /// <summary>
    /// Matches a shipped version against what an advisory says of a package: GLSA vulnerable / unaffected ranges in
    /// Gentoo's order (vulnerable when a vulnerable range matches and no unaffected one does; the r-operators compare
    /// revisions of the same version), or OSV ranges (SEMVER; ECOSYSTEM in the package's ecosystem's order) and
    /// explicit version lists. A range type or an ecosystem whose order the module does not know gives Unknown with
    /// the reason, never a guess.
    /// </summary>
    internal static class RangeMatcher
    {
        public static (RangeVerdict Verdict, string Reason) Match(PackageRef advisory, string version)
        {
            if (advisory == null || !advisory.HasVersionData)
            {
                return (RangeVerdict.Unknown, "the advisory gives no version range");
            }

            if (string.IsNullOrWhiteSpace(version))
            {
                return (RangeVerdict.Unknown, "the inventory gives no version");
            }

            if ((advisory.Vulnerable?.Count ?? 0) + (advisory.Unaffected?.Count ?? 0) > 0)
            {
                return MatchGlsa(advisory, version);
            }

            return MatchOsv(advisory, version);
        }

        private static (RangeVerdict, string) MatchGlsa(PackageRef advisory, string version)
        {
            if (!GentooVersion.TryParse(StripSlot(version, out _), out GentooVersion shipped))
            {
                return (RangeVerdict.Unknown, $"'{version}' is not a Gentoo version");
            }

            bool? vulnerable = AnyMatch(advisory.Vulnerable, shipped, out string badV);
            bool? unaffected = AnyMatch(advisory.Unaffected, shipped, out string badU);
            if (vulnerable == null || unaffected == null)
            {
                return (RangeVerdict.Unknown, $"range '{badV ?? badU}' is not understood");
            }

            if (vulnerable == true && unaffected == false)
            {
                return (RangeVerdict.Affected, $"{version} is in the vulnerable range ({string.Join(", ", advisory.Vulnerable ?? new List<string>())})");
            }

            return (RangeVerdict.NotAffected, unaffected == true
                ? $"{version} is unaffected ({string.Join(", ", advisory.Unaffected)})"
                : $"{version} is outside the vulnerable range ({string.Join(", ", advisory.Vulnerable ?? new List<string>())})");
        }

        /// <summary>True when any range matches, false when none does, null when one cannot be read.</summary>
        private static bool? AnyMatch(List<string> ranges, GentooVersion shipped, out string bad)
        {
            bad = null;
            bool any = false;
            foreach (string range in ranges ?? new List<string>())
            {
                bool? m = GlsaRangeMatches(range, shipped);
                if (m == null)
                {
                    bad = range;
                    return null;
                }

                any |= m.Value;
            }

            return any;
        }

        /// <summary>One GLSA range, "op version[:slot]"; null when it cannot be read.</summary>
        public static bool? GlsaRangeMatches(string range, GentooVersion shipped)
        {
            string[] parts = (range ?? string.Empty).Trim().Split(new[] { ' ' }, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                return null;
            }

            string op = parts[0].ToLowerInvariant();
            string text = StripSlot(parts[1].Trim(), out _);
            bool wildcard = op == "eq" && text.EndsWith("*", StringComparison.Ordinal);
            if (wildcard)
            {
                // "eq 1.2*": every version starting with 1.2 (as glsa-check reads it).
                return shipped.Text.StartsWith(text.TrimEnd('*'), StringComparison.Ordinal);
            }

            if (!GentooVersion.TryParse(text, out GentooVersion bound))
            {
                return null;
            }

            if (op.StartsWith("r", StringComparison.Ordinal))
            {
                // Revision operators: the same version, any revision on the given side.
                if (shipped.WithoutRevision.CompareTo(bound.WithoutRevision) != 0)
                {
                    return false;
                }

                op = op.Substring(1);
            }

            int c = shipped.CompareTo(bound);
            switch (op)
            {
                case "lt": return c < 0;
                case "le": return c <= 0;
                case "gt": return c > 0;
                case "ge": return c >= 0;
                case "eq": return c == 0;
                default: return null;
            }
        }

        private static string StripSlot(string version, out string slot)
        {
            int colon = version.IndexOf(':');
            slot = colon < 0 ? null : version.Substring(colon + 1);
            return colon < 0 ? version : version.Substring(0, colon);
        }

        private static (RangeVerdict, string) MatchOsv(PackageRef advisory, string version)
        {
            string ecosystemScheme = VersionSchemes.SchemeFor(advisory.Ecosystem);
            if (advisory.Versions?.Count > 0)
            {
                bool listed = advisory.Versions.Any(v => v == version ||
                    (ecosystemScheme != null && VersionSchemes.TryCompare(ecosystemScheme, v, version, out int o) && o == 0));
                if (listed)
                {
                    return (RangeVerdict.Affected, $"{version} is listed as affected");
                }
            }

            var unknown = new List<string>();
            bool evaluated = false;
            foreach (AffectedRange range in advisory.Ranges ?? new List<AffectedRange>())
            {
                string type = (range.Type ?? string.Empty).ToUpperInvariant();
                string scheme = type == "SEMVER" ? VersionSchemes.SemVer : type == "ECOSYSTEM" ? ecosystemScheme : null;
                if (scheme == null)
                {
                    unknown.Add(type == "ECOSYSTEM" ? $"ECOSYSTEM range of {advisory.Ecosystem ?? "no ecosystem"} (no known version order)" : $"{type} range (not evaluated)");
                    continue;
                }

                bool? inRange = InOsvRange(scheme, range, version);
                if (inRange == null)
                {
                    unknown.Add($"{type} range with a version that is not {scheme}");
                    continue;
                }

                evaluated = true;
                if (inRange.Value)
                {
                    return (RangeVerdict.Affected, $"{version} is in the affected range ({Describe(range)})");
                }
            }

            if (unknown.Count > 0)
            {
                return (RangeVerdict.Unknown, string.Join("; ", unknown));
            }

            return evaluated || advisory.Versions?.Count > 0
                ? (RangeVerdict.NotAffected, $"{version} is outside the affected range{(advisory.Ranges?.Count > 0 ? " (" + string.Join("; ", advisory.Ranges.Select(Describe)) + ")" : " (not in the listed versions)")}")
                : (RangeVerdict.Unknown, "the advisory gives no version range");
        }

        /// <summary>The OSV specification's evaluation: events in version order, introduced opens, fixed / last_affected close.</summary>
        internal static bool? InOsvRange(string scheme, AffectedRange range, string version)
        {
            IComparable v = VersionSchemes.Parse(scheme, version);
            if (v == null)
            {
                return null;
            }

            var events = new List<(IComparable At, int Kind)>(); // Kind: 0 introduced, 1 fixed, 2 last_affected
            foreach (RangeEvent e in range.Events ?? new List<RangeEvent>())
            {
                if (e.Introduced != null)
                {
                    IComparable at = e.Introduced == "0" ? null : VersionSchemes.Parse(scheme, e.Introduced);
                    if (at == null && e.Introduced != "0")
                    {
                        return null;
                    }

                    events.Add((at, 0));
                }
                else if (e.Fixed != null || e.LastAffected != null)
                {
                    IComparable at = VersionSchemes.Parse(scheme, e.Fixed ?? e.LastAffected);
                    if (at == null)
                    {
                        return null;
                    }

                    events.Add((at, e.Fixed != null ? 1 : 2));
                }
            }

            events.Sort((a, b) => a.At == null ? (b.At == null ? 0 : -1) : b.At == null ? 1 : a.At.CompareTo(b.At));
            bool affected = false;
            foreach (var (at, kind) in events)
            {
                int c = at == null ? 1 : v.CompareTo(at);
                if (kind == 0 && c >= 0)
                {
                    affected = true;
                }
                else if (kind == 1 && c >= 0)
                {
                    affected = false;
                }
                else if (kind == 2 && c > 0)
                {
                    affected = false;
                }
            }

            return affected;
        }

        private static string Describe(AffectedRange range) =>
            string.Join(", ", (range.Events ?? new List<RangeEvent>()).Select(e =>
                e.Introduced != null ? "introduced " + e.Introduced : e.Fixed != null ? "fixed " + e.Fixed : e.LastAffected != null ? "last affected " + e.LastAffected : "limit " + e.Limit));
    }
}
