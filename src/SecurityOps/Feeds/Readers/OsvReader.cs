using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// osv and go-vulndb: OSV records (https://ossf.github.io/osv-schema/). The location may be
    /// - an OSV API base in the layout of https://vuln.go.dev: index/vulns.json (ids with modified times), then
    ///   ID/&lt;id&gt;.json for the new or changed ones only, fetched a few at a time;
    /// - a folder of OSV JSON files (searched recursively; a folder holding index/vulns.json is read as an API base);
    /// - a zip of OSV JSON (osv.dev's per-ecosystem all.zip), each entry size-capped while it is inflated;
    /// - one OSV JSON file (a record or an array of records).
    /// CVE ids come from aliases, related (AlmaLinux puts them there) and upstream; placeholder dates (0001-01-01) are no date.
    /// </summary>
    internal sealed class OsvReader : ISecurityFeedReader
    {
        public OsvReader(string type) => Type = type;

        public string Type { get; }

        public async Task ReadAsync(FeedReadContext context)
        {
            string location = context.Source.Url;
            Uri uri = HttpPipeline.ToUri(location);
            string path = uri.IsFile ? uri.LocalPath : null;
            if (path != null && Directory.Exists(path) && !File.Exists(Path.Combine(path, "index", "vulns.json")))
            {
                ReadFolder(context, path);
            }
            else if (uri.AbsolutePath.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                HttpFetchResult zip = await context.FetchAsync(location, conditional: true, accept: "application/zip").ConfigureAwait(false);
                if (!zip.NotModified)
                {
                    ReadZip(context, zip.Content, context.Shown(location));
                }
            }
            else if (uri.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                HttpFetchResult json = await context.FetchAsync(location, conditional: true, accept: "application/json").ConfigureAwait(false);
                if (!json.NotModified)
                {
                    EmitDocument(context, json.Content, context.Shown(location));
                }
            }
            else
            {
                await ReadApiBaseAsync(context, uri).ConfigureAwait(false);
            }
        }

        private static async Task ReadApiBaseAsync(FeedReadContext context, Uri baseUri)
        {
            var root = baseUri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
            string indexUrl = new Uri(root, "index/vulns.json").AbsoluteUri;
            HttpFetchResult index = await context.FetchAsync(indexUrl, conditional: true, accept: "application/json").ConfigureAwait(false);
            if (index.NotModified)
            {
                return;
            }

            var todo = new List<(string Id, string Modified)>();
            using (JsonDocument doc = SafeJson.Parse(index.Content, context.Shown(indexUrl)))
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Array)
                {
                    throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, context.Shown(indexUrl),
                        $"{context.Shown(indexUrl)} is not an OSV index (expected an array of {{id, modified}}).");
                }

                foreach (JsonElement entry in doc.RootElement.EnumerateArray())
                {
                    string id = SafeJson.String(entry, "id");
                    string modified = SafeJson.String(entry, "modified") ?? string.Empty;
                    if (string.IsNullOrEmpty(id) || id.IndexOfAny(new[] { '/', '\\' }) >= 0 || id.Contains(".."))
                    {
                        context.Skip(string.IsNullOrEmpty(id) ? "no id" : "an id that is not a file name", string.IsNullOrEmpty(id) ? "an index entry" : id);
                        continue;
                    }

                    if (context.IsBeforeSince(FeedText.Date(modified)) || !context.IsNew(id, modified))
                    {
                        continue;
                    }

                    todo.Add((id, modified));
                }
            }

            context.Events.Verbose($"{context.Source.Name}: {todo.Count} new or changed OSV records to fetch.");
            await context.ForEachBoundedAsync(todo, $"Reading {context.Source.Name} records", t => t.Id,
                async t =>
                {
                    string url = new Uri(root, "ID/" + Uri.EscapeDataString(t.Id) + ".json").AbsoluteUri;
                    HttpFetchResult record = await context.FetchAsync(url, conditional: false, accept: "application/json").ConfigureAwait(false);
                    using (JsonDocument doc = SafeJson.Parse(record.Content, context.Shown(url)))
                    {
                        return ToItem(doc.RootElement, context.Source, context.Problem);
                    }
                },
                (t, item) => context.MarkSeen(t.Id, t.Modified)).ConfigureAwait(false);
        }

        private static void ReadFolder(FeedReadContext context, string folder)
        {
            var files = Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList();
            int n = 0;
            foreach (string file in files)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var info = new FileInfo(file);
                if (info.Length > context.MaxResponseBytes)
                {
                    context.Problem($"{file} is {info.Length} bytes, over the {context.MaxResponseBytes}-byte cap; skipped.");
                    continue;
                }

                try
                {
                    EmitDocument(context, File.ReadAllBytes(file), file);
                }
                catch (SecurityOpsException ex)
                {
                    context.Problem(ex.Message);
                }

                if (++n % 500 == 0)
                {
                    context.Events.Progress(new ProgressInfo($"Reading {context.Source.Name}", $"{n} of {files.Count} files", n * 100 / files.Count, id: 2));
                }
            }
        }

        private static void ReadZip(FeedReadContext context, byte[] bytes, string where)
        {
            ZipArchive zip;
            try
            {
                zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            }
            catch (InvalidDataException ex)
            {
                throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not a usable zip: {ex.Message}", ex);
            }

            using (zip)
            {
                foreach (ZipArchiveEntry entry in zip.Entries)
                {
                    context.CancellationToken.ThrowIfCancellationRequested();
                    if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    string name = where + "!" + entry.FullName;
                    try
                    {
                        EmitDocument(context, Inflate(entry, context.MaxResponseBytes, name), name);
                    }
                    catch (SecurityOpsException ex)
                    {
                        context.Problem(ex.Message);
                    }
                    catch (InvalidDataException ex)
                    {
                        context.Problem($"{name} is damaged: {ex.Message}");
                    }
                }
            }
        }

        /// <summary>Inflates one entry, refusing it once it passes the cap whatever its header claims (zip bombs).</summary>
        private static byte[] Inflate(ZipArchiveEntry entry, long cap, string name)
        {
            if (entry.Length > cap)
            {
                throw new SecurityOpsException("ResponseTooLarge", FailureKind.LimitsExceeded, name, $"{name} inflates to {entry.Length} bytes, over the {cap}-byte cap; skipped.");
            }

            using (Stream input = entry.Open())
            using (var output = new MemoryStream())
            {
                byte[] buffer = new byte[81920];
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (output.Length + read > cap)
                    {
                        throw new SecurityOpsException("ResponseTooLarge", FailureKind.LimitsExceeded, name, $"{name} inflated past the {cap}-byte cap; skipped.");
                    }

                    output.Write(buffer, 0, read);
                }

                return output.ToArray();
            }
        }

        private static void EmitDocument(FeedReadContext context, byte[] bytes, string where)
        {
            using (JsonDocument doc = SafeJson.Parse(bytes, where))
            {
                IEnumerable<JsonElement> records = doc.RootElement.ValueKind == JsonValueKind.Array
                    ? doc.RootElement.EnumerateArray()
                    : new[] { doc.RootElement };
                foreach (JsonElement record in records)
                {
                    SecurityFeedItem item = ToItem(record, context.Source, context.Problem);
                    if (item == null)
                    {
                        throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not an OSV record (no id).");
                    }

                    string version = SafeJson.String(record, "modified") ?? string.Empty;
                    if (context.IsBeforeSince(item.Updated ?? item.Published) || !context.IsNew(item.Id, version))
                    {
                        continue;
                    }

                    context.MarkSeen(item.Id, version);
                    context.Emit(item);
                }
            }
        }

        /// <summary>The most CVE ids one record keeps; a record claiming more is cut with a warning, read in linear time.</summary>
        internal const int MaxCvesPerRecord = 1000;

        /// <summary>
        /// One OSV record as a feed item. A field of the wrong type (an alias list given as one string, a number for a
        /// date) is a warning through <paramref name="problem"/> naming the record and the field, never a silent drop:
        /// what can still be read (a single alias) is kept.
        /// </summary>
        internal static SecurityFeedItem ToItem(JsonElement record, SecuritySource source, Action<string> problem = null)
        {
            string id = SafeJson.String(record, "id");
            if (string.IsNullOrEmpty(id))
            {
                return null;
            }

            foreach (string field in new[] { "summary", "details", "published", "modified", "withdrawn" })
            {
                if (record.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.String && value.ValueKind != JsonValueKind.Null)
                {
                    problem?.Invoke($"{id}: '{field}' should be text, found {Kind(value)}; it was ignored.");
                }
            }

            var cves = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int cut = 0;
            void Add(string text)
            {
                string cve = CveIdentifier.Normalize(text);
                if (cve != null && seen.Add(cve))
                {
                    if (cves.Count < MaxCvesPerRecord)
                    {
                        cves.Add(cve);
                    }
                    else
                    {
                        cut++;
                    }
                }
            }

            Add(id);
            foreach (string field in new[] { "aliases", "related", "upstream" })
            {
                if (!record.TryGetProperty(field, out JsonElement list) || list.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (list.ValueKind == JsonValueKind.String)
                {
                    problem?.Invoke($"{id}: '{field}' should be a list of ids, found a single value; read as one id.");
                    Add(list.GetString());
                    continue;
                }

                if (list.ValueKind != JsonValueKind.Array)
                {
                    problem?.Invoke($"{id}: '{field}' should be a list of ids, found {Kind(list)}; it was ignored.");
                    continue;
                }

                int wrong = 0;
                foreach (JsonElement alias in list.EnumerateArray())
                {
                    if (alias.ValueKind == JsonValueKind.String)
                    {
                        Add(alias.GetString());
                    }
                    else
                    {
                        wrong++;
                    }
                }

                if (wrong > 0)
                {
                    problem?.Invoke($"{id}: {wrong} entr{(wrong == 1 ? "y" : "ies")} of '{field}' {(wrong == 1 ? "is" : "are")} not text; ignored.");
                }
            }

            if (cut > 0)
            {
                problem?.Invoke($"{id}: {seen.Count} distinct CVE ids in its aliases; the first {MaxCvesPerRecord} are kept, {cut} dropped.");
            }

            if (record.TryGetProperty("affected", out JsonElement affectedList) && affectedList.ValueKind != JsonValueKind.Array && affectedList.ValueKind != JsonValueKind.Null)
            {
                problem?.Invoke($"{id}: 'affected' should be a list, found {Kind(affectedList)}; no package was read from it.");
            }

            var packages = new List<PackageRef>();
            foreach (JsonElement affected in SafeJson.Array(record, "affected"))
            {
                if (affected.ValueKind == JsonValueKind.Object && affected.TryGetProperty("package", out JsonElement package))
                {
                    string name = SafeJson.String(package, "name");
                    var reference = new PackageRef(name, SafeJson.String(package, "ecosystem"));
                    if (!string.IsNullOrWhiteSpace(name) && !packages.Contains(reference))
                    {
                        packages.Add(reference);
                    }
                }
            }

            var references = SafeJson.Array(record, "references").Select(r => SafeJson.String(r, "url")).Where(u => !string.IsNullOrEmpty(u)).ToArray();
            string summary = SafeJson.String(record, "summary");
            string details = SafeJson.String(record, "details");
            string linkTemplate = source?.Option("linkTemplate") ?? (source?.Type == "go-vulndb" ? "https://pkg.go.dev/vuln/{id}" : "https://osv.dev/vulnerability/{id}");
            return new SecurityFeedItem
            {
                Id = id,
                Title = summary ?? FirstLine(details) ?? id,
                Link = linkTemplate.Replace("{id}", Uri.EscapeDataString(id)),
                Published = FeedText.Date(SafeJson.String(record, "published")),
                Updated = FeedText.Date(SafeJson.String(record, "modified")),
                CveIds = cves.ToArray(),
                Packages = packages,
                Summary = summary != null && details != null ? FeedText.PlainText(details, 1000) : summary ?? FeedText.PlainText(details, 1000),
                References = references,
                CvssVector = SeverityVector(record),
            };
        }

        /// <summary>
        /// The record's CVSS vector from its top-level severity list (type CVSS_V3 first, as most tools score, then
        /// CVSS_V4), else the first affected package's; null when there is none. Checked by the scorer where it is used.
        /// </summary>
        internal static string SeverityVector(JsonElement record)
        {
            IEnumerable<JsonElement> Severities(JsonElement holder) => SafeJson.Array(holder, "severity").Where(s => s.ValueKind == JsonValueKind.Object);
            var all = Severities(record).Concat(SafeJson.Array(record, "affected").Where(a => a.ValueKind == JsonValueKind.Object).SelectMany(Severities)).ToList();
            foreach (string type in new[] { "CVSS_V3", "CVSS_V4" })
            {
                string vector = all.Where(s => SafeJson.String(s, "type") == type).Select(s => SafeJson.String(s, "score")).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
                if (vector != null)
                {
                    return vector.Trim();
                }
            }

            return null;
        }

        private static string FirstLine(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            string line = text.Trim().Split('\n')[0].Trim();
            return line.Length > 200 ? line.Substring(0, 200) + "..." : line;
        }

        private static string Kind(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Number => "a number",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "a single value",
        };
    }
}
