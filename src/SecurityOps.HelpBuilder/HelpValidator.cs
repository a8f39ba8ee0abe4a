using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SecurityOps.HelpBuilder
{
    /// <summary>A problem in the help, reported in MSBuild's canonical form so the build fails and names the file.</summary>
    public sealed class HelpProblem
    {
        public HelpProblem(string file, int line, string message)
        {
            File = file;
            Line = line;
            Message = message;
        }

        public string File { get; }

        public int Line { get; }

        public string Message { get; }

        public override string ToString() => $"{File}({Math.Max(Line, 1)}): error SOHELP001: {Message}";
    }

    /// <summary>Checks that every cmdlet has a markdown file with what Get-Help must show.</summary>
    public static class HelpValidator
    {
        /// <summary>Texts used when a page does not describe the risk-mitigation parameters itself.</summary>
        public static readonly Dictionary<string, string> DefaultDescriptions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["WhatIf"] = "Shows what would happen if the cmdlet runs. The cmdlet is not run.",
            ["Confirm"] = "Prompts you for confirmation before running the cmdlet. Use -Confirm:$false in automation to never prompt.",
        };

        public const int MinimumExamples = 2;

        public static List<HelpProblem> Validate(IReadOnlyList<CommandModel> commands, IReadOnlyDictionary<string, CommandHelpDoc> docs, string docsDirectory)
        {
            var problems = new List<HelpProblem>();
            foreach (CommandModel command in commands)
            {
                if (!docs.TryGetValue(command.Name, out CommandHelpDoc doc))
                {
                    problems.Add(new HelpProblem(Path.Combine(docsDirectory, command.Name + ".md"), 1,
                        $"{command.Name} has no help: write docs/en-US/{command.Name}.md (platyPS layout: SYNOPSIS, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES)."));
                    continue;
                }

                if (!string.Equals(doc.Name, command.Name, StringComparison.Ordinal))
                {
                    problems.Add(new HelpProblem(doc.File, doc.NameLine, $"The title must be '# {command.Name}' (found '{doc.Name}')."));
                }

                if (doc.Synopsis.Count == 0)
                {
                    problems.Add(new HelpProblem(doc.File, 1, $"{command.Name}: '## SYNOPSIS' is missing or empty."));
                }

                if (doc.Description.Count == 0)
                {
                    problems.Add(new HelpProblem(doc.File, 1, $"{command.Name}: '## DESCRIPTION' is missing or empty."));
                }

                if (doc.Examples.Count < MinimumExamples)
                {
                    problems.Add(new HelpProblem(doc.File, 1, $"{command.Name}: {doc.Examples.Count} example(s); at least {MinimumExamples} are required ('### Example N: title', a ```powershell block, then text)."));
                }

                foreach (ExampleDoc example in doc.Examples)
                {
                    if (string.IsNullOrWhiteSpace(example.Code))
                    {
                        problems.Add(new HelpProblem(doc.File, example.Line, $"{command.Name}: '{example.Title}' has no ```powershell code block."));
                    }

                    if (example.Remarks.Count == 0)
                    {
                        problems.Add(new HelpProblem(doc.File, example.Line, $"{command.Name}: '{example.Title}' has no text explaining it."));
                    }
                }

                foreach (ParameterModel parameter in command.Parameters)
                {
                    bool described = doc.Parameters.TryGetValue(parameter.Name, out ParameterDoc pdoc) && pdoc.Description.Count > 0;
                    if (!described && !DefaultDescriptions.ContainsKey(parameter.Name))
                    {
                        problems.Add(new HelpProblem(doc.File, pdoc?.Line ?? 1, $"{command.Name}: parameter -{parameter.Name} has no description (add '### -{parameter.Name}' with text under '## PARAMETERS')."));
                    }
                }

                foreach (ParameterDoc pdoc in doc.Parameters.Values)
                {
                    if (!command.Parameters.Any(p => p.Name.Equals(pdoc.Name, StringComparison.OrdinalIgnoreCase)) &&
                        !CommandModelReader.CommonParameters.Contains(pdoc.Name) && !pdoc.Name.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
                    {
                        problems.Add(new HelpProblem(doc.File, pdoc.Line, $"{command.Name}: '### -{pdoc.Name}' documents a parameter the cmdlet does not have."));
                    }
                }
            }

            foreach (CommandHelpDoc doc in docs.Values)
            {
                if (!commands.Any(c => c.Name.Equals(doc.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add(new HelpProblem(doc.File, doc.NameLine, $"'{doc.Name}' is not a cmdlet the module exports (is it missing from CmdletsToExport in SecurityOps.psd1?)."));
                }
            }

            return problems;
        }
    }
}
