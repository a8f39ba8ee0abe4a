using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// Validates OSV documents against the official OSV JSON schema (ossf/osv-schema v1.7.5, Apache-2.0) shipped inside
    /// the module, unmodified: what passes here passes every consumer that checks the schema. Its id rule lists the
    /// home databases registered with OSV; ids with another prefix are not valid.
    /// </summary>
    internal sealed class OsvSchemaValidator
    {
        public const string SchemaVersion = "1.7.5";
        private const string ResourceName = "SecurityOps.Resources.schemas/osv-schema-1.7.5.json";
        private static readonly Lazy<string> OfficialText = new Lazy<string>(LoadText);
        private static readonly Lazy<OsvSchemaValidator> OfficialValidator = new Lazy<OsvSchemaValidator>(() => new OsvSchemaValidator(JsonSchema.FromText(OfficialText.Value)));
        private static readonly Regex PrefixSyntax = new Regex("^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$", RegexOptions.CultureInvariant);

        private readonly JsonSchema schema;
        private readonly EvaluationOptions options = new EvaluationOptions
        {
            OutputFormat = OutputFormat.Hierarchical,
            RequireFormatValidation = true,
        };

        private OsvSchemaValidator(JsonSchema schema) => this.schema = schema;

        /// <summary>The validator of the official schema, as shipped (built once; thread-safe).</summary>
        public static OsvSchemaValidator Official => OfficialValidator.Value;

        /// <summary>The official schema text, as shipped.</summary>
        public static string OfficialSchemaText => OfficialText.Value;

        /// <summary>True when the official schema's id rule accepts ids with this prefix.</summary>
        public static bool IsRegisteredPrefix(string prefix)
        {
            return Regex.IsMatch(prefix + "-0", PrefixPattern.Value, RegexOptions.CultureInvariant);
        }

        /// <summary>The schema's $defs.prefix.pattern, read once (a JsonDocument: no node tree for a 20 KB schema).</summary>
        private static readonly Lazy<string> PrefixPattern = new Lazy<string>(() =>
        {
            using (var schema = System.Text.Json.JsonDocument.Parse(OfficialText.Value))
            {
                return schema.RootElement.GetProperty("$defs").GetProperty("prefix").GetProperty("pattern").GetString();
            }
        });

        /// <summary>Throws InvalidOsvPrefix when the text cannot be an id prefix at all.</summary>
        public static void RequirePrefixSyntax(string prefix)
        {
            if (string.IsNullOrWhiteSpace(prefix) || !PrefixSyntax.IsMatch(prefix))
            {
                throw new SecurityOpsException("InvalidOsvPrefix", FailureKind.InvalidArgument, prefix,
                    $"'{prefix}' is not an OSV id prefix (letters and digits, parts joined by '-', such as GHSA or GO).");
            }
        }

        /// <summary>Throws OsvValidationFailed naming the JSON path of the first problem when the document is not valid.</summary>
        public void Validate(JsonNode document, string id)
        {
            string problem = FindProblem(document);
            if (problem != null)
            {
                throw new SecurityOpsException("OsvValidationFailed", FailureKind.InvalidData, id,
                    $"{id}: the OSV document is not valid against the OSV schema {SchemaVersion}: {problem}. Nothing was written.");
            }
        }

        /// <summary>Null when valid; else "at $.path: message" for the deepest failing location.</summary>
        public string FindProblem(JsonNode document)
        {
            EvaluationResults results = schema.Evaluate(document, options);
            if (results.IsValid)
            {
                return null;
            }

            // Walk down only through failing nodes: a oneOf that passed has failing branches that are not the problem.
            var failures = new List<(string Path, string Message)>();
            void Walk(EvaluationResults node)
            {
                if (node.IsValid)
                {
                    return;
                }

                if (node.HasErrors)
                {
                    failures.Add((ToJsonPath(node.InstanceLocation?.ToString()), string.Join("; ", node.Errors.Values)));
                }

                if (node.HasDetails)
                {
                    foreach (EvaluationResults child in node.Details)
                    {
                        Walk(child);
                    }
                }
            }

            Walk(results);
            failures = failures.OrderByDescending(f => f.Path.Length).ToList();
            if (failures.Count == 0)
            {
                return "at $: the document does not match the schema";
            }

            var deepest = failures[0];
            return $"at {deepest.Path}: {deepest.Message}";
        }

        /// <summary>"/affected/0/package/ecosystem" -> "$.affected[0].package.ecosystem".</summary>
        public static string ToJsonPath(string pointer)
        {
            var sb = new StringBuilder("$");
            foreach (string raw in (pointer ?? string.Empty).Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries))
            {
                string part = raw.Replace("~1", "/").Replace("~0", "~");
                if (part.All(char.IsDigit))
                {
                    sb.Append('[').Append(part).Append(']');
                }
                else
                {
                    sb.Append('.').Append(part);
                }
            }

            return sb.ToString();
        }

        private static string LoadText()
        {
            using (Stream stream = typeof(OsvSchemaValidator).Assembly.GetManifestResourceStream(ResourceName)
                                   ?? throw new InvalidOperationException("The OSV schema resource is missing from the module: " + ResourceName))
            using (var reader = new StreamReader(stream, Encoding.UTF8))
            {
                return reader.ReadToEnd();
            }
        }
    }
}
