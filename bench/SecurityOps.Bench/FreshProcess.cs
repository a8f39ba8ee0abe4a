using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json.Nodes;

namespace SecurityOps.Bench
{
    /// <summary>What one fresh process spent: its whole life, the engine start, the module import and the call.</summary>
    internal sealed class FreshTiming
    {
        public double WallMs { get; set; }

        public double EngineMs { get; set; }

        public double ImportMs { get; set; }

        public double CallMs { get; set; }

        /// <summary>The same call a second time in the same process (warm), when asked for; otherwise 0.</summary>
        public double AgainMs { get; set; }

        /// <summary>Methods the JIT compiled during the import and during the first call (ReadyToRun code needs none).</summary>
        public long ImportJitted { get; set; }

        public long CallJitted { get; set; }

        /// <summary>CPU time (all threads) of the import and of the first call: less swayed than wall time by a busy machine.</summary>
        public double ImportCpuMs { get; set; }

        public double CallCpuMs { get; set; }

        /// <summary>Time the JIT spent compiling (all threads) during the import and during the first call.</summary>
        public double ImportJitMs { get; set; }

        public double CallJitMs { get; set; }

        /// <summary>What the script printed (its last output line), for the report.</summary>
        public string Output { get; set; }

        /// <summary>Import and call: what a scheduled job pays beyond a bare engine start.</summary>
        public double ImportAndCallMs => ImportMs + CallMs;

        public override string ToString() =>
            $"{WallMs:0} ms process (engine start {EngineMs:0} ms, import {ImportMs:0} ms, call {CallMs:0} ms; import + call {ImportAndCallMs:0} ms" +
            (AgainMs > 0 ? $"; again, warm {AgainMs:0} ms" : string.Empty) +
            $"; CPU: import {ImportCpuMs:0} ms, call {CallCpuMs:0} ms; JIT: import {ImportJitted:N0} methods in {ImportJitMs:0} ms, call {CallJitted:N0} in {CallJitMs:0} ms)";
    }

    /// <summary>What a fresh process runs: by default, import the staged module, then one script.</summary>
    internal sealed class FreshRun
    {
        public string Script { get; set; } = "$null = 1";

        /// <summary>False: the engine alone, no Import-Module (the baseline a module's import is measured against).</summary>
        public bool Import { get; set; } = true;

        /// <summary>Pipeline input built in the child before any timing: "cve-items:&lt;records&gt;" makes the cvedb bench's 5,000 feed items (500 of them changed, 50 new).</summary>
        public string Input { get; set; } = "-";

        /// <summary>Run the script a second time (with the second input batch) and time it as the warm figure.</summary>
        public bool Again { get; set; }
    }

    /// <summary>
    /// The fresh-process figure of a benchmark: the bench itself started again as a child (`__fresh`), which opens a
    /// PowerShell engine, imports the staged module and runs one script, timing each phase; the parent times the whole
    /// process. Nothing is warm: the runtime compiles the module's code as a scheduled job's process would.
    /// The child runs with a dependency list without SecurityOps and the packages only it brings (YamlDotNet, MailKit...),
    /// so, as in pwsh, the module and its dependencies load from out/SecurityOps (the staged build PowerShell 7 picks,
    /// ReadyToRun-compiled), not from the bench's own folder.
    /// </summary>
    internal static class FreshProcess
    {
        public const string ChildVerb = "__fresh";

        public static string RepoRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

        /// <summary>The staged module, or the manifest (or its folder) in $env:SECURITYOPS_MODULE, as secops-host takes it: to compare two builds.</summary>
        public static string Module =>
            Environment.GetEnvironmentVariable("SECURITYOPS_MODULE") is string m && m.Length > 0
                ? (Directory.Exists(m) ? Path.Combine(Path.GetFullPath(m), "SecurityOps.psd1") : Path.GetFullPath(m))
                : Path.Combine(RepoRoot, "out", "SecurityOps", "SecurityOps.psd1");

        /// <summary>Runs <paramref name="script"/> (with $args) in a new process; throws with its output when it fails.</summary>
        public static FreshTiming Run(string script, params string[] args) => Run(new FreshRun { Script = script }, args);

        public static FreshTiming Run(FreshRun run, params string[] args)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string d && File.Exists(d) ? d : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add("--depsfile");
            start.ArgumentList.Add(ChildDepsFile());
            start.ArgumentList.Add(typeof(FreshProcess).Assembly.Location);
            start.ArgumentList.Add(ChildVerb);
            start.ArgumentList.Add(run.Import ? Module : "-");
            start.ArgumentList.Add(run.Input);
            start.ArgumentList.Add(run.Again ? "again" : "once");
            start.ArgumentList.Add(run.Script);
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
                AgainMs = values["again"],
                ImportJitted = (long)values["jitImport"],
                CallJitted = (long)values["jitCall"],
                ImportCpuMs = values["cpuImport"],
                CallCpuMs = values["cpuCall"],
                ImportJitMs = values["jitMsImport"],
                CallJitMs = values["jitMsCall"],
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

