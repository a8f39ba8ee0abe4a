using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml;
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

        /// <summary>
        /// One GLSA document, read in one pass over <see cref="SafeXml"/> (no tree: a first read follows thousands of
        /// them) and to its end, so a document broken anywhere is refused whole; nesting past <see cref="SafeXml.MaxDepth"/>
        /// is refused while it is read. What is taken is what the tree gave: the root's id, the first &lt;title&gt;,
        /// &lt;synopsis&gt;, &lt;announced&gt; and &lt;revised&gt;, the &lt;uri&gt;s of the first &lt;references&gt; and the
        /// &lt;package&gt;s of the first &lt;affected&gt; (elements of no namespace, as the GLSA DTD writes them).
        /// </summary>
        internal static SecurityFeedItem Parse(byte[] bytes, string where, FeedEntry entry, string id)
        {
            var glsa = new GlsaDocument();
            try
            {
                using (XmlReader reader = new DepthLimitedReader(SafeXml.Create(bytes), SafeXml.MaxDepth, where))
                {
                    Read(reader, glsa, where);
                }
            }
            catch (XmlException ex)
            {
                throw SafeXml.ParseError(ex, where);
            }

            string title = Clean(glsa.Title);
            return new SecurityFeedItem
            {
                Id = "GLSA-" + (glsa.Id ?? id),
                Title = title ?? entry?.Title,
                Link = entry?.Link,
                Published = FeedText.Date(glsa.Announced) ?? FeedText.Date(entry?.Published),
                Updated = FeedText.Date(glsa.Revised),
                CveIds = glsa.Cves.ToArray(),
                Packages = glsa.Packages,
                Summary = Clean(glsa.Synopsis) ?? FeedText.PlainText(entry?.Summary),
                References = glsa.References.ToArray(),
            };
        }

        /// <summary>What an advisory says, as <see cref="Read"/> finds it.</summary>
        private sealed class GlsaDocument
        {
            public string Id;
            public string Title;
            public string Synopsis;
            public string Announced;
            public string Revised;
            public readonly List<string> Cves = new List<string>();
            public readonly List<string> References = new List<string>();
            public readonly List<PackageRef> Packages = new List<PackageRef>();
        }

        private static void Read(XmlReader reader, GlsaDocument glsa, string where)
        {
            bool sawReferences = false, sawAffected = false;
            string section = null; // "references" or "affected" while inside the first of that name
            PackageRef package = null; // the <package> whose ranges are being read
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                string name = reader.LocalName;
                switch (reader.Depth)
                {
                    case 0:
                        if (name != "glsa")
                        {
                            throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not a GLSA document (no <glsa> root).");
                        }

                        glsa.Id = reader.GetAttribute("id");
                        break;
                    case 1:
                        section = null;
                        package = null;
                        if (reader.NamespaceURI.Length != 0)
                        {
                            break;
                        }

                        switch (name)
                        {
                            case "title":
                                glsa.Title = glsa.Title ?? Value(reader);
                                break;
                            case "synopsis":
                                glsa.Synopsis = glsa.Synopsis ?? Value(reader);
                                break;
                            case "announced":
                                glsa.Announced = glsa.Announced ?? Value(reader);
                                break;
                            case "revised":
                                glsa.Revised = glsa.Revised ?? Value(reader);
                                break;
                            case "references":
                                section = sawReferences ? null : name;
                                sawReferences = true;
                                break;
                            case "affected":
                                section = sawAffected ? null : name;
                                sawAffected = true;
                                break;
                        }

                        break;
                    case 2:
                        package = null;
                        if (reader.NamespaceURI.Length != 0)
                        {
                            break;
                        }

                        if (section == "references" && name == "uri")
                        {
                            string href = reader.GetAttribute("link");
                            AddCves(glsa.Cves, Value(reader));
                            if (!string.IsNullOrEmpty(href))
                            {
                                glsa.References.Add(href);
                            }
                        }
                        else if (section == "affected" && name == "package")
                        {
                            package = Package(glsa.Packages, reader.GetAttribute("name")?.Trim());
                        }

                        break;
                    case 3:
                        if (package != null && (name == "vulnerable" || name == "unaffected"))
                        {
                            AddRange(package, name == "vulnerable", reader.GetAttribute("range"), reader.GetAttribute("slot"), Value(reader));
                        }

                        break;
                }
            }
        }

        /// <summary>The package of that name (one atom listed twice, per arch, is merged), or null for a package with no name.</summary>
        private static PackageRef Package(List<PackageRef> packages, string name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return null;
            }

            foreach (PackageRef known in packages)
            {
                if (known.Name == name)
                {
                    return known;
                }
            }

            var package = new PackageRef(name, Ecosystem);
            packages.Add(package);
            return package;
        }

        /// <summary>
        /// One &lt;vulnerable&gt; or &lt;unaffected&gt; range as "op version[:slot]" (a slot attribute is written after
        /// the version as Portage does), each once.
        /// </summary>
        private static void AddRange(PackageRef package, bool vulnerable, string op, string slot, string version)
        {
            string text = $"{op?.Trim()} {version.Trim()}" + (string.IsNullOrEmpty(slot) || slot == "*" || version.Contains(":") ? string.Empty : ":" + slot);
            List<string> list = vulnerable ? (package.Vulnerable ??= new List<string>()) : (package.Unaffected ??= new List<string>());
            if (!list.Contains(text))
            {
                list.Add(text);
            }
        }

        /// <summary>The CVE id a &lt;uri&gt; names (its whole text, as GLSAs write it), else every id found in its text.</summary>
        private static void AddCves(List<string> cves, string text)
        {
            string cve = CveIdentifier.Normalize(text);
            if (cve == null)
            {
                FeedText.CollectCves(cves, text);
            }
            else if (!cves.Contains(cve))
            {
                cves.Add(cve);
            }
        }

        /// <summary>The text of the element the reader is on and of its descendants (as XElement.Value), leaving the reader on its end tag.</summary>
        private static string Value(XmlReader reader)
        {
            if (reader.IsEmptyElement)
            {
                return string.Empty;
            }

            int depth = reader.Depth;
            string text = null;
            StringBuilder more = null;
            while (reader.Read() && reader.Depth > depth)
            {
                XmlNodeType type = reader.NodeType;
                if (type == XmlNodeType.Text || type == XmlNodeType.CDATA || type == XmlNodeType.SignificantWhitespace || type == XmlNodeType.Whitespace)
                {
                    if (text == null)
                    {
                        text = reader.Value;
                    }
                    else
                    {
                        (more ??= new StringBuilder(text)).Append(reader.Value);
                    }
                }
            }

            return more?.ToString() ?? text ?? string.Empty;
        }

        private static readonly Regex Spaces = new Regex(@"\s+", RegexOptions.Compiled);

        private static string Clean(string text) => string.IsNullOrWhiteSpace(text) ? null : Spaces.Replace(text.Trim(), " ");
    }
}
