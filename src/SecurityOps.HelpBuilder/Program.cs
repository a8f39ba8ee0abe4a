using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SecurityOps.HelpBuilder
{
    /// <summary>
    /// secops-helpbuilder --module out/SecurityOps/SecurityOps.psd1 --docs docs/en-US --output out/SecurityOps/en-US/SecurityOps.dll-Help.xml
    /// Exit code 1 (and MSBuild-style "file(line): error" lines) when a cmdlet or a parameter has no help.
    /// secops-helpbuilder pack --module out/SecurityOps/SecurityOps.psd1 --output out/ writes the gallery package.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            try
            {
                if (args.Length > 0 && args[0] == "pack")
                {
                    // secops-helpbuilder pack --module out/SecurityOps/SecurityOps.psd1 --output out/
                    var packOptions = ParseArgs(args.Skip(1).ToArray(), "module", "output");
                    string package = ModulePackager.Pack(Path.GetFullPath(packOptions["module"]), Path.GetFullPath(packOptions["output"]));
                    Console.WriteLine($"Module package written to {package}");
                    return 0;
                }

                var options = ParseArgs(args, "module", "docs", "output");
                string manifest = Path.GetFullPath(options["module"]);
                string docsDirectory = Path.GetFullPath(options["docs"]);
                string output = Path.GetFullPath(options["output"]);

                List<CommandModel> commands = CommandModelReader.Read(manifest);
                var docs = new Dictionary<string, CommandHelpDoc>(StringComparer.OrdinalIgnoreCase);
                if (Directory.Exists(docsDirectory))
                {
                    foreach (string file in Directory.EnumerateFiles(docsDirectory, "*-*.md").OrderBy(f => f, StringComparer.Ordinal))
                    {
                        CommandHelpDoc doc = MarkdownHelpReader.Read(file);
                        docs[doc.Name ?? Path.GetFileNameWithoutExtension(file)] = doc;
                    }
                }

                List<HelpProblem> problems = HelpValidator.Validate(commands, docs, docsDirectory);
                if (problems.Count > 0)
                {
                    foreach (HelpProblem problem in problems)
                    {
                        Console.Error.WriteLine(problem);
                    }

                    Console.Error.WriteLine($"secops-helpbuilder : error SOHELP000: the help of {problems.Select(p => p.File).Distinct().Count()} page(s) is incomplete; no MAML was written.");
                    return 1;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(output));
                string temp = output + ".tmp";
                MamlWriter.Write(temp, commands.Select(c => (c, docs[c.Name])));
                File.Move(temp, output, overwrite: true);
                Console.WriteLine($"Help for {commands.Count} cmdlet(s) written to {output}");
                return 0;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"secops-helpbuilder : error SOHELP002: help generation failed: {ex.Message}");
                Console.Error.WriteLine(ex);
                return 2;
            }
        }

        private static Dictionary<string, string> ParseArgs(string[] args, params string[] requiredOptions)
        {
            var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                options[args[i].TrimStart('-')] = args[i + 1];
            }

            foreach (string required in requiredOptions)
            {
                if (!options.ContainsKey(required))
                {
                    throw new ArgumentException($"--{required} is required. Usage: secops-helpbuilder --module <psd1> --docs <docs/en-US> --output <SecurityOps.dll-Help.xml>");
                }
            }

            return options;
        }
    }
}
