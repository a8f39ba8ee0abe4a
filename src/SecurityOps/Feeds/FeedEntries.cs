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

                        entry = ReadEntry(reader);
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

        /// <summary>
        /// The entry whose element the reader is on, read on the reader itself (no subtree reader wrapping every call),
        /// leaving it on the entry's end tag (or on the element, when it is empty), as ReadSubtree's reader did when disposed.
        /// </summary>
        private static FeedEntry ReadEntry(XmlReader item)
        {
            var entry = new FeedEntry();
            if (item.IsEmptyElement)
            {
                return entry;
            }

            int depth = item.Depth;
            int child = depth + 1;
            while (item.Read() && item.Depth > depth)
            {
                if (item.NodeType != XmlNodeType.Element || item.Depth != child)
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
            string first = null;
            System.Text.StringBuilder sb = null;
            while (reader.Read() && reader.Depth > depth)
            {
                if (reader.NodeType == XmlNodeType.Text || reader.NodeType == XmlNodeType.CDATA || reader.NodeType == XmlNodeType.SignificantWhitespace)
                {
                    // The usual element holds one text node: its value as it is, with no builder.
                    if (first == null)
                    {
                        first = reader.Value;
                    }
                    else
                    {
                        (sb ?? (sb = new System.Text.StringBuilder(first))).Append(reader.Value);
                    }
                }
            }

            return sb?.ToString() ?? first ?? string.Empty;
        }
    }
}
