using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
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

        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        public string CveId { get; set; }

        public string Status { get; set; } = "new";

        public string Title { get; set; }

        public string Summary { get; set; }

        public List<PackageRef> Packages { get; set; } = new List<PackageRef>();

        public List<CveSighting> Sources { get; set; } = new List<CveSighting>();

        public List<string> References { get; set; } = new List<string>();

        public double? CvssScore { get; set; }

        public string CvssVector { get; set; }

        /// <summary>Where the vector came from (a feed's name, or "manual") and when it was set.</summary>
        public string CvssSource { get; set; }

        public DateTimeOffset? CvssSetAt { get; set; }

        /// <summary>Whether the project ships what the CVE touches (null until an inventory exists).</summary>
        public CveRelevance Relevance { get; set; }

        public DateTimeOffset? FirstSeen { get; set; }

        public DateTimeOffset? LastUpdated { get; set; }

        public IssueLink Issue { get; set; }

        public string FixedIn { get; set; }

        public string Notes { get; set; }

        /// <summary>Until this time the record must not reach a public place (set for CVEs from private cases).</summary>
        public DateTimeOffset? EmbargoedUntil { get; set; }

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
            return $"cves/{CveIdentifier.Year(cveId)}/{cveId}.yaml";
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
