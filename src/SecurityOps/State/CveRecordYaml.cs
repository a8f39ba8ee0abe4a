using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>
    /// A hand-written reader for the shape of a CVE record file as the module writes it: block mappings and sequences,
    /// plain and simply quoted one-line scalars, <c>[]</c>. It reads a record several times faster than the general YAML
    /// deserializer, which matters on the hot paths (a feed batch reads thousands of records, the report and queries
    /// a hundred thousand). Anything outside that shape (a comment, a multi-line or escaped scalar, an anchor, a tag, a
    /// flow mapping, a duplicate key, an older schema, a value that does not convert) makes it decline, and the file is
    /// read by YamlDotNet as before, with the same result and the same errors.
    /// </summary>
    internal static class CveRecordYaml
    {
        private static long taken;

        [ThreadStatic]
        private static bool sawUnknownKey;

        /// <summary>How many records this reader has taken in this process (tests and benchmarks look).</summary>
        public static long Taken => Interlocked.Read(ref taken);

        /// <summary>True with the record when the text is in the shape this reader knows; false to use the general reader.</summary>
        public static bool TryRead(string text, out CveRecord record) => TryRead(text, out record, out _);

        /// <summary>
        /// True when the text is a record file exactly as the module writes it: in the known shape, with no key a person
        /// added and no comment. Rewriting such a file needs no merge of what a person kept in it.
        /// </summary>
        public static bool IsOwnShape(string text) => TryRead(text, out _, out bool unknownKeys) && !unknownKeys;

        private static bool TryRead(string text, out CveRecord record, out bool unknownKeys)
        {
            record = null;
            sawUnknownKey = false;
            unknownKeys = false;
            try
            {
                var parser = new BlockParser(text);
                if (!(parser.ParseDocument() is Mapping root) || !root.TryGet("schemaVersion", out object version) ||
                    !(version is Scalar v) || !v.Plain || v.Text != SchemaVersions.Current.ToString(CultureInfo.InvariantCulture))
                {
                    return false;
                }

                record = ToRecord(root);
                unknownKeys = sawUnknownKey;
                Interlocked.Increment(ref taken);
                return true;
            }
            catch (Decline)
            {
                record = null;
                return false;
            }
        }

        private static CveRecord ToRecord(Mapping map)
        {
            var r = new CveRecord { SchemaVersion = SchemaVersions.Current };
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                object value = pair.Value;
                switch (pair.Key)
                {
                    case "schemaVersion": break;
                    case "cveId": r.CveId = Text(value); break;
                    case "status": r.Status = Text(value); break;
                    case "title": r.Title = Text(value); break;
                    case "summary": r.Summary = Text(value); break;
                    case "packages": r.Packages = List(value, ToPackage); break;
                    case "sources": r.Sources = List(value, ToSighting); break;
                    case "references": r.References = List(value, Text); break;
                    case "cvssScore": r.CvssScore = Number(value); break;
                    case "cvssVector": r.CvssVector = Text(value); break;
                    case "cvssSource": r.CvssSource = Text(value); break;
                    case "cvssSetAt": r.CvssSetAt = Time(value); break;
                    case "relevance": r.Relevance = Object(value, ToRelevance); break;
                    case "firstSeen": r.FirstSeen = Time(value); break;
                    case "lastUpdated": r.LastUpdated = Time(value); break;
                    case "issue": r.Issue = Object(value, ToIssue); break;
                    case "fixedIn": r.FixedIn = Text(value); break;
                    case "notes": r.Notes = Text(value); break;
                    case "embargoedUntil": r.EmbargoedUntil = Time(value); break;
                    default: sawUnknownKey = true; break; // a key a person added: ignored on reading, kept on writing
                }
            }

            return r;
        }

        private static PackageRef ToPackage(Mapping map)
        {
            var p = new PackageRef();
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                switch (pair.Key)
                {
                    case "name": p.Name = Text(pair.Value); break;
                    case "ecosystem": p.Ecosystem = Text(pair.Value); break;
                    case "vulnerable": p.Vulnerable = List(pair.Value, Text); break;
                    case "unaffected": p.Unaffected = List(pair.Value, Text); break;
                    case "versions": p.Versions = List(pair.Value, Text); break;
                    case "ranges": p.Ranges = List(pair.Value, (object o) => Object(o, ToRange)); break;
                    default: sawUnknownKey = true; break;
                }
            }

            return p;
        }

        private static AffectedRange ToRange(Mapping map)
        {
            var range = new AffectedRange();
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                switch (pair.Key)
                {
                    case "type": range.Type = Text(pair.Value); break;
                    case "events": range.Events = List(pair.Value, (object o) => Object(o, ToEvent)); break;
                    default: sawUnknownKey = true; break;
                }
            }

            return range;
        }

        private static RangeEvent ToEvent(Mapping map)
        {
            var e = new RangeEvent();
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                switch (pair.Key)
                {
                    case "introduced": e.Introduced = Text(pair.Value); break;
                    case "fixed": e.Fixed = Text(pair.Value); break;
                    case "lastAffected": e.LastAffected = Text(pair.Value); break;
                    case "limit": e.Limit = Text(pair.Value); break;
                    default: sawUnknownKey = true; break;
                }
            }

            return e;
        }

        private static CveSighting ToSighting(Mapping map)
        {
            var s = new CveSighting();
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                switch (pair.Key)
                {
                    case "source": s.Source = Text(pair.Value); break;
                    case "advisoryId": s.AdvisoryId = Text(pair.Value); break;
                    case "link": s.Link = Text(pair.Value); break;
                    case "seenAt": s.SeenAt = Time(pair.Value); break;
                    default: sawUnknownKey = true; break;
                }
            }

            return s;
        }

        private static IssueLink ToIssue(Mapping map)
        {
            var issue = new IssueLink();
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                switch (pair.Key)
                {
                    case "repository": issue.Repository = Text(pair.Value); break;
                    case "number": issue.Number = Integer(pair.Value); break;
                    case "url": issue.Url = Text(pair.Value); break;
                    case "filedAt": issue.FiledAt = Time(pair.Value); break;
                    default: sawUnknownKey = true; break;
                }
            }

            return issue;
        }

        private static CveRelevance ToRelevance(Mapping map)
        {
            var relevance = new CveRelevance();
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                switch (pair.Key)
                {
                    case "state": relevance.State = Text(pair.Value); break;
                    case "reason": relevance.Reason = Text(pair.Value); break;
                    case "manual": relevance.Manual = Boolean(pair.Value); break;
                    case "decidedBy": relevance.DecidedBy = Text(pair.Value); break;
                    case "decidedAt": relevance.DecidedAt = Time(pair.Value); break;
                    case "findings": relevance.Findings = List(pair.Value, (object o) => Object(o, ToFinding)); break;
                    default: sawUnknownKey = true; break;
                }
            }

            return relevance;
        }

        private static RelevanceFinding ToFinding(Mapping map)
        {
            var f = new RelevanceFinding();
            foreach (KeyValuePair<string, object> pair in map.Entries)
            {
                switch (pair.Key)
                {
                    case "inventory": f.Inventory = Text(pair.Value); break;
                    case "package": f.Package = Text(pair.Value); break;
                    case "ecosystem": f.Ecosystem = Text(pair.Value); break;
                    case "version": f.Version = Text(pair.Value); break;
                    case "state": f.State = Text(pair.Value); break;
                    case "reason": f.Reason = Text(pair.Value); break;
                    default: sawUnknownKey = true; break;
                }
            }

            return f;
        }

        // Conversions as the general reader makes them; anything else declines.
        private static bool IsNull(Scalar s) => s.Plain && (s.Text.Length == 0 || s.Text == "~" || s.Text == "null" || s.Text == "Null" || s.Text == "NULL");

        private static string Text(object value) =>
            value is Scalar s ? (IsNull(s) ? null : s.Text) : throw Decline.Instance;

        private static DateTimeOffset? Time(object value)
        {
            if (!(value is Scalar s))
            {
                throw Decline.Instance;
            }

            if (s.Text.Length == 0 || IsNull(s))
            {
                return null;
            }

            return DateTimeOffsetConverter.TryParse(s.Text, out DateTimeOffset t) ? t : throw Decline.Instance;
        }

        private static double? Number(object value)
        {
            if (!(value is Scalar s) || !s.Plain)
            {
                throw Decline.Instance;
            }

            if (IsNull(s))
            {
                return null;
            }

            return double.TryParse(s.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double d) ? d : throw Decline.Instance;
        }

        private static int Integer(object value) =>
            value is Scalar s && s.Plain && int.TryParse(s.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : throw Decline.Instance;

        private static bool Boolean(object value)
        {
            if (value is Scalar s && s.Plain)
            {
                if (string.Equals(s.Text, "true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (string.Equals(s.Text, "false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            throw Decline.Instance;
        }

        private static T Object<T>(object value, Func<Mapping, T> convert) where T : class =>
            value is Mapping m ? convert(m) : value is Scalar s && IsNull(s) ? null : throw Decline.Instance;

        private static List<T> List<T>(object value, Func<Mapping, T> convert) where T : class =>
            List(value, (object o) => o is Mapping m ? convert(m) : throw Decline.Instance);

        private static List<T> List<T>(object value, Func<object, T> convert)
        {
            if (value is Scalar s && IsNull(s))
            {
                return null;
            }

            if (!(value is List<object> items))
            {
                throw Decline.Instance;
            }

            var list = new List<T>(items.Count);
            foreach (object item in items)
            {
                list.Add(convert(item));
            }

            return list;
        }

        /// <summary>Thrown inside the reader when the text leaves the known shape; never leaves <see cref="TryRead"/>.</summary>
        private sealed class Decline : Exception
        {
            public static readonly Decline Instance = new Decline();
        }

        private sealed class Scalar
        {
            public Scalar(string text, bool plain)
            {
                Text = text;
                Plain = plain;
            }

            public string Text { get; }

            public bool Plain { get; }
        }

        private sealed class Mapping
        {
            public List<KeyValuePair<string, object>> Entries { get; } = new List<KeyValuePair<string, object>>();

            public void Add(string key, object value)
            {
                foreach (KeyValuePair<string, object> pair in Entries)
                {
                    if (pair.Key == key)
                    {
                        throw Decline.Instance; // a duplicate key is an error the general reader reports
                    }
                }

                Entries.Add(new KeyValuePair<string, object>(key, value));
            }

            public bool TryGet(string key, out object value)
            {
                foreach (KeyValuePair<string, object> pair in Entries)
                {
                    if (pair.Key == key)
                    {
                        value = pair.Value;
                        return true;
                    }
                }

                value = null;
                return false;
            }
        }

        /// <summary>Block YAML of one-line scalars, line by line: each line is an indentation and its content.</summary>
        private sealed class BlockParser
        {
            private readonly List<(int Indent, string Content)> lines = new List<(int, string)>();
            private int pos;

            public BlockParser(string text)
            {
                int start = 0;
                while (start <= text.Length)
                {
                    int end = text.IndexOf('\n', start);
                    if (end < 0)
                    {
                        end = text.Length;
                    }

                    int stop = end > start && text[end - 1] == '\r' ? end - 1 : end;
                    int indent = start;
                    while (indent < stop && text[indent] == ' ')
                    {
                        indent++;
                    }

                    if (indent < stop)
                    {
                        char first = text[indent];
                        if (first == '#' || first == '\t' || (indent == start && (first == '%' || (stop - start >= 3 && (string.CompareOrdinal(text, start, "---", 0, 3) == 0 || string.CompareOrdinal(text, start, "...", 0, 3) == 0)))))
                        {
                            throw Decline.Instance; // comments, tabs, directives and document markers: the general reader
                        }

                        lines.Add((indent - start, text.Substring(indent, stop - indent)));
                    }

                    start = end + 1;
                }
            }

            public object ParseDocument()
            {
                if (lines.Count == 0)
                {
                    throw Decline.Instance; // an empty file is an error the general reader words
                }

                object root = ParseBlock(0);
                if (pos != lines.Count)
                {
                    throw Decline.Instance;
                }

                return root;
            }

            private object ParseBlock(int minIndent)
            {
                if (pos >= lines.Count || lines[pos].Indent < minIndent)
                {
                    throw Decline.Instance;
                }

                int indent = lines[pos].Indent;
                return IsSequenceItem(lines[pos].Content) ? ParseSequence(indent) : (object)ParseMapping(indent);
            }

            private Mapping ParseMapping(int indent)
            {
                var map = new Mapping();
                while (pos < lines.Count && lines[pos].Indent == indent && !IsSequenceItem(lines[pos].Content))
                {
                    string content = lines[pos].Content;
                    int colon = KeyEnd(content);
                    string key = content.Substring(0, colon);
                    string rest = colon + 1 < content.Length ? content.Substring(colon + 2) : string.Empty;
                    pos++;
                    object value;
                    if (rest.Length > 0)
                    {
                        value = ParseScalar(rest);
                        if (pos < lines.Count && lines[pos].Indent > indent)
                        {
                            throw Decline.Instance; // a scalar continued on the next line
                        }
                    }
                    else if (pos < lines.Count && lines[pos].Indent > indent)
                    {
                        value = ParseBlock(indent + 1);
                    }
                    else if (pos < lines.Count && lines[pos].Indent == indent && IsSequenceItem(lines[pos].Content))
                    {
                        value = ParseSequence(indent); // "key:" followed by "- item" at the key's own indentation
                    }
                    else
                    {
                        value = new Scalar(string.Empty, plain: true);
                    }

                    map.Add(key, value);
                }

                if (pos < lines.Count && lines[pos].Indent > indent)
                {
                    throw Decline.Instance;
                }

                return map;
            }

            private List<object> ParseSequence(int indent)
            {
                var items = new List<object>();
                while (pos < lines.Count && lines[pos].Indent == indent && IsSequenceItem(lines[pos].Content))
                {
                    string content = lines[pos].Content;
                    string rest = content.Length > 1 ? content.Substring(2) : string.Empty;
                    if (rest.Length == 0 || rest[0] == ' ')
                    {
                        throw Decline.Instance; // an item on the next line, or odd spacing
                    }

                    if (LooksLikeKey(rest))
                    {
                        // "- key: value": a mapping whose first key sits two columns in; read it as if on its own line.
                        lines[pos] = (indent + 2, rest);
                        items.Add(ParseMapping(indent + 2));
                    }
                    else
                    {
                        pos++;
                        items.Add(ParseScalar(rest));
                        if (pos < lines.Count && lines[pos].Indent > indent)
                        {
                            throw Decline.Instance;
                        }
                    }
                }

                return items;
            }

            private static bool IsSequenceItem(string content) => content[0] == '-' && (content.Length == 1 || content[1] == ' ');

            /// <summary>The colon after a plain key of letters, digits, '-' and '_' (followed by a space or the end); declines otherwise.</summary>
            private static int KeyEnd(string content)
            {
                int i = 0;
                while (i < content.Length && IsKeyChar(content[i]))
                {
                    i++;
                }

                if (i == 0 || i >= content.Length || content[i] != ':' || (i + 1 < content.Length && content[i + 1] != ' '))
                {
                    throw Decline.Instance;
                }

                return i;
            }

            private static bool LooksLikeKey(string content)
            {
                int i = 0;
                while (i < content.Length && IsKeyChar(content[i]))
                {
                    i++;
                }

                return i > 0 && i < content.Length && content[i] == ':' && (i + 1 == content.Length || content[i + 1] == ' ');
            }

            private static bool IsKeyChar(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';

            /// <summary>A one-line scalar: plain, 'single-quoted' or "double-quoted" without escapes; [] as an empty list.</summary>
            private static object ParseScalar(string text)
            {
                char first = text[0];
                if (first == '\'')
                {
                    if (text.Length < 2 || text[text.Length - 1] != '\'')
                    {
                        throw Decline.Instance;
                    }

                    string inner = text.Substring(1, text.Length - 2);
                    for (int i = 0; i < inner.Length; i++)
                    {
                        if (inner[i] == '\'')
                        {
                            if (i + 1 < inner.Length && inner[i + 1] == '\'')
                            {
                                i++;
                            }
                            else
                            {
                                throw Decline.Instance;
                            }
                        }
                    }

                    return new Scalar(inner.Replace("''", "'"), plain: false);
                }

                if (first == '"')
                {
                    if (text.Length < 2 || text[text.Length - 1] != '"' || text.IndexOf('\\') >= 0 || text.IndexOf('"', 1) != text.Length - 1)
                    {
                        throw Decline.Instance;
                    }

                    return new Scalar(text.Substring(1, text.Length - 2), plain: false);
                }

                if (text == "[]")
                {
                    return new List<object>();
                }

                if (" []{}&*!|>%@`?:,#".IndexOf(first) >= 0 || text.IndexOf(" #", StringComparison.Ordinal) >= 0 ||
                    text.IndexOf(": ", StringComparison.Ordinal) >= 0 || text[text.Length - 1] == ' ' || text[text.Length - 1] == ':')
                {
                    throw Decline.Instance;
                }

                return new Scalar(text, plain: true);
            }
        }
    }
}
