using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using System.Xml.Linq;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Feeds;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// rss / atom: any feed, read by CodeHollow.FeedReader. FeedReader's own entry points parse with XDocument.Parse,
    /// which would process a DTD (and parse every feed twice), so they are never given the downloaded bytes: the bytes
    /// are read once through <see cref="SafeXml"/> (no DTD, no resolver, no entities, nesting capped while reading) and
    /// that tree goes straight to FeedReader's per-format feed classes (Rss20Feed, AtomFeed...), the same ones its parser
    /// would pick. A feed over feeds.maxRssAtomBytes is refused before it is parsed (FeedTooLarge). CVE ids come from
    /// title, summary and content. Option ecosystem + package: a package to attach to every item (a feed about one product).
    /// </summary>
    internal sealed class SyndicationReader : ISecurityFeedReader
    {
        public SyndicationReader(string type) => Type = type;

        public string Type { get; }

        public async Task ReadAsync(FeedReadContext context)
        {
            string shown = context.Shown(context.Source.Url);
            long cap = context.MaxRssAtomBytes;
            HttpFetchResult result;
            try
            {
                result = await context.FetchAsync(context.Source.Url, conditional: true, accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9", maxBytes: cap)
                    .ConfigureAwait(false);
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "ResponseTooLarge" && cap <= context.MaxResponseBytes)
            {
                // The smaller of the two caps refused it, and that is this reader's own.
                throw TooLarge(shown, cap, null, ex);
            }

            if (result.NotModified)
            {
                return;
            }

            Feed feed = Parse(result.Content, shown, context.Problem, cap);
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

        /// <summary>The setting that caps a feed read whole, as it is spelled in securityops.yaml.</summary>
        public const string CapSetting = "feeds.maxRssAtomBytes";

        internal static Feed Parse(byte[] bytes, string where, Action<string> problem = null, long maxBytes = FeedSettings.DefaultMaxRssAtomBytes)
        {
            if (bytes.LongLength > maxBytes)
            {
                throw TooLarge(where, maxBytes, bytes.LongLength, null);
            }

            XDocument clean = SafeXml.Load(bytes, where);

            // FeedReader decodes every value again by the declared encoding; the safe reader has already decoded the
            // bytes, so the declaration goes (as it did when FeedReader was given the tree as text).
            clean.Declaration = null;

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
                return Specific(clean, where).ToFeed();
            }
            catch (Exception ex) when (!(ex is SecurityOpsException))
            {
                throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not a feed FeedReader understands: {ex.Message}", ex);
            }
        }

        /// <summary>
        /// The feed class FeedReader's own parser would choose for the document (its FeedParser.ParseFeedType and parser
        /// factory, which are not public), built from the safe tree. The original text is not kept (null).
        /// </summary>
        private static BaseFeed Specific(XDocument doc, string where)
        {
            XElement root = doc.Root;
            string name = root?.Name.LocalName ?? string.Empty;
            if (name.Equals("feed", StringComparison.OrdinalIgnoreCase))
            {
                return new AtomFeed(null, root);
            }

            if (name.Equals("rdf", StringComparison.OrdinalIgnoreCase))
            {
                return new Rss10Feed(null, Channel(root, where));
            }

            if (name.Equals("rss", StringComparison.OrdinalIgnoreCase))
            {
                XElement channel = Channel(root, where);
                string version = root.Attribute("version")?.Value?.Trim() ?? string.Empty;
                if (version.Equals("0.91", StringComparison.OrdinalIgnoreCase))
                {
                    return new Rss091Feed(null, channel);
                }

                if (version.Equals("0.92", StringComparison.OrdinalIgnoreCase))
                {
                    return new Rss092Feed(null, channel);
                }

                return version.Equals("2.0", StringComparison.OrdinalIgnoreCase) && root.Attribute(XNamespace.Xmlns + "media") != null
                    ? new MediaRssFeed(null, channel)
                    : (BaseFeed)new Rss20Feed(null, channel);
            }

            throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where,
                $"{where} is not an RSS or Atom feed: its root element is <{FeedText.Clip(root?.Name.LocalName ?? "none", 40)}>.");
        }

        private static XElement Channel(XElement root, string where) =>
            root.Element(root.GetDefaultNamespace() + "channel") ??
            throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not usable: its <{root.Name.LocalName}> has no <channel>.");

        internal static SecurityOpsException TooLarge(string where, long cap, long? size, Exception inner) =>
            new SecurityOpsException("FeedTooLarge", FailureKind.LimitsExceeded, where,
                (size.HasValue
                    ? $"{where} is {Size(size.Value)}, over the {Size(cap)} cap of {CapSetting}: "
                    : $"{where} is larger than the {Size(cap)} cap of {CapSetting}: ") +
                $"rss and atom feeds are read whole, so it was refused before parsing. Raise {CapSetting} in securityops.yaml to read it.", inner);

        private static string Size(long bytes) => bytes >= 1024 * 1024
            ? (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB (" + bytes.ToString(CultureInfo.InvariantCulture) + " bytes)"
            : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
    }
}
