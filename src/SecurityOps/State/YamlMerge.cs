using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.RepresentationModel;

namespace SecurityOps.State
{
    /// <summary>
    /// Merges two versions of one state file that two runs changed at once (one file per CVE makes this rare): keys
    /// only one side has are kept, lists are united (the remote's items first), times take the later (or, for first
    /// sightings, the earlier), and a status of "new" yields to a triaged one. Two different values for the same key of
    /// a record (two issues for one CVE, two statuses) contradict: then there is no merge and the caller stops. For the
    /// runs' own bookkeeping (feeds/, runbook/) this run's value is taken instead.
    /// </summary>
    internal static class YamlMerge
    {
        private static readonly HashSet<string> Later = new HashSet<string>(StringComparer.Ordinal) { "lastUpdated", "lastChecked", "updated", "modified", "lastSeen", "seenAt", "filedAt" };

        private static readonly HashSet<string> Earlier = new HashSet<string>(StringComparer.Ordinal) { "firstSeen", "published", "receivedAt" };

        /// <summary>The merged text, or null with <paramref name="contradiction"/> saying which key disagrees.</summary>
        public static string Merge(string path, string remoteText, string localText, out string contradiction)
        {
            contradiction = null;
            YamlNode remote = YamlFormat.ParseNode(remoteText, path + " (remote)");
            YamlNode local = YamlFormat.ParseNode(localText, path + " (local)");
            bool bookkeeping = path.StartsWith("feeds/", StringComparison.Ordinal) || path.StartsWith("runbook/", StringComparison.Ordinal);
            string why = null;
            YamlNode merged = Node(remote, local, string.Empty, bookkeeping, ref why);
            if (merged == null)
            {
                contradiction = why;
                return null;
            }

            var stream = new YamlStream(new YamlDocument(merged));
            using var writer = new StringWriter { NewLine = "\n" };
            stream.Save(writer, assignAnchors: false);
            string text = writer.ToString();
            return text.EndsWith("...\n", StringComparison.Ordinal) ? text.Substring(0, text.Length - 4) : text;
        }

        private static YamlNode Node(YamlNode remote, YamlNode local, string key, bool bookkeeping, ref string why)
        {
            if (remote == null)
            {
                return local;
            }

            if (local == null)
            {
                return remote;
            }

            if (remote is YamlMappingNode rm && local is YamlMappingNode lm)
            {
                var result = new YamlMappingNode();
                foreach (var entry in rm.Children)
                {
                    lm.Children.TryGetValue(entry.Key, out YamlNode other);
                    YamlNode value = Node(entry.Value, other, ((YamlScalarNode)entry.Key).Value, bookkeeping, ref why);
                    if (value == null)
                    {
                        return null;
                    }

                    result.Add(entry.Key, value);
                }

                foreach (var entry in lm.Children.Where(e => !rm.Children.ContainsKey(e.Key)))
                {
                    result.Add(entry.Key, entry.Value);
                }

                return result;
            }

            if (remote is YamlSequenceNode rs && local is YamlSequenceNode ls)
            {
                var result = new YamlSequenceNode(rs.Children);
                var seen = new HashSet<string>(rs.Children.Select(Text), StringComparer.Ordinal);
                foreach (YamlNode item in ls.Children.Where(i => seen.Add(Text(i))))
                {
                    result.Add(item);
                }

                return result;
            }

            if (remote is YamlScalarNode r && local is YamlScalarNode l)
            {
                string a = r.Value ?? string.Empty, b = l.Value ?? string.Empty;
                if (a == b || b.Length == 0)
                {
                    return remote;
                }

                if (a.Length == 0)
                {
                    return local;
                }

                if (Later.Contains(key))
                {
                    return string.CompareOrdinal(a, b) >= 0 ? remote : local;
                }

                if (Earlier.Contains(key))
                {
                    return string.CompareOrdinal(a, b) <= 0 ? remote : local;
                }

                if (key == "status" && (a == "new" || b == "new"))
                {
                    return a == "new" ? local : remote;
                }

                if (bookkeeping)
                {
                    return local;
                }

                why = $"'{key}' is '{a}' on the remote and '{b}' here";
                return null;
            }

            if (bookkeeping)
            {
                return local;
            }

            why = $"'{key}' has a different shape on the remote and here";
            return null;
        }

        private static string Text(YamlNode node)
        {
            var stream = new YamlStream(new YamlDocument(node));
            using var writer = new StringWriter();
            stream.Save(writer, assignAnchors: false);
            return writer.ToString();
        }
    }
}
