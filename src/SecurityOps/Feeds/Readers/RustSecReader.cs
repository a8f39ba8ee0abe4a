using System.Collections.Generic;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using SecurityOps.Model;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// rustsec: the Atom feed of rustsec.org. The RUSTSEC id and crate are in the title ("RUSTSEC-2025-0004:
    /// Vulnerability in openssl"; the content's package link is preferred for the crate); CVE ids are only inside the
    /// HTML-escaped content's alias list. Aliases are often added after publication, so an entry is new again when its
    /// &lt;updated&gt; changes.
    /// </summary>
    internal sealed class RustSecReader : ISecurityFeedReader
    {
        public const string Ecosystem = "crates.io";
        private static readonly Regex RustSecId = new Regex(@"RUSTSEC-\d{4}-\d{4,}", RegexOptions.Compiled);
        private static readonly Regex CrateLink = new Regex(@"href=""/packages/([A-Za-z0-9_.-]+)\.html""", RegexOptions.Compiled);
        private static readonly Regex CrateInTitle = new Regex(@"(?:\b(?:in|about)\s+([A-Za-z0-9_-]+)\s*$)|(?::\s*([A-Za-z0-9_-]+)\s+is\s+unmaintained)", RegexOptions.Compiled);
        private static readonly Regex Aliases = new Regex(@"<dt id=""aliases"">.*?</dd>", RegexOptions.Compiled | RegexOptions.Singleline);

        public string Type => "rustsec";

        public async Task ReadAsync(FeedReadContext context)
        {
            foreach (FeedEntry entry in await context.FetchEntriesAsync("application/atom+xml, application/xml;q=0.9").ConfigureAwait(false))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                SecurityFeedItem item = ToItem(entry);
                string version = entry.Updated ?? entry.Published ?? string.Empty;
                if (item.Id == null || context.IsBeforeSince(item.Published ?? item.Updated) || !context.IsNew(item.Id, version))
                {
                    continue;
                }

                context.MarkSeen(item.Id, version);
                context.Emit(item);
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
