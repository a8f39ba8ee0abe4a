using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using SecurityOps.Model;

namespace SecurityOps.Feeds
{
    /// <summary>
    /// The one place XML is opened. DTDs are never processed: Gentoo's real GLSA files carry a DOCTYPE, so the
    /// declaration is skipped (DtdProcessing.Ignore) rather than refused; nothing is resolved (XmlResolver = null),
    /// so no external entity, file or URL is ever read; and an entity reference can only fail, so entity expansion
    /// (billion laughs) is refused as a parse error. Document size is capped as well.
    /// </summary>
    internal static class SafeXml
    {
        public static XmlReaderSettings Settings(long maxCharacters) => new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = maxCharacters,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = true,
        };

        public static XmlReader Create(byte[] bytes, long maxCharacters = 0) =>
            XmlReader.Create(new MemoryStream(bytes, writable: false), Settings(maxCharacters));

        /// <summary>
        /// How deep elements may nest in a document read whole (<see cref="Load"/>) or a GLSA file (read in one pass
        /// through <see cref="DepthLimitedReader"/> too). Feeds and GLSA files nest a few
        /// levels (an Atom entry's XHTML content a few more); a deeper document is hostile or broken and is refused while
        /// it is read, at the first element past the limit, never after building a tree of it.
        /// </summary>
        public const int MaxDepth = 64;

        /// <summary>The document as a tree, read once through the safe settings, refused past <paramref name="maxDepth"/> levels of nesting.</summary>
        public static XDocument Load(byte[] bytes, string where, int maxDepth = MaxDepth)
        {
            try
            {
                using (XmlReader reader = new DepthLimitedReader(Create(bytes), maxDepth, where))
                {
                    XDocument doc = XDocument.Load(reader, LoadOptions.None);
                    doc.DocumentType?.Remove();
                    return doc;
                }
            }
            catch (XmlException ex)
            {
                throw ParseError(ex, where);
            }
        }

        /// <summary>A clear FeedParseFailed for broken or hostile XML, with line and position.</summary>
        public static SecurityOpsException ParseError(XmlException ex, string where)
        {
            string reason = ex.Message;
            if (reason.IndexOf("entity", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                reason = "it references an entity, and entities are never expanded (no DTD is processed): " + reason;
            }
            else if (reason.IndexOf("end of file", StringComparison.OrdinalIgnoreCase) >= 0 ||
                     reason.IndexOf("not closed", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                reason = "the document is truncated or not well-formed: " + reason;
            }

            return new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not usable XML: {reason}", ex);
        }
    }

    /// <summary>
    /// An XmlReader that passes everything through and refuses an element nested deeper than its limit as soon as the
    /// reader reaches it (FeedParseFailed with line and position), so a tree is never built of a hostile document.
    /// </summary>
    internal sealed class DepthLimitedReader : XmlReader, IXmlLineInfo
    {
        private readonly XmlReader inner;
        private readonly int maxDepth;
        private readonly string where;

        public DepthLimitedReader(XmlReader inner, int maxDepth, string where)
        {
            this.inner = inner;
            this.maxDepth = maxDepth;
            this.where = where;
        }

        public override bool Read()
        {
            bool more = inner.Read();
            if (more && inner.Depth >= maxDepth && inner.NodeType == XmlNodeType.Element)
            {
                var info = inner as IXmlLineInfo;
                string position = info != null && info.HasLineInfo() ? $" (line {info.LineNumber}, position {info.LinePosition})" : string.Empty;
                throw new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where,
                    $"{where} is not usable XML: its elements nest deeper than {maxDepth} levels{position}; it was refused while being read.");
            }

            return more;
        }

        public override XmlNodeType NodeType => inner.NodeType;

        public override string LocalName => inner.LocalName;

        public override string NamespaceURI => inner.NamespaceURI;

        public override string Prefix => inner.Prefix;

        public override string Name => inner.Name;

        public override bool HasValue => inner.HasValue;

        public override string Value => inner.Value;

        public override int Depth => inner.Depth;

        public override string BaseURI => inner.BaseURI;

        public override bool IsEmptyElement => inner.IsEmptyElement;

        public override bool IsDefault => inner.IsDefault;

        public override char QuoteChar => inner.QuoteChar;

        public override XmlSpace XmlSpace => inner.XmlSpace;

        public override string XmlLang => inner.XmlLang;

        public override int AttributeCount => inner.AttributeCount;

        public override bool EOF => inner.EOF;

        public override ReadState ReadState => inner.ReadState;

        public override XmlNameTable NameTable => inner.NameTable;

        public override XmlReaderSettings Settings => inner.Settings;

        public override bool CanResolveEntity => false;

        public int LineNumber => (inner as IXmlLineInfo)?.LineNumber ?? 0;

        public int LinePosition => (inner as IXmlLineInfo)?.LinePosition ?? 0;

        public bool HasLineInfo() => (inner as IXmlLineInfo)?.HasLineInfo() ?? false;

        public override string GetAttribute(int i) => inner.GetAttribute(i);

        public override string GetAttribute(string name) => inner.GetAttribute(name);

        public override string GetAttribute(string name, string namespaceURI) => inner.GetAttribute(name, namespaceURI);

        public override string LookupNamespace(string prefix) => inner.LookupNamespace(prefix);

        public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);

