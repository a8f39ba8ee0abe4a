using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds.Readers
{
    /// <summary>
    /// gentoo-glsa: the RSS feed names advisories but carries no CVE ids or packages, so each NEW item is followed to
    /// its advisory XML (the item's link plus ".xml"): CVE ids from &lt;references&gt;, package atoms from &lt;affected&gt;.
    /// Links are resolved within the feed's own location: when the feed is served from elsewhere (a mirror, a file,
    /// a test server) the advisory is read beside it, so a feed can never send the reader to another host or a local file.
    /// Option advisoryUrl: a template such as https://security.gentoo.org/glsa/{id}.xml.
    /// </summary>
    internal sealed class GentooGlsaReader : ISecurityFeedReader
    {
        public const string Ecosystem = "Gentoo";
        private static readonly Regex GlsaId = new Regex(@"(\d{6}-\d{2,})", RegexOptions.Compiled);

        public string Type => "gentoo-glsa";

        public async Task ReadAsync(FeedReadContext context)
        {
            string feedUrl = context.Source.Url;
            HttpFetchResult feed = await context.FetchAsync(feedUrl, conditional: true, accept: "application/rss+xml, application/xml;q=0.9").ConfigureAwait(false);
            if (feed.NotModified)
            {
                return;
            }

            var todo = new List<(FeedEntry Entry, string Id)>();
            foreach (FeedEntry entry in FeedEntries.Read(feed.Content, context.Shown(feedUrl)))
            {
                string number = GlsaId.Match(entry.Link ?? string.Empty).Groups[1].Value;
                if (number.Length == 0)
                {
                    number = GlsaId.Match(entry.Title ?? string.Empty).Groups[1].Value;
                }

                if (number.Length == 0)
                {
                    context.Problem($"an item names no GLSA id ('{entry.Title}'); skipped.");
                    context.Skip("no GLSA id", entry.Title ?? entry.Link ?? "an item");
                    continue;
                }

                if (context.IsBeforeSince(FeedText.Date(entry.Published)) || !context.IsNew(number, string.Empty))
                {
                    continue;
                }

                todo.Add((entry, number));
            }

            context.Events.Verbose($"{context.Source.Name}: {todo.Count} new advisories to follow.");
            await context.ForEachBoundedAsync(todo, $"Reading {context.Source.Name} advisories", t => "GLSA " + t.Id,
                async t =>
                {
                    string url = AdvisoryUrl(context.Source, feed.Uri, t.Entry.Link, t.Id);
                    HttpFetchResult xml = await context.FetchAsync(url, conditional: false, accept: "application/xml").ConfigureAwait(false);
                    return Parse(xml.Content, context.Shown(url), t.Entry, t.Id);
                },
                (t, item) => context.MarkSeen(t.Id, string.Empty)).ConfigureAwait(false);
        }

        /// <summary>The advisory XML for an item: the link plus ".xml" when the link is on the feed's own site, else beside the feed.</summary>
        internal static string AdvisoryUrl(SecuritySource source, Uri feedUri, string link, string id)
        {
            string template = source.Option("advisoryUrl");
            if (template != null)
            {
                return template.Replace("{id}", id);
            }

            if (Uri.TryCreate(link, UriKind.Absolute, out Uri linkUri) && !feedUri.IsFile &&
                string.Equals(linkUri.Scheme, feedUri.Scheme, StringComparison.OrdinalIgnoreCase) &&
                string.Equals(linkUri.Authority, feedUri.Authority, StringComparison.OrdinalIgnoreCase))
            {
                return linkUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + ".xml";
            }

            return new Uri(feedUri, id + ".xml").AbsoluteUri;
        }

        internal static SecurityFeedItem Parse(byte[] bytes, string where, FeedEntry entry, string id)
        {
            XDocument doc = SafeXml.Load(bytes, where);
            XElement glsa = doc.Root;
            if (glsa == null || glsa.Name.LocalName != "glsa")
            {
                throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not a GLSA document (no <glsa> root).");
            }

            var cves = new List<string>();
            var references = new List<string>();
            foreach (XElement uri in glsa.Element("references")?.Elements("uri") ?? Enumerable.Empty<XElement>())
            {
                FeedText.CollectCves(cves, uri.Value);
                string href = (string)uri.Attribute("link");
                if (!string.IsNullOrEmpty(href))
                {
                    references.Add(href);
                }
            }

            var packages = Packages(glsa);

            string title = Clean(glsa.Element("title")?.Value);
            return new SecurityFeedItem
            {
                Id = "GLSA-" + ((string)glsa.Attribute("id") ?? id),
                Title = title ?? entry?.Title,
                Link = entry?.Link,
                Published = FeedText.Date(glsa.Element("announced")?.Value) ?? FeedText.Date(entry?.Published),
                Updated = FeedText.Date(glsa.Element("revised")?.Value),
                CveIds = cves.ToArray(),
                Packages = packages,
                Summary = Clean(glsa.Element("synopsis")?.Value) ?? FeedText.PlainText(entry?.Summary),
                References = references.ToArray(),
            };
        }

        /// <summary>
        /// The affected atoms with their ranges: "op version[:slot]" for each &lt;vulnerable&gt; and &lt;unaffected&gt; (a
        /// slot attribute is written after the version as Portage does). One atom listed twice (per arch) is merged.
        /// </summary>
        internal static List<PackageRef> Packages(XElement glsa)
        {
            var packages = new List<PackageRef>();
            foreach (XElement p in glsa.Element("affected")?.Elements("package") ?? Enumerable.Empty<XElement>())
            {
                string name = ((string)p.Attribute("name"))?.Trim();
                if (string.IsNullOrWhiteSpace(name))
                {
                    continue;
                }

                PackageRef package = packages.FirstOrDefault(x => x.Name == name);
                if (package == null)
                {
                    packages.Add(package = new PackageRef(name, Ecosystem));
                }

                foreach (XElement range in p.Elements())
                {
                    bool vulnerable = range.Name.LocalName == "vulnerable";
                    if (!vulnerable && range.Name.LocalName != "unaffected")
                    {
                        continue;
                    }

                    string slot = (string)range.Attribute("slot");
                    string text = $"{((string)range.Attribute("range"))?.Trim()} {range.Value.Trim()}" + (string.IsNullOrEmpty(slot) || slot == "*" || range.Value.Contains(":") ? string.Empty : ":" + slot);
                    List<string> list = vulnerable ? (package.Vulnerable ??= new List<string>()) : (package.Unaffected ??= new List<string>());
                    if (!list.Contains(text))
                    {
                        list.Add(text);
                    }
                }
            }

            return packages;
        }

        private static string Clean(string text) => string.IsNullOrWhiteSpace(text) ? null : Regex.Replace(text.Trim(), @"\s+", " ");
    }
}
