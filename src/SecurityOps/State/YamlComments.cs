using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;
using YamlDotNet.RepresentationModel;

namespace SecurityOps.State
{
    /// <summary>
    /// Carries the comments a person wrote in a state file over to the file the module writes in its place.
    /// YamlDotNet's representation model has no comments, so they are anchored to the path of the key or list item
    /// that follows them (a comment at the end of a line, to that line's key) and written back before the same path
    /// in the new text. A comment whose key is gone goes with it; comments above the first key or below the last stay
    /// at the top or the bottom.
    /// </summary>
    internal static class YamlComments
    {
        private const string Top = "\u0001top";
        private const string Bottom = "\u0001bottom";

        /// <summary>Comments of <paramref name="previousText"/> put into <paramref name="newText"/> at the same keys.</summary>
        /// <param name="previousRoot">The previous text as already parsed (its nodes carry their lines), so it is not parsed twice.</param>
        public static string Carry(string previousText, YamlNode previousRoot, string newText)
        {
            if (string.IsNullOrEmpty(previousText) || previousText.IndexOf('#') < 0)
            {
                return newText;
            }

            Anchored comments;
            try
            {
                comments = Collect(previousText, previousRoot);
            }
            catch (YamlException)
            {
                return newText; // the previous text was parsed before this; should its comments defeat the scanner, the data still goes
            }

            if (comments.Before.Count == 0 && comments.Inline.Count == 0)
            {
                return newText;
            }

            string[] lines = newText.Split('\n');
            Dictionary<int, string> pathAt = PathsByLine(newText);
            var output = new StringBuilder(newText.Length + 256);
            AppendBlock(output, comments.Before, Top, string.Empty);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (i == lines.Length - 1 && line.Length == 0)
                {
                    break; // the text's final newline
                }

                if (pathAt.TryGetValue(i + 1, out string path))
                {
                    AppendBlock(output, comments.Before, path, Indentation(line));
                    if (comments.Inline.TryGetValue(path, out string inline))
                    {
                        line += " #" + inline;
                    }
                }

                output.Append(line).Append('\n');
            }

            AppendBlock(output, comments.Before, Bottom, string.Empty);
            return output.ToString();
        }

        private sealed class Anchored
        {
            public Dictionary<string, List<string>> Before { get; } = new Dictionary<string, List<string>>(StringComparer.Ordinal);

            public Dictionary<string, string> Inline { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        private static Anchored Collect(string text, YamlNode root)
        {
            var result = new Anchored();
            Dictionary<int, string> pathAt = PathsByLine(root);
            if (pathAt.Count == 0)
            {
                return result;
            }

            int[] contentLines = pathAt.Keys.OrderBy(l => l).ToArray();
            string[] sourceLines = text.Split('\n');
            var scanner = new Scanner(new StringReader(text), skipComments: false);
            while (scanner.MoveNext())
            {
                if (!(scanner.Current is Comment comment))
                {
                    continue;
                }

                int line = (int)comment.Start.Line;
                string body = RawText(sourceLines, comment);
                if (comment.IsInline)
                {
                    // The key of the line the comment ends (or the nearest key above it, for a value on its own line).
                    int keyLine = contentLines.LastOrDefault(l => l <= line);
                    if (keyLine > 0 && !result.Inline.ContainsKey(pathAt[keyLine]))
                    {
                        result.Inline[pathAt[keyLine]] = body;
                    }

                    continue;
                }

                int next = contentLines.FirstOrDefault(l => l > line);
                string anchor = next > 0 ? pathAt[next] : Bottom;
                if (line < contentLines[0])
                {
                    anchor = Top;
                }

                if (!result.Before.TryGetValue(anchor, out List<string> block))
                {
                    block = new List<string>();
                    result.Before[anchor] = block;
                }

                block.Add(body);
            }

            return result;
        }

        /// <summary>The comment as written after its '#' (the scanner's value loses the space a person put there).</summary>
        private static string RawText(string[] sourceLines, Comment comment)
        {
            int index = (int)comment.Start.Line - 1;
            string line = index >= 0 && index < sourceLines.Length ? sourceLines[index].TrimEnd('\r') : null;
            int hash = line == null ? -1 : line.IndexOf('#', Math.Max(0, Math.Min(line.Length, (int)comment.Start.Column - 1)));
            return hash >= 0 ? line.Substring(hash + 1) : " " + comment.Value;
        }

        private static void AppendBlock(StringBuilder output, Dictionary<string, List<string>> before, string anchor, string indentation)
        {
            if (before.TryGetValue(anchor, out List<string> block))
            {
                foreach (string text in block)
                {
                    output.Append(indentation).Append('#').Append(text).Append('\n');
                }

                before.Remove(anchor); // a path written twice (it should not be) gets its comments once
            }
        }

        private static string Indentation(string line)
        {
            int i = 0;
            while (i < line.Length && (line[i] == ' ' || line[i] == '-'))
            {
                i++;
            }

            // "  - handle: x": a comment above a list item lines up with its dash.
            int dash = line.IndexOf('-');
            return dash >= 0 && dash < i ? new string(' ', dash) : new string(' ', i);
        }

        /// <summary>The first line of every key and list item, with a path that names it independently of order.</summary>
        private static Dictionary<int, string> PathsByLine(string text)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return PathsByLine(stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null);
        }

        private static Dictionary<int, string> PathsByLine(YamlNode root)
        {
            var result = new Dictionary<int, string>();
            if (root != null)
            {
                Walk(root, string.Empty, result);
            }

            return result;
        }

        private static void Walk(YamlNode node, string path, Dictionary<int, string> result)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var entry in map.Children)
                    {
                        string key = path + "/" + ((entry.Key as YamlScalarNode)?.Value ?? "?");
                        Mark(entry.Key, key, result);
                        Walk(entry.Value, key, result);
                    }

                    break;
                case YamlSequenceNode seq:
                    for (int i = 0; i < seq.Children.Count; i++)
                    {
                        YamlNode item = seq.Children[i];
                        string itemPath = path + "[" + Identity(item, i) + "]";
                        Mark(item, itemPath, result);
                        Walk(item, itemPath, result);
                    }

                    break;
            }
        }

        private static void Mark(YamlNode node, string path, Dictionary<int, string> result)
        {
            int line = (int)node.Start.Line;
            if (!result.ContainsKey(line))
            {
                result[line] = path; // the outermost path of a line: "- handle: x" is the item, not its first key
            }
        }

        private static string Identity(YamlNode item, int index)
        {
            if (item is YamlMappingNode map)
            {
                foreach (string key in YamlFormat.IdentityKeys)
                {
                    if (map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode id) && id is YamlScalarNode s && s.Value != null)
                    {
                        return key + "=" + s.Value;
                    }
                }
            }

            return item is YamlScalarNode scalar ? "=" + scalar.Value : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
