using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>One OSV document with what the cmdlet reports about it.</summary>
    internal sealed class OsvDocument
    {
        public string Id { get; set; }

        public string CaseId { get; set; }

        public List<string> CveIds { get; set; } = new List<string>();

        public List<string> Packages { get; set; } = new List<string>();

        public DateTimeOffset Modified { get; set; }

        public JsonObject Json { get; set; }

        /// <summary>True when the id comes from the configured prefix (not a GHSA id).</summary>
        public bool IdFromPrefix { get; set; }

        /// <summary>What the document could not state exactly (affected-version entries OSV has no events for).</summary>
        public List<string> Notes { get; set; } = new List<string>();
    }

    /// <summary>
    /// Turns a public case or a tracked CVE record into an OSV document (schema 1.7): id, aliases, summary, details,
    /// CVSS severity, the project's package with its affected versions and ranges (<see cref="OsvAffected"/>),
    /// references and credits. A case's id is its GitHub advisory's GHSA id when it has one, else the configured
    /// prefix's PREFIX-YYYY-NNNN; a CVE record's is PREFIX-CVE-YYYY-NNNN. Callers pass the public gate first; this class
    /// only maps.
    /// </summary>
    internal static class OsvDocumentBuilder
    {
        private static readonly Regex CaseIdPattern = new Regex(@"^SEC-(?<rest>\d{4}-\d{4,})$", RegexOptions.CultureInvariant);

        private static readonly Dictionary<string, string> PurlTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Go"] = "golang", ["crates.io"] = "cargo", ["PyPI"] = "pypi", ["npm"] = "npm", ["NuGet"] = "nuget",
            ["RubyGems"] = "gem", ["Packagist"] = "composer", ["Hex"] = "hex", ["Pub"] = "pub", ["Maven"] = "maven",
        };

        public static string IdForCase(string prefix, string caseId) => prefix + "-" + CaseIdPattern.Match(caseId).Groups["rest"].Value;

        public static string IdForCve(string prefix, string cveId) => prefix + "-" + cveId;

        /// <summary>The GHSA id of the case's GitHub advisory (from the advisory, else its URL); null when it has none.</summary>
        public static string GhsaIdOf(VulnerabilityCase c)
        {
            string ghsa = c.GhsaId ?? (c.AdvisoryUrl == null ? null : ReleaseNoteBuilder.AdvisoryLabel(c.AdvisoryUrl));
            return ghsa != null && ghsa.StartsWith("GHSA-", StringComparison.Ordinal) ? ghsa : null;
        }

        private static string RequirePrefix(OsvSettings settings, string subject)
        {
            if (string.IsNullOrWhiteSpace(settings.IdPrefix))
            {
                throw new SecurityOpsException("OsvIdUnavailable", FailureKind.InvalidData, subject,
                    $"{subject} has no GitHub advisory (GHSA id) to name its OSV record after, and osv.idPrefix is not set: " +
                    "publish its advisory, or set osv.idPrefix in securityops.yaml to the home-database prefix the project registered with OSV.");
            }

            return settings.IdPrefix.Trim();
        }

        public static OsvDocument FromCase(VulnerabilityCase c, OsvSettings settings, DateTimeOffset now)
        {
            string ghsaId = GhsaIdOf(c);
            string id = ghsaId ?? IdForCase(RequirePrefix(settings, c.Id), c.Id);
            DateTimeOffset modified = c.Timeline.Count > 0 ? c.Timeline.Max(e => e.At) : c.ReceivedAt;
            DateTimeOffset? published = c.PlannedPublicDate ?? c.FirstReached(CaseStatus.Released, CaseStatus.Disclosed);
            var doc = Start(id, modified, published);

            var aliases = new List<string>();
            if (c.CveId != null)
            {
                aliases.Add(c.CveId);
            }

            if (ghsaId != null && ghsaId != id)
            {
                aliases.Add(ghsaId);
            }

            AddStrings(doc, "aliases", aliases);
            doc["summary"] = c.Summary ?? id;
            string details = string.Join("\n\n", new[] { c.Summary, c.Impact, c.Mitigation == null ? null : "Mitigation: " + c.Mitigation }
                .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()));
            if (details.Length > 0)
            {
                doc["details"] = details;
            }

            AddSeverity(doc, c.CvssVector);
            string package = string.IsNullOrWhiteSpace(settings.Package) ? c.Component : settings.Package;
            var notes = new List<string>();
            var packages = AddAffected(doc, settings.Ecosystem, package, c.FixedIn, c.AffectedVersions, id, notes);

            var refs = new JsonArray();
            AddRef(refs, "ADVISORY", c.AdvisoryUrl);
            if (c.CveId != null)
            {
                AddRef(refs, "ADVISORY", ReleaseNoteBuilder.CveLinkBase + c.CveId);
            }

            foreach (string link in c.FixedBy)
            {
                AddRef(refs, "FIX", link);
            }

            foreach (string link in c.IntroducedBy)
            {
                AddRef(refs, "INTRODUCED", link);
            }

            if (refs.Count > 0)
            {
                doc["references"] = refs;
            }

            if (c.Credits.Count > 0)
            {
                doc["credits"] = new JsonArray(c.Credits.Select(n => (JsonNode)new JsonObject { ["name"] = n }).ToArray());
            }

            var specific = new JsonObject { ["source"] = "SecurityOps", ["case"] = c.Id };
            if (c.Severity != null)
            {
                specific["severity"] = c.Severity;
            }

            if (c.FixedIn != null)
            {
                specific["fixed_in"] = c.FixedIn;
            }

            doc["database_specific"] = specific;
            return new OsvDocument
            {
                Id = id,
                CaseId = c.Id,
                CveIds = c.CveId == null ? new List<string>() : new List<string> { c.CveId },
                Packages = packages,
                Modified = modified,
                Json = doc,
                IdFromPrefix = ghsaId == null,
                Notes = notes,
            };
        }

        public static OsvDocument FromRecord(CveRecord r, OsvSettings settings, DateTimeOffset now)
        {
            string id = IdForCve(RequirePrefix(settings, r.CveId), r.CveId);
            DateTimeOffset modified = r.LastUpdated ?? r.FirstSeen ?? now;
            var doc = Start(id, modified, r.FirstSeen);
            AddStrings(doc, "aliases", new[] { r.CveId });
            doc["summary"] = r.Title ?? FirstLine(r.Summary) ?? r.CveId;
            if (!string.IsNullOrWhiteSpace(r.Summary))
            {
                doc["details"] = r.Summary.Trim();
            }

            AddSeverity(doc, r.CvssVector);
            if (!string.IsNullOrWhiteSpace(settings.Package))
            {
                AddAffected(doc, settings.Ecosystem, settings.Package, r.FixedIn, null, id, new List<string>());
            }

            var packages = RecordPackages(settings);

            var refs = new JsonArray();
            AddRef(refs, "ADVISORY", ReleaseNoteBuilder.CveLinkBase + r.CveId);
            foreach (CveSighting s in r.Sources)
            {
                AddRef(refs, "ADVISORY", s.Link);
            }

            foreach (string link in r.References)
            {
                AddRef(refs, "WEB", link);
            }

            AddRef(refs, "REPORT", r.Issue?.Url);
            doc["references"] = refs;

            var specific = new JsonObject { ["source"] = "SecurityOps", ["status"] = r.Status };
            if (r.FixedIn != null)
            {
                specific["fixed_in"] = r.FixedIn;
            }

            if (r.Packages.Count > 0)
            {
                // The upstream packages the team tracks (a distribution's Gentoo atoms have no OSV ecosystem).
                specific["packages"] = new JsonArray(r.Packages.Select(p => (JsonNode)new JsonObject
                {
                    ["name"] = p.Name,
                    ["ecosystem"] = p.Ecosystem,
                }).ToArray());
            }

            doc["database_specific"] = specific;
            return new OsvDocument { Id = id, CveIds = new List<string> { r.CveId }, Packages = packages, Modified = modified, Json = doc, IdFromPrefix = true };
        }

        /// <summary>The packages a CVE record's document names (the settings' package, the same for every record).</summary>
        public static List<string> RecordPackages(OsvSettings settings) =>
            string.IsNullOrWhiteSpace(settings.Package) || string.IsNullOrWhiteSpace(settings.Ecosystem)
                ? new List<string>()
                : new List<string> { settings.Ecosystem.Trim() + "/" + settings.Package.Trim() };

        public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>"pkg:golang/github.com/org/project" for the ecosystems purl knows; null otherwise.</summary>
        public static string Purl(string ecosystem, string name)
        {
            if (ecosystem == null || name == null || !PurlTypes.TryGetValue(ecosystem, out string type))
            {
                return null;
            }

            string path = string.Join("/", name.Replace(':', '/').Split('/').Select(Uri.EscapeDataString));
            return $"pkg:{type}/{(type == "pypi" ? path.ToLowerInvariant().Replace('_', '-') : path)}";
        }

        private static JsonObject Start(string id, DateTimeOffset modified, DateTimeOffset? published)
        {
            var doc = new JsonObject
            {
                ["schema_version"] = OsvSchemaValidator.SchemaVersion,
                ["id"] = id,
                ["modified"] = Timestamp(modified),
            };
            if (published != null)
            {
                doc["published"] = Timestamp(published.Value);
            }

            return doc;
        }

        private static void AddStrings(JsonObject doc, string name, IEnumerable<string> values)
        {
            var list = values.Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList();
            if (list.Count > 0)
            {
                doc[name] = new JsonArray(list.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            }
        }

        private static void AddSeverity(JsonObject doc, string vector)
        {
            string type = vector == null ? null
                : vector.StartsWith("CVSS:3.", StringComparison.Ordinal) ? "CVSS_V3"
                : vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal) ? "CVSS_V4"
                : null;
            if (type != null)
            {
                doc["severity"] = new JsonArray(new JsonObject { ["type"] = type, ["score"] = vector.Trim() });
            }
        }

        private static List<string> AddAffected(JsonObject doc, string ecosystem, string package, string fixedIn, IList<string> versions, string id, List<string> notes)
        {
            if (string.IsNullOrWhiteSpace(ecosystem) || string.IsNullOrWhiteSpace(package))
            {
                return new List<string>();
            }

            var pkg = new JsonObject { ["ecosystem"] = ecosystem.Trim(), ["name"] = package.Trim() };
            string purl = Purl(ecosystem.Trim(), package.Trim());
            if (purl != null)
            {
                pkg["purl"] = purl;
            }

            var affected = new JsonObject { ["package"] = pkg };
            OsvAffected.Mapping mapping = OsvAffected.Map(ecosystem.Trim(), versions, fixedIn, id);
            OsvAffected.Write(affected, mapping);
            foreach (string entry in mapping.Unmapped)
            {
                notes.Add($"{id}: the affected versions '{entry}' have no exact OSV range events; kept in affected[0].database_specific.unmapped_ranges.");
            }

            doc["affected"] = new JsonArray(affected);
            return new List<string> { ecosystem.Trim() + "/" + package.Trim() };
        }

        private static void AddRef(JsonArray refs, string type, string url)
        {
            if (string.IsNullOrWhiteSpace(url) || refs.Any(r => (string)r["url"] == url.Trim()))
            {
                return;
            }

            refs.Add(new JsonObject { ["type"] = type, ["url"] = url.Trim() });
        }

        private static string FirstLine(string text) =>
            string.IsNullOrWhiteSpace(text) ? null : text.Trim().Split('\n')[0].Trim();
    }
}
