using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SecurityOps.Model;

namespace SecurityOps.Publishing
{
    /// <summary>The sections New-SecurityReleaseNote can write.</summary>
    internal static class ReleaseNoteFormat
    {
        public const string Changelog = "Changelog";
        public const string Detailed = "Detailed";
        public const string Bulletin = "Bulletin";
        public const string All = "All";

        /// <summary>The sections the disclosure policy asks for (release.listFixedCves, release.bulletinInReleaseNotes).</summary>
        public const string Policy = "Policy";

        public static readonly string[] Names = { Policy, Changelog, Detailed, Bulletin, All };
    }

    /// <summary>
    /// Builds the security part of a release's notes from the CVE records and the cases fixed in that release:
    /// the concise list in Flatcar's changelog style (one line per package, its CVEs sorted by year then number), a
    /// detailed report per issue (Flatcar's SECURITY.md), and the bulletin section a patch release carries (Confidential
    /// Containers; KubeEdge's low and medium fixes). Everything passes the public gate: an embargoed case, its CVE, and
    /// an embargoed CVE record are left out and only counted.
    /// </summary>
    internal static class ReleaseNoteBuilder
    {
        public const string CveLinkBase = "https://www.cve.org/CVERecord?id=";

        public static ReleaseNote Build(string release, IEnumerable<CveRecord> records, IEnumerable<VulnerabilityCase> cases,
            DateTimeOffset now, string format, string projectName, IEventSink sink, DisclosurePolicy policy = null)
        {
            if (string.IsNullOrWhiteSpace(release))
            {
                throw new SecurityOpsException("InvalidRelease", FailureKind.InvalidArgument, release, "A release version is required (such as v0.8.1 or 4152.2.1).");
            }

            format = ReleaseNoteFormat.Names.FirstOrDefault(n => string.Equals(n, format ?? ReleaseNoteFormat.All, StringComparison.OrdinalIgnoreCase))
                     ?? throw new SecurityOpsException("InvalidReleaseNoteFormat", FailureKind.InvalidArgument, format,
                         $"'{format}' is not a release note format ({string.Join(", ", ReleaseNoteFormat.Names)}).");
            release = release.Trim();
            sink ??= NullEventSink.Instance;

            var allCases = cases.ToList();
            CveEmbargoes embargoes = PublicGate.Embargoes(allCases, now); // every embargoed case, whatever release it names
            var hiddenCves = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var issues = new List<Issue>();
            int leftOut = 0;
            foreach (VulnerabilityCase c in allCases.Where(c => c.FixedVersions.Contains(release, StringComparer.Ordinal)))
            {
                if (!PublicGate.IsPublic(c, now))
                {
                    leftOut++;
                    if (c.CveId != null)
                    {
                        hiddenCves.Add(c.CveId);
                    }

                    continue;
                }

                issues.Add(Issue.From(c));
            }

            var caseCves = new HashSet<string>(issues.SelectMany(i => i.CveIds), StringComparer.Ordinal);
            foreach (CveRecord r in records.Where(r => string.Equals(r.FixedIn, release, StringComparison.Ordinal)))
            {
                if (hiddenCves.Contains(r.CveId))
                {
                    continue; // the embargoed case it belongs to is already counted
                }

                if (!embargoes.IsPublic(r))
                {
                    leftOut++;
                    continue;
                }

                Issue fromCase = issues.FirstOrDefault(i => i.CveIds.Contains(r.CveId));
                if (fromCase != null)
                {
                    fromCase.Packages.AddRange(r.Packages.Select(p => p.Name).Where(n => !string.IsNullOrWhiteSpace(n)));
                    continue;
                }

                if (!caseCves.Contains(r.CveId))
                {
                    issues.Add(Issue.From(r));
                }
            }

            if (leftOut > 0)
            {
                sink.Warning($"{leftOut} issue(s) fixed in {release} are still under embargo and were left out of the notes; " +
                             "generate them again after the public date.");
            }

            issues = issues.OrderBy(i => i.SortKey, CveIdComparer.Instance).ThenBy(i => i.CaseId, StringComparer.Ordinal).ToList();
            sink.Verbose($"{release}: {issues.Count} public issue(s), {issues.SelectMany(i => i.CveIds).Distinct().Count()} CVE id(s).");

            var md = new StringBuilder();
            bool all = format == ReleaseNoteFormat.All;
            bool list = all, detailed = format == ReleaseNoteFormat.Detailed || all, bulletin = format == ReleaseNoteFormat.Bulletin || all;
            if (format == ReleaseNoteFormat.Policy)
            {
                // Flatcar: a concise list of the fixed issues, and a detailed report on each; CoCo and KubeEdge: the
                // bulletin in the fixing release's notes. A policy that says neither gets every section.
                ReleaseRules r = policy?.Release;
                list = r?.ListFixedCves == true;
                detailed = r?.BulletinInReleaseNotes == true && r.Artifact == "os-image";
                bulletin = r?.BulletinInReleaseNotes == true && r.Artifact != "os-image";
                if (!list && !detailed && !bulletin)
                {
                    list = detailed = bulletin = true;
                    sink.Verbose($"The {policy?.Name ?? "current"} policy sets neither release.listFixedCves nor release.bulletinInReleaseNotes: every section is written.");
                }
                else
                {
                    sink.Verbose($"The {policy.Name} policy asks for: " + string.Join(", ", new[] { list ? "the list of fixed CVEs (release.listFixedCves)" : null,
                        detailed ? "a detailed report per issue (release.bulletinInReleaseNotes, os-image)" : null,
                        bulletin ? "the security bulletin (release.bulletinInReleaseNotes)" : null }.Where(x => x != null)) + ".");
                }
            }

            if (format == ReleaseNoteFormat.Changelog)
            {
                md.Append(ChangelogLines(issues));
            }

            if (list)
            {
                md.Append("## Security fixes\n\n").Append(issues.Count == 0 ? "- none\n" : ChangelogLines(issues)).Append('\n');
            }

            if (detailed)
            {
                md.Append(Detailed(release, issues));
            }

            if (bulletin)
            {
                if (md.Length > 0)
                {
                    md.Append('\n');
                }

                md.Append(BulletinSection(release, projectName, issues));
            }

            return new ReleaseNote
            {
                Release = release,
                Format = format,
                Markdown = md.ToString(),
                CveIds = issues.SelectMany(i => i.CveIds).Distinct().OrderBy(id => id, CveIdComparer.Instance).ToList(),
                CaseIds = issues.Where(i => i.CaseId != null).Select(i => i.CaseId).ToList(),
                LeftOut = leftOut,
            };
        }

