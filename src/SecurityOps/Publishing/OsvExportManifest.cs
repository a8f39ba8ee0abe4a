using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// What an export of everything wrote for each CVE record (.cache/osv-export.tsv, never committed), so that the next
    /// export passes over a record whose file and whose OSV file are both as they were, without reading, building,
    /// serializing or comparing anything. One line per record: its file (path under cves/, size, write time), the facts
    /// the public gate asks of it (its CVE id and own embargo date; the cases' embargoes are asked afresh on every run),
    /// what the cmdlet reports about it, and the OSV file written (name, size, write time).
    /// The first lines hold a key of everything else a record's document depends on: this very build of the module, the
    /// release of each JSON library, the OSV schema version, the osv: settings and the output folder. Another key, a damaged or
    /// missing manifest, a file changed since (size or time), or a file time not older than the manifest itself (a
    /// change within the file system's time resolution could hide behind it, as git's "racily clean" rule has it) each
    /// just mean the full path for that record or for all of them: the record files and the OSV files stay the truth.
    /// </summary>
    internal sealed class OsvExportManifest
    {
        public const string RelativePath = ".cache/osv-export.tsv";
        private const string Header = "securityops-osv-export 1";
        private const char Field = '\t';

        // Each record file's line, parsed when the file is asked about (on the listing's threads).
        private readonly Dictionary<string, string> entries;
        private readonly long writtenTicks;

        private OsvExportManifest(string key, Dictionary<string, string> entries, long writtenTicks)
        {
            Key = key;
            this.entries = entries;
            this.writtenTicks = writtenTicks;
        }

        /// <summary>The key this manifest was written under (null: none was read).</summary>
        public string Key { get; }

        public int Count => entries.Count;

        /// <summary>One exported record: its file, the gate's facts, the reported fields and its OSV file.</summary>
        public sealed class Entry
        {
            /// <summary>Path relative to cves/ ("2024/CVE-2024-1234.yaml").</summary>
            public string RecordPath
            {
                get => recordPath;
                set
                {
                    recordPath = value;
                    FileId = value == null ? null : Path.GetFileNameWithoutExtension(value);
                }
            }

            /// <summary>The record's id as its file is named (CVE-2024-1234), the order of the records.</summary>
            public string FileId { get; private set; }

            private string recordPath;

            public long RecordSize { get; set; }

            public long RecordTicks { get; set; }

            public string CveId { get; set; }

            /// <summary>The record's own embargo date (EmbargoedUntil), asked against the clock on every run.</summary>
            public DateTimeOffset? EmbargoedUntil { get; set; }

            /// <summary>The document's modified time, as reported (OsvAdvisoryFile.Modified).</summary>
            public DateTimeOffset Modified { get; set; }

            /// <summary>The OSV id; the file is &lt;folder&gt;/&lt;id&gt;.json.</summary>
            public string OutputId { get; set; }

            public long OutputSize { get; set; }

            public long OutputTicks { get; set; }
        }

        /// <summary>
        /// The key of everything a CVE record's OSV file depends on besides the record: the module build (its module
        /// version id), the JSON libraries' releases (informational versions), the schema version, every osv: setting
        /// and the output folder.
        /// </summary>
        public static string KeyFor(OsvSettings settings, string folder)
        {
            var text = new StringBuilder(Header).Append('\n');
            // This build of the module (its module version id changes with every build of its code), and the exact
            // release of each library the bytes and the validation come from (the same release built for another
            // framework, as a host may load, is the same).
            Assembly module = typeof(OsvExportManifest).Assembly;
            text.Append(module.FullName).Append(' ').Append(module.ManifestModule.ModuleVersionId.ToString("N")).Append('\n');
            foreach (Type t in new[] { typeof(System.Text.Json.Nodes.JsonNode), typeof(System.Text.Encodings.Web.JavaScriptEncoder), typeof(Json.Schema.JsonSchema) })
            {
                text.Append(t.Assembly.FullName).Append(' ')
                    .Append(t.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion).Append('\n');
            }

            text.Append("schema ").Append(OsvSchemaValidator.SchemaVersion).Append('\n');
            // Every setting, by reflection: one added later is in the key without anyone remembering to add it here.
            foreach (var property in typeof(OsvSettings).GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                object value = property.GetValue(settings);
                text.Append(property.Name).Append('=').Append(value == null ? "\u0000" : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\n');
            }

            text.Append("folder ").Append(Path.GetFullPath(folder)).Append('\n');
            using (var sha = SHA256.Create())
            {
                return string.Concat(sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString())).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            }
        }

        /// <summary>An empty manifest (nothing to pass over).</summary>
        public static OsvExportManifest Empty() => new OsvExportManifest(null, new Dictionary<string, string>(StringComparer.Ordinal), 0);

        /// <summary>The manifest at <paramref name="path"/> when it was written under <paramref name="key"/>; else an empty one.</summary>
        public static OsvExportManifest Load(string path, string key)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    return Empty();
                }

                long written = info.LastWriteTimeUtc.Ticks; // before the text: a manifest replaced meanwhile only looks newer
                string text = File.ReadAllText(path, Encoding.UTF8);
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                int start = 0;
                int lineNo = 0;
                while (start < text.Length)
                {
                    int end = text.IndexOf('\n', start);
                    if (end < 0)
                    {
                        return Empty(); // a torn last line: trust none of it
                    }

                    string line = text.Substring(start, end - start);
                    start = end + 1;
                    lineNo++;
                    if (lineNo == 1)
                    {
                        if (line != Header)
                        {
                            return Empty();
                        }

                        continue;
                    }

                    if (lineNo == 2)
                    {
                        if (line != "key " + key)
                        {
                            return Empty(); // another build, other settings or another folder: every record the full way
                        }

                        continue;
                    }

                    int tab = line.IndexOf(Field);
                    if (tab <= 0)
                    {
                        return Empty(); // damaged: trust none of it
                    }

                    map[line.Substring(0, tab)] = line; // the rest is parsed when the record file is asked about
                }

                return lineNo >= 2 ? new OsvExportManifest(key, map, written) : Empty();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                return Empty();
            }
        }

        /// <summary>
        /// The entry of the record file at <paramref name="recordPath"/> when it still describes it (same size and time)
        /// and the OSV file in <paramref name="folder"/> is still the one written (same size and time), both older than
        /// the manifest; null otherwise (the record takes the full path).
        /// </summary>
        public Entry Match(string recordPath, long size, long ticks, string folder)
        {
            if (ticks >= writtenTicks || !entries.TryGetValue(recordPath, out string line))
            {
                return null;
            }

            Entry e = Parse(line);
            if (e == null || e.RecordPath != recordPath || e.RecordSize != size || e.RecordTicks != ticks)
            {
                return null; // a damaged line, or the file changed since
            }

            try
            {
                var output = new FileInfo(Path.Combine(folder, e.OutputId + ".json"));
                return output.Exists && output.Length == e.OutputSize && output.LastWriteTimeUtc.Ticks == e.OutputTicks && e.OutputTicks < writtenTicks ? e : null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                return null;
            }
        }

        /// <summary>Writes the entries under <paramref name="key"/> through the state's atomic write; a manifest that cannot be written is not an error.</summary>
        public static void Save(string path, string key, IEnumerable<Entry> entries)
        {
            try
            {
                var text = new StringBuilder(1 << 16);
                text.Append(Header).Append('\n').Append("key ").Append(key).Append('\n');
                foreach (Entry e in entries)
                {
                    if (!Storable(e))
                    {
                        continue;
                    }

                    text.Append(e.RecordPath).Append(Field)
                        .Append(e.RecordSize.ToString(CultureInfo.InvariantCulture)).Append(Field)
                        .Append(e.RecordTicks.ToString(CultureInfo.InvariantCulture)).Append(Field)
                        .Append(e.CveId).Append(Field)
                        .Append(e.EmbargoedUntil == null ? "-" : e.EmbargoedUntil.Value.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append(Field)
                        .Append(e.Modified.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append(Field)
                        .Append(((int)e.Modified.Offset.TotalMinutes).ToString(CultureInfo.InvariantCulture)).Append(Field)
                        .Append(e.OutputId).Append(Field)
                        .Append(e.OutputSize.ToString(CultureInfo.InvariantCulture)).Append(Field)
                        .Append(e.OutputTicks.ToString(CultureInfo.InvariantCulture)).Append(Field)
                        .Append('.').Append('\n'); // the end mark: a line cut short does not parse
                }

                StateRepository.WriteFileAtomic(path, text.ToString(), durable: false);
            }
            catch (SecurityOpsException)
            {
                // Only a shortcut for the next export: without it, that export takes the full path.
            }
        }

        /// <summary>No field may hold the separators (no record path, CVE id or OSV id does); such an entry is left out.</summary>
        private static bool Storable(Entry e) =>
            Clean(e.RecordPath) && Clean(e.CveId) && Clean(e.OutputId);

        private static bool Clean(string value) =>
            !string.IsNullOrEmpty(value) && value.IndexOf(Field) < 0 && value.IndexOf('\n') < 0 && value.IndexOf('\r') < 0;

        /// <summary>One line: the entry, or null when it is not a whole one (fields parsed in place, without splitting).</summary>
        private static Entry Parse(string line)
        {
            int at = 0;
            string Next()
            {
                if (at > line.Length)
                {
                    return null;
                }

                int tab = line.IndexOf(Field, at);
                int end = tab < 0 ? line.Length : tab;
                string value = line.Substring(at, end - at);
                at = end + 1;
                return value;
            }

            string recordPath = Next(), recordSize = Next(), recordTicks = Next(), cveId = Next(), embargo = Next(), modifiedTicks = Next(),
                offset = Next(), outputId = Next(), outputSize = Next(), outputTicks = Next(), endMark = Next();
            if (endMark != "." || at <= line.Length || string.IsNullOrEmpty(recordPath) || string.IsNullOrEmpty(cveId) || string.IsNullOrEmpty(outputId) ||
                !Number(recordSize, false, out long rSize) || !Number(recordTicks, true, out long rTicks) ||
                !Number(modifiedTicks, false, out long mTicks) || !Number(offset, true, out long offsetMinutes) ||
                !Number(outputSize, false, out long oSize) || !Number(outputTicks, true, out long oTicks))
            {
                return null;
            }

            DateTimeOffset? embargoedUntil = null;
            if (embargo != "-")
            {
                if (!Number(embargo, false, out long e) || e > DateTimeOffset.MaxValue.UtcTicks)
                {
                    return null;
                }

                embargoedUntil = new DateTimeOffset(e, TimeSpan.Zero);
            }

            if (mTicks > DateTimeOffset.MaxValue.UtcTicks || Math.Abs(offsetMinutes) > 14 * 60)
            {
                return null;
            }

            try
            {
                return new Entry
                {
                    RecordPath = recordPath,
                    RecordSize = rSize,
                    RecordTicks = rTicks,
                    CveId = cveId,
                    EmbargoedUntil = embargoedUntil,
                    Modified = new DateTimeOffset(mTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes)),
                    OutputId = outputId,
                    OutputSize = oSize,
                    OutputTicks = oTicks,
                };
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        /// <summary>A decimal integer, ASCII digits only (a leading '-' when <paramref name="signed"/>), that fits a long.</summary>
        private static bool Number(string text, bool signed, out long value)
        {
            value = 0;
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }

            bool negative = signed && text[0] == '-';
            int i = negative ? 1 : 0;
            if (i == text.Length || text.Length - i > 18)
            {
                return false; // at most 18 digits: no overflow to check
            }

            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            value = negative ? -value : value;
            return true;
        }
    }
}
