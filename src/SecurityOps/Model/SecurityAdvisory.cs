using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>The states of a repository security advisory on GitHub (triage: a private vulnerability report).</summary>
    internal static class AdvisoryState
    {
        public const string Triage = "triage";
        public const string Draft = "draft";
        public const string Published = "published";
        public const string Closed = "closed";
        public const string Withdrawn = "withdrawn";

        public static readonly string[] All = { Triage, Draft, Published, Closed, Withdrawn };
    }

    /// <summary>One affected package of an advisory: ecosystem, name, ranges, vulnerable functions.</summary>
    public sealed class AdvisoryPackage
    {
        /// <summary>GitHub's ecosystem name: go, npm, pip, maven, nuget, rubygems, composer, rust, erlang, actions, pub, swift, other.</summary>
        public string Ecosystem { get; set; }

        public string Name { get; set; }

        /// <summary>e.g. "&lt; 1.2.3" or "&gt;= 1.0.0, &lt; 1.2.3".</summary>
        public string VulnerableVersionRange { get; set; }

        /// <summary>e.g. "1.2.3".</summary>
        public string PatchedVersions { get; set; }

        public List<string> VulnerableFunctions { get; set; } = new List<string>();

        public override string ToString() => $"{Ecosystem}/{Name} {VulnerableVersionRange}";
    }

    /// <summary>A repository security advisory (or private vulnerability report) as GitHub holds it: Get-SecurityAdvisory's output.</summary>
    public sealed class SecurityAdvisory
    {
        /// <summary>GHSA-xxxx-xxxx-xxxx.</summary>
        public string GhsaId { get; set; }

        /// <summary>owner/name.</summary>
        public string Repository { get; set; }

        /// <summary>triage, draft, published, closed or withdrawn.</summary>
        public string State { get; set; }

        /// <summary>low, medium, high or critical (as GitHub spells it).</summary>
        public string Severity { get; set; }

        public string CveId { get; set; }

        public string Summary { get; set; }

        public string Description { get; set; }

        public string CvssVector { get; set; }

        public double? CvssScore { get; set; }

        public List<string> CweIds { get; set; } = new List<string>();

        public List<AdvisoryPackage> Vulnerabilities { get; set; } = new List<AdvisoryPackage>();

        /// <summary>Who opened it (for a private vulnerability report: the reporter).</summary>
        public string Author { get; set; }

        public List<string> CollaboratingUsers { get; set; } = new List<string>();

        public List<string> CollaboratingTeams { get; set; } = new List<string>();

        /// <summary>owner/name of the temporary private fork, when one exists.</summary>
        public string PrivateFork { get; set; }

        public string HtmlUrl { get; set; }

        public string Url { get; set; }

        public DateTimeOffset? CreatedAt { get; set; }

        public DateTimeOffset? UpdatedAt { get; set; }

        public DateTimeOffset? PublishedAt { get; set; }

        /// <summary>The case that holds this advisory, when known.</summary>
        public string CaseId { get; set; }

        public override string ToString() => GhsaId;
    }

    /// <summary>A collaborator given access to a case's advisory, and on whose authority.</summary>
    public sealed class AdvisoryCollaborator
    {
        /// <summary>A user login, or a team slug when <see cref="IsTeam"/>.</summary>
        public string Login { get; set; }

        public bool IsTeam { get; set; }

        /// <summary>codeowners, team, reporter or approved.</summary>
        public string Source { get; set; }

        /// <summary>Who approved an outside collaborator (-ApprovedBy).</summary>
        public string ApprovedBy { get; set; }

        public DateTimeOffset At { get; set; }

        public string AddedBy { get; set; }

        public override string ToString() => IsTeam ? "team " + Login : Login;
    }

    /// <summary>
    /// The GitHub advisory of a case, kept on the case (advisory: in cases/SEC-YYYY-NNNN.yaml): its GHSA id and
    /// address, what the advisory is made of beyond the case's own fields, the CVE request and the private fork.
    /// </summary>
    public sealed class CaseAdvisory
    {
        /// <summary>The case this belongs to (not stored: the file says it).</summary>
        public string CaseId { get; set; }

        public string GhsaId { get; set; }

        /// <summary>owner/name.</summary>
        public string Repository { get; set; }

        public string HtmlUrl { get; set; }

        /// <summary>The state GitHub last reported.</summary>
        public string State { get; set; }

        /// <summary>True when the case was imported from a private vulnerability report with this GHSA id.</summary>
        public bool ImportedFromReport { get; set; }

        /// <summary>The advisory's description; empty means it is built from the case (summary, impact, patches, mitigation, links).</summary>
        public string Description { get; set; }

        /// <summary>GitHub's ecosystem of the affected package.</summary>
        public string Ecosystem { get; set; }

        /// <summary>The affected package's name in its ecosystem (default: the case's component).</summary>
        public string Package { get; set; }

        public List<string> CweIds { get; set; } = new List<string>();

        public List<string> VulnerableFunctions { get; set; } = new List<string>();

        public List<AdvisoryCollaborator> Collaborators { get; set; } = new List<AdvisoryCollaborator>();

        /// <summary>When a CVE id was requested through GitHub; null when never.</summary>
        public DateTimeOffset? CveRequestedAt { get; set; }

        /// <summary>pending (requested, no id yet) or assigned.</summary>
        public string CveRequestState { get; set; }

        /// <summary>owner/name of the temporary private fork.</summary>
        public string PrivateFork { get; set; }

        /// <summary>When the fork first answered (null while GitHub is still making it).</summary>
        public DateTimeOffset? ForkReadyAt { get; set; }

        public DateTimeOffset? PublishedAt { get; set; }
        public bool CvePending => CveRequestState == "pending";

        public override string ToString() => GhsaId;
    }
}
