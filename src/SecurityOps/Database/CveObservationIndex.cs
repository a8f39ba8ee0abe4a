using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SecurityOps.State;

namespace SecurityOps.Database
{
    /// <summary>
    /// Which observations each CVE record file already holds (.cache/cve-observations.tsv, never committed). A feed
    /// reports the same advisories day after day; once an observation has been merged into a record without changing
    /// it, the same observation (by <see cref="CveObservation.ComputeFingerprint"/>) on the same file is answered without
    /// reading the file. The YAML files stay the only truth: a missing, damaged or stale index, or one another build
    /// of the module wrote, only means more reading.
    /// <para>
    /// A file is "the same" when its size and last write time match what was recorded, and that time was more than
    /// two seconds before it was recorded (git's "racily clean" rule: a file changed again within the clock's step
    /// could keep its size and time); otherwise when the SHA-256 of its bytes matches (a fresh checkout gives every
    /// file a new time, and the bytes still tell).
    /// </para>
    /// <para>
    /// One line per record: id, size, time (UTC ticks; 0 when racy), content hash, fingerprints. Lines are appended;
    /// a later line for a record replaces an earlier one, and the file is rewritten whole once most lines are replaced.
    /// </para>
    /// </summary>
    internal sealed class CveObservationIndex
    {
        public const string RelativePath = ".cache/cve-observations.tsv";

        /// <summary>A record keeps at most this many fingerprints (the latest): a record many sources report stays one short line.</summary>
        internal const int MaxFingerprints = 32;

        private static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

        private readonly string path;
        // Read by the read-ahead's threads without a lock; what is learned is written under the gate.
        private readonly ConcurrentDictionary<string, Entry> entries;
        private readonly List<string> learned = new List<string>();
        private readonly object gate = new object();
        private bool rewrite;

        private CveObservationIndex(string path, ConcurrentDictionary<string, Entry> entries, bool rewrite)
        {
            this.path = path;
            this.entries = entries;
            this.rewrite = rewrite;
        }

        /// <summary>
        /// What the index says, keyed by this build of the module and of the YAML library (a record parses, and an
        /// observation merges, the way the code that read it does; another build's answers are not taken).
        /// </summary>
        internal static string Header { get; } = "securityops-cve-observations 1 " +
            typeof(CveObservationIndex).Assembly.ManifestModule.ModuleVersionId.ToString("N") + " " +
            typeof(YamlDotNet.Serialization.IDeserializer).Assembly.FullName;

        /// <summary>Reads the index of the state at <paramref name="stateRoot"/>; never fails (anything wrong reads as empty).</summary>
        public static CveObservationIndex Load(string stateRoot)
        {
            string path = Path.Combine(stateRoot, RelativePath.Replace('/', Path.DirectorySeparatorChar));
            var entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
            string text;
            try
            {
                text = File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                text = null;
            }

            if (text == null)
            {
                return new CveObservationIndex(path, entries, rewrite: true);
            }

            int firstEnd = text.IndexOf('\n');
            if (firstEnd < 0 || text.Substring(0, firstEnd) != Header)
            {
                return new CveObservationIndex(path, entries, rewrite: true); // another build's (or damaged): start again
            }

            int lines = 0;
            for (int start = firstEnd + 1; start < text.Length;)
            {
                int end = text.IndexOf('\n', start);
                if (end < 0)
                {
                    break; // a torn last line (a write cut short) is not taken
                }

                lines++;
                if (Entry.TryParse(text, start, end, out string id, out Entry entry))
                {
                    entries[id] = entry;
                }

                start = end + 1;
            }

            // Mostly replaced lines: written again whole at the next save.
            return new CveObservationIndex(path, entries, rewrite: lines > 2 * entries.Count + 1024);
        }

        /// <summary>What the index knows of <paramref name="cveId"/>'s file; null when nothing.</summary>
        public Entry Find(string cveId) => entries.TryGetValue(cveId, out Entry entry) ? entry : null;

        /// <summary>
        /// Records that the file of <paramref name="cveId"/>, of this size and time (read at <paramref name="readAt"/>)
        /// and these bytes, holds <paramref name="fingerprint"/> (merging it changed nothing). Without a fingerprint, only
        /// refreshes the size and time of a file whose bytes the index already knew.
        /// </summary>
        public void Learn(string cveId, long size, long modifiedTicks, DateTime readAt, Hash128 content, Hash128? fingerprint)
        {
            lock (gate)
            {
                entries.TryGetValue(cveId, out Entry known);
                var fingerprints = known != null && known.Content == content ? known.Fingerprints.ToList() : new List<Hash128>();
                if (fingerprint != null && !fingerprints.Contains(fingerprint.Value))
                {
                    fingerprints.Add(fingerprint.Value);
                }

                if (fingerprints.Count == 0)
                {
                    return;
                }

                if (fingerprints.Count > MaxFingerprints)
                {
                    fingerprints.RemoveRange(0, fingerprints.Count - MaxFingerprints);
                }

                // A time within the racy window is not trusted later: 0 makes the next run check the bytes instead.
                long ticks = readAt - new DateTime(modifiedTicks, DateTimeKind.Utc) > RacyWindow ? modifiedTicks : 0;
                var entry = new Entry(size, ticks, content, fingerprints.ToArray());
                if (known != null && known.SameAs(entry))
                {
                    return;
                }

                entries[cveId] = entry;
                learned.Add(entry.Line(cveId));
            }
        }

