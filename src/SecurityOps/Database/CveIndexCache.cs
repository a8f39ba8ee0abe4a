using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Database
{
    /// <summary>
    /// A cache of parsed CVE records beside the state (.cache/cve-index.jsonl, never committed), keyed by each file's
    /// path, size and modification time. Its worth is the summary each line keeps of the fields queries filter on: a
    /// filtered query over 100,000 records parses only the records that match (the hand-written YAML reader parses a
    /// record about as fast as its JSON here, so a read of everything gains little). The YAML files stay the only
    /// truth: a missing, stale or corrupt cache just means more parsing.
    /// A file whose time changed but whose bytes did not (a fresh checkout gives every file a new time) is still
    /// answered from its summary: each line keeps the SHA-256 of the file's bytes, and a file whose size or bytes
    /// differ is parsed again.
    /// One line per record: the key, its size, time and content hash, then the summary (status, relevance, package
    /// names, last change), then the record as JSON. Loading reads only the keys and summaries; a record's JSON is parsed
    /// when it is asked for, so a query that matches 200 of 100,000 records parses 200.
    /// </summary>
    internal sealed class CveIndexCache
    {
        public const string RelativePath = ".cache/cve-index.jsonl";
        private const string Header = "securityops-cve-index 3";
        private const char Field = '\t';
        private const char ListSeparator = '\u001f';
        private const int SummaryFields = 8;

        internal static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };

        private readonly string path;

        public CveIndexCache(string stateRoot) => path = Path.Combine(stateRoot, RelativePath.Replace('/', Path.DirectorySeparatorChar));

        public Dictionary<string, Entry> Load()
        {
            var map = new Dictionary<string, Entry>(StringComparer.Ordinal);
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                return map;
            }

            int lineStart = 0;
            bool first = true;
            while (lineStart < bytes.Length)
            {
                int lineEnd = Array.IndexOf(bytes, (byte)'\n', lineStart);
                if (lineEnd < 0)
                {
                    lineEnd = bytes.Length; // a torn last line: its JSON will not parse, and the entry is dropped below
                }

                var line = new ReadOnlyMemory<byte>(bytes, lineStart, lineEnd - lineStart);
                lineStart = lineEnd + 1;
                if (first)
                {
                    first = false;
                    if (Encoding.UTF8.GetString(line.Span.ToArray()) != Header)
                    {
                        return map; // another format: parse the YAML again, and the next full read rewrites it
                    }

                    continue;
                }

                Entry entry = Entry.Parse(line);
                if (entry == null)
                {
                    return new Dictionary<string, Entry>(StringComparer.Ordinal); // corrupt: trust none of it
                }

                map[entry.Path] = entry;
            }

            return map;
        }

        /// <summary>Writes the cache through the state's one atomic write. A cache that cannot be written is not an error.</summary>
        public void Save(List<Entry> entries)
        {
            try
            {
                StateRepository.WriteFileAtomic(path, stream =>
                {
                    byte[] newline = { (byte)'\n' };
                    byte[] header = Encoding.UTF8.GetBytes(Header);
                    stream.Write(header, 0, header.Length);
                    stream.Write(newline, 0, 1);
                    foreach (Entry entry in entries)
                    {
                        entry.WriteTo(stream);
                        stream.Write(newline, 0, 1);
                    }
                }, durable: false);
            }
            catch (SecurityOpsException)
            {
                // Only a cache: the next full read parses again.
            }
        }

        /// <summary>One record's key, its summary, and the record itself (parsed from the cache on first use).</summary>
        public sealed class Entry
        {
            private CveRecord record;
            private ReadOnlyMemory<byte> json;

            private Entry()
            {
            }

            /// <summary>Path relative to cves/.</summary>
            public string Path { get; private set; }

            public long Size { get; private set; }

            public long ModifiedTicks { get; private set; }

            /// <summary>The SHA-256 of the file's bytes (its first 128 bits).</summary>
            public Hash128 Content { get; private set; }

            public string Status { get; private set; }

            public string Relevance { get; private set; }

            public string[] PackageNames { get; private set; }

            /// <summary>UTC ticks of LastUpdated, else FirstSeen; null when the record has neither.</summary>
            public long? ChangedTicks { get; private set; }

            /// <summary>The record, parsed from its JSON the first time it is asked for (one thread per entry at a time).</summary>
            public CveRecord Record
            {
                get
                {
                    if (record == null && !json.IsEmpty)
                    {
                        record = JsonSerializer.Deserialize<CveRecord>(json.Span, Options);
                        json = default;
                    }

                    return record;
                }
            }

            /// <summary>The same entry for the same bytes under a new file time.</summary>
            public Entry WithStamp(long modifiedTicks)
            {
                var copy = (Entry)MemberwiseClone();
                copy.ModifiedTicks = modifiedTicks;
                return copy;
            }

            public static Entry For(string path, long size, long modifiedTicks, Hash128 content, CveRecord record) => new Entry
            {
                Path = path,
                Size = size,
                ModifiedTicks = modifiedTicks,
                Content = content,
                record = record,
                Status = record.Status,
                Relevance = record.Relevance?.State,
                PackageNames = record.Packages.Where(p => p?.Name != null).Select(p => p.Name).ToArray(),
                ChangedTicks = (record.LastUpdated ?? record.FirstSeen)?.UtcTicks,
            };

            /// <summary>Parses one line; null when it is not a whole entry (its record JSON is checked only on use).</summary>
            internal static Entry Parse(ReadOnlyMemory<byte> line)
            {
                var fields = new string[SummaryFields];
                ReadOnlySpan<byte> span = line.Span;
                int offset = 0;
                for (int i = 0; i < SummaryFields; i++)
                {
                    int tab = span.Slice(offset).IndexOf((byte)Field);
                    if (tab < 0)
                    {
                        return null;
                    }

                    fields[i] = Encoding.UTF8.GetString(span.Slice(offset, tab).ToArray());
                    offset += tab + 1;
                }

                if (offset >= line.Length || span[offset] != (byte)'{' || span[line.Length - 1] != (byte)'}' ||
                    !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size) ||
                    !long.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ticks))
                {
                    return null;
                }

                if (!Hash128.TryParse(fields[3], 0, fields[3].Length, out Hash128 content))
                {
                    return null;
                }

                long? changed = null;
                if (fields[4].Length > 0)
                {
                    if (!long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out long t))
                    {
                        return null;
                    }

                    changed = t;
                }

                return new Entry
                {
                    Path = fields[0],
                    Size = size,
                    ModifiedTicks = ticks,
                    Content = content,
                    ChangedTicks = changed,
                    Status = fields[5].Length == 0 ? null : fields[5],
                    Relevance = fields[6].Length == 0 ? null : fields[6],
                    PackageNames = fields[7].Length == 0 ? Array.Empty<string>() : fields[7].Split(ListSeparator),
                    json = line.Slice(offset),
                };
            }

            internal void WriteTo(Stream stream)
            {
                var text = new StringBuilder(128);
                text.Append(Clean(Path)).Append(Field)
                    .Append(Size.ToString(CultureInfo.InvariantCulture)).Append(Field)
                    .Append(ModifiedTicks.ToString(CultureInfo.InvariantCulture)).Append(Field)
                    .Append(Content.ToString()).Append(Field)
                    .Append(ChangedTicks?.ToString(CultureInfo.InvariantCulture)).Append(Field)
                    .Append(Clean(Status)).Append(Field)
                    .Append(Clean(Relevance)).Append(Field)
                    .Append(string.Join(ListSeparator.ToString(), PackageNames.Select(Clean))).Append(Field);
                byte[] head = Encoding.UTF8.GetBytes(text.ToString());
                stream.Write(head, 0, head.Length);
                if (record == null)
                {
                    // Not asked for since it was loaded: its JSON goes back as it came.
                    if (MemoryMarshal.TryGetArray(json, out ArraySegment<byte> segment))
                    {
                        stream.Write(segment.Array, segment.Offset, segment.Count);
                    }
                }
                else
                {
                    // System.Text.Json escapes control characters, so the record stays on its line.
                    byte[] body = JsonSerializer.SerializeToUtf8Bytes(record, Options);
                    stream.Write(body, 0, body.Length);
                }
            }

            // A summary field never carries the separators: such a value (none is expected in ids, statuses or
            // package names) is written without them, and only a filter on that exact odd value could miss it.
            private static string Clean(string value) =>
                value == null ? string.Empty : value.Replace(Field, ' ').Replace('\n', ' ').Replace('\r', ' ').Replace(ListSeparator, ' ');
        }
    }
}
