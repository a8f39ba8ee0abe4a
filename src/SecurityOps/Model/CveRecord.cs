using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Text.Json.Serialization;

namespace SecurityOps.Model
{
    /// <summary>Where the team first (or again) saw a CVE.</summary>
    public sealed class CveSighting
    {
        public string Source { get; set; }

        /// <summary>The upstream advisory id (GLSA 202601-01, RUSTSEC-2025-0001, GO-2024-1234...).</summary>
        public string AdvisoryId { get; set; }

        public string Link { get; set; }

        public DateTimeOffset? SeenAt { get; set; }
    }

    /// <summary>The GitHub issue a CVE is tracked in.</summary>
    public sealed class IssueLink
    {
        public string Repository { get; set; }

        public int Number { get; set; }

        public string Url { get; set; }

        public DateTimeOffset? FiledAt { get; set; }
    }

    /// <summary>A CVE in the team's database: one file, cves/&lt;year&gt;/CVE-YYYY-NNNN.yaml.</summary>
    public sealed class CveRecord : IVersionedDocument
    {
        public static readonly string[] Statuses = { "new", "triaged", "tracked", "fixed", "not-affected", "rejected" };

        // The stored fields. A record answered from the observation index (Deferred) has only its id until one of them is used.
        private int schemaVersion = SchemaVersions.Current;
        private string status = "new";
        private string title;
        private string summary;
        private List<PackageRef> packages = new List<PackageRef>();
        private List<CveSighting> sources = new List<CveSighting>();
        private List<string> references = new List<string>();
        private double? cvssScore;
        private string cvssVector;
        private string cvssSource;
        private DateTimeOffset? cvssSetAt;
        private CveRelevance relevance;
        private DateTimeOffset? firstSeen;
        private DateTimeOffset? lastUpdated;
        private IssueLink issue;
        private string fixedIn;
        private string notes;
        private DateTimeOffset? embargoedUntil;
        private Func<CveRecord> deferred;

        /// <summary>
        /// A record known to be unchanged whose file has not been read: its id is set, and the rest is read from its file
        /// the first time any stored field is used (so "| Where-Object IsNew" reads nothing). A record the file no
        /// longer holds fails then, with the reader's error.
        /// </summary>
        internal static CveRecord Deferred(string cveId, Func<CveRecord> read) => new CveRecord { CveId = cveId, deferred = read };

        private void Load()
        {
            Func<CveRecord> read = Volatile.Read(ref deferred);
            if (read == null)
            {
                return;
            }

            lock (read)
            {
                if (deferred == null)
                {
                    return;
                }

                CveRecord stored = read();
                schemaVersion = stored.schemaVersion;
                status = stored.status;
                title = stored.title;
                summary = stored.summary;
                packages = stored.packages;
                sources = stored.sources;
                references = stored.references;
                cvssScore = stored.cvssScore;
                cvssVector = stored.cvssVector;
                cvssSource = stored.cvssSource;
                cvssSetAt = stored.cvssSetAt;
                relevance = stored.relevance;
                firstSeen = stored.firstSeen;
                lastUpdated = stored.lastUpdated;
                issue = stored.issue;
                fixedIn = stored.fixedIn;
                notes = stored.notes;
                embargoedUntil = stored.embargoedUntil;
                Volatile.Write(ref deferred, null);
            }
        }

        public int SchemaVersion { get { Load(); return schemaVersion; } set { Load(); schemaVersion = value; } }

        public string CveId { get; set; }

        public string Status { get { Load(); return status; } set { Load(); status = value; } }

        public string Title { get { Load(); return title; } set { Load(); title = value; } }

        public string Summary { get { Load(); return summary; } set { Load(); summary = value; } }

        public List<PackageRef> Packages { get { Load(); return packages; } set { Load(); packages = value; } }

        public List<CveSighting> Sources { get { Load(); return sources; } set { Load(); sources = value; } }

