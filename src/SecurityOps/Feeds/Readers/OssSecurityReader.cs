using System.Threading.Tasks;
using SecurityOps.Model;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// oss-security: the list's RSS mirror (seclists.org). Each item is a mail; CVE ids come from its subject and body
    /// excerpt. The list names no packages in a structured way, so Packages stays empty.
    /// </summary>
    internal sealed class OssSecurityReader : ISecurityFeedReader
    {
        public string Type => "oss-security";

        public async Task ReadAsync(FeedReadContext context)
        {
            foreach (FeedEntry entry in await context.FetchEntriesAsync("application/rss+xml, application/xml;q=0.9").ConfigureAwait(false))
            {
                context.CancellationToken.ThrowIfCancellationRequested();
                string id = IdFromLink(entry.Link) ?? entry.Id ?? entry.Title;
                var published = context.ItemDate(entry.Published, entry.Title ?? entry.Link ?? "an item");
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
                context.Emit(new SecurityFeedItem
                {
                    Id = id,
                    Title = entry.Title,
                    Link = entry.Link,
                    Published = published,
                    CveIds = FeedText.Cves(entry.Title, entry.Summary, entry.Content),
                    Summary = FeedText.PlainText(entry.Summary, 1000),
                });
            }
        }

        /// <summary>https://seclists.org/oss-sec/2026/q1/12 -> oss-sec/2026/q1/12.</summary>
        internal static string IdFromLink(string link)
        {
            if (string.IsNullOrEmpty(link) || !System.Uri.TryCreate(link, System.UriKind.Absolute, out var uri))
            {
                return null;
            }

            string path = uri.AbsolutePath.Trim('/');
            return path.Length == 0 ? null : path;
        }
    }
}
