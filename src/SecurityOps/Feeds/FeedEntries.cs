using System;
using System.Collections.Generic;
using System.Xml;

namespace SecurityOps.Feeds
{
    /// <summary>One RSS item or Atom entry, as text.</summary>
    internal sealed class FeedEntry
    {
        public string Id { get; set; }

        public string Title { get; set; }

        public string Link { get; set; }

        public string Published { get; set; }

        public string Updated { get; set; }

        /// <summary>RSS description or Atom summary.</summary>
        public string Summary { get; set; }

        /// <summary>content:encoded or Atom content (already XML-decoded: escaped HTML arrives as HTML text).</summary>
        public string Content { get; set; }
    }

    /// <summary>
    /// A streaming reader of RSS 0.9x/1.0/2.0 items and Atom entries over <see cref="SafeXml"/>: one pass, no DOM,
    /// so a feed of thousands of items reads at close to the speed of a bare XmlReader.
    /// </summary>
    internal static class FeedEntries
    {
        public static IEnumerable<FeedEntry> Read(byte[] bytes, string where)
        {
            XmlReader reader = SafeXml.Create(bytes);
            try
            {
                bool sawRoot = false;
                while (true)
                {
                    FeedEntry entry;
                    try
                    {
                        if (!reader.Read())
                        {
                            break;
                        }

                        if (reader.NodeType != XmlNodeType.Element)
                        {
                            continue;
                        }

                        if (!sawRoot)
                        {
                            sawRoot = true;
                            string root = reader.LocalName;
                            if (root != "rss" && root != "feed" && root != "RDF")
                            {
                                throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where,
                                    $"{where} is not an RSS or Atom feed (its root element is <{root}>).");
                            }

                            continue;
                        }

                        if (reader.LocalName != "item" && reader.LocalName != "entry")
                        {
                            continue;
                        }

                        entry = ReadEntry(reader.ReadSubtree());
                    }
                    catch (XmlException ex)
                    {
                        throw SafeXml.ParseError(ex, where);
                    }

                    yield return entry;
                }

                if (!sawRoot)
                {
                    throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is empty: no XML element was found.");
                }
            }
            finally
            {
                reader.Dispose();
            }
        }

        private static FeedEntry ReadEntry(XmlReader item)
        {
            var entry = new FeedEntry();
            using (item)
            {
                item.Read(); // the item element itself
                while (item.Read())
                {
                    if (item.NodeType != XmlNodeType.Element || item.Depth != 1)
                    {
                        continue;
                    }

                    switch (item.LocalName)
                    {
                        case "title":
                            entry.Title = Text(item);
                            break;
                        case "link":
                            string href = item.GetAttribute("href");
                            string rel = item.GetAttribute("rel");
                            if (href != null)
                            {
                                if (entry.Link == null || rel == null || rel == "alternate")
                                {
                                    entry.Link = href;
                                }
                            }
                            else
                            {
                                entry.Link = Text(item);
                            }

                            break;
                        case "guid":
                        case "id":
                            entry.Id = Text(item);
                            break;
                        case "pubDate":
                        case "published":
                        case "issued":
                            entry.Published = Text(item);
                            break;
                        case "date":
                            entry.Published = entry.Published ?? Text(item);
                            break;
                        case "updated":
                        case "modified":
                            entry.Updated = Text(item);
                            break;
                        case "description":
                        case "summary":
                            entry.Summary = Text(item);
                            break;
                        case "content":
                        case "encoded":
                            entry.Content = Text(item);
                            break;
                    }
                }
            }

            return entry;
        }

        private static string Text(XmlReader reader)
        {
            if (reader.IsEmptyElement)
            {
                return string.Empty;
            }

            // Text of the element and any children (Atom xhtml content), leaving the reader on its end tag.
            return ReadMixedText(reader).Trim();
        }

        private static string ReadMixedText(XmlReader reader)
        {
            int depth = reader.Depth;
            var sb = new System.Text.StringBuilder();
            while (reader.Read() && reader.Depth > depth)
            {
                if (reader.NodeType == XmlNodeType.Text || reader.NodeType == XmlNodeType.CDATA || reader.NodeType == XmlNodeType.SignificantWhitespace)
                {
                    sb.Append(reader.Value);
                }
            }

            return sb.ToString();
        }
    }
}
