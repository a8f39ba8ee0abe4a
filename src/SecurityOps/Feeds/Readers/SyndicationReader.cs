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

            Feed feed = Parse(result.Content, shown);
            string package = context.Source.Option("package");
            foreach (FeedItem entry in feed.Items)
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                var published = FeedText.Date(entry.PublishingDateString);
                string id = entry.Id ?? entry.Link ?? entry.Title;
                if (id == null || context.IsBeforeSince(published) || !context.IsNew(id, string.Empty))
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

        internal static Feed Parse(byte[] bytes, string where)
        {
            XDocument clean = SafeXml.Load(bytes, where);
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
