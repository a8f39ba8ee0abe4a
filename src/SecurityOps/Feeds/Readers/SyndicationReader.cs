using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using CodeHollow.FeedReader;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// rss / atom: any feed, read by CodeHollow.FeedReader. FeedReader parses with XDocument.Parse, which would process
    /// a DTD, so it is never given the downloaded bytes: they are first read through <see cref="SafeXml"/> (no DTD, no
    /// resolver, no entities) and FeedReader gets that clean tree as text. CVE ids come from title, summary and content.
    /// Option ecosystem + package: a package to attach to every item (a feed about one product).
    /// </summary>
    internal sealed class SyndicationReader : ISecurityFeedReader
    {
        public SyndicationReader(string type) => Type = type;

        public string Type { get; }

        public async Task ReadAsync(FeedReadContext context)
        {
            string shown = context.Shown(context.Source.Url);
            HttpFetchResult result = await context.FetchAsync(context.Source.Url, conditional: true, accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9").ConfigureAwait(false);
            if (result.NotModified)
            {
                return;
            }

            Feed feed = Parse(result.Content, shown, context.Problem);
            string package = context.Source.Option("package");
            foreach (FeedItem entry in feed.Items)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var published = FeedText.Date(entry.PublishingDateString); // unreadable dates were cleared (and reported) before parsing
                string id = entry.Id ?? entry.Link ?? entry.Title;
                if (id == null)
                {
                    context.Skip("no id, link or title", "an item");
                    continue;
                }

                if (context.IsBeforeSince(published) || !context.IsNew(id, string.Empty))
                {
                    continue;
                }

                context.MarkSeen(id, string.Empty);
                var item = new SecurityFeedItem
                {
                    Id = id,
                    Title = entry.Title,
                    Link = entry.Link,
                    Published = published,
                    CveIds = FeedText.Cves(entry.Title, entry.Description, entry.Content),
                    Summary = FeedText.PlainText(entry.Description ?? entry.Content, 1000),
                };
                if (package != null)
                {
                    item.Packages.Add(new PackageRef(package, context.Source.Option("ecosystem")));
                }

                context.Emit(item);
            }
        }

        /// <summary>Date elements of items and of the feed itself (RSS, Atom, Dublin Core).</summary>
        private static readonly string[] DateElements = { "pubDate", "published", "updated", "lastBuildDate", "date", "modified", "issued" };

        internal static Feed Parse(byte[] bytes, string where, System.Action<string> problem = null)
        {
            XDocument clean = SafeXml.Load(bytes, where);

            // FeedReader gives up on the whole feed over one date it cannot read; an unreadable date is cleared here
            // instead, with one warning for its item, and every CVE of the feed is kept.
            foreach (XElement date in clean.Descendants().Where(e => DateElements.Contains(e.Name.LocalName) && !e.HasElements).ToList())
            {
                string text = date.Value;
                if (!string.IsNullOrWhiteSpace(text) && FeedText.Date(text) == null && !FeedText.IsPlaceholderDate(text))
                {
                    string item = date.Parent?.Elements().FirstOrDefault(e => e.Name.LocalName == "title")?.Value ?? date.Parent?.Name.LocalName ?? "feed";
                    problem?.Invoke($"'{FeedText.Clip(item.Trim(), 80)}': '{FeedText.Clip(text.Trim(), 40)}' is not a date; the item is kept without one.");
                    date.Remove();
                }
            }

            try
            {
                return FeedReader.ReadFromString(clean.ToString(SaveOptions.DisableFormatting));
            }
            catch (System.Exception ex) when (!(ex is SecurityOpsException))
            {
                throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not a feed FeedReader understands: {ex.Message}", ex);
            }
        }
    }
}
