using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SecurityOps.Host
{
    /// <summary>
    /// secops-host [--module &lt;out/SecurityOps&gt;] &lt;script.ps1&gt; [script arguments...]
    /// Runs the script like `pwsh -File`: named (-Name value, -Name:value, -Switch) and positional arguments bind to
    /// the script's param block. Output objects are formatted on stdout; errors, warnings, verbose and progress go
    /// to stderr. Exit code: 0 on success, 1 when the script wrote an error or threw, the script's `exit N` code
    /// otherwise, 2 for a usage error or a module that cannot be imported.
    /// </summary>
    public static class Program
    {
        public const string Usage = "usage: secops-host [--module <folder or .psd1>] <script.ps1> [script arguments...]";

        public static int Main(string[] args)
        {
            var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
            var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
            return Run(args, stdout, stderr);
        }

        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            string modulePath = null;
            int i = 0;
            for (; i < args.Length; i++)
            {
                if (args[i] == "--module" && i + 1 < args.Length)
                {
                    modulePath = args[++i];
                }
                else if (args[i] == "-h" || args[i] == "--help")
                {
                    stdout.WriteLine(Usage);
                    return 0;
                }
                else
                {
                    break;
                }
            }

            if (i >= args.Length)
            {
                stderr.WriteLine(Usage);
                return 2;
            }

            string script = Path.GetFullPath(args[i]);
            if (!File.Exists(script))
            {
                stderr.WriteLine($"secops-host: the script '{args[i]}' does not exist.");
                return 2;
            }

            string manifest = ModuleLocator.Find(modulePath, script);
            if (manifest == null)
            {
                stderr.WriteLine("secops-host: the SecurityOps module was not found. Build it first (dotnet build SecurityOps.sln stages out/SecurityOps), or pass --module <path>.");
                return 2;
            }

            // Plain text: the output is read by people and by log files alike, never ANSI escapes.
            PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
            var host = new ConsoleHost(stdout, stderr);
            var ui = (ConsoleHostUI)host.UI;
            var iss = InitialSessionState.CreateDefault2();
            using Runspace runspace = RunspaceFactory.CreateRunspace(host, iss);
            runspace.Open();

            if (!Prepare(runspace, manifest, stderr))
            {
                return 2;
            }

            var errorCount = 0;
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.Streams.Error.DataAdded += (sender, e) =>
            {
                errorCount++;
                stderr.WriteLine(ErrorText.Describe(((PSDataCollection<ErrorRecord>)sender)[e.Index]));
            };

            Command command = new Command(script, isScript: false, useLocalScope: true);
            foreach (CommandParameter parameter in ScriptArguments.Parse(args.Skip(i + 1), ScriptArguments.SwitchResolver(runspace, script)))
            {
                command.Parameters.Add(parameter);
            }

            ps.Commands.AddCommand(command);
            ps.AddCommand("Out-Default");
            try
            {
                ps.Invoke();
            }
            catch (RuntimeException ex)
            {
                stderr.WriteLine(ErrorText.Describe(ex.ErrorRecord ?? new ErrorRecord(ex, "ScriptFailed", ErrorCategory.NotSpecified, null)));
                return 1;
            }

            if (host.ExitCode is int requested && requested != 0)
            {
                return requested;
            }

            if (errorCount > 0 || ps.HadErrors || ui.WroteError)
            {
                return 1;
            }

            object lastExitCode = runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
            return lastExitCode is int code ? code : 0;
        }

        /// <summary>Defines the Utility stand-ins the embedded engine lacks, then imports the module.</summary>
        private static bool Prepare(Runspace runspace, string manifest, TextWriter stderr)
        {
            using (var ps = PowerShell.Create())
            {
                ps.Runspace = runspace;
                ps.AddScript(HostCommands.Loader).AddArgument(HostCommands.Definitions());
                ps.Invoke();
                if (ps.Streams.Error.Count > 0)
                {
                    stderr.WriteLine("secops-host: defining the stand-in commands failed: " + string.Join("; ", ps.Streams.Error));
                    return false;
                }
            }

            using (var ps = PowerShell.Create())
            {
                ps.Runspace = runspace;
                ps.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("ErrorAction", "Stop");
                try
                {
                    ps.Invoke();
                    runspace.SessionStateProxy.SetVariable("LASTEXITCODE", 0);
                    return true;
                }
                catch (RuntimeException ex)
                {
                    stderr.WriteLine($"secops-host: Import-Module {manifest} failed: {ex.Message}");
                    return false;
                }
            }
        }
    }

    /// <summary>The stand-in functions (HostCommands.ps1), each defined only where the real cmdlet is missing.</summary>
    internal static class HostCommands
    {
        /// <summary>Run with the file's text as its one argument.</summary>
        public const string Loader = @"
param([string] $Definitions)
$ast = [System.Management.Automation.Language.Parser]::ParseInput($Definitions, [ref]$null, [ref]$null)
foreach ($function in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false)) {
    if (-not (Get-Command -Name $function.Name -CommandType Cmdlet -ErrorAction Ignore)) {
        . ([scriptblock]::Create('function global:' + $function.Name + ' ' + $function.Body.Extent.Text))
    }
}";

        public static string Definitions()
        {
            using Stream stream = typeof(HostCommands).Assembly.GetManifestResourceStream("SecurityOps.Host.HostCommands.ps1");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Finds out/SecurityOps/SecurityOps.psd1: the --module option, $env:SECURITYOPS_MODULE, else above the script, the working folder or this program.</summary>
    internal static class ModuleLocator
    {
        public static string Find(string option, string script)
        {
            string given = option ?? Environment.GetEnvironmentVariable("SECURITYOPS_MODULE");
            if (!string.IsNullOrEmpty(given))
            {
                string full = Path.GetFullPath(given);
                string candidate = Directory.Exists(full) ? Path.Combine(full, "SecurityOps.psd1") : full;
                return File.Exists(candidate) ? candidate : null;
            }

            foreach (string start in new[] { Path.GetDirectoryName(script), Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                {
                    string candidate = Path.Combine(dir.FullName, "out", "SecurityOps", "SecurityOps.psd1");
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>Turns command-line words into parameters as pwsh -File does.</summary>
    public static class ScriptArguments
    {
        /// <summary>
        /// "-Name value" pairs, "-Name:value", "-Switch" and positional words. <paramref name="isSwitch"/> says whether
        /// a name is a switch of the script (so it takes no value); unknown names take the next word.
        /// </summary>
        public static IEnumerable<CommandParameter> Parse(IEnumerable<string> words, Func<string, bool> isSwitch)
        {
            var list = words.ToList();
            for (int i = 0; i < list.Count; i++)
            {
                string word = list[i];
                if (word.Length > 1 && word[0] == '-' && (char.IsLetter(word[1]) || word[1] == '_'))
                {
                    int colon = word.IndexOf(':');
                    if (colon > 0)
                    {
                        yield return new CommandParameter(word.Substring(1, colon - 1), ConvertValue(word.Substring(colon + 1)));
                    }
                    else if (isSwitch(word.Substring(1)) || i + 1 >= list.Count)
                    {
                        yield return new CommandParameter(word.Substring(1), true);
                    }
                    else
                    {
                        yield return new CommandParameter(word.Substring(1), list[++i]);
                    }
                }
                else
                {
                    yield return new CommandParameter(null, word);
                }
            }
        }

        /// <summary>Reads the script's param block (common parameters included) to know which names are switches.</summary>
        public static Func<string, bool> SwitchResolver(Runspace runspace, string script)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddCommand("Get-Command").AddParameter("Name", script).AddParameter("ErrorAction", "Ignore");
            var info = ps.Invoke().Select(o => o.BaseObject).OfType<CommandInfo>().FirstOrDefault();
            Dictionary<string, ParameterMetadata> parameters;
            try
            {
                parameters = info?.Parameters?.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase)
                             ?? new Dictionary<string, ParameterMetadata>();
            }
            catch (RuntimeException)
            {
                parameters = new Dictionary<string, ParameterMetadata>(); // a script that does not parse: the run reports it
            }

            return name =>
            {
                var matches = parameters.Values.Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) ||
                                                           p.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList();
                if (matches.Count == 0)
                {
                    matches = parameters.Values.Where(p => p.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)).ToList();
                }

                return matches.Count == 1 && matches[0].SwitchParameter;
            };
        }

        private static object ConvertValue(string value)
        {
            switch (value.ToLowerInvariant())
            {
                case "$true":
                case "true":
                    return true;
                case "$false":
                case "false":
                    return false;
                default:
                    return value;
            }
        }
    }

    /// <summary>One readable line (or two) for an error, with its fully qualified id.</summary>
    public static class ErrorText
    {
        public static string Describe(ErrorRecord record)
        {
            string command = record.InvocationInfo?.MyCommand?.Name;
            string message = record.ErrorDetails?.Message ?? record.Exception?.Message ?? record.ToString();
            string where = record.InvocationInfo?.ScriptName is string file && !string.IsNullOrEmpty(file) && record.InvocationInfo.ScriptLineNumber > 0
                ? $" (at {Path.GetFileName(file)}:{record.InvocationInfo.ScriptLineNumber})"
                : string.Empty;
            return $"ERROR: {(string.IsNullOrEmpty(command) ? string.Empty : command + ": ")}{message}{where} [{record.FullyQualifiedErrorId}]";
        }
    }
}
