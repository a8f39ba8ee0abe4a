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

        /// <summary>The official schema's validator, built on first use (an export with nothing to validate never builds it).</summary>
        public OsvSchemaValidator Validator => OsvSchemaValidator.Official;

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
                Content = Serialize(doc.Json),
            };
        }

        /// <summary>
        /// The document as the file's bytes: UTF-8, indented, ending in a newline; the very bytes of
        /// <c>ToJsonString(Indented) + "\n"</c> in UTF-8, written straight to UTF-8 rather than through a string and back.
        /// </summary>
        internal static byte[] Serialize(System.Text.Json.Nodes.JsonNode json)
        {
            using (var buffer = new MemoryStream(2048))
            {
                using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    json.WriteTo(writer, Indented);
                }

                buffer.WriteByte((byte)'\n');
                return buffer.ToArray();
            }
        }

        /// <summary>The writer options ToJsonString takes from <see cref="Indented"/>.</summary>
        private static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions
        {
            Encoder = Indented.Encoder,
            Indented = Indented.WriteIndented,
            IndentCharacter = Indented.IndentCharacter,
            IndentSize = Indented.IndentSize,
            NewLine = Indented.NewLine,
            MaxDepth = Indented.MaxDepth == 0 ? 64 : Indented.MaxDepth,
        };

        /// <summary>
        /// Writes a rendered (hence valid) file atomically as &lt;folder&gt;/&lt;id&gt;.json, unless the file already holds
        /// exactly that document: an unchanged advisory keeps its bytes and its file time, so a re-export changes nothing
        /// that git, a Pages deploy or a mirror would see. Not flushed to disk one by one: the files are regenerated from
        /// the state on every export, and a crash leaves old or new files, never half.
        /// </summary>
        public static string Write(string folder, OsvAdvisoryFile file) => Write(folder, file, knownSame: null);

        /// <summary>True when <paramref name="folder"/> already holds exactly this file (compared ahead, on any thread).</summary>
        public static bool AlreadyThere(string folder, OsvAdvisoryFile file) => AlreadyThere(folder, file, out _);

        /// <summary>As <see cref="AlreadyThere(string, OsvAdvisoryFile)"/>, with the file's size and time, taken before its bytes were read, when it is.</summary>
        public static bool AlreadyThere(string folder, OsvAdvisoryFile file, out FileStamp stamp) =>
            SameContent(Path.Combine(folder, file.Id + ".json"), file.Content, out stamp);

        /// <summary>A file's size and last write time (UTC ticks); <see cref="Known"/> false when it could not be read.</summary>
        internal readonly struct FileStamp
        {
            public FileStamp(long size, long ticks)
            {
                Size = size;
                Ticks = ticks;
                Known = true;
            }

            public bool Known { get; }

            public long Size { get; }

            public long Ticks { get; }
        }

        /// <summary>True with the file's size and time when it exists with <paramref name="size"/> bytes (a file just written, checked after).</summary>
        public static bool Stamp(string path, long size, out FileStamp stamp)
        {
            stamp = default;
            try
            {
                var info = new FileInfo(path);
                if (info.Exists && info.Length == size)
                {
                    stamp = new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks);
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // not remembered: the next export compares the file
            }

            return false;
        }

        /// <summary>As <see cref="Write(string, OsvAdvisoryFile)"/>, with the comparison already made by <see cref="AlreadyThere"/>.</summary>
        public static string Write(string folder, OsvAdvisoryFile file, bool? knownSame) => Write(folder, file, knownSame, folderReady: false);

        /// <summary>As <see cref="Write(string, OsvAdvisoryFile, bool?)"/>; <paramref name="folderReady"/>: the caller made sure the folder exists.</summary>
        internal static string Write(string folder, OsvAdvisoryFile file, bool? knownSame, bool folderReady)
        {
            string path = Path.Combine(folder, file.Id + ".json");
            byte[] content = file.Content;
            file.Path = path;
            if (knownSame ?? SameContent(path, content, out _))
            {
                file.Unchanged = true;
                return path;
            }

            if (!folderReady)
            {
                Directory.CreateDirectory(folder);
            }

            StateRepository.WriteOutputAtomic(path, content);
            return path;
        }

        private static bool SameContent(string path, byte[] content, out FileStamp stamp)
        {
            stamp = default;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists || info.Length != content.Length)
                {
                    return false;
                }

                var before = new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks);
                if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
                {
                    return false;
                }

                stamp = before;
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return false; // unreadable: write it again
            }
        }
    }
}
