using System.Collections.Generic;
using System.Linq;
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