        /// <summary>One markdown link to a CVE record on cve.org.</summary>
        public static string CveLink(string cveId) => $"[{cveId}]({CveLinkBase}{cveId})";

        /// <summary>
        /// Flatcar's changelog lines: `- package ([CVE-...](...), [CVE-...](...))`, packages in ordinal order (as Flatcar's
        /// own notes list "Linux" before "bind tools"), CVEs by year then number, then other advisories by name.
        /// </summary>
        public static string ChangelogLines(IEnumerable<Issue> issues)
        {
            var byPackage = new SortedDictionary<string, (SortedSet<string> Cves, SortedDictionary<string, string> Others)>(StringComparer.Ordinal);
            foreach (Issue issue in issues)
            {
                foreach (string package in issue.PackageNames)
                {
                    if (!byPackage.TryGetValue(package, out var entry))
                    {
                        entry = (new SortedSet<string>(CveIdComparer.Instance), new SortedDictionary<string, string>(StringComparer.Ordinal));
                        byPackage[package] = entry;
                    }

                    foreach (string cve in issue.CveIds)
                    {
                        entry.Cves.Add(cve);
                    }

                    if (issue.CveIds.Count == 0 && issue.AdvisoryUrl != null)
                    {
                        entry.Others[AdvisoryLabel(issue.AdvisoryUrl)] = issue.AdvisoryUrl;
                    }
                }
            }

            var sb = new StringBuilder();
            foreach (var pair in byPackage.Where(p => p.Value.Cves.Count + p.Value.Others.Count > 0))
            {
                var links = pair.Value.Cves.Select(CveLink).Concat(pair.Value.Others.Select(o => $"[{o.Key}]({o.Value})"));
                sb.Append("- ").Append(pair.Key).Append(" (").Append(string.Join(", ", links)).Append(")\n");
            }

            return sb.ToString();
        }

