using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SecurityOps.Bench
{
    /// <summary>What one fresh process spent: its whole life, the engine start, the module import and the call.</summary>
    internal sealed class FreshTiming
    {
        public double WallMs { get; set; }

        public double EngineMs { get; set; }

        public double ImportMs { get; set; }

        public double CallMs { get; set; }

        /// <summary>What the script printed (its last output line), for the report.</summary>
        public string Output { get; set; }

        /// <summary>Import and call: what a scheduled job pays beyond a bare engine start.</summary>
        public double ImportAndCallMs => ImportMs + CallMs;

        public override string ToString() =>
            $"{WallMs:0} ms process (engine start {EngineMs:0} ms, import {ImportMs:0} ms, call {CallMs:0} ms; import + call {ImportAndCallMs:0} ms)";
    }

    /// <summary>
    /// The fresh-process figure of a benchmark: the bench itself started again as a child (`__fresh`), which opens a
    /// PowerShell engine, imports the staged module and runs one script, timing each phase; the parent times the whole
    /// process. Nothing is warm: the runtime compiles the module's code as a scheduled job's process would.
    /// </summary>
    internal static class FreshProcess
    {
        public const string ChildVerb = "__fresh";

        public static string RepoRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

        public static string Module => Path.Combine(RepoRoot, "out", "SecurityOps", "SecurityOps.psd1");

        /// <summary>Runs <paramref name="script"/> (with $args) in a new process; throws with its output when it fails.</summary>
        public static FreshTiming Run(string script, params string[] args)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string d && File.Exists(d) ? d : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(typeof(FreshProcess).Assembly.Location);
            start.ArgumentList.Add(ChildVerb);
            start.ArgumentList.Add(Module);
            start.ArgumentList.Add(script);
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            var watch = Stopwatch.StartNew();
            using Process process = Process.Start(start);
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            watch.Stop();
            string line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("FRESH ", StringComparison.Ordinal));
            if (process.ExitCode != 0 || line == null)
            {
                throw new InvalidOperationException($"The fresh process failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
            }

            var values = line.Substring(6).Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
            return new FreshTiming
            {
                WallMs = watch.Elapsed.TotalMilliseconds,
                EngineMs = values["engine"],
                ImportMs = values["import"],
                CallMs = values["call"],
                Output = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !l.StartsWith("FRESH ", StringComparison.Ordinal)),
            };
        }

        /// <summary>The best (by import + call) of <paramref name="rounds"/> fresh processes, each printed.</summary>
        public static FreshTiming Best(int rounds, string label, Action before, string script, params string[] args)
        {
            FreshTiming best = null;
            for (int i = 0; i < rounds; i++)
            {
                before?.Invoke();
                FreshTiming t = Run(script, args);
                Console.WriteLine($"  fresh {label} {i + 1}: {t}{(t.Output != null ? "; " + t.Output : string.Empty)}");
                if (best == null || t.ImportAndCallMs < best.ImportAndCallMs)
                {
                    best = t;
                }
            }

            return best;
        }

        /// <summary>The child: engine, import, one call, each timed; the script's output lines are printed as text.</summary>
        public static int Child(string[] args)
        {
            string module = args[0];
            string script = args[1];
            var watch = Stopwatch.StartNew();
            using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            using (var warmup = PowerShell.Create())
            {
                // The engine's own first-command cost belongs to the engine start, not to the module.
                warmup.Runspace = runspace;
                warmup.AddScript("$null = 1").Invoke();
            }

            double engine = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            Invoke(runspace, $"Import-Module '{module}' -ErrorAction Stop", Array.Empty<string>());
            double import = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            List<PSObject> output = Invoke(runspace, script, args.Skip(2).ToArray());
            double call = watch.Elapsed.TotalMilliseconds;
            foreach (PSObject o in output)
            {
                Console.WriteLine(o?.ToString());
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FRESH engine={engine:0.0} import={import:0.0} call={call:0.0}"));
            return 0;
        }

        private static List<PSObject> Invoke(Runspace runspace, string script, string[] args)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            foreach (string a in args)
            {
                ps.AddArgument(a);
            }

            var output = ps.Invoke().ToList();
            if (ps.HadErrors)
            {
                throw new InvalidOperationException(string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));
            }

            return output;
        }
    }
}
