using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// One advisory as an upstream source reports it. The property names are what Add-CveRecord binds by name:
    /// CveIds, Packages, Source, Id (AdvisoryId), Link, Title, Summary, References.
    /// </summary>
    public sealed class SecurityFeedItem
    {
        /// <summary>The configured source's name (gentoo-glsa, rustsec...), or the type for a one-off -Uri read.</summary>
        public string Source { get; set; }

        /// <summary>The upstream advisory id: GLSA 202601-05, RUSTSEC-2025-0004, GO-2022-0890, GHSA-..., ALSA-2025:10549.</summary>
        public string Id { get; set; }

        public string Title { get; set; }

        public string Link { get; set; }

        /// <summary>When the advisory was published; null when the source gave no usable date.</summary>
        public DateTimeOffset? Published { get; set; }

        /// <summary>When it last changed upstream, when the source says so.</summary>
        public DateTimeOffset? Updated { get; set; }

        /// <summary>CVE ids, upper case, each once, in the order the source lists them.</summary>
        public string[] CveIds { get; set; } = Array.Empty<string>();

        /// <summary>Affected packages with their ecosystem (Gentoo atoms, crates, Go modules...).</summary>
        public List<PackageRef> Packages { get; set; } = new List<PackageRef>();

        public string Summary { get; set; }

        /// <summary>Further reference URLs the advisory gives.</summary>
        public string[] References { get; set; } = Array.Empty<string>();

        /// <summary>The CVSS vector the source gives (OSV severity, a GitHub advisory's CVSS), as given; null when none.</summary>
        public string CvssVector { get; set; }

        /// <summary>The reader type that produced it.</summary>
        public string SourceType { get; set; }

        public override string ToString() => $"{Source} {Id}: {Title}";
    }
}