        /// <summary>
        /// Writes what this run learned: appended, or the whole index when it was missing, another build's or mostly
        /// replaced lines. Not flushed to disk (a cache); a failure to write is not an error, only more reading later.
        /// The caller holds the state's lock.
        /// </summary>
        public void Save()
        {
            lock (gate)
            {
                if (learned.Count == 0)
                {
                    // Nothing new: an index another build wrote, or one of mostly replaced lines, waits until there is.
                    return;
                }

                try
                {
                    if (rewrite)
                    {
                        StateRepository.WriteFileAtomic(path, stream =>
                        {
                            var text = new StringBuilder(Header).Append('\n');
                            foreach (var pair in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                            {
                                text.Append(pair.Value.Line(pair.Key));
                            }

                            byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
                            stream.Write(bytes, 0, bytes.Length);
                        }, durable: false);
                        rewrite = false;
                    }
                    else
                    {
                        using (var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
                        {
                            // A line left torn by an earlier write cut short gets its end first, so the next line stands alone.
                            var text = new StringBuilder();
                            if (stream.Length > 0)
                            {
                                stream.Seek(-1, SeekOrigin.End);
                                if (stream.ReadByte() != '\n')
                                {
                                    text.Append('\n');
                                }
                            }

                            foreach (string line in learned)
                            {
                                text.Append(line);
                            }

                            byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
                            stream.Seek(0, SeekOrigin.End);
                            stream.Write(bytes, 0, bytes.Length);
                        }
                    }

                    learned.Clear();
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is SecurityOpsException)
                {
                    // Only a cache: the next run reads those records again.
                }
            }
        }

        /// <summary>One record file as the index knows it.</summary>
        internal sealed class Entry
        {
            public Entry(long size, long modifiedTicks, Hash128 content, Hash128[] fingerprints)
            {
                Size = size;
                ModifiedTicks = modifiedTicks;
                Content = content;
                Fingerprints = fingerprints;
            }

            public long Size { get; }

            /// <summary>The file's last write time (UTC ticks) when it was recorded; 0 when too recent to trust.</summary>
            public long ModifiedTicks { get; }

            public Hash128 Content { get; }

            public Hash128[] Fingerprints { get; }

            /// <summary>True when a file of this size and time is the one recorded, without reading it.</summary>
            public bool StampMatches(long size, long modifiedTicks) => ModifiedTicks != 0 && Size == size && ModifiedTicks == modifiedTicks;

            public bool Holds(Hash128 fingerprint) => Array.IndexOf(Fingerprints, fingerprint) >= 0;

            internal bool SameAs(Entry other) =>
                Size == other.Size && ModifiedTicks == other.ModifiedTicks && Content == other.Content && Fingerprints.SequenceEqual(other.Fingerprints);

            internal string Line(string cveId)
            {
                var line = new StringBuilder(96 + 33 * Fingerprints.Length)
                    .Append(cveId).Append('\t')
                    .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(ModifiedTicks.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(Content.ToString()).Append('\t');
                for (int i = 0; i < Fingerprints.Length; i++)
                {
                    line.Append(i == 0 ? string.Empty : ",").Append(Fingerprints[i].ToString());
                }

                return line.Append('\n').ToString();
            }

            /// <summary>Parses the line text[start..end); false when it is not a whole, well-formed entry.</summary>
            internal static bool TryParse(string text, int start, int end, out string cveId, out Entry entry)
            {
                cveId = null;
                entry = null;
                int t1 = text.IndexOf('\t', start, end - start);
                int t2 = t1 < 0 ? -1 : text.IndexOf('\t', t1 + 1, end - t1 - 1);
                int t3 = t2 < 0 ? -1 : text.IndexOf('\t', t2 + 1, end - t2 - 1);
                int t4 = t3 < 0 ? -1 : text.IndexOf('\t', t3 + 1, end - t3 - 1);
                if (t4 < 0 || end - t4 - 1 < 32)
                {
                    return false;
                }

                string id = text.Substring(start, t1 - start);
                if (!id.StartsWith("CVE-", StringComparison.Ordinal) ||
                    !long.TryParse(text.Substring(t1 + 1, t2 - t1 - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long size) ||
                    !long.TryParse(text.Substring(t2 + 1, t3 - t2 - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ||
                    !Hash128.TryParse(text, t3 + 1, t4 - t3 - 1, out Hash128 content))
                {
                    return false;
                }

                var fingerprints = new List<Hash128>();
                for (int at = t4 + 1; at < end;)
                {
                    int comma = text.IndexOf(',', at, end - at);
                    int stop = comma < 0 ? end : comma;
                    if (!Hash128.TryParse(text, at, stop - at, out Hash128 fingerprint))
                    {
                        return false;
                    }

                    fingerprints.Add(fingerprint);
                    at = stop + 1;
                }

                cveId = id;
                entry = new Entry(size, ticks, content, fingerprints.ToArray());
                return true;
            }
        }
    }
}