        private static string Detailed(string release, List<Issue> issues)
        {
            var sb = new StringBuilder();
            sb.Append("## Security report for ").Append(release).Append("\n\n");
            if (issues.Count == 0)
            {
                sb.Append("No public security issues are fixed in this release.\n");
                return sb.ToString();
            }

            foreach (Issue issue in issues)
            {
                sb.Append("### ").Append(issue.Heading).Append("\n\n");
                AppendDetails(sb, issue, release);
                sb.Append('\n');
            }

            return sb.ToString().TrimEnd('\n') + "\n";
        }

        private static string BulletinSection(string release, string projectName, List<Issue> issues)
        {
            var sb = new StringBuilder();
            sb.Append("## Security bulletin\n\n");
            if (issues.Count == 0)
            {
                sb.Append(projectName).Append(' ').Append(release).Append(" fixes no public security issue.\n");
                return sb.ToString();
            }

            sb.Append(projectName).Append(' ').Append(release).Append(" fixes ").Append(issues.Count)
              .Append(issues.Count == 1 ? " security issue" : " security issues").Append(". Update to ").Append(release).Append(".\n\n");
            sb.Append("| Issue | Severity | Affected | Summary |\n|---|---|---|---|\n");
            foreach (Issue issue in issues)
            {
                sb.Append("| ").Append(issue.CveIds.Count > 0 ? string.Join(", ", issue.CveIds.Select(CveLink)) : issue.AdvisoryUrl != null ? $"[{AdvisoryLabel(issue.AdvisoryUrl)}]({issue.AdvisoryUrl})" : Cell(issue.Heading))
                  .Append(" | ").Append(issue.Severity ?? "unrated")
                  .Append(" | ").Append(Cell(string.Join(", ", issue.PackageNames)))
                  .Append(" | ").Append(Cell(issue.Title)).Append(" |\n");
            }

            // KubeEdge: the fix details of low and medium issues are carried in the patch release's notes; high and
            // critical issues have an announcement of their own, which the bulletin links to.
            foreach (Issue issue in issues)
            {
                sb.Append("\n#### ").Append(issue.Heading).Append("\n\n");
                if (issue.Severity == "HIGH" || issue.Severity == "CRITICAL")
                {
                    sb.Append(issue.AdvisoryUrl != null
                        ? $"Fixed in {release}; see the advisory for the details: {issue.AdvisoryUrl}\n"
                        : $"Fixed in {release}; the details follow in a separate announcement.\n");
                    continue;
                }

                AppendDetails(sb, issue, release);
            }

            return sb.ToString();
        }

        private static void AppendDetails(StringBuilder sb, Issue issue, string release)
        {
            if (!string.IsNullOrWhiteSpace(issue.What))
            {
                sb.Append(issue.What.Trim()).Append("\n\n");
            }

            void Line(string name, string value) => MarkdownText.Field(sb, name, value);

            Line("Impact", issue.Impact);
            string severity = issue.Severity;
            if (issue.Score != null)
            {
                severity = (severity ?? CvssSeverity.FromScore(issue.Score)) + " (" + issue.Score.Value.ToString("0.0", CultureInfo.InvariantCulture) + ")";
            }

            Line("Severity", severity ?? "not rated");
            Line("CVSS vector", issue.Vector == null ? null : "`" + issue.Vector + "`");
            Line("CVE", string.Join(", ", issue.CveIds.Select(CveLink)));
            Line("Affected", string.Join(", ", issue.PackageNames) + (issue.AffectedVersions.Count > 0 ? " " + string.Join(", ", issue.AffectedVersions) : string.Empty));
            Line("Fixed in", release);
            Line("Mitigation", issue.Mitigation);
            Line("Credits", string.Join(", ", issue.Credits));
            Line("Advisory", issue.AdvisoryUrl);
            Line("Fix", string.Join(", ", issue.FixLinks));
            Line("References", string.Join(", ", issue.References));
        }

