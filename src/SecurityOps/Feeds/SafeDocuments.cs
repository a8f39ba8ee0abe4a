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
                CveIdentifier.AddAll(text, into);
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
            if (TryRfc822(text, out DateTimeOffset? fast))
            {
                return fast;
            }

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

        private static readonly string[] DayNames = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

        private static readonly string[] MonthNames = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

        /// <summary>
        /// The RSS date as feeds write it, "Mon, 26 Jan 2026 00:00:00 +0000" (or GMT, UT, UTC, Z), read by hand: no regex,
        /// no format list. It answers only for text in exactly that shape with a consistent weekday, a real date and time
        /// and a year from 1970 to 9998, and then gives what the general path gives; anything else (another shape, other
        /// spacing or case, a 1-digit hour, a named zone such as EST) returns false and goes the general path.
        /// </summary>
        private static bool TryRfc822(string t, out DateTimeOffset? value)
        {
            value = null;

            // "Ddd, d MMM yyyy HH:mm:ss " is 25 or 26 characters, then the zone.
            if (t.Length < 26 || t[3] != ',' || t[4] != ' ')
            {
                return false;
            }

            int weekday = Array.IndexOf(DayNames, t.Substring(0, 3));
            int i = 5;
            int day = Digits(t, ref i, 1, 2);
            if (weekday < 0 || day < 1 || t[i++] != ' ')
            {
                return false;
            }

            if (t.Length < i + 19)
            {
                return false;
            }

            int month = Array.IndexOf(MonthNames, t.Substring(i, 3)) + 1;
            i += 3;
            if (month < 1 || t[i++] != ' ')
            {
                return false;
            }

            int year = Digits(t, ref i, 4, 4);
            if (year < 1970 || year > 9998 || t[i++] != ' ')
            {
                return false;
            }

            int hour = Digits(t, ref i, 2, 2);
            if (hour < 0 || hour > 23 || t[i++] != ':')
            {
                return false;
            }

            int minute = Digits(t, ref i, 2, 2);
            if (minute < 0 || minute > 59 || t[i++] != ':')
            {
                return false;
            }

            int second = Digits(t, ref i, 2, 2);
            if (second < 0 || second > 59 || t[i++] != ' ')
            {
                return false;
            }

            int offsetMinutes;
            string zone = t.Substring(i);
            if (zone == "GMT" || zone == "UT" || zone == "UTC" || zone == "Z")
            {
                offsetMinutes = 0;
            }
            else if (zone.Length == 5 && (zone[0] == '+' || zone[0] == '-'))
            {
                int j = 1;
                int hh = Digits(zone, ref j, 2, 2);
                int mm = Digits(zone, ref j, 2, 2);
                if (hh < 0 || hh > 13 || mm < 0 || mm > 59)
                {
                    return false;
                }

                offsetMinutes = (zone[0] == '-' ? -1 : 1) * (hh * 60 + mm);
            }
            else
            {
                return false;
            }

            if (day > DateTime.DaysInMonth(year, month) || (int)new DateTime(year, month, day).DayOfWeek != weekday)
            {
                return false;
            }

            value = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes)).ToUniversalTime();
            return true;
        }

        /// <summary>The ASCII digits at <paramref name="i"/> (at least <paramref name="min"/>, at most <paramref name="max"/>) as a number, or -1.</summary>
        private static int Digits(string t, ref int i, int min, int max)
        {
            int n = 0;
            int count = 0;
            while (count < max && i < t.Length && t[i] >= '0' && t[i] <= '9')
            {
                n = n * 10 + (t[i] - '0');
                i++;
                count++;
            }

            return count >= min ? n : -1;
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

            // Each tag (<...> up to the first >) becomes a space, entities are decoded, white space (what \s and Trim
            // mean: char.IsWhiteSpace) collapses to single spaces and is trimmed. Without an '&' there is nothing to
            // decode, so tags and spaces go in one pass; with one, tags go first, as entities may decode to '<'.
            string text = html.IndexOf('&') < 0
                ? Collapse(html, stripTags: true)
                : Collapse(WebUtility.HtmlDecode(StripTags(html)), stripTags: false);
            return text.Length > maxLength ? text.Substring(0, maxLength) + "..." : text;
        }

        /// <summary>Each tag (from &lt; to the first &gt; after it) replaced by one space; a &lt; with no &gt; after it is text.</summary>
        private static string StripTags(string html)
        {
            int open = html.IndexOf('<');
            if (open < 0)
            {
                return html;
            }

            var sb = new System.Text.StringBuilder(html.Length);
            int from = 0;
            while (open >= 0)
            {
                int close = html.IndexOf('>', open + 1);
                if (close < 0)
                {
                    break;
                }

                sb.Append(html, from, open - from).Append(' ');
                from = close + 1;
                open = html.IndexOf('<', from);
            }

            return sb.Append(html, from, html.Length - from).ToString();
        }

        /// <summary>Runs of white space (and, with <paramref name="stripTags"/>, tags) as single spaces, none at either end.</summary>
        private static string Collapse(string s, bool stripTags)
        {
            var buffer = new char[s.Length];
            int n = 0;
            bool space = false;
            bool other = false; // white space other than ' ' seen: the text changes even at the same length
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (stripTags && c == '<')
                {
                    int close = s.IndexOf('>', i + 1);
                    if (close >= 0)
                    {
                        space = true;
                        i = close;
                        continue;
                    }

                    stripTags = false; // no tag from here on: the rest is text
                }

                if (char.IsWhiteSpace(c))
                {
                    space = true;
                    other |= c != ' ';
                    continue;
                }

                if (space && n > 0)
                {
                    buffer[n++] = ' ';
                }

                space = false;
                buffer[n++] = c;
            }

            return n == s.Length && !other ? s : new string(buffer, 0, n);
        }
    }
}
