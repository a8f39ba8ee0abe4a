using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace SecurityOps.HelpBuilder
{
    /// <summary>One cmdlet's help as written in platyPS-style markdown (docs/en-US/Verb-Noun.md).</summary>
    public sealed class CommandHelpDoc
    {
        public string File { get; set; }

        public string Name { get; set; }

        public int NameLine { get; set; }

        public List<string> Synopsis { get; } = new List<string>();

        public List<string> Description { get; } = new List<string>();

        public List<ExampleDoc> Examples { get; } = new List<ExampleDoc>();

        public Dictionary<string, ParameterDoc> Parameters { get; } = new Dictionary<string, ParameterDoc>(StringComparer.OrdinalIgnoreCase);

        public List<TypeDoc> Inputs { get; } = new List<TypeDoc>();

        public List<TypeDoc> Outputs { get; } = new List<TypeDoc>();

        public List<string> Notes { get; } = new List<string>();

        public List<KeyValuePair<string, string>> Links { get; } = new List<KeyValuePair<string, string>>();

        public string OnlineVersion { get; set; }
    }

    public sealed class ExampleDoc
    {
        public string Title { get; set; }

        public int Line { get; set; }

        public string Code { get; set; }

        public List<string> Remarks { get; } = new List<string>();
    }

    public sealed class ParameterDoc
    {
        public string Name { get; set; }

        public int Line { get; set; }

        public List<string> Description { get; } = new List<string>();
    }

    public sealed class TypeDoc
    {
        public string TypeName { get; set; }

        public List<string> Description { get; } = new List<string>();
    }

    /// <summary>
    /// Reads the platyPS markdown layout: front matter, "# Verb-Noun", "## SYNOPSIS", "## SYNTAX" (ignored: it comes
    /// from the compiled cmdlet), "## DESCRIPTION", "## EXAMPLES" with "### Example N: title" (a fenced code block,
    /// then text), "## PARAMETERS" with "### -Name" (text; the ```yaml metadata block platyPS writes is ignored),
    /// "## INPUTS" / "## OUTPUTS" with "### Type", "## NOTES", "## RELATED LINKS".
    /// </summary>
    public static class MarkdownHelpReader
    {
        private static readonly Regex ListItem = new Regex(@"^\s*([-*+]|\d+\.)\s+");
        private static readonly Regex Link = new Regex(@"\[(?<text>[^\]]*)\]\((?<uri>[^)]*)\)");

        public static CommandHelpDoc Read(string path)
        {
            string[] lines = System.IO.File.ReadAllLines(path);
            var doc = new CommandHelpDoc { File = path };
            int i = 0;
            if (lines.Length > 0 && lines[0].Trim() == "---")
            {
                for (i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
                {
                    int colon = lines[i].IndexOf(':');
                    if (colon > 0 && lines[i].Substring(0, colon).Trim().Equals("online version", StringComparison.OrdinalIgnoreCase))
                    {
                        doc.OnlineVersion = lines[i].Substring(colon + 1).Trim();
                    }
                }

                i++;
            }

            string section = null;
            ExampleDoc example = null;
            ParameterDoc parameter = null;
            TypeDoc type = null;
            var paragraph = new StringBuilder();
            string fenceLanguage = null;
            StringBuilder fence = null;

            List<string> Target()
            {
                switch (section)
                {
                    case "SYNOPSIS": return doc.Synopsis;
                    case "DESCRIPTION": return doc.Description;
                    case "EXAMPLES": return example?.Remarks;
                    case "PARAMETERS": return parameter?.Description;
                    case "INPUTS":
                    case "OUTPUTS": return type?.Description;
                    case "NOTES": return doc.Notes;
                    default: return null;
                }
            }

            void Flush()
            {
                if (paragraph.Length > 0)
                {
                    Target()?.Add(paragraph.ToString().Trim());
                    paragraph.Clear();
                }
            }

            for (; i < lines.Length; i++)
            {
                string line = lines[i];
                string trimmed = line.Trim();
                int lineNumber = i + 1;

                if (fence != null)
                {
                    if (trimmed.StartsWith("```", StringComparison.Ordinal))
                    {
                        string code = fence.ToString().TrimEnd('\n', '\r');
                        if (section == "EXAMPLES" && example != null && example.Code == null && IsPowerShell(fenceLanguage))
                        {
                            example.Code = code;
                        }
                        else if (section != "PARAMETERS" || !"yaml".Equals(fenceLanguage, StringComparison.OrdinalIgnoreCase))
                        {
                            Target()?.Add(code);
                        }

                        fence = null;
                    }
                    else
                    {
                        fence.Append(line).Append('\n');
                    }

                    continue;
                }

                if (trimmed.StartsWith("```", StringComparison.Ordinal))
                {
                    Flush();
                    fenceLanguage = trimmed.Substring(3).Trim();
                    fence = new StringBuilder();
                    continue;
                }

                if (line.StartsWith("# ", StringComparison.Ordinal))
                {
                    Flush();
                    doc.Name = line.Substring(2).Trim();
                    doc.NameLine = lineNumber;
                    section = null;
                    continue;
                }

                if (line.StartsWith("## ", StringComparison.Ordinal))
                {
                    Flush();
                    section = line.Substring(3).Trim().ToUpperInvariant();
                    example = null;
                    parameter = null;
                    type = null;
                    continue;
                }

                if (line.StartsWith("### ", StringComparison.Ordinal))
                {
                    Flush();
                    string heading = line.Substring(4).Trim();
                    switch (section)
                    {
                        case "EXAMPLES":
                            example = new ExampleDoc { Title = heading, Line = lineNumber };
                            doc.Examples.Add(example);
                            break;
                        case "PARAMETERS":
                            string name = heading.TrimStart('-').Trim();
                            parameter = new ParameterDoc { Name = name, Line = lineNumber };
                            doc.Parameters[name] = parameter;
                            break;
                        case "INPUTS":
                        case "OUTPUTS":
                            type = new TypeDoc { TypeName = heading };
                            (section == "INPUTS" ? doc.Inputs : doc.Outputs).Add(type);
                            break;
                    }

                    continue;
                }

                if (trimmed.Length == 0)
                {
                    Flush();
                    continue;
                }

                if (section == "RELATED LINKS")
                {
                    foreach (Match match in Link.Matches(line))
                    {
                        doc.Links.Add(new KeyValuePair<string, string>(match.Groups["text"].Value, match.Groups["uri"].Value));
                    }

                    continue;
                }

                if (ListItem.IsMatch(line))
                {
                    Flush();
                }

                if (paragraph.Length > 0)
                {
                    paragraph.Append(' ');
                }

                paragraph.Append(trimmed);
            }

            Flush();
            return doc;
        }

        private static bool IsPowerShell(string language) =>
            string.IsNullOrEmpty(language) ||
            new[] { "powershell", "pwsh", "ps", "ps1" }.Contains(language, StringComparer.OrdinalIgnoreCase);
    }
}