        /// <summary>A short label for an advisory link: its last path segment (GHSA-xxxx-xxxx-xxxx).</summary>
        public static string AdvisoryLabel(string url)
        {
            string trimmed = url.TrimEnd('/');
            int slash = trimmed.LastIndexOf('/');
            return slash >= 0 && slash < trimmed.Length - 1 ? trimmed.Substring(slash + 1) : trimmed;
        }

        private static string Cell(string text) => MarkdownText.Cell(text);

        /// <summary>One issue of the notes: a public case, or a CVE record that no case covers.</summary>
        public sealed class Issue
        {
            public string CaseId { get; set; }

            public List<string> CveIds { get; } = new List<string>();

            public List<string> Packages { get; } = new List<string>();

            public string Title { get; set; }

            public string What { get; set; }

            public string Impact { get; set; }

            public string Severity { get; set; }

            public double? Score { get; set; }

            public string Vector { get; set; }

            public List<string> AffectedVersions { get; } = new List<string>();

            public string Mitigation { get; set; }

            public List<string> Credits { get; } = new List<string>();

            public string AdvisoryUrl { get; set; }

            public List<string> FixLinks { get; } = new List<string>();

            public List<string> References { get; } = new List<string>();

            public IEnumerable<string> PackageNames
            {
                get
                {
                    var names = Packages.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
                    return names.Count > 0 ? names : new List<string> { "other" };
                }
            }

            public string SortKey => CveIds.FirstOrDefault() ?? "CVE-9999-" + (CaseId ?? Title);

            public string Heading => (CveIds.Count > 0 ? string.Join(", ", CveIds) + ": " : string.Empty) + (Title ?? CaseId);

            public static Issue From(VulnerabilityCase c)
            {
                var issue = new Issue
                {
                    CaseId = c.Id,
                    Title = c.Summary,
                    Impact = c.Impact,
                    Severity = c.Severity,
                    Score = c.CvssScore,
                    Vector = c.CvssVector,
                    Mitigation = c.Mitigation,
                    AdvisoryUrl = c.AdvisoryUrl,
                };
                if (c.CveId != null)
                {
                    issue.CveIds.Add(c.CveId);
                }

                if (!string.IsNullOrWhiteSpace(c.Component))
                {
                    issue.Packages.Add(c.Component.Trim());
                }

                issue.AffectedVersions.AddRange(c.AffectedVersions);
                issue.Credits.AddRange(c.Credits);
                issue.FixLinks.AddRange(c.FixedBy);
                return issue;
            }

            public static Issue From(CveRecord r)
            {
                var issue = new Issue
                {
                    Title = r.Title ?? FirstSentence(r.Summary) ?? r.CveId,
                    What = r.Summary,
                    Score = r.CvssScore,
                    Severity = r.Severity,
                    Vector = r.CvssVector,
                };
                issue.CveIds.Add(r.CveId);
                issue.Packages.AddRange(r.Packages.Select(p => p.Name).Where(n => !string.IsNullOrWhiteSpace(n)));
                issue.References.AddRange(r.References);
                return issue;
            }

            private static string FirstSentence(string text)
            {
                if (string.IsNullOrWhiteSpace(text))
                {
                    return null;
                }

                string t = text.Trim().Replace('\n', ' ');
                int dot = t.IndexOf(". ", StringComparison.Ordinal);
                t = dot > 0 ? t.Substring(0, dot) : t.TrimEnd('.');
                return t.Length > 100 ? t.Substring(0, 97) + "..." : t;
            }
        }
    }
}
