using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// Renders OSV documents as validated JSON and writes one file per advisory. A document that is not valid against
    /// the unmodified official schema throws (OsvValidationFailed, OsvIdPrefixNotAccepted) before anything touches the disk.
    /// </summary>
    internal sealed class OsvExporter
    {
        private static readonly JsonSerializerOptions Indented = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public OsvExporter(OsvSettings settings, IEventSink sink)
        {
            Settings = settings ?? new OsvSettings();
            Validator = OsvSchemaValidator.Official;
            string prefix = Settings.IdPrefix?.Trim();
            if (!string.IsNullOrEmpty(prefix))
            {
                OsvSchemaValidator.RequirePrefixSyntax(prefix);
                PrefixAccepted = OsvSchemaValidator.IsRegisteredPrefix(prefix);
                if (!PrefixAccepted)
                {
                    (sink ?? NullEventSink.Instance).Warning(
                        $"The OSV id prefix '{prefix}' is not one the official OSV schema {OsvSchemaValidator.SchemaVersion} accepts (it lists the home databases registered with OSV: GHSA, GO, RUSTSEC...). " +
                        "Records that would need it (cases without a GitHub advisory, CVE records) are not written, so that every file is valid against the official schema. " +
                        "Register the prefix with OSV (ossf/osv-schema) and set osv.idPrefix to it, or publish the case's GitHub advisory: its GHSA id becomes the record's id.");
                }
            }
        }

        public OsvSettings Settings { get; }

        public OsvSchemaValidator Validator { get; }

        /// <summary>True when the configured prefix is one the official schema accepts (false when none is configured).</summary>
        public bool PrefixAccepted { get; }

        /// <summary>
        /// Validates the document against the unmodified official schema and returns its file description with the
        /// JSON text (no file yet). A document named with a prefix the schema does not accept is OsvIdPrefixNotAccepted.
        /// </summary>
        public OsvAdvisoryFile Render(OsvDocument doc) => Render(doc, validate: true);

        /// <summary>As <see cref="Render(OsvDocument)"/>; without <paramref name="validate"/> the caller validates (or knows the very bytes were validated).</summary>
        public OsvAdvisoryFile Render(OsvDocument doc, bool validate)
        {
            if (doc.IdFromPrefix && !PrefixAccepted)
            {
                throw new SecurityOpsException("OsvIdPrefixNotAccepted", FailureKind.InvalidData, doc.Id,
                    $"{doc.Id} was not written: the official OSV schema does not accept the id prefix '{Settings.IdPrefix}'. " +
                    (doc.CaseId != null ? $"Publish {doc.CaseId}'s GitHub advisory (its GHSA id becomes the id) or set osv.idPrefix to a registered prefix." : "Set osv.idPrefix to the prefix the project registered with OSV."));
            }

            if (validate)
            {
                Validator.Validate(doc.Json, doc.Id);
            }

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
        /// Writes a rendered (hence valid) file atomically as &lt;folder&gt;/&lt;id&gt;.json, unless the file already holds
        /// exactly that document: an unchanged advisory keeps its bytes and its file time, so a re-export changes nothing
        /// that git, a Pages deploy or a mirror would see. Not flushed to disk one by one: the files are regenerated from
        /// the state on every export, and a crash leaves old or new files, never half.
        /// </summary>
        public static string Write(string folder, OsvAdvisoryFile file) => Write(folder, file, knownSame: null);

        /// <summary>True when <paramref name="folder"/> already holds exactly this file (compared ahead, on any thread).</summary>
        public static bool AlreadyThere(string folder, OsvAdvisoryFile file) =>
            SameContent(Path.Combine(folder, file.Id + ".json"), Utf8.GetBytes(file.Json));

        /// <summary>As <see cref="Write(string, OsvAdvisoryFile)"/>, with the comparison already made by <see cref="AlreadyThere"/>.</summary>
        public static string Write(string folder, OsvAdvisoryFile file, bool? knownSame)
        {
            string path = Path.Combine(folder, file.Id + ".json");
            byte[] content = Utf8.GetBytes(file.Json);
            file.Path = path;
            if (knownSame ?? SameContent(path, content))
            {
                file.Unchanged = true;
                return path;
            }

            StateRepository.WriteFileAtomic(path, stream => stream.Write(content, 0, content.Length), durable: false);
            return path;
        }

        private static readonly System.Text.UTF8Encoding Utf8 = new System.Text.UTF8Encoding(false);

        private static bool SameContent(string path, byte[] content)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists && info.Length == content.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(content);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false; // unreadable: write it again
            }
        }
    }
}
