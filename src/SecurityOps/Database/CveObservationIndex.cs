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
            int lines = 0;
            try
            {
                if (!File.Exists(path))
                {
                    return new CveObservationIndex(path, entries, rewrite: true);
                }

                // Line by line through a small buffer: the whole file as one string (megabytes, on the large object heap)
                // cost more in fresh memory than the parse itself, at the start of every run.
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
                {
                    // A torn last line (a write cut short) is not taken: the file must end with a line's end.
                    long whole = stream.Length;
                    if (whole > 0)
                    {
                        stream.Seek(-1, SeekOrigin.End);
                        if (stream.ReadByte() != '\n')
                        {
                            whole = -1;
                        }

                        stream.Seek(0, SeekOrigin.Begin);
                    }

                    using (var reader = new StreamReader(stream, new UTF8Encoding(false), false, 64 * 1024))
                    {
                        if (reader.ReadLine() != Header)
                        {
                            return new CveObservationIndex(path, entries, rewrite: true); // another build's (or damaged): start again
                        }

                        for (string line = reader.ReadLine(); line != null; line = reader.ReadLine())
                        {
                            if (whole < 0 && reader.Peek() < 0)
                            {
                                break; // the torn last line
                            }

                            lines++;
                            if (Entry.TryParse(line, out string id, out Entry entry))
                            {
                                entries[id] = entry;
                            }
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return new CveObservationIndex(path, new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal), rewrite: true);
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
            // A line read from the index keeps its fingerprints as written (32 hex digits each, comma-separated, from
            // fingerprintsAt) until something needs them as values: a lookup only searches the text, and most lines
            // read are never looked up (a record reported again, or replaced by a later line).
            private readonly string line;
            private readonly int fingerprintsAt;
            private Hash128[] fingerprints;

            public Entry(long size, long modifiedTicks, Hash128 content, Hash128[] fingerprints)
            {
                Size = size;
                ModifiedTicks = modifiedTicks;
                Content = content;
                this.fingerprints = fingerprints;
            }

            private Entry(long size, long modifiedTicks, Hash128 content, string line, int fingerprintsAt)
            {
                Size = size;
                ModifiedTicks = modifiedTicks;
                Content = content;
                this.line = line;
                this.fingerprintsAt = fingerprintsAt;
            }

            public long Size { get; }

            /// <summary>The file's last write time (UTC ticks) when it was recorded; 0 when too recent to trust.</summary>
            public long ModifiedTicks { get; }

            public Hash128 Content { get; }

            /// <summary>The observations the file holds (a damaged one, whose digits are not all hex, is not held).</summary>
            public Hash128[] Fingerprints => fingerprints ?? (fingerprints = ReadFingerprints(line, fingerprintsAt));

            /// <summary>True when a file of this size and time is the one recorded, without reading it.</summary>
            public bool StampMatches(long size, long modifiedTicks) => ModifiedTicks != 0 && Size == size && ModifiedTicks == modifiedTicks;

            public bool Holds(Hash128 fingerprint)
            {
                Hash128[] values = fingerprints;
                if (values != null)
                {
                    return Array.IndexOf(values, fingerprint) >= 0;
                }

                // Its digits at the start of one of the line's fingerprints (a match is all hex: the digits searched are).
                string digits = fingerprint.ToString();
                for (int at = line.IndexOf(digits, fingerprintsAt, StringComparison.Ordinal); at >= 0; at = line.IndexOf(digits, at + 1, StringComparison.Ordinal))
                {
                    if ((at - fingerprintsAt) % 33 == 0)
                    {
                        return true;
                    }
                }

                return false;
            }

            internal bool SameAs(Entry other) =>
                Size == other.Size && ModifiedTicks == other.ModifiedTicks && Content == other.Content && Fingerprints.SequenceEqual(other.Fingerprints);

            internal string Line(string cveId)
            {
                Hash128[] values = Fingerprints;
                var text = new StringBuilder(96 + 33 * values.Length)
                    .Append(cveId).Append('\t')
                    .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(ModifiedTicks.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(Content.ToString()).Append('\t');
                for (int i = 0; i < values.Length; i++)
                {
                    text.Append(i == 0 ? string.Empty : ",").Append(values[i].ToString());
                }

                return text.Append('\n').ToString();
            }

            /// <summary>
            /// Parses a line of the index (without its end); false when it is not a whole, well-formed entry. The
            /// fingerprints' shape is checked here, their digits when they are first needed.
            /// </summary>
            internal static bool TryParse(string line, out string cveId, out Entry entry)
            {
                cveId = null;
                entry = null;
                int end = line.Length;
                int t1 = line.IndexOf('\t');
                int t2 = t1 < 0 ? -1 : line.IndexOf('\t', t1 + 1);
                int t3 = t2 < 0 ? -1 : line.IndexOf('\t', t2 + 1);
                int t4 = t3 < 0 ? -1 : line.IndexOf('\t', t3 + 1);
                if (t4 < 0 || end - t4 - 1 < 32 || (end - t4) % 33 != 0 || line.IndexOf('\t', t4 + 1) >= 0)
                {
                    return false;
                }

                for (int comma = t4 + 33; comma < end; comma += 33)
                {
                    if (line[comma] != ',')
                    {
                        return false;
                    }
                }

                string id = line.Substring(0, t1);
                if (!id.StartsWith("CVE-", StringComparison.Ordinal) ||
                    !TryReadDecimal(line, t1 + 1, t2, out long size) ||
                    !TryReadDecimal(line, t2 + 1, t3, out long ticks) ||
                    !Hash128.TryParse(line, t3 + 1, t4 - t3 - 1, out Hash128 content))
                {
                    return false;
                }

                cveId = id;
                entry = new Entry(size, ticks, content, line, t4 + 1);
                return true;
            }

            /// <summary>The line's fingerprints whose digits are all hex, as <see cref="Holds"/> finds them in the text.</summary>
            private static Hash128[] ReadFingerprints(string line, int at)
            {
                var values = new List<Hash128>((line.Length - at + 1) / 33);
                for (; at < line.Length; at += 33)
                {
                    if (Hash128.TryParse(line, at, 32, out Hash128 value))
                    {
                        values.Add(value);
                    }
                }

                return values.ToArray();
            }

            /// <summary>The decimal digits text[start..end) of a non-negative long; false for anything else.</summary>
            private static bool TryReadDecimal(string text, int start, int end, out long value)
            {
                value = 0;
                ulong digits = 0;
                if (end <= start || end - start > 19)
                {
                    return false;
                }

                for (int i = start; i < end; i++)
                {
                    char c = text[i];
                    if (c < '0' || c > '9')
                    {
                        return false;
                    }

                    digits = digits * 10 + (uint)(c - '0');
                }

                if (digits > long.MaxValue)
                {
                    return false;
                }

                value = (long)digits;
                return true;
            }
        }
    }
}
