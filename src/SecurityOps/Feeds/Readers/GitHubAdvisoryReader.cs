using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// github-advisories: the global advisory database, GET {url}/advisories with filters, through the HTTP pipeline
    /// (not Octokit, which has no client for it). Options: any of GitHub's filters (type, ecosystem, severity, cwes,
    /// affects, cve_id, published, updated, modified, is_withdrawn), perPage, maxPages (default 5), and tokenVariable:
    /// the environment variable holding a token, looked in before GITHUB_TOKEN and GH_TOKEN by the module's one token
    /// lookup (<see cref="GitHubTokenLookup"/>, the gateway's too); none is needed for public data.
    /// Without an explicit updated filter, a source read before asks only for what changed since its last read.
    /// </summary>
    internal sealed class GitHubAdvisoryReader : ISecurityFeedReader
    {
        private static readonly string[] Filters = { "type", "ecosystem", "severity", "cwes", "affects", "cve_id", "ghsa_id", "published", "updated", "modified", "is_withdrawn", "sort", "direction" };
        private static readonly Regex NextLink = new Regex(@"<([^>]+)>\s*;\s*rel=""?next""?", RegexOptions.Compiled);

        private readonly Func<string, string> environment;

        /// <param name="environment">Reads an environment variable; null means the process environment (tests pass their own).</param>
        public GitHubAdvisoryReader(Func<string, string> environment = null) => this.environment = environment;

        public string Type => "github-advisories";

        public async Task ReadAsync(FeedReadContext context)
        {
            Uri baseUri = HttpPipeline.ToUri(string.IsNullOrWhiteSpace(context.Source.Url) ? "https://api.github.com" : context.Source.Url);
            string url = FirstPage(context, baseUri);
            var headers = new Dictionary<string, string>
            {
                ["X-GitHub-Api-Version"] = "2022-11-28",
            };
            string token = Token(context.Source, environment);
            if (token != null && !baseUri.IsFile)
            {
                headers["Authorization"] = "Bearer " + token;
            }

            int maxPages = int.TryParse(context.Source.Option("maxPages"), out int m) && m > 0 ? m : 5;
            for (int page = 1; url != null && page <= maxPages; page++)
            {
                HttpFetchResult result = await context.FetchAsync(url, conditional: page == 1, accept: "application/vnd.github+json", headers: headers).ConfigureAwait(false);
                if (result.NotModified)
                {
                    return;
                }

                string shown = context.Shown(url);
                using (JsonDocument doc = SafeJson.Parse(result.Content, shown))
                {
                    if (doc.RootElement.ValueKind != JsonValueKind.Array)
                    {
                        throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, shown, $"{shown} did not answer a list of advisories.");
                    }

                    foreach (JsonElement advisory in doc.RootElement.EnumerateArray())
                    {
                        SecurityFeedItem item = ToItem(advisory);
                        string version = SafeJson.String(advisory, "updated_at") ?? string.Empty;
                        if (item == null || context.IsBeforeSince(item.Updated ?? item.Published) || !context.IsNew(item.Id, version))
                        {
                            continue;
                        }

                        context.MarkSeen(item.Id, version);
                        context.Emit(item);
                    }
                }

                url = Next(result, baseUri);
            }
        }

        private static string FirstPage(FeedReadContext context, Uri baseUri)
        {
            var query = new List<string> { "per_page=" + (context.Source.Option("perPage") ?? "100") };
            foreach (string filter in Filters)
            {
                string value = context.Source.Option(filter);
                if (value != null)
                {
                    query.Add(filter + "=" + Uri.EscapeDataString(value));
                }
            }

            DateTimeOffset? since = context.Since ?? (context.Force ? null : context.State?.LastChecked);
            if (since.HasValue && context.Source.Option("updated") == null)
            {
                query.Add("updated=" + Uri.EscapeDataString(">=" + since.Value.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            }

            string root = baseUri.AbsoluteUri.TrimEnd('/');
            return root + "/advisories?" + string.Join("&", query);
        }

        /// <summary>The next page from the Link header, only on the same site (a token never goes elsewhere).</summary>
        private static string Next(HttpFetchResult result, Uri baseUri)
        {
            if (!result.Headers.TryGetValue("Link", out string link))
            {
                return null;
            }

            Match match = NextLink.Match(link);
            return match.Success && Uri.TryCreate(match.Groups[1].Value, UriKind.Absolute, out Uri next) &&
                   string.Equals(next.Authority, baseUri.Authority, StringComparison.OrdinalIgnoreCase) && next.Scheme == baseUri.Scheme
                ? next.AbsoluteUri
                : null;
        }

        /// <summary>The source's token: its tokenVariable, then GITHUB_TOKEN, then GH_TOKEN; null when none is set.</summary>
        internal static string Token(SecuritySource source, Func<string, string> environment = null) =>
            GitHubTokenLookup.Find(environment, source.Option("tokenVariable"))?.Value;

        /// <summary>The advisory's CVSS vector: cvss_severities' v3, then its v4, then the older cvss field; null when none.</summary>
        internal static string Vector(JsonElement advisory)
        {
            string Of(JsonElement holder, string field) =>
                holder.ValueKind == JsonValueKind.Object && holder.TryGetProperty(field, out JsonElement cvss) && cvss.ValueKind == JsonValueKind.Object
                    ? SafeJson.String(cvss, "vector_string")
                    : null;

            JsonElement severities = advisory.TryGetProperty("cvss_severities", out JsonElement s) ? s : default;
            string vector = Of(severities, "cvss_v3") ?? Of(severities, "cvss_v4") ?? Of(advisory, "cvss");
            return string.IsNullOrWhiteSpace(vector) ? null : vector.Trim();
        }

        internal static SecurityFeedItem ToItem(JsonElement advisory)
        {
            string id = SafeJson.String(advisory, "ghsa_id");
            if (string.IsNullOrEmpty(id))
            {
                return null;
            }

            var cves = new List<string>();
            FeedText.CollectCves(cves, SafeJson.String(advisory, "cve_id"));
            foreach (JsonElement identifier in SafeJson.Array(advisory, "identifiers"))
            {
                FeedText.CollectCves(cves, SafeJson.String(identifier, "value"));
            }

            var packages = new List<PackageRef>();
            foreach (JsonElement vulnerability in SafeJson.Array(advisory, "vulnerabilities"))
            {
                if (vulnerability.ValueKind == JsonValueKind.Object && vulnerability.TryGetProperty("package", out JsonElement package))
                {
                    var reference = new PackageRef(SafeJson.String(package, "name"), SafeJson.String(package, "ecosystem"));
                    if (!string.IsNullOrWhiteSpace(reference.Name) && !packages.Contains(reference))
                    {
                        packages.Add(reference);
                    }
                }
            }

            return new SecurityFeedItem
            {
                Id = id,
                Title = SafeJson.String(advisory, "summary") ?? id,
                Link = SafeJson.String(advisory, "html_url"),
                Published = FeedText.Date(SafeJson.String(advisory, "published_at")),
                Updated = FeedText.Date(SafeJson.String(advisory, "updated_at")),
                CveIds = cves.ToArray(),
                Packages = packages,
                Summary = FeedText.PlainText(SafeJson.String(advisory, "description"), 1000),
                References = SafeJson.Array(advisory, "references").Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()).ToArray(),
                CvssVector = Vector(advisory),
            };
        }
    }
}
