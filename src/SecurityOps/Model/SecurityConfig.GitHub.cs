using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        /// <summary>The github: section (New-CveIssue and every other GitHub call).</summary>
        public GitHubSettings GitHub { get; set; } = new GitHubSettings();
    }

    public sealed class GitHubSettings
    {
        /// <summary>REST API root, used as given; empty means https://api.github.com/.</summary>
        public string ApiUrl { get; set; }

        /// <summary>
        /// The most new issues one runbook run opens. A run that would open more opens none of them (a flood is never
        /// half-filed), keeps them pending and says why; raise it on purpose, and the next run files each once. 0: no cap.
        /// </summary>
        public int MaxNewIssuesPerRun { get; set; } = 25;

        /// <summary>owner/name where New-CveIssue files advisory issues when -Repository is not given.</summary>
        public string IssueRepository { get; set; }

        /// <summary>Repositories known to be public: embargoed records are never written there.</summary>
        public List<string> PublicRepositories { get; set; } = new List<string>();

        /// <summary>True when <see cref="PublicRepositories"/> lists <paramref name="repository"/> (owner/name, any case).</summary>
        public bool ListsAsPublic(string repository) =>
            (PublicRepositories ?? new List<string>()).Any(r => string.Equals(r?.Trim(), repository, StringComparison.OrdinalIgnoreCase));

        /// <summary>Ask GitHub for a repository's visibility before writing an embargoed record to it (not public only when GitHub says private).</summary>
        public bool CheckVisibility { get; set; } = true;

        /// <summary>Labels every advisory issue carries; the last one is the label open issues are listed by.</summary>
        public List<string> Labels { get; set; } = new List<string> { "security", "advisory" };

        /// <summary>Add cvss/CRITICAL, cvss/HIGH or cvss/MEDIUM when a score is known.</summary>
        public bool SeverityLabels { get; set; } = true;

        /// <summary>What the Action Needed field says in a new issue.</summary>
        public string ActionNeeded { get; set; } = "TBD";

        public IssueTemplates Templates { get; set; } = new IssueTemplates();

        public int WritesPerMinute { get; set; } = 80;

        public int WritesPerHour { get; set; } = 500;

        /// <summary>Attempts per request for 5xx, dropped connections and rate limits.</summary>
        public int MaxAttempts { get; set; } = 5;

        /// <summary>The longest rate-limit wait a run accepts before failing.</summary>
        public int MaxWaitSeconds { get; set; } = 3600;
    }

    /// <summary>Issue text with placeholders {package}, {cves}, {cvsss}, {actionNeeded}, {summary}, {references}.</summary>
    public sealed class IssueTemplates
    {
        public string Title { get; set; } = "update: {package}";

        /// <summary>The body; empty means Flatcar's format.</summary>
        public string Body { get; set; }

        /// <summary>A body template file in the state repository (e.g. templates/cve-issue.md); wins over Body.</summary>
        public string BodyFile { get; set; }

        /// <summary>The comment written when CVEs are added to an open issue.</summary>
        public string Comment { get; set; } = "Added {cves}.";

        /// <summary>One line per reference: {label} (gentoo, nvd, rustsec, go, osv or the host) and {url}.</summary>
        public string Reference { get; set; } = "**refmap.{label}**: {url}";
    }
}
