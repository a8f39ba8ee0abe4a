using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>What Export-VexDocument wrote (or would write).</summary>
    internal sealed class VexDocumentFile
    {
        public string Path { get; set; }

        public string DocumentId { get; set; }

        public int Version { get; set; }

        public int Statements { get; set; }

        public int Affected { get; set; }

        public int NotAffected { get; set; }

        public int Fixed { get; set; }

        public int UnderInvestigation { get; set; }

        /// <summary>CVE records the public gate held back (their own embargo, or an embargoed case's CVE).</summary>
        public int LeftOut { get; set; }

        /// <summary>False when the file already held these statements (it was not rewritten).</summary>
        public bool Written { get; set; }

        public string Text { get; set; }
    }

    /// <summary>
    /// OpenVEX v0.2.0 from the relevance decisions: one statement per CVE record and product, a product being an
    /// inventory (a release channel or an image). affected (with an action statement), not_affected with its
    /// justification (component_not_present when the product does not ship the package, vulnerable_code_not_present
    /// when it ships a version outside the vulnerable range) or a person's impact statement, fixed for records marked
    /// fixed, under_investigation when the relevance is unknown. Every record passes the public gate first; the
    /// document is checked against the OpenVEX 0.2.0 rules shipped with the module before it is written.
    /// </summary>
    internal static class VexDocumentBuilder
    {
        public const string Context = "https://openvex.dev/ns/v0.2.0";
        /// <summary>The OpenVEX 0.2.0 rules shipped with the module (Resources/schemas).</summary>
        public const string SchemaFile = "schemas/openvex-0.2.0.schema.json";
        private static readonly Lazy<JsonSchema> Schema = new Lazy<JsonSchema>(() => JsonSchema.FromText(EmbeddedResources.ReadText(SchemaFile)));

        /// <summary>The product IRI of an inventory: pkg:generic/&lt;project&gt;@&lt;inventory&gt; (the inventory is the project's release line).</summary>
        public static string ProductId(string project, string inventory) =>
            $"pkg:generic/{Slug(project)}@{Uri.EscapeDataString(inventory)}";

        /// <param name="previous">The document now at the target path, if any: its version is raised when the statements change.</param>
        public static VexDocumentFile Build(IEnumerable<CveRecord> records, IReadOnlyList<PackageInventory> inventories, CveEmbargoes gate,
            string project, string author, DateTimeOffset now, string previous = null)
        {
            var statements = new JsonArray();
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            int leftOut = 0;
            foreach (CveRecord record in records.Where(r => r.Status != "rejected").OrderBy(r => r.CveId, CveIdComparer.Instance))
            {
                if (!gate.IsPublic(record))
                {
                    leftOut++;
                    continue;
                }

                foreach (PackageInventory inventory in inventories)
                {
                    JsonObject statement = Statement(record, inventory, project, now);
                    string status = (string)statement["status"];
                    counts[status] = counts.TryGetValue(status, out int n) ? n + 1 : 1;
                    statements.Add(statement);
                }
            }

            if (statements.Count == 0)
            {
                throw new SecurityOpsException("VexNothingToExport", FailureKind.ObjectNotFound, project,
                    leftOut > 0
                        ? $"Every selected CVE record is under embargo ({leftOut}); an OpenVEX document needs at least one statement."
                        : "No CVE record to state anything about: an OpenVEX document needs at least one statement.");
            }

            // The id follows the statements, so the same decisions keep the same document id and version.
            string body = statements.ToJsonString();
            string id = "urn:uuid:" + DeterministicGuid(project + "\n" + string.Join(",", inventories.Select(i => i.Name)));
            int version = 1;
            JsonObject old = TryParse(previous);
            if (old != null && (string)old["@id"] == id && old["version"] != null)
            {
                bool same = old["statements"]?.ToJsonString() == body;
                version = (int)old["version"] + (same ? 0 : 1);
                if (same)
                {
                    return Result(previous, id, version, counts, statements.Count, leftOut, written: false);
                }
            }

            var document = new JsonObject
            {
                ["@context"] = Context,
                ["@id"] = id,
                ["author"] = author,
                ["role"] = "Document Creator",
                ["timestamp"] = Time(now),
                ["version"] = version,
                ["tooling"] = "SecurityOps " + (typeof(VexDocumentBuilder).Assembly.GetName().Version?.ToString(3) ?? "0"),
                ["statements"] = statements,
            };
            string text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
            Validate(text);
            return Result(text, id, version, counts, statements.Count, leftOut, written: true);
        }

        /// <summary>Checks a document against the OpenVEX 0.2.0 rules; VexDocumentInvalid names the first broken rule.</summary>
        public static void Validate(string text)
        {
            EvaluationResults results = Schema.Value.Evaluate(JsonNode.Parse(text), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            if (!results.IsValid)
            {
                var first = results.Details?.FirstOrDefault(d => d.Errors != null && d.Errors.Count > 0);
                string where = first == null ? "the document" : first.InstanceLocation.ToString();
                string why = first == null ? "invalid" : string.Join("; ", first.Errors.Values);
                throw new SecurityOpsException("VexDocumentInvalid", FailureKind.InvalidData, where, $"The OpenVEX document breaks the 0.2.0 rules at {where}: {why}");
            }
        }

        private static JsonObject Statement(CveRecord record, PackageInventory inventory, string project, DateTimeOffset now)
        {
            var statement = new JsonObject
            {
                ["vulnerability"] = new JsonObject { ["@id"] = "https://www.cve.org/CVERecord?id=" + record.CveId, ["name"] = record.CveId },
                ["timestamp"] = Time(record.Relevance?.DecidedAt ?? record.LastUpdated ?? now),
            };
            var findings = (record.Relevance?.Findings ?? new List<RelevanceFinding>()).Where(f => string.Equals(f.Inventory, inventory.Name, StringComparison.Ordinal)).ToList();
            var product = new JsonObject { ["@id"] = ProductId(project, inventory.Name) };
            var shipped = findings.Where(f => f.Version != null)
                .Select(f => inventory.Packages.FirstOrDefault(p => p.Name == f.Package && p.Version == f.Version)?.Purl)
                .Where(p => !string.IsNullOrEmpty(p)).Distinct(StringComparer.Ordinal).ToList();
            if (shipped.Count > 0)
            {
                product["subcomponents"] = new JsonArray(shipped.Select(p => (JsonNode)new JsonObject { ["@id"] = p }).ToArray());
            }

            statement["products"] = new JsonArray(product);
            string relevance = record.Relevance?.State ?? CveRelevance.Unknown;
            bool manual = record.Relevance?.Manual == true;
            if (record.Status == "fixed" && relevance != CveRelevance.NotAffected)
            {
                statement["status"] = "fixed";
                statement["status_notes"] = record.FixedIn != null ? $"Fixed in {record.FixedIn}." : "Fixed.";
            }
            else if (record.Status == "not-affected" && !manual && relevance != CveRelevance.NotAffected)
            {
                statement["status"] = "not_affected";
                statement["impact_statement"] = Line(record.Notes) ?? "The security team triaged this CVE as not affecting the product.";
            }
            else if (manual)
            {
                string reason = record.Relevance.Reason;
                switch (relevance)
                {
                    case CveRelevance.Affected:
                        statement["status"] = "affected";
                        statement["action_statement"] = Action(record, reason);
                        break;
                    case CveRelevance.NotAffected:
                        statement["status"] = "not_affected";
                        statement["impact_statement"] = reason;
                        break;
                    default:
                        statement["status"] = "under_investigation";
                        statement["status_notes"] = reason;
                        break;
                }
            }
            else if (findings.Any(f => f.State == CveRelevance.Affected))
            {
                statement["status"] = "affected";
                statement["action_statement"] = Action(record, string.Join("; ", findings.Where(f => f.State == CveRelevance.Affected).Select(f => $"{f.Package} {f.Version} is vulnerable")));
            }
            else if (findings.Count > 0 && findings.All(f => f.State == CveRelevance.NotAffected))
            {
                statement["status"] = "not_affected";
                bool shipsIt = findings.Any(f => !f.NotShipped);
                statement["justification"] = shipsIt ? "vulnerable_code_not_present" : "component_not_present";
                statement["status_notes"] = string.Join("; ", findings.Select(f => f.Reason ?? $"{f.Package}: not affected").Distinct(StringComparer.Ordinal));
            }
            else if (findings.Count == 0 && relevance == CveRelevance.NotAffected)
            {
                statement["status"] = "not_affected";
                statement["justification"] = "component_not_present";
                statement["status_notes"] = $"{inventory.Name} does not ship {record.Package ?? "the affected package"}.";
            }
            else
            {
                statement["status"] = "under_investigation";
                statement["status_notes"] = record.Relevance?.Reason ?? "Not decided yet (no package or no version data).";
            }

            return statement;
        }

        private static string Action(CveRecord record, string why) =>
            (why != null ? why.TrimEnd('.') + ". " : string.Empty) +
            (record.Issue?.Url != null ? $"Tracked in {record.Issue.Url}; update to the fixed release when it is out." : "Update to the fixed release when it is out.");

        private static VexDocumentFile Result(string text, string id, int version, Dictionary<string, int> counts, int statements, int leftOut, bool written) => new VexDocumentFile
        {
            Text = text,
            DocumentId = id,
            Version = version,
            Statements = statements,
            Affected = counts.TryGetValue("affected", out int a) ? a : 0,
            NotAffected = counts.TryGetValue("not_affected", out int na) ? na : 0,
            Fixed = counts.TryGetValue("fixed", out int f) ? f : 0,
            UnderInvestigation = counts.TryGetValue("under_investigation", out int u) ? u : 0,
            LeftOut = leftOut,
            Written = written,
        };

        private static JsonObject TryParse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                return JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string Line(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().Split('\n')[0].Trim();

        private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        private static string Slug(string text)
        {
            string slug = new string((text ?? "project").ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
            return slug.Length == 0 ? "project" : slug;
        }

        private static Guid DeterministicGuid(string text)
        {
            using (var sha = SHA256.Create())
            {
                byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
                var bytes = new byte[16];
                Array.Copy(hash, bytes, 16);
                bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5 style (name-based)
                bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
                return new Guid(bytes);
            }
        }
    }
}
