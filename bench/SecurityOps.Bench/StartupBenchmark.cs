using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Reflection.PortableExecutable;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Issue 17's start-up figures, each from fresh processes as a scheduled job starts: the engine alone; the engine and
    /// Import-Module of the staged module (what PowerShell 7 picks: out/SecurityOps/net8.0, ReadyToRun); and the engine,
    /// the import and the first Add-CveRecord of the cvedb bench's 5,000 feed items (500 changed, 50 new) into its state of 100,000 records, with
    /// the same call again in the same process as the warm figure. Target: the import under 0.3 s beyond a bare engine start.
    /// </summary>
    internal static class StartupBenchmark
    {
        public static int Run(string[] args)
        {
            int rounds = args.Length > 0 ? int.Parse(args[0]) : 5;
            int total = args.Length > 1 ? int.Parse(args[1]) : 100_000;
            // A state of its own (the cvedb bench's layout), so no other bench's run moves its records meanwhile.
            string root = args.Length > 2 ? Path.GetFullPath(args[2]) : Path.Combine(Path.GetTempPath(), "secops-bench-startup");
            Console.WriteLine($"Staged module: {Describe()}");

            using (var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2()))
            {
                runspace.Open();
                CveDatabaseBenchmark.Invoke(runspace, $"Import-Module '{FreshProcess.Module}' -ErrorAction Stop");
                CveDatabaseBenchmark.Prepare(runspace, root, total);
            }

            var engine = Rounds(rounds, "engine alone", null, new FreshRun { Import = false });
            var import = Rounds(rounds, "engine + Import-Module", null, new FreshRun());
            var add = Rounds(rounds, "engine + import + Add-CveRecord", () => CveDatabaseBenchmark.CleanNewRecords(root, total), new FreshRun
            {
                // The engine's first pipeline (the same objects through Where-Object) is timed apart: compiling and
                // warming the engine's pipeline code is paid by any first command, with or without the module.
                Script = "$items = @($input); $w = [Diagnostics.Stopwatch]::StartNew(); $null = @($items | Where-Object IsNew).Count; $first = $w.Elapsed.TotalMilliseconds; " +
                         "$w.Restart(); $n = @($items | Add-CveRecord -StatePath $args[0] | Where-Object IsNew).Count; " +
                         "\"$n new; first-pipeline=$([int]$first); add=$([int]$w.Elapsed.TotalMilliseconds)\"",
                Input = "cve-items:" + total,
                Again = true,
            }, root);
            CveDatabaseBenchmark.CleanNewRecords(root, total);

            double beyond = Median(import, t => t.WallMs) - Median(engine, t => t.WallMs);
            Console.WriteLine();
            Console.WriteLine($"Fresh processes, {rounds} each (median; best):");
            Console.WriteLine($"  engine alone:              process {Median(engine, t => t.WallMs):0} ms; {Best(engine, t => t.WallMs):0} ms (engine start {Median(engine, t => t.EngineMs):0} ms)");
            Console.WriteLine($"  engine + Import-Module:    process {Median(import, t => t.WallMs):0} ms; {Best(import, t => t.WallMs):0} ms (import {Median(import, t => t.ImportMs):0} ms; {Best(import, t => t.ImportMs):0} ms; CPU {Median(import, t => t.ImportCpuMs):0} ms; {Median(import, t => t.ImportJitted):N0} methods JIT-compiled in {Median(import, t => t.ImportJitMs):0} ms)");
            Console.WriteLine($"  import beyond a bare engine start (process medians): {beyond:0} ms (target: under 300 ms)");
            Console.WriteLine($"  Add-CveRecord, 5,000 items (500 changed, 50 new) on {total:N0} records, first call in a fresh process: {Median(add, t => t.CallMs):0} ms; {Best(add, t => t.CallMs):0} ms (CPU {Median(add, t => t.CallCpuMs):0} ms; {Median(add, t => t.CallJitted):N0} methods JIT-compiled in {Median(add, t => t.CallJitMs):0} ms)");
            Console.WriteLine($"    of which the engine's first pipeline (the same 5,000 objects through Where-Object, no module code): {Median(add, t => Part(t, "first-pipeline")):0} ms; " +
                              $"then Add-CveRecord itself: {Median(add, t => Part(t, "add")):0} ms; {Best(add, t => Part(t, "add")):0} ms; with the import: {Median(add, t => t.ImportMs + Part(t, "add")):0} ms");
            Console.WriteLine($"  the same call again in that process (warm): {Median(add, t => t.AgainMs):0} ms; {Best(add, t => t.AgainMs):0} ms");
            Console.WriteLine($"  engine + import + first call: process {Median(add, t => t.WallMs):0} ms (includes building the 10,000 input objects and the warm call)");
            return Median(import, t => t.ImportMs) < 300 ? 0 : 1;
        }

        private static List<FreshTiming> Rounds(int rounds, string label, Action before, FreshRun run, params string[] args)
        {
            var all = new List<FreshTiming>();
            for (int i = 0; i < rounds; i++)
            {
                before?.Invoke();
                FreshTiming t = FreshProcess.Run(run, args);
                Console.WriteLine($"  fresh {label} {i + 1}: {t}{(t.Output != null ? "; " + t.Output : string.Empty)}");
                all.Add(t);
            }

            return all;
        }

        private static double Median(List<FreshTiming> all, Func<FreshTiming, double> value)
        {
            var sorted = all.Select(value).OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        private static double Best(List<FreshTiming> all, Func<FreshTiming, double> value) => all.Min(value);

        /// <summary>A "name=ms" figure from the child script's first output line (the call's own parts).</summary>
        private static double Part(FreshTiming t, string name)
        {
            string line = t.Output?.Split('\n')[0] ?? string.Empty;
            int at = line.IndexOf(name + "=", StringComparison.Ordinal);
            if (at < 0)
            {
                return double.NaN;
            }

            string digits = new string(line.Substring(at + name.Length + 1).TakeWhile(char.IsDigit).ToArray());
            return double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>Which build a PowerShell 7 import takes from out/SecurityOps, and whether it carries ReadyToRun code.</summary>
        private static string Describe()
        {
            string dir = Path.GetDirectoryName(FreshProcess.Module);
            string dll = new[] { Path.Combine(dir, "net8.0", "SecurityOps.dll"), Path.Combine(dir, "SecurityOps.dll") }.FirstOrDefault(File.Exists);
            if (dll == null)
            {
                return "not staged (build first: dotnet build -c Release)";
            }

            using var pe = new PEReader(File.OpenRead(dll));
            bool r2r = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
            return $"{Path.GetRelativePath(dir, dll)} ({(r2r ? "ReadyToRun" : "IL only, JIT-compiled")})";
        }
    }
}