        public List<string> References { get { Load(); return references; } set { Load(); references = value; } }

        public double? CvssScore { get { Load(); return cvssScore; } set { Load(); cvssScore = value; } }

        public string CvssVector { get { Load(); return cvssVector; } set { Load(); cvssVector = value; } }

        /// <summary>Where the vector came from (a feed's name, or "manual") and when it was set.</summary>
        public string CvssSource { get { Load(); return cvssSource; } set { Load(); cvssSource = value; } }

        public DateTimeOffset? CvssSetAt { get { Load(); return cvssSetAt; } set { Load(); cvssSetAt = value; } }

        /// <summary>Whether the project ships what the CVE touches (null until an inventory exists).</summary>
        public CveRelevance Relevance { get { Load(); return relevance; } set { Load(); relevance = value; } }

        public DateTimeOffset? FirstSeen { get { Load(); return firstSeen; } set { Load(); firstSeen = value; } }

        public DateTimeOffset? LastUpdated { get { Load(); return lastUpdated; } set { Load(); lastUpdated = value; } }

        public IssueLink Issue { get { Load(); return issue; } set { Load(); issue = value; } }

        public string FixedIn { get { Load(); return fixedIn; } set { Load(); fixedIn = value; } }

        public string Notes { get { Load(); return notes; } set { Load(); notes = value; } }

        /// <summary>Until this time the record must not reach a public place (set for CVEs from private cases).</summary>
        public DateTimeOffset? EmbargoedUntil { get { Load(); return embargoedUntil; } set { Load(); embargoedUntil = value; } }

        /// <summary>True while the record's own embargo has not ended at <paramref name="now"/> (a case's embargo aside).</summary>
        public bool IsEmbargoed(DateTimeOffset now) => EmbargoedUntil != null && now < EmbargoedUntil.Value;

        /// <summary>True when this call created the record (not stored).</summary>
        [JsonIgnore]
        public bool IsNew { get; set; }

        /// <summary>True when this call changed the record (not stored).</summary>
        [JsonIgnore]
        public bool Changed { get; set; }
        [JsonIgnore]
        public string Package => Packages.FirstOrDefault()?.Name;

        /// <summary>affected, not-affected, unknown; null when no inventory has decided.</summary>
        [JsonIgnore]
        public string RelevanceState => Relevance?.State;
        [JsonIgnore]
        public int? IssueNumber => Issue?.Number;
        [JsonIgnore]
        public string Severity => CvssSeverity.FromScore(CvssScore);
        [JsonIgnore]
        public IReadOnlyList<string> SourceNames => Sources.Select(s => s.Source).Where(s => s != null).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        [JsonIgnore]
        public int Year => CveIdentifier.Year(CveId);

        /// <summary>The path of the record's file inside the state repository.</summary>
        [JsonIgnore]
        public string RelativePath => PathFor(CveId);

        public static bool IsValidId(string id) => CveIdentifier.IsValid(id);

        /// <summary>Upper-cases and trims an id ("cve-2024-1234 " -> "CVE-2024-1234"); null when it is not a CVE id.</summary>
        public static string NormalizeId(string id) => CveIdentifier.Normalize(id);

        public static string PathFor(string cveId)
        {
            CveIdentifier.Year(cveId); // the id's shape checked: its year is the folder
            return string.Concat("cves/", cveId.Substring(4, 4), "/", cveId, ".yaml");
        }

        public override string ToString() => CveId;
    }

    /// <summary>CVSS severity names from a base score (FIRST's qualitative scale).</summary>
    internal static class CvssSeverity
    {
        public static string FromScore(double? score)
        {
            if (score == null)
            {
                return null;
            }

            double s = score.Value;
            if (s == 0)
            {
                return "NONE";
            }

            if (s < 4.0)
            {
                return "LOW";
            }

            if (s < 7.0)
            {
                return "MEDIUM";
            }

            return s < 9.0 ? "HIGH" : "CRITICAL";
        }
    }
}
