using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>
    /// A hand-written writer for a CVE record file, the counterpart of <see cref="CveRecordYaml"/>: the same bytes the
    /// general writer (YamlDotNet's serializer, a parse of its output, nulls stripped, emitted again) gives for a record
    /// with nothing of a person's to carry over, without the reflection and the two passes. Records are rewritten by
    /// the hundred a day, and in a fresh process the general writer's first calls cost more than the rest of the work.
    /// It writes only what it knows YamlDotNet writes the same way: one-line text that is plain, single-quoted or simply
    /// double-quoted. Anything else (a line break, a control or special character, a text YAML reads as null, a number
    /// it would spell differently) makes it decline, and the general writer writes the record as before. A stored
    /// property it does not know (one added to the model later) turns it off altogether.
    /// </summary>
    internal static class CveRecordYamlWriter
    {
        /// <summary>The stored properties, per type, in the order the general writer writes them; checked against the model once.</summary>
        private static readonly Dictionary<Type, string[]> Written = new Dictionary<Type, string[]>
        {
            [typeof(CveRecord)] = new[]
            {
                "SchemaVersion", "CveId", "Status", "Title", "Summary", "Packages", "Sources", "References", "CvssScore", "CvssVector",
                "CvssSource", "CvssSetAt", "Relevance", "FirstSeen", "LastUpdated", "Issue", "FixedIn", "Notes", "EmbargoedUntil",
            },
            [typeof(PackageRef)] = new[] { "Name", "Ecosystem", "Vulnerable", "Unaffected", "Ranges", "Versions" },
            [typeof(AffectedRange)] = new[] { "Type", "Events" },
            [typeof(RangeEvent)] = new[] { "Introduced", "Fixed", "LastAffected", "Limit" },
            [typeof(CveSighting)] = new[] { "Source", "AdvisoryId", "Link", "SeenAt" },
            [typeof(CveRelevance)] = new[] { "State", "Reason", "Manual", "DecidedBy", "DecidedAt", "Findings" },
            [typeof(RelevanceFinding)] = new[] { "Inventory", "Package", "Ecosystem", "Version", "State", "Reason" },
            [typeof(IssueLink)] = new[] { "Repository", "Number", "Url", "FiledAt" },
        };

        /// <summary>True when every stored property of the model is one this writer writes, in the same order.</summary>
        internal static bool KnowsTheModel { get; } = Written.All(pair =>
            pair.Value.SequenceEqual(pair.Key.GetProperties()
                .Where(p => p.GetIndexParameters().Length == 0 && StateMapping.IsStored(pair.Key, p.Name, p.CanWrite && p.GetSetMethod() != null))
                .Select(p => p.Name)));

        /// <summary>True with the file's text when the record is in what this writer knows; false to use the general writer.</summary>
        public static bool TryWrite(CveRecord record, out string text)
        {
            text = null;
            if (!KnowsTheModel || record == null)
            {
                return false;
            }

            var w = new Writer();
            try
            {
                w.Plain(0, "schemaVersion", record.SchemaVersion.ToString(CultureInfo.InvariantCulture));
                w.Text(0, "cveId", record.CveId);
                w.Text(0, "status", record.Status);
                w.Text(0, "title", record.Title);
                w.Text(0, "summary", record.Summary);
                w.List(0, "packages", record.Packages, (indent, p) => w.Item(indent, i =>
                {
                    w.Text(i, "name", p.Name);
                    w.Text(i, "ecosystem", p.Ecosystem);
                    w.Texts(i, "vulnerable", p.Vulnerable);
                    w.Texts(i, "unaffected", p.Unaffected);
                    w.List(i, "ranges", p.Ranges, (ri, r) => w.Item(ri, j =>
                    {
                        w.Text(j, "type", r.Type);
                        w.List(j, "events", r.Events, (ei, e) => w.Item(ei, k =>
                        {
                            w.Text(k, "introduced", e.Introduced);
                            w.Text(k, "fixed", e.Fixed);
                            w.Text(k, "lastAffected", e.LastAffected);
                            w.Text(k, "limit", e.Limit);
                        }));
                    }));
                    w.Texts(i, "versions", p.Versions);
                }));
                w.List(0, "sources", record.Sources, (indent, s) => w.Item(indent, i =>
                {
                    w.Text(i, "source", s.Source);
                    w.Text(i, "advisoryId", s.AdvisoryId);
                    w.Text(i, "link", s.Link);
                    w.Date(i, "seenAt", s.SeenAt);
                }));
                w.Texts(0, "references", record.References);
                w.Number(0, "cvssScore", record.CvssScore);
                w.Text(0, "cvssVector", record.CvssVector);
                w.Text(0, "cvssSource", record.CvssSource);
                w.Date(0, "cvssSetAt", record.CvssSetAt);
                if (record.Relevance is CveRelevance relevance)
                {
                    w.Mapping(0, "relevance", i =>
                    {
                        w.Text(i, "state", relevance.State);
                        w.Text(i, "reason", relevance.Reason);
                        w.Plain(i, "manual", relevance.Manual ? "true" : "false");
                        w.Text(i, "decidedBy", relevance.DecidedBy);
                        w.Date(i, "decidedAt", relevance.DecidedAt);
                        w.List(i, "findings", relevance.Findings, (fi, f) => w.Item(fi, j =>
                        {
                            w.Text(j, "inventory", f.Inventory);
                            w.Text(j, "package", f.Package);
                            w.Text(j, "ecosystem", f.Ecosystem);
                            w.Text(j, "version", f.Version);
                            w.Text(j, "state", f.State);
                            w.Text(j, "reason", f.Reason);
                        }));
                    });
                }

                w.Date(0, "firstSeen", record.FirstSeen);
                w.Date(0, "lastUpdated", record.LastUpdated);
                if (record.Issue is IssueLink issue)
                {
                    w.Mapping(0, "issue", i =>
                    {
                        w.Text(i, "repository", issue.Repository);
                        w.Plain(i, "number", issue.Number.ToString(CultureInfo.InvariantCulture));
                        w.Text(i, "url", issue.Url);
                        w.Date(i, "filedAt", issue.FiledAt);
                    });
                }

                w.Text(0, "fixedIn", record.FixedIn);
                w.Text(0, "notes", record.Notes);
                w.Date(0, "embargoedUntil", record.EmbargoedUntil);
            }
            catch (Decline)
            {
                return false;
            }

            text = w.ToString();
            return true;
        }

        /// <summary>A one-line text as YamlDotNet writes it in a block mapping or sequence; throws <see cref="Decline"/> for anything else.</summary>
        internal static string Scalar(string value)
        {
            if (value.Length == 0)
            {
                return "''";
            }

            // Read back as null (and so dropped from a mapping) when plain: left to the general writer.
            if (value == "~" || value == "null" || value == "Null" || value == "NULL")
            {
                throw new Decline();
            }

            foreach (char c in value)
            {
                // Line breaks, control characters, and characters YAML escapes: the general writer's double quotes.
                if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029' || c == '\uFEFF' || char.IsSurrogate(c))
                {
                    throw new Decline();
                }
            }

            if (PlainAllowed(value))
            {
                return value;
            }

            if (value.IndexOf('\'') < 0)
            {
                return "'" + value + "'";
            }

            // A quote inside: YamlDotNet uses double quotes, which escape only '"' and '\' among these characters.
            if (value.IndexOf('"') >= 0 || value.IndexOf('\\') >= 0)
            {
                throw new Decline();
            }

            return "\"" + value + "\"";
        }

        /// <summary>YAML's rule for a plain scalar in block context (what the emitter checks before choosing quotes).</summary>
        private static bool PlainAllowed(string value)
        {
            char first = value[0];
            char second = value.Length > 1 ? value[1] : ' ';
            if ("-?:".IndexOf(first) >= 0 ? second == ' ' : ",[]{}#&*!|>'\"%@`".IndexOf(first) >= 0)
            {
                return false;
            }

            if (value[0] == ' ' || value[value.Length - 1] == ' ' || value[value.Length - 1] == ':')
            {
                return false;
            }

            return value.IndexOf(": ", StringComparison.Ordinal) < 0 && value.IndexOf(" #", StringComparison.Ordinal) < 0;
        }

        /// <summary>Not in the shape this writer knows: the general writer writes the record.</summary>
        private sealed class Decline : Exception
        {
        }

        private sealed class Writer
        {
            private readonly StringBuilder text = new StringBuilder(1024);
            private bool itemStarts;

            public override string ToString() => text.ToString();

            public void Plain(int indent, string key, string value)
            {
                Key(indent, key);
                text.Append(' ').Append(value).Append('\n');
            }

            public void Text(int indent, string key, string value)
            {
                if (value != null)
                {
                    Plain(indent, key, Scalar(value));
                }
            }

            public void Date(int indent, string key, DateTimeOffset? value) =>
                Plain(indent, key, value == null ? "''" : DateTimeOffsetConverter.Format(value.Value));

            public void Number(int indent, string key, double? value)
            {
                if (value == null)
                {
                    return;
                }

                // CVSS scores have one decimal; any other number is left to the general writer's own spelling.
                double v = value.Value;
                if (double.IsNaN(v) || double.IsInfinity(v) || v < 0 || v > 100 || Math.Round(v, 1) != v)
                {
                    throw new Decline();
                }

                Plain(indent, key, v.ToString("R", CultureInfo.InvariantCulture));
            }

            public void Texts(int indent, string key, List<string> values) =>
                List(indent, key, values, (i, value) => Line(i).Append("- ").Append(Scalar(value)).Append('\n'));

            public void List<T>(int indent, string key, List<T> items, Action<int, T> item) where T : class
            {
                if (items == null)
                {
                    return;
                }

                if (items.Count == 0)
                {
                    Plain(indent, key, "[]");
                    return;
                }

                Key(indent, key);
                text.Append('\n');
                foreach (T value in items)
                {
                    if (value == null)
                    {
                        throw new Decline();
                    }

                    item(indent, value);
                }
            }

            /// <summary>A mapping as an item of a sequence at <paramref name="indent"/>: "- " there, its keys two further in.</summary>
            public void Item(int indent, Action<int> body)
            {
                itemStarts = true;
                body(indent + 2);
                if (itemStarts)
                {
                    throw new Decline(); // an item with nothing in it ("{}")
                }
            }

            public void Mapping(int indent, string key, Action<int> body)
            {
                Key(indent, key);
                text.Append('\n');
                int before = text.Length;
                body(indent + 2);
                if (text.Length == before)
                {
                    throw new Decline();
                }
            }

            private void Key(int indent, string key) => Line(indent).Append(key).Append(':');

            private StringBuilder Line(int indent)
            {
                if (itemStarts)
                {
                    itemStarts = false;
                    return text.Append(' ', indent - 2).Append("- ");
                }

                return text.Append(' ', indent);
            }
        }
    }
}
