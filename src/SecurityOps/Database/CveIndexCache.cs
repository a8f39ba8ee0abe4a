using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Database
{
    /// <summary>
    /// A cache of parsed CVE records beside the state (.cache/cve-index.json, never committed), keyed by each file's
    /// path, size and modification time. Reading 100,000 small YAML files is dominated by YAML parsing; with the cache
    /// only files changed since the last full read are parsed again. The YAML files stay the only truth: a missing,
    /// stale or corrupt cache just means more parsing.
    /// </summary>
    internal sealed class CveIndexCache
    {
        public const string RelativePath = ".cache/cve-index.json";
        private const int FormatVersion = 1;

        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };

        private readonly string path;

        public CveIndexCache(string stateRoot) => path = Path.Combine(stateRoot, RelativePath.Replace('/', Path.DirectorySeparatorChar));

        public Dictionary<string, Entry> Load()
        {
            try
            {
                using var stream = File.OpenRead(path);
                var file = JsonSerializer.Deserialize<CacheFile>(stream, Options);
                if (file?.Version != FormatVersion || file.Entries == null)
                {
                    return new Dictionary<string, Entry>(StringComparer.Ordinal);
                }

                var map = new Dictionary<string, Entry>(file.Entries.Count, StringComparer.Ordinal);
                foreach (var entry in file.Entries)
                {
                    if (entry?.Path != null && entry.Record != null)
                    {
                        map[entry.Path] = entry;
                    }
                }

                return map;
            }
            catch (Exception ex) when (ex is IOException || ex is JsonException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                return new Dictionary<string, Entry>(StringComparer.Ordinal);
            }
        }

        /// <summary>Writes the cache through the state's one atomic write. A cache that cannot be written is not an error.</summary>
        public void Save(List<Entry> entries)
        {
            try
            {
                StateRepository.WriteFileAtomic(path, stream => JsonSerializer.Serialize(stream, new CacheFile { Version = FormatVersion, Entries = entries }, Options), durable: false);
            }
            catch (SecurityOpsException)
            {
                // Only a cache: the next full read parses again.
            }
        }

        public sealed class CacheFile
        {
            public int Version { get; set; }

            public List<Entry> Entries { get; set; }
        }

        public sealed class Entry
        {
            /// <summary>Path relative to cves/.</summary>
            public string Path { get; set; }

            public long Size { get; set; }

            public long ModifiedTicks { get; set; }

            public CveRecord Record { get; set; }
        }
    }
}