        public override bool MoveToAttribute(string name, string ns) => inner.MoveToAttribute(name, ns);

        public override void MoveToAttribute(int i) => inner.MoveToAttribute(i);

        public override bool MoveToElement() => inner.MoveToElement();

        public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();

        public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();

        public override bool ReadAttributeValue() => inner.ReadAttributeValue();

        public override void ResolveEntity() => inner.ResolveEntity();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The one place JSON is opened: System.Text.Json with a depth limit, comments skipped, nothing lenient.</summary>
    internal static class SafeJson
    {
        public const int MaxDepth = 64;

        public static readonly JsonDocumentOptions Options = new JsonDocumentOptions
        {
            MaxDepth = MaxDepth,
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Skip,
        };

        public static JsonDocument Parse(byte[] bytes, string where)
        {
            try
            {
                return JsonDocument.Parse(bytes, Options);
            }
            catch (JsonException ex)
            {
                throw ParseError(ex, where);
            }
        }

        public static SecurityOpsException ParseError(JsonException ex, string where)
        {
            string position = ex.LineNumber.HasValue ? $" (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
            string reason = ex.Message.IndexOf("end of data", StringComparison.OrdinalIgnoreCase) >= 0 ||
                            ex.Message.IndexOf("incomplete", StringComparison.OrdinalIgnoreCase) >= 0
                ? "the document is truncated"
                : ex.Message.IndexOf("depth", StringComparison.OrdinalIgnoreCase) >= 0
                    ? $"it nests deeper than {MaxDepth} levels"
                    : "it is not well-formed JSON";
            return new SecurityOpsException("FeedParseFailed", FailureKind.ParserError, where, $"{where} is not usable JSON: {reason}{position}.", ex);
        }

        public static string String(JsonElement element, string property) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;

        public static IEnumerable<JsonElement> Array(JsonElement element, string property)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in value.EnumerateArray())
                {
                    yield return item;
                }
            }
        }
    }

    /// <summary>Text helpers every reader shares: CVE ids, tolerant dates, HTML to text.</summary>
    internal static class FeedText
    {
        private static readonly Regex Tags = new Regex(@"<[^>]*>", RegexOptions.Compiled);
        private static readonly Regex Spaces = new Regex(@"\s+", RegexOptions.Compiled);

        // RFC 822 zone names and "+hhmm" offsets, rewritten so DateTimeOffset reads them; held once (not looked up in
        // Regex's cache per date: a feed has thousands).
        private static readonly Regex ZoneName = new Regex(@"\s(GMT|UT|UTC|Z)$", RegexOptions.CultureInvariant);
        private static readonly Regex ZoneOffset = new Regex(@"([+-]\d\d)(\d\d)$", RegexOptions.CultureInvariant);

        private static readonly string[] Rfc822Formats =
        {
            "ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm zzz", "ddd, d MMM yyyy HH:mm:ss",
        };

        /// <summary>Adds every CVE id found in the texts to <paramref name="into"/> (upper case, each once, in order).</summary>
        public static void CollectCves(List<string> into, params string[] texts)
        {
            foreach (string text in texts)
            {
                if (string.IsNullOrEmpty(text))
                {
                    continue;
                }

                foreach (string id in CveIdentifier.FindAll(text))
                {
                    if (!into.Contains(id))
                    {
                        into.Add(id);
                    }
                }
            }
        }

        public static string[] Cves(params string[] texts)
        {
            var list = new List<string>();
            CollectCves(list, texts);
            return list.ToArray();
        }

        public static bool IsCve(string text) => CveIdentifier.Normalize(text) != null;

        /// <summary>
        /// RFC 822/1123 (RSS), ISO 8601 (Atom, OSV, JSON), or a bare date. Anything else, and placeholder dates before
        /// 1970 (Go's 0001-01-01), give null: the item is kept without a date.
        /// </summary>
        public static DateTimeOffset? Date(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            text = text.Trim();
            DateTimeOffset value;
            char last = text[text.Length - 1];
            string rfc = last == 'T' || last == 'C' || last == 'Z' ? ZoneName.Replace(text, " +0000") : text;
            rfc = char.IsDigit(rfc[rfc.Length - 1]) ? ZoneOffset.Replace(rfc, "$1:$2") : rfc;
            bool ok = DateTimeOffset.TryParseExact(rfc, Rfc822Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value)
                   || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value);
            if (!ok || value.Year < 1970)
            {
                return null;
            }

            return value.ToUniversalTime();
        }

        /// <summary>A date the source writes on purpose for "none" (Go's 0001-01-01): no warning for it.</summary>
        public static bool IsPlaceholderDate(string text) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset value) && value.Year < 1970;

        /// <summary>At most <paramref name="max"/> characters of a value for a message.</summary>
        public static string Clip(string text, int max) => text == null || text.Length <= max ? text : text.Substring(0, max) + "...";

        /// <summary>Markup removed, entities decoded, white space collapsed.</summary>
        public static string PlainText(string html, int maxLength = 2000)
        {
            if (string.IsNullOrEmpty(html))
            {
                return html;
            }

            string text = Spaces.Replace(WebUtility.HtmlDecode(Tags.Replace(html, " ")), " ").Trim();
            return text.Length > maxLength ? text.Substring(0, maxLength) + "..." : text;
        }
    }
}
