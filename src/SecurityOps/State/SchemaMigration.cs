using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SecurityOps.Model;
using YamlDotNet.RepresentationModel;

namespace SecurityOps.State
{
    /// <summary>
    /// Brings a state file written by an older release up to the current schema, on the YAML tree, before it is read
    /// (so nothing of it is lost) and before the module rewrites it (so the old keys do not linger as unknown ones).
    /// The file itself changes only when the module next saves that record, in the new form.
    /// </summary>
    internal static class SchemaMigration
    {
        private static readonly Dictionary<Type, Action<YamlMappingNode, int>> Steps = new Dictionary<Type, Action<YamlMappingNode, int>>
        {
            [typeof(VulnerabilityCase)] = MigrateCase,
        };

        public static bool HasSteps(Type type) => Steps.ContainsKey(type);

        /// <summary>Migrates <paramref name="root"/> in place; true when it was older than the current schema.</summary>
        public static bool Migrate(Type type, YamlNode root)
        {
            if (!(root is YamlMappingNode map) || !Steps.TryGetValue(type, out Action<YamlMappingNode, int> step))
            {
                return false;
            }

            int version = map.Children.TryGetValue(new YamlScalarNode("schemaVersion"), out YamlNode v) && v is YamlScalarNode s &&
                          int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : 1;
            if (version >= SchemaVersions.Current)
            {
                return false;
            }

            step(map, version);
            map.Children[new YamlScalarNode("schemaVersion")] = new YamlScalarNode(SchemaVersions.Current.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        /// <summary>
        /// Schema 1 had two spellings of two fields: <c>fixedIn</c> (the release) beside <c>fixedVersions</c>, and
        /// <c>mitigation</c> beside <c>mitigations</c>. Schema 2 keeps one list, the release first, and one text.
        /// </summary>
        private static void MigrateCase(YamlMappingNode map, int version)
        {
            if (version >= SchemaVersions.OneCaseModel)
            {
                return;
            }

            string fixedIn = Take(map, "fixedIn");
            if (!string.IsNullOrWhiteSpace(fixedIn))
            {
                var list = map.Children.TryGetValue(new YamlScalarNode("fixedVersions"), out YamlNode node) && node is YamlSequenceNode seq
                    ? seq.Children.OfType<YamlScalarNode>().Select(x => x.Value).Where(x => !string.IsNullOrWhiteSpace(x)).ToList()
                    : new List<string>();
                list.Remove(fixedIn.Trim());
                list.Insert(0, fixedIn.Trim());
                map.Children[new YamlScalarNode("fixedVersions")] = new YamlSequenceNode(list.Select(x => new YamlScalarNode(x)));
            }

            string plural = Take(map, "mitigations");
            if (!string.IsNullOrWhiteSpace(plural))
            {
                string single = map.Children.TryGetValue(new YamlScalarNode("mitigation"), out YamlNode m) ? (m as YamlScalarNode)?.Value : null;
                string merged = string.IsNullOrWhiteSpace(single) || single.Trim() == plural.Trim()
                    ? plural.Trim()
                    : single.Trim() + "\n\n" + plural.Trim();
                map.Children[new YamlScalarNode("mitigation")] = new YamlScalarNode(merged);
            }
        }

        private static string Take(YamlMappingNode map, string key)
        {
            var k = new YamlScalarNode(key);
            if (!map.Children.TryGetValue(k, out YamlNode node))
            {
                return null;
            }

            map.Children.Remove(k);
            return (node as YamlScalarNode)?.Value;
        }
    }
}
