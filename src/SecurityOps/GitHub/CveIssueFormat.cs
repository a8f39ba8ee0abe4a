using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SecurityOps.Model;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// Flatcar's advisory issue format (title "update: &lt;package&gt;", Name / CVEs / CVSSs / Action Needed / Summary
    /// fields, refmap reference lines) from configurable templates, plus a hidden marker
    /// <c>&lt;!-- securityops:package=NAME opened=CVE-A,CVE-B --&gt;</c> that finds the issue again. Appending only adds:
    /// every line a person wrote stays as it was.
    /// </summary>
    internal sealed class CveIssueFormat
    {
        public const string DefaultBody =
            "**Name**: {package}\n" +
            "**CVEs**: {cves}\n" +
            "**CVSSs**: {cvsss}\n" +
            "**Shipped**: {shipped}\n" +
            "**Action Needed**: {actionNeeded}\n" +
            "**Summary**: {summary}\n" +
            "\n" +
            "{references}\n";

        private static readonly Regex MarkerPattern = new Regex(@"<!--\s*securityops:package=(?<package>\S+)(?:\s+opened=(?<opened>[^\s>]*))?\s*-->", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        public CveIssueFormat(IssueTemplates templates = null, string bodyTemplate = null, string actionNeeded = null)
        {
            templates ??= new IssueTemplates();
            TitleTemplate = string.IsNullOrWhiteSpace(templates.Title) ? "update: {package}" : templates.Title;
            BodyTemplate = (string.IsNullOrWhiteSpace(bodyTemplate) ? (string.IsNullOrWhiteSpace(templates.Body) ? DefaultBody : templates.Body) : bodyTemplate).Replace("\r\n", "\n");
            CommentTemplate = string.IsNullOrWhiteSpace(templates.Comment) ? "Added {cves}." : templates.Comment;
            ReferenceTemplate = string.IsNullOrWhiteSpace(templates.Reference) ? "**refmap.{label}**: {url}" : templates.Reference;
            ActionNeeded = string.IsNullOrWhiteSpace(actionNeeded) ? "TBD" : actionNeeded;
        }

        public string TitleTemplate { get; }

        public string BodyTemplate { get; }

        public string CommentTemplate { get; }

        public string ReferenceTemplate { get; }

        public string ActionNeeded { get; }

        public string Title(string package) => TitleTemplate.Replace("{package}", package);

        public string Comment(IEnumerable<string> cves) => CommentTemplate.Replace("{cves}", string.Join(", ", cves));

        public static string Marker(string package, IEnumerable<string> opened) =>
            $"<!-- securityops:package={Uri.EscapeDataString(package)} opened={string.Join(",", opened)} -->";

        /// <summary>The package and the CVEs the issue was opened with, from its marker; null when it has none.</summary>
        public static (string Package, ISet<string> Opened)? ReadMarker(string body)
        {
            var match = MarkerPattern.Match(body ?? string.Empty);
            if (!match.Success)
            {
                return null;
            }

            var opened = new HashSet<string>(match.Groups["opened"].Value.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
            return (Uri.UnescapeDataString(match.Groups["package"].Value), opened);
        }

        /// <summary>Every CVE id written anywhere in the text (a person may have added some by hand).</summary>
        public static ISet<string> CvesIn(string text) =>
            new HashSet<string>(CveIdentifier.FindAll(text), StringComparer.OrdinalIgnoreCase);

        /// <summary>cvss/CRITICAL (>= 9), cvss/HIGH (>= 7), cvss/MEDIUM (>= 4); null below 4 or when no score is known.</summary>
        public static string SeverityLabel(IEnumerable<double?> scores)
        {
            double? max = scores.Where(s => s != null).Select(s => s.Value).DefaultIfEmpty(-1).Max();
            if (max >= 9.0)
            {
                return "cvss/CRITICAL";
            }

            if (max >= 7.0)
            {
                return "cvss/HIGH";
            }

            return max >= 4.0 ? "cvss/MEDIUM" : null;
        }

        /// <summary>The body of a new issue for a package's records, marker included.</summary>
        public string Body(string package, IReadOnlyList<CveRecord> records)
        {
            string summary = records.Count == 1
                ? OneLine(records[0].Summary ?? records[0].Title)
                : string.Concat(records.Where(r => !string.IsNullOrWhiteSpace(r.Summary ?? r.Title)).Select(r => $"\n{r.CveId}: {OneLine(r.Summary ?? r.Title)}"));
            string shipped = Shipped(records);
            string template = shipped.Length > 0 ? BodyTemplate : Regex.Replace(BodyTemplate, @"^[^\n]*\{shipped\}[^\n]*\n?", string.Empty, RegexOptions.Multiline);
            string text = template
                .Replace("{package}", package)
                .Replace("{shipped}", shipped)
                .Replace("{cves}", string.Join(", ", records.Select(r => r.CveId)))
                .Replace("{cvsss}", string.Join(", ", records.Select(r => Score(r.CvssScore))))
                .Replace("{actionNeeded}", ActionNeeded)
                .Replace("{summary}", summary ?? string.Empty)
                .Replace("{references}", string.Join("\n", References(records).Select(ReferenceLine)));
            return text.TrimEnd() + "\n\n" + Marker(package, records.Select(r => r.CveId)) + "\n";
        }

        /// <summary>
        /// What the project ships that the records affect, from their relevance: "dev-libs/openssl 3.0.13 (stable)",
        /// one per inventory and package; empty when no record is affected by an inventory (the line is left out then).
        /// </summary>
        public static string Shipped(IEnumerable<CveRecord> records) => string.Join(", ", records
            .SelectMany(r => r.Relevance?.Findings ?? new List<RelevanceFinding>())
            .Where(f => f.State == CveRelevance.Affected && !string.IsNullOrEmpty(f.Package))
            .Select(f => $"{f.Package}{(string.IsNullOrEmpty(f.Version) ? string.Empty : " " + f.Version)}{(string.IsNullOrEmpty(f.Inventory) ? string.Empty : $" ({f.Inventory})")}")
            .Distinct(StringComparer.OrdinalIgnoreCase));

        /// <summary>
        /// Adds the records' CVEs (those not yet in the body) to its CVEs and CVSSs fields and their references
        /// below the last reference line. Nothing is removed or reworded. Returns the new body and the CVEs added.
        /// </summary>
        public (string Body, IReadOnlyList<string> Added) Append(string body, string package, IReadOnlyList<CveRecord> records)
        {
            body ??= string.Empty;
            ISet<string> present = CvesIn(body);
            var added = records.Where(r => !present.Contains(r.CveId)).ToList();
            var newReferences = References(records).Where(u => body.IndexOf(u, StringComparison.Ordinal) < 0).ToList();
            bool hasMarker = ReadMarker(body) != null;
            if (added.Count == 0 && newReferences.Count == 0 && hasMarker)
            {
                return (body, Array.Empty<string>());
            }

            string newline = body.Contains("\r\n") ? "\r\n" : "\n";
            var lines = body.Replace("\r\n", "\n").Split('\n').ToList();
            if (added.Count > 0)
            {
                AppendToField(lines, FieldPrefix("{cves}", "**CVEs**:"), string.Join(", ", added.Select(r => r.CveId)));
                string cvssPrefix = FieldPrefix("{cvsss}", "**CVSSs**:");
                int cvssLine = FindField(lines, cvssPrefix);
                if (cvssLine >= 0)
                {
                    AppendToField(lines, cvssPrefix, string.Join(", ", added.Select(r => Score(r.CvssScore))));
                }
            }

            if (newReferences.Count > 0)
            {
                string refPrefix = ReferenceTemplate.Split('{')[0];
                int last = refPrefix.Length == 0 ? -1 : lines.FindLastIndex(l => l.TrimStart().StartsWith(refPrefix, StringComparison.OrdinalIgnoreCase));
                int at = last >= 0 ? last + 1 : MarkerLine(lines);
                lines.InsertRange(at, newReferences.Select(ReferenceLine));
            }

            if (!hasMarker)
            {
                // An issue a person opened (matched by its title): mark it so later runs find it by the marker.
                while (lines.Count > 0 && lines[lines.Count - 1].Trim().Length == 0)
                {
                    lines.RemoveAt(lines.Count - 1);
                }

                lines.Add(string.Empty);
                lines.Add(Marker(package, Array.Empty<string>()));
                lines.Add(string.Empty);
            }

            return (string.Join(newline, lines), added.Select(r => r.CveId).ToList());
        }

        private string FieldPrefix(string placeholder, string fallback)
        {
            string line = BodyTemplate.Split('\n').FirstOrDefault(l => l.Contains(placeholder));
            string prefix = line?.Substring(0, line.IndexOf(placeholder, StringComparison.Ordinal)).Trim();
            return string.IsNullOrEmpty(prefix) ? fallback : prefix;
        }

        private static int FindField(List<string> lines, string prefix) =>
            lines.FindIndex(l => l.TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

        private static void AppendToField(List<string> lines, string prefix, string values)
        {
            int index = FindField(lines, prefix);
            if (index < 0)
            {
                lines.Insert(MarkerLine(lines), $"{prefix} {values}");
                return;
            }

            string line = lines[index].TrimEnd();
            bool empty = line.Trim().Length <= prefix.Length;
            lines[index] = empty ? $"{line} {values}" : $"{line}, {values}";
        }

        private static int MarkerLine(List<string> lines)
        {
            int marker = lines.FindIndex(l => MarkerPattern.IsMatch(l));
            if (marker >= 0)
            {
                return marker > 0 && lines[marker - 1].Trim().Length == 0 ? marker - 1 : marker;
            }

            int end = lines.Count;
            while (end > 0 && lines[end - 1].Trim().Length == 0)
            {
                end--;
            }

            return end;
        }

        private string ReferenceLine(string url) => ReferenceTemplate.Replace("{label}", ReferenceLabel(url)).Replace("{url}", url);

        private static IEnumerable<string> References(IEnumerable<CveRecord> records) =>
            records.SelectMany(r => (r.References ?? new List<string>()).Concat(r.Sources?.Select(s => s.Link) ?? Enumerable.Empty<string>()))
                   .Where(u => !string.IsNullOrWhiteSpace(u))
                   .Select(u => u.Trim())
                   .Distinct(StringComparer.Ordinal);

        /// <summary>gentoo, nvd, rustsec, go, osv, github, mitre or the host name.</summary>
        public static string ReferenceLabel(string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri uri))
            {
                return "link";
            }

            string host = uri.Host.ToLowerInvariant();
            if (host.EndsWith("gentoo.org", StringComparison.Ordinal))
            {
                return "gentoo";
            }

            if (host == "nvd.nist.gov")
            {
                return "nvd";
            }

            if (host.EndsWith("rustsec.org", StringComparison.Ordinal))
            {
                return "rustsec";
            }

            if (host == "pkg.go.dev" || host == "vuln.go.dev")
            {
                return "go";
            }

            if (host == "osv.dev")
            {
                return "osv";
            }

            if (host == "github.com")
            {
                return "github";
            }

            if (host.EndsWith("cve.org", StringComparison.Ordinal) || host.EndsWith("mitre.org", StringComparison.Ordinal))
            {
                return "mitre";
            }

            return host.StartsWith("www.", StringComparison.Ordinal) ? host.Substring(4) : host;
        }

        /// <summary>"7.5 HIGH" (the score and its severity band), or "n/a" when no score is known.</summary>
        private static string Score(double? score) =>
            score == null ? "n/a" : $"{score.Value.ToString("0.0", CultureInfo.InvariantCulture)} {CvssSeverity.FromScore(score)}";

        private static string OneLine(string text) => text == null ? null : Regex.Replace(text.Trim(), @"\s*\r?\n\s*", " ");
    }
}
