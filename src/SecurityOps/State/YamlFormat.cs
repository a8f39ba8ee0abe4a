using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SecurityOps.State
{
    /// <summary>
    /// How state documents look on disk: camelCase keys, UTC ISO 8601 times, and keys a person added by hand kept
    /// when the module rewrites a file (<see cref="MergeUnknownKeys"/>), and so are their comments (<see cref="YamlComments"/>).
    /// </summary>
    internal static class YamlFormat
    {
        private static readonly IDeserializer Reader = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithTypeInspector(inner => new StateMapping(inner))
            .WithAttributeOverride<SecurityConfig>(c => c.GitHub, StateMapping.GitHubKey)
            .WithDuplicateKeyChecking()
            .IgnoreUnmatchedProperties()
            .WithTypeConverter(new DateTimeOffsetConverter())
            .Build();

        // Nulls are written into the tree that is merged, so every key the type knows is present; a key of the old
        // file that is missing from it is one the module does not know and is kept. Nulls are stripped afterwards.
        private static readonly ISerializer FullWriter = new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithTypeInspector(inner => new StateMapping(inner))
            .WithAttributeOverride<SecurityConfig>(c => c.GitHub, StateMapping.GitHubKey)
            .WithTypeConverter(new DateTimeOffsetConverter())
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.Preserve)
            .DisableAliases()
            .Build();

        /// <summary>Identity keys used to pair up list items of the old and the new file.</summary>
        internal static readonly string[] IdentityKeys = { "id", "cveId", "handle", "name", "url", "email", "fingerprint" };

        public static T Deserialize<T>(string text, string fileForErrors)
        {
            // CVE records are read by the thousand: the hand-written reader takes the shape the module writes, and
            // declines anything else to the general reader below.
            if (typeof(T) == typeof(CveRecord) && CveRecordYaml.TryRead(text, out CveRecord record))
            {
                return (T)(object)record;
            }

            text = MigrateText(typeof(T), text, fileForErrors);
            try
            {
                return NotEmpty(Reader.Deserialize<T>(text), fileForErrors);
            }
            catch (YamlException ex)
            {
                throw new StateFileException("StateFileInvalid", fileForErrors, ex.Start.Line, ex.Start.Column,
                    Describe(ex), ex);
            }
        }

        /// <summary>The general reader alone (no fast path): the reference the hand-written CVE record reader is tested against.</summary>
        internal static T DeserializeGeneral<T>(string text, string fileForErrors)
        {
            text = MigrateText(typeof(T), text, fileForErrors);
            return NotEmpty(Reader.Deserialize<T>(text), fileForErrors);
        }

        /// <summary>
        /// A state file that holds no document (zero bytes, only comments: a write cut short, a bad merge) is an error
        /// naming the file, never a null that a caller would take for "no record" and write anew over.
        /// </summary>
        private static T NotEmpty<T>(T value, string file)
        {
            if (value == null)
            {
                throw new StateFileException("StateFileEmpty", file, 0, 0,
                    "the file holds no document (empty or truncated). Nothing was changed; restore it from git (git checkout -- <file>) or delete it on purpose.");
            }

            return value;
        }

        /// <summary>Serializes <paramref name="value"/>, keeping the unknown keys of <paramref name="previousText"/>.</summary>
        public static string Serialize(object value, string previousText = null, string fileForErrors = null)
        {
            if (value is CveRecord && previousText != null && CveRecordYaml.IsOwnShape(previousText))
            {
                // The old file holds nothing but what the module wrote (no added key, no comment): nothing to carry over,
                // so the record is written without parsing the old file. Records are rewritten by the hundred a day.
                previousText = null;
            }

            // Nothing of a person's to carry over: the hand-written writer gives the same bytes, when it knows the record's shape.
            if (value is CveRecord record && previousText == null && CveRecordYamlWriter.TryWrite(record, out string written))
            {
                return written;
            }

            return SerializeGeneral(value, previousText, fileForErrors);
        }

        /// <summary>The general writer alone (no hand-written path): the reference the hand-written CVE record writer is tested against.</summary>
        internal static string SerializeGeneral(object value) => SerializeGeneral(value, null, null);

        /// <summary>YamlDotNet's serializer, its output parsed, a person's keys carried over, nulls stripped, emitted again.</summary>
        private static string SerializeGeneral(object value, string previousText, string fileForErrors)
        {
            string fresh = FullWriter.Serialize(value);
            YamlNode updated = ParseNode(fresh, "(generated)");
            YamlNode previous = null;

            previousText = previousText == null || value == null ? previousText : MigrateText(value.GetType(), previousText, fileForErrors ?? "(previous)");
            if (!string.IsNullOrWhiteSpace(previousText))
            {
                previous = ParseNode(previousText, fileForErrors ?? "(previous)");
                if (previous != null)
                {
                    updated = MergeUnknownKeys(previous, updated);
                }
            }

            updated = StripNulls(updated);
            var stream = new YamlStream(new YamlDocument(updated));
            using var writer = new StringWriter { NewLine = "\n" };
            stream.Save(writer, assignAnchors: false);
            string text = writer.ToString();

            // YamlStream ends a document with "...": not wanted in files people read and diff.
            if (text.EndsWith("...\n", StringComparison.Ordinal))
            {
                text = text.Substring(0, text.Length - 4);
            }

            return YamlComments.Carry(previousText, previous, text);
        }

        /// <summary>The text of a file of an older schema, brought up to the current one (<see cref="SchemaMigration"/>); other text as it is.</summary>
        private static string MigrateText(Type type, string text, string fileForErrors)
        {
            if (!SchemaMigration.HasSteps(type) || string.IsNullOrWhiteSpace(text))
            {
                return text;
            }

            YamlNode root = ParseNode(text, fileForErrors);
            if (!SchemaMigration.Migrate(type, root))
            {
                return text;
            }

            var stream = new YamlStream(new YamlDocument(root));
            using var writer = new StringWriter { NewLine = "\n" };
            stream.Save(writer, assignAnchors: false);
            return writer.ToString();
        }

        public static YamlNode ParseNode(string text, string fileForErrors)
        {
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            }
            catch (YamlException ex)
            {
                throw new StateFileException("StateFileInvalid", fileForErrors, ex.Start.Line, ex.Start.Column,
                    Describe(ex), ex);
            }
        }

        /// <summary>
        /// The new tree, plus every mapping key of the old tree that the new one lacks (a field the module does not
        /// know). Lists are paired item by item through an identity key, or by position.
        /// </summary>
        public static YamlNode MergeUnknownKeys(YamlNode previous, YamlNode updated)
        {
            if (previous is YamlMappingNode oldMap && updated is YamlMappingNode newMap)
            {
                var merged = new YamlMappingNode();
                foreach (var entry in newMap.Children)
                {
                    YamlNode value = entry.Value;
                    if (oldMap.Children.TryGetValue(entry.Key, out YamlNode oldValue))
                    {
                        value = MergeUnknownKeys(oldValue, value);
                    }

                    merged.Add(entry.Key, value);
                }

                foreach (var entry in oldMap.Children)
                {
                    if (!newMap.Children.ContainsKey(entry.Key))
                    {
                        merged.Add(entry.Key, entry.Value);
                    }
                }

                return merged;
            }

            if (previous is YamlSequenceNode oldSeq && updated is YamlSequenceNode newSeq)
            {
                var merged = new YamlSequenceNode();
                for (int i = 0; i < newSeq.Children.Count; i++)
                {
                    YamlNode item = newSeq.Children[i];
                    YamlNode partner = FindPartner(oldSeq, newSeq, item, i);
                    merged.Add(partner == null ? item : MergeUnknownKeys(partner, item));
                }

                return merged;
            }

            return updated;
        }

        private static YamlNode FindPartner(YamlSequenceNode oldSeq, YamlSequenceNode newSeq, YamlNode item, int index)
        {
            if (item is YamlMappingNode map)
            {
                foreach (string key in IdentityKeys)
                {
                    if (map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode id) && id is YamlScalarNode idScalar && idScalar.Value != null)
                    {
                        return oldSeq.Children.OfType<YamlMappingNode>().FirstOrDefault(o =>
                            o.Children.TryGetValue(new YamlScalarNode(key), out YamlNode oid) &&
                            oid is YamlScalarNode s && s.Value == idScalar.Value);
                    }
                }
            }

            return oldSeq.Children.Count == newSeq.Children.Count ? oldSeq.Children[index] : null;
        }

        private static YamlNode StripNulls(YamlNode node)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    var result = new YamlMappingNode();
                    foreach (var entry in map.Children)
                    {
                        if (IsNull(entry.Value))
                        {
                            continue;
                        }

                        result.Add(entry.Key, StripNulls(entry.Value));
                    }

                    return result;
                case YamlSequenceNode seq:
                    var list = new YamlSequenceNode();
                    foreach (var child in seq.Children)
                    {
                        list.Add(StripNulls(child));
                    }

                    if (list.Children.Count > 0 && list.Children.All(c => c is YamlScalarNode))
                    {
                        list.Style = YamlDotNet.Core.Events.SequenceStyle.Block;
                    }

                    return list;
                default:
                    return node;
            }
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode s && s.Style == ScalarStyle.Plain && (s.Value == null || s.Value == "" || s.Value == "~" || s.Value == "null");

        private static string Describe(YamlException ex)
        {
            string message = ex.InnerException != null ? ex.InnerException.Message : ex.Message;
            message = message.Replace("\r", " ").Replace("\n", " ");

            // What the reader expected, said in YAML's words: never a .NET type name in front of a person.
            Match cast = Regex.Match(message, @"(?:Invalid cast from|Failed to create an instance of type|Cannot convert) '?(?<from>[^']*?)'? to '(?<to>[^']+)'");
            if (cast.Success)
            {
                return $"expected {Shape(cast.Groups["to"].Value)} here, found {Shape(cast.Groups["from"].Value)}.";
            }

            if (message.StartsWith("Encountered duplicate key", StringComparison.Ordinal))
            {
                return "the key '" + message.Substring("Encountered duplicate key".Length).Trim() + "' appears twice in the same mapping; keep one.";
            }

            if (Regex.IsMatch(message, @"\bSystem\.[A-Z]|SecurityOps\.Model\."))
            {
                return "this value does not have the shape the field needs (" + Regex.Replace(message, @"(System|SecurityOps)(\.[A-Za-z`0-9]+)+(\[\[.*?\]\])?", m => Shape(m.Value)) + ")";
            }

            return message;
        }

        /// <summary>A .NET type name as the YAML shape a person writes: a list, a mapping, text, a number, a date.</summary>
        private static string Shape(string typeName)
        {
            if (typeName.IndexOf("List`", StringComparison.Ordinal) >= 0 || typeName.EndsWith("[]", StringComparison.Ordinal) || typeName.IndexOf("Sequence", StringComparison.Ordinal) >= 0)
            {
                return "a list";
            }

            if (typeName.IndexOf("Dictionary`", StringComparison.Ordinal) >= 0 || typeName.StartsWith("SecurityOps.", StringComparison.Ordinal) || typeName.IndexOf("Mapping", StringComparison.Ordinal) >= 0)
            {
                return "a mapping (key: value lines)";
            }

            if (Regex.IsMatch(typeName, @"Int(16|32|64)|Double|Decimal|Single"))
            {
                return "a number";
            }

            if (typeName.IndexOf("DateTime", StringComparison.Ordinal) >= 0)
            {
                return "a date (2026-01-31 or 2026-01-31T10:00:00Z)";
            }

            if (typeName.IndexOf("Boolean", StringComparison.Ordinal) >= 0)
            {
                return "true or false";
            }

            return typeName.IndexOf("String", StringComparison.Ordinal) >= 0 || typeName.IndexOf("Scalar", StringComparison.Ordinal) >= 0 ? "a single value" : "another shape";
        }
    }
}
