using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SecurityOps.Model;

namespace SecurityOps.Database
{
    /// <summary>What a source says about one CVE: the input of <see cref="CveDatabase.Record"/>.</summary>
    internal sealed class CveObservation
    {
        public string CveId { get; set; }

        public List<PackageRef> Packages { get; set; } = new List<PackageRef>();

        public string Source { get; set; }

        public string AdvisoryId { get; set; }

        public string Link { get; set; }

        public string Title { get; set; }

        public string Summary { get; set; }

        public double? CvssScore { get; set; }

        public string CvssVector { get; set; }

        public List<string> References { get; set; } = new List<string>();

        /// <summary>The observation's <see cref="ComputeFingerprint"/>, once a read-ahead has computed it.</summary>
        public Hash128? Fingerprint { get; set; }

        /// <summary>
        /// A hash of everything the observation says (every field <see cref="CveDatabase.Merge"/> reads): two observations
        /// with the same fingerprint merge the same into any record. Each value is written with its length, so no two
        /// different observations share an encoding.
        /// </summary>
        public Hash128 ComputeFingerprint()
        {
            // One builder and buffer per thread: a run computes thousands of these, on every core.
            StringBuilder text = fingerprintText ?? (fingerprintText = new StringBuilder(256));
            text.Clear();
            void Add(string value) => (value == null ? text.Append('~') : text.Append(value.Length).Append(':').Append(value)).Append(';');
            void AddList(IList<string> values)
            {
                text.Append(values == null ? "~" : values.Count.ToString(CultureInfo.InvariantCulture)).Append('[');
                foreach (string value in values ?? (IList<string>)new string[0])
                {
                    Add(value);
                }

                text.Append(']');
            }

            Add(CveId);
            Add(Source);
            Add(AdvisoryId);
            Add(Link);
            Add(Title);
            Add(Summary);
            Add(CvssScore?.ToString("R", CultureInfo.InvariantCulture));
            Add(CvssVector);
            AddList(References);
            text.Append(Packages == null ? "~" : Packages.Count.ToString(CultureInfo.InvariantCulture)).Append('{');
            foreach (PackageRef package in Packages ?? new List<PackageRef>())
            {
                if (package == null)
                {
                    text.Append("~;");
                    continue;
                }

                Add(package.Name);
                Add(package.Ecosystem);
                AddList(package.Vulnerable);
                AddList(package.Unaffected);
                AddList(package.Versions);
                text.Append(package.Ranges == null ? "~" : package.Ranges.Count.ToString(CultureInfo.InvariantCulture)).Append('(');
                foreach (AffectedRange range in package.Ranges ?? new List<AffectedRange>())
                {
                    if (range == null)
                    {
                        text.Append("~;");
                        continue;
                    }

                    Add(range.Type);
                    text.Append(range.Events == null ? "~" : range.Events.Count.ToString(CultureInfo.InvariantCulture)).Append('<');
                    foreach (RangeEvent e in range.Events ?? new List<RangeEvent>())
                    {
                        if (e == null)
                        {
                            text.Append("~;");
                            continue;
                        }

                        Add(e.Introduced);
                        Add(e.Fixed);
                        Add(e.LastAffected);
                        Add(e.Limit);
                    }

                    text.Append('>');
                }

                text.Append(')');
            }

            text.Append('}');
            char[] units = fingerprintUnits;
            if (units == null || units.Length < text.Length)
            {
                fingerprintUnits = units = new char[Math.Max(text.Length, 512)];
            }

            text.CopyTo(0, units, 0, text.Length);
            // The UTF-16 code units as they are: an encoding would turn different unpaired surrogates into the same bytes.
            Hash128 fingerprint = Hash128.Of(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<char>(units, 0, text.Length)));
            if (units.Length > 1 << 16)
            {
                // A long advisory's text is not kept for the thread's lifetime.
                fingerprintText = null;
                fingerprintUnits = null;
            }

            return fingerprint;
        }

        [ThreadStatic]
        private static StringBuilder fingerprintText;

        [ThreadStatic]
        private static char[] fingerprintUnits;

        /// <summary>What a feed item says about one of its CVEs (as Add-CveRecord binds it from the pipeline).</summary>
        public static CveObservation FromFeedItem(SecurityFeedItem item, string cveId) => new CveObservation
        {
            CveId = cveId,
            Packages = (item.Packages ?? new List<PackageRef>()).Where(p => p?.Name != null).ToList(),
            Source = item.Source,
            AdvisoryId = item.Id,
            Link = item.Link,
            Title = item.Title,
            Summary = item.Summary,
            References = (item.References ?? new string[0]).ToList(),
            CvssVector = item.CvssVector,
        };
    }

    /// <summary>A filter for <see cref="CveDatabase.Query"/>. Every set field must match.</summary>
    internal sealed class CveQuery
    {
        /// <summary>Matches the CVE id (wildcards are turned into this by the caller).</summary>
        public System.Func<string, bool> IdFilter { get; set; }

        /// <summary>Only these years' folders are read (from ids like CVE-2024-*); null reads all.</summary>
        public ISet<string> Years { get; set; }

        public System.Func<string, bool> PackageFilter { get; set; }

        public ISet<string> Statuses { get; set; }

        public System.DateTimeOffset? Since { get; set; }

        /// <summary>Relevance states (affected, not-affected, unknown; "none" for a record no inventory has decided).</summary>
        public ISet<string> Relevance { get; set; }

        /// <summary>
        /// Asked (on any thread) before a file is read, with its path relative to cves/ ("2024/CVE-2024-1234.yaml"), its
        /// size and its last write time (UTC ticks): false passes over it unread (a caller that already knows what the
        /// file holds). As with <see cref="IdFilter"/>, a read that passed over any file does not refresh the parsed-record
        /// cache (one that passed over none does, as any full read).
        /// </summary>
        public System.Func<string, long, long, bool> FileFilter { get; set; }
    }
}