        /// <summary>The child: engine, import, one call (and again, warm, when asked), each timed; the script's output lines are printed as text.</summary>
        public static int Child(string[] args)
        {
            string module = args[0];
            string input = args[1];
            bool again = args[2] == "again";
            string script = args[3];
            string[] scriptArgs = args.Skip(4).ToArray();
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
            using Process self = Process.GetCurrentProcess();
            long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            TimeSpan jitTime = System.Runtime.JitInfo.GetCompilationTime();
            TimeSpan cpu = Cpu(self);
            watch.Restart();
            if (module != "-")
            {
                Invoke(runspace, $"Import-Module '{module}' -ErrorAction Stop", Array.Empty<string>(), null);
            }

            double import = watch.Elapsed.TotalMilliseconds;
            long jitImport = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
            double cpuImport = (Cpu(self) - cpu).TotalMilliseconds;
            double jitMsImport = (System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds;
            (List<PSObject> first, List<PSObject> second) = Inputs(input);
            jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
            jitTime = System.Runtime.JitInfo.GetCompilationTime();
            cpu = Cpu(self);
            watch.Restart();
            List<PSObject> output = Invoke(runspace, script, scriptArgs, first);
            double call = watch.Elapsed.TotalMilliseconds;
            long jitCall = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;
            double cpuCall = (Cpu(self) - cpu).TotalMilliseconds;
            double jitMsCall = (System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds;
            double againMs = 0;
            if (again)
            {
                watch.Restart();
                output = Invoke(runspace, script, scriptArgs, second);
                againMs = watch.Elapsed.TotalMilliseconds;
            }

            foreach (PSObject o in output)
            {
                Console.WriteLine(o?.ToString());
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"FRESH engine={engine:0.0} import={import:0.0} call={call:0.0} again={againMs:0.0} jitImport={jitImport} jitCall={jitCall} cpuImport={cpuImport:0.0} cpuCall={cpuCall:0.0} jitMsImport={jitMsImport:0.0} jitMsCall={jitMsCall:0.0}"));
            return 0;
        }

        /// <summary>
        /// The bench's dependency list less SecurityOps and what only it brings, written once beside the bench: the child
        /// then has the packages a pwsh process has (the engine's), and the module serves the rest from its Dependencies/.
        /// </summary>
        internal static string ChildDepsFile()
        {
            string own = Path.Combine(AppContext.BaseDirectory, Path.GetFileNameWithoutExtension(typeof(FreshProcess).Assembly.Location) + ".deps.json");
            string filtered = Path.Combine(AppContext.BaseDirectory, "fresh-child.deps.json");
            if (File.Exists(filtered) && File.GetLastWriteTimeUtc(filtered) >= File.GetLastWriteTimeUtc(own))
            {
                return filtered;
            }

            JsonNode deps = JsonNode.Parse(File.ReadAllText(own));
            JsonObject targets = deps["targets"].AsObject().Single().Value.AsObject();
            JsonObject libraries = deps["libraries"].AsObject();
            string root = targets.Select(t => t.Key).Single(k => k.StartsWith("SecurityOps.Bench/", StringComparison.Ordinal));
            var byName = targets.ToDictionary(t => t.Key.Substring(0, t.Key.IndexOf('/')), t => t.Key, StringComparer.OrdinalIgnoreCase);
            var keep = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var pending = new Stack<string>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                string key = pending.Pop();
                if (!keep.Add(key) || targets[key]?["dependencies"] is not JsonObject dependencies)
                {
                    continue;
                }

                foreach (var dependency in dependencies)
                {
                    if (!dependency.Key.Equals("SecurityOps", StringComparison.OrdinalIgnoreCase) && byName.TryGetValue(dependency.Key, out string next))
                    {
                        pending.Push(next);
                    }
                }
            }

            targets[root]["dependencies"].AsObject().Remove("SecurityOps");
            foreach (string key in targets.Select(t => t.Key).Where(k => !keep.Contains(k)).ToList())
            {
                targets.Remove(key);
                libraries.Remove(key);
            }

            File.WriteAllText(filtered, deps.ToJsonString());
            return filtered;
        }

        private static TimeSpan Cpu(Process self)
        {
            self.Refresh();
            return self.TotalProcessorTime;
        }

        /// <summary>Two batches of pipeline input for the call and the warm repeat (null: none).</summary>
        private static (List<PSObject>, List<PSObject>) Inputs(string input)
        {
            if (input.StartsWith("cve-items:", StringComparison.Ordinal))
            {
                int total = int.Parse(input.Substring("cve-items:".Length), CultureInfo.InvariantCulture);
                string run = "startup-" + Environment.ProcessId;
                return (CveDatabaseBenchmark.FeedItems(total, run + "-first", newFrom: 90000), CveDatabaseBenchmark.FeedItems(total, run + "-again", newFrom: 91000));
            }

            return (null, null);
        }

        private static List<PSObject> Invoke(Runspace runspace, string script, string[] args, List<PSObject> input)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            foreach (string a in args)
            {
                ps.AddArgument(a);
            }

            var output = (input == null ? ps.Invoke() : ps.Invoke(input)).ToList();
            if (ps.HadErrors)
            {
                throw new InvalidOperationException(string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));
            }

            return output;
        }
    }
}
