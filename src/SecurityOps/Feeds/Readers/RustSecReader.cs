using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// rustsec: the Atom feed of rustsec.org. The RUSTSEC id and crate are in the title ("RUSTSEC-2025-0004:
    /// Vulnerability in openssl"; the content's package link is preferred for the crate); CVE ids are only inside the
    /// HTML-escaped content's alias list. Aliases are often added after publication, so an entry is new again when its
    /// &lt;updated&gt; changes. A new entry whose text names no CVE is followed to its OSV record (option osvUrl, a template
    /// with {id}; default https://api.osv.dev/v1/vulns/{id} for a feed read over HTTP, none for a feed read from a file)
    /// for the aliases; an OSV record that cannot be read is a warning and the entry is tried again next run.
    /// </summary>
    internal sealed class RustSecReader : ISecurityFeedReader
    {
        public const string Ecosystem = "crates.io";
        private static readonly Regex RustSecId = new Regex(@"RUSTSEC-\d{4}-\d{4,}", RegexOptions.Compiled);
        private static readonly Regex CrateLink = new Regex(@"href=""/packages/([A-Za-z0-9_.-]+)\.html""", RegexOptions.Compiled);
        private static readonly Regex CrateInTitle = new Regex(@"(?:\b(?:in|about)\s+([A-Za-z0-9_-]+)\s*$)|(?::\s*([A-Za-z0-9_-]+)\s+is\s+unmaintained)", RegexOptions.Compiled);
        private static readonly Regex Aliases = new Regex(@"<dt id=""aliases"">.*?</dd>", RegexOptions.Compiled | RegexOptions.Singleline);

        public string Type => "rustsec";

        public const string DefaultOsvUrl = "https://api.osv.dev/v1/vulns/{id}";

        public async Task ReadAsync(FeedReadContext context)
        {
            string osvUrl = OsvUrl(context.Source);
            var follow = new List<(SecurityFeedItem Item, string Version)>();
            foreach (FeedEntry entry in await context.FetchEntriesAsync("application/atom+xml, application/xml;q=0.9").ConfigureAwait(false))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                SecurityFeedItem item = ToItem(entry);
                string version = entry.Updated ?? entry.Published ?? string.Empty;
                if (item.Id == null)
                {
                    context.Skip("no RUSTSEC id", entry.Title ?? entry.Link ?? "an entry");
                    continue;
                }

                if (context.IsBeforeSince(item.Published ?? item.Updated) || !context.IsNew(item.Id, version))
                {
                    continue;
                }

                if ((item.CveIds == null || item.CveIds.Length == 0) && osvUrl != null)
                {
                    follow.Add((item, version));
                    continue;
                }

                context.MarkSeen(item.Id, version);
                context.Emit(item);
            }

            context.Events.Verbose($"{context.Source.Name}: {follow.Count} new entry(ies) name no CVE in the feed; following them to their OSV records for aliases.");
            await context.ForEachBoundedAsync(follow, $"Reading {context.Source.Name} OSV records", f => f.Item.Id,
                async f =>
                {
                    string url = osvUrl.Replace("{id}", Uri.EscapeDataString(f.Item.Id));
                    HttpFetchResult osv = await context.FetchAsync(url, conditional: false, accept: "application/json").ConfigureAwait(false);
                    f.Item.CveIds = CvesOfOsvRecord(osv.Content, context.Shown(url), f.Item.Id, context.Problem);
                    return f.Item;
                },
                (f, item) => context.MarkSeen(f.Item.Id, f.Version)).ConfigureAwait(false);
        }

        /// <summary>Where an entry's OSV record is: the osvUrl option, else OSV.dev for an HTTP feed, else nowhere (a file feed).</summary>
        internal static string OsvUrl(SecuritySource source)
        {
            string template = source.Option("osvUrl");
            if (!string.IsNullOrWhiteSpace(template))
            {
                return template.Trim();
            }

            return Uri.TryCreate(source.Url, UriKind.Absolute, out Uri feed) && (feed.Scheme == Uri.UriSchemeHttps || feed.Scheme == Uri.UriSchemeHttp)
                ? DefaultOsvUrl
                : null;
        }

        /// <summary>The CVE ids among an OSV record's aliases (an OSV record of another id is refused: a wrong answer).</summary>
        internal static string[] CvesOfOsvRecord(byte[] bytes, string where, string id, Action<string> problem)
        {
            using (JsonDocument doc = SafeJson.Parse(bytes, where))
            {
                SecurityFeedItem osv = OsvReader.ToItem(doc.RootElement, null, problem);
                if (osv == null || !string.Equals(osv.Id, id, StringComparison.OrdinalIgnoreCase))
                {
                    throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not the OSV record of {id} (its id is '{osv?.Id}').");
                }

                return osv.CveIds ?? Array.Empty<string>();
            }
        }

        internal static SecurityFeedItem ToItem(FeedEntry entry)
        {
            string html = entry.Content ?? string.Empty;
            Match aliases = Aliases.Match(html);
            string crate = CrateLink.Match(html) is Match m && m.Success ? m.Groups[1].Value : null;
            if (crate == null && entry.Title != null && CrateInTitle.Match(entry.Title) is Match t && t.Success)
            {
                crate = t.Groups[1].Success ? t.Groups[1].Value : t.Groups[2].Value;
            }

            string id = RustSecId.Match(entry.Title ?? string.Empty).Value;
            if (id.Length == 0)
            {
                id = RustSecId.Match(entry.Id ?? entry.Link ?? string.Empty).Value;
            }

            return new SecurityFeedItem
            {
                Id = id.Length == 0 ? null : id,
                Title = entry.Title,
                Link = entry.Link ?? entry.Id,
                Published = FeedText.Date(entry.Published),
                Updated = FeedText.Date(entry.Updated),
                CveIds = FeedText.Cves(aliases.Success ? WebUtility.HtmlDecode(aliases.Value) : html),
                Packages = crate == null ? new List<PackageRef>() : new List<PackageRef> { new PackageRef(crate, Ecosystem) },
                Summary = FeedText.PlainText(entry.Summary),
            };
        }
    }
}
