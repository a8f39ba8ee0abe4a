using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// Renders OSV documents as validated JSON and writes one file per advisory. A document that is not valid against
    /// the official schema throws OsvValidationFailed before anything touches the disk.
    /// </summary>
    public sealed class OsvExporter
    {
        private static readonly JsonSerializerOptions Indented = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public OsvExporter(OsvSettings settings, IEventSink sink)
        {
            Settings = settings ?? new OsvSettings();
            Validator = OsvSchemaValidator.For(Settings.IdPrefix, Settings.StrictIdPrefix);
            if (!Validator.PrefixRegistered && !Settings.StrictIdPrefix)
            {
                (sink ?? NullEventSink.Instance).Warning(
                    $"The OSV id prefix '{Settings.IdPrefix}' is not a home database listed in the OSV schema {OsvSchemaValidator.SchemaVersion}; " +
                    "the records are valid otherwise. Register the prefix with OSV (ossf/osv-schema) before publishing them to osv.dev, or set osv.idPrefix.");
            }
        }

        public OsvSettings Settings { get; }

        public OsvSchemaValidator Validator { get; }

        /// <summary>Validates the document and returns its file description with the JSON text (no file yet).</summary>
        public OsvAdvisoryFile Render(OsvDocument doc)
        {
            Validator.Validate(doc.Json, doc.Id);
            return new OsvAdvisoryFile
            {
                Id = doc.Id,
                CaseId = doc.CaseId,
                CveIds = doc.CveIds,
                Packages = doc.Packages,
                Modified = doc.Modified,
                Valid = true,
                Json = doc.Json.ToJsonString(Indented) + "\n",
            };
        }

        /// <summary>
        /// Writes a rendered (hence valid) file atomically as &lt;folder&gt;/&lt;id&gt;.json. Not flushed to disk one by
        /// one: the files are regenerated from the state on every export, and a crash leaves old or new files, never half.
        /// </summary>
        public static string Write(string folder, OsvAdvisoryFile file)
        {
            string path = Path.Combine(folder, file.Id + ".json");
            StateRepository.WriteFileAtomic(path, file.Json, durable: false);
            file.Path = path;
            return path;
        }
    }
}
