using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// A case's affected versions as OSV wants them: concrete versions ("1.3.0", "= 1.3.0") in <c>versions</c>, ranges
    /// ("&lt; 1.4.2", "&gt;= 1.2.0, &lt; 1.4.2", "&lt;= 1.3.9", "1.2.0 - 1.3.9") in <c>ranges</c> as introduced / fixed /
    /// last_affected events, one range object per interval, of the ecosystem's type: SEMVER for Go, crates.io and npm
    /// (versions without a leading "v", which SemVer 2.0 must then be), ECOSYSTEM otherwise. What OSV cannot state
    /// exactly ("&gt; 1.2.0", "!= 1.3.0") is kept, verbatim, in the package's database_specific and reported.
    /// </summary>
    internal static class OsvAffected
    {
        private static readonly Regex SemVer = new Regex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex Constraint = new Regex(@"(?<op><=|>=|==|!=|<|>|=)?\s*(?<v>[^\s,<>=!|&]+)", RegexOptions.CultureInvariant);
        private static readonly Regex Hyphen = new Regex(@"^\s*(?<a>[^\s<>=!]+)\s+-\s+(?<b>[^\s<>=!]+)\s*$", RegexOptions.CultureInvariant);
        private static readonly HashSet<string> SemVerEcosystems = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Go", "crates.io", "npm" };

        /// <summary>One interval: introduced (inclusive, "0" for the beginning), then fixed (exclusive) or last_affected (inclusive).</summary>
        public sealed class Interval
        {
            public string Introduced { get; set; } = "0";

            public string Fixed { get; set; }

            public string LastAffected { get; set; }
        }

        /// <summary>What one package's affected versions become.</summary>
        public sealed class Mapping
        {
            public string RangeType { get; set; }

            public List<string> Versions { get; } = new List<string>();

            public List<Interval> Ranges { get; } = new List<Interval>();

            /// <summary>The entries OSV cannot express exactly, kept verbatim.</summary>
            public List<string> Unmapped { get; } = new List<string>();
        }

        /// <summary>SEMVER for Go, crates.io and npm; ECOSYSTEM for every other ecosystem.</summary>
        public static string RangeType(string ecosystem) =>
            SemVerEcosystems.Contains((ecosystem ?? string.Empty).Split(':')[0].Trim()) ? "SEMVER" : "ECOSYSTEM";

        /// <summary>
        /// Maps the affected-version entries; <paramref name="fixedIn"/> closes the last open-ended range, or, when
        /// there are no entries at all, makes the range "introduced 0, fixed in". Throws OsvVersionInvalid for a
        /// version a SEMVER range cannot hold.
        /// </summary>
        public static Mapping Map(string ecosystem, IEnumerable<string> affected, string fixedIn, string id)
        {
            var mapping = new Mapping { RangeType = RangeType(ecosystem) };
            bool semver = mapping.RangeType == "SEMVER";
            string Version(string v) => semver ? RequireSemVer(v, ecosystem, id) : v.Trim();

            var entries = (affected ?? Enumerable.Empty<string>())
                .SelectMany(e => (e ?? string.Empty).Split(new[] { "||" }, StringSplitOptions.None))
                .Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
            foreach (string entry in entries)
            {
                Match hyphen = Hyphen.Match(entry);
                if (hyphen.Success)
                {
                    mapping.Ranges.Add(new Interval { Introduced = Version(hyphen.Groups["a"].Value), LastAffected = Version(hyphen.Groups["b"].Value) });
                    continue;
                }

                var constraints = Constraint.Matches(entry).Cast<Match>().Select(m => (Op: m.Groups["op"].Value, V: m.Groups["v"].Value)).ToList();
                if (constraints.Count == 1 && (constraints[0].Op == string.Empty || constraints[0].Op == "=" || constraints[0].Op == "=="))
                {
                    string v = constraints[0].V.Trim();
                    if (semver)
                    {
                        RequireSemVer(v, ecosystem, id); // a concrete version is listed as written, but must be one
                    }

                    if (!mapping.Versions.Contains(v))
                    {
                        mapping.Versions.Add(v);
                    }

                    continue;
                }

                var interval = new Interval();
                bool exact = constraints.Count > 0;
                foreach (var (op, v) in constraints)
                {
                    switch (op)
                    {
                        case ">=":
                            interval.Introduced = Version(v);
                            break;
                        case "<":
                            interval.Fixed = Version(v);
                            break;
                        case "<=":
                            interval.LastAffected = Version(v);
                            break;
                        default: // ">" and "!=" have no OSV event; a bare version inside a range is not one either
                            exact = false;
                            break;
                    }
                }

                if (!exact || (interval.Fixed != null && interval.LastAffected != null))
                {
                    mapping.Unmapped.Add(entry);
                    continue;
                }

                mapping.Ranges.Add(interval);
            }

            if (!string.IsNullOrWhiteSpace(fixedIn))
            {
                Interval open = mapping.Ranges.LastOrDefault(r => r.Fixed == null && r.LastAffected == null);
                if (open != null)
                {
                    open.Fixed = Version(fixedIn);
                }
                else if (entries.Count == 0)
                {
                    mapping.Ranges.Add(new Interval { Fixed = Version(fixedIn) });
                }
            }

            return mapping;
        }

        /// <summary>The mapping written into an OSV affected[] entry.</summary>
        public static void Write(JsonObject affected, Mapping mapping)
        {
            if (mapping.Ranges.Count > 0)
            {
                affected["ranges"] = new JsonArray(mapping.Ranges.Select(r =>
                {
                    var events = new JsonArray(new JsonObject { ["introduced"] = r.Introduced });
                    if (r.Fixed != null)
                    {
                        events.Add(new JsonObject { ["fixed"] = r.Fixed });
                    }
                    else if (r.LastAffected != null)
                    {
                        events.Add(new JsonObject { ["last_affected"] = r.LastAffected });
                    }

                    return (JsonNode)new JsonObject { ["type"] = mapping.RangeType, ["events"] = events };
                }).ToArray());
            }

            if (mapping.Versions.Count > 0)
            {
                affected["versions"] = new JsonArray(mapping.Versions.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            }

            if (mapping.Unmapped.Count > 0)
            {
                affected["database_specific"] = new JsonObject
                {
                    ["unmapped_ranges"] = new JsonArray(mapping.Unmapped.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
                };
            }
        }

        private static string RequireSemVer(string version, string ecosystem, string id)
        {
            string bare = version.Trim();
            bare = bare.StartsWith("v", StringComparison.Ordinal) ? bare.Substring(1) : bare;
            if (bare == "0")
            {
                return bare;
            }

            if (!SemVer.IsMatch(bare))
            {
                throw new SecurityOpsException("OsvVersionInvalid", FailureKind.InvalidData, id,
                    $"{id}: '{version}' is not a SemVer 2.0 version (MAJOR.MINOR.PATCH), which OSV's SEMVER ranges for the {ecosystem} ecosystem need. " +
                    "Correct the case's -AffectedVersion or -FixedVersion (Set-VulnerabilityReport); nothing was written.");
            }

            return bare;
        }
    }
}
