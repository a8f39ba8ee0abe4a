using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Bench
{
    /// <summary>
    /// On a state of 100,000 CVE records: importing the module; Add-CveRecord of 5,000 feed items (4,450 known and
    /// unchanged, 500 known and changed, 50 new) warm, in a fresh process (import + the call) and beside the raw file
    /// work of the same run; loading all records through Get-CveRecord. Everything runs through the real engine and
    /// the staged module.
    /// </summary>
    internal static class CveDatabaseBenchmark
    {
        public static int Run(string[] args)
        {
            int total = args.Length > 0 ? int.Parse(args[0]) : 100_000;
            string root = Path.Combine(Path.GetTempPath(), "secops-bench-cvedb");
            string module = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../out/SecurityOps/SecurityOps.psd1"));

            // The shell is already running when a user imports the module: open the runspace and warm the engine's
            // module machinery on a built-in module first, then time our import alone (cold for our assemblies).
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            Invoke(runspace, "Get-Module -ListAvailable Microsoft.PowerShell.Core | Out-Null; Get-Help Get-Command | Out-Null");
            var import = Stopwatch.StartNew();
            Invoke(runspace, $"Import-Module '{module}' -ErrorAction Stop");
            import.Stop();
            Console.WriteLine($"Import-Module (first load of SecurityOps in this process): {import.ElapsedMilliseconds} ms");

            var second = Stopwatch.StartNew();
            using (var rs2 = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2()))
            {
                rs2.Open();
                second.Restart();
                Invoke(rs2, $"Import-Module '{module}' -ErrorAction Stop");
                second.Stop();
            }

            Console.WriteLine($"Import-Module (second runspace, assemblies loaded): {second.ElapsedMilliseconds} ms");

            Prepare(runspace, root, total);

            // Add-CveRecord as the daily job runs it: 5,000 feed items into the full database, of which 4,450 are
            // known and unchanged, 500 known and changed (a second source reports them: a new sighting is merged and
            // the file rewritten) and 50 new. Each run reports its changed ones from a source of its own, so every run
            // changes 500 records; the new ones are removed before each run.
            string itemsFile = Path.Combine(Path.GetTempPath(), "secops-bench-cvedb-items.txt");
            const string ReadItems = "foreach ($line in [IO.File]::ReadAllLines($args[1])) { $f = $line.Split('|'); " +
                                     "[pscustomobject]@{ Source = $f[0]; Id = $f[1]; CveIds = @($f[2]); Packages = @($f[3]); Title = $f[4] } }";
            Console.WriteLine("Add-CveRecord, 5,000 items (4,450 unchanged, 500 changed, 50 new) into the full database:");
            // Warm means the process has run the cmdlet before: eight runs, as the runtime's tiered compiler settles over
            // the first four or five (the last four are the steady state). The floor (below) runs after each, so both
            // see the disk in the same state.
            var warm = new List<double>();
            var floors = new List<double>();
            for (int run = 1; run <= 8; run++)
            {
                CleanNewRecords(root, total);
                WriteItems(itemsFile, total, "warm-" + run);
                Invoke(runspace, "$global:benchItems = @(" + ReadItems.Replace("$args[1]", "$args[0]") + ")", itemsFile);
                StateRepository.ResetReadCount();
                var add = Stopwatch.StartNew();
                var added = Invoke(runspace, "$global:benchItems | Add-CveRecord -StatePath $args[0] | Where-Object IsNew", root);
                add.Stop();
                warm.Add(add.Elapsed.TotalMilliseconds);
                Console.WriteLine($"  warm {run}: {add.ElapsedMilliseconds} ms ({added.Count} new); record files parsed: {StateRepository.ReadCount:N0}");

                // The floor: the file work the same run cannot avoid, with no PowerShell, no YAML and no merge: look up
                // each of the 5,000 record files, and read and atomically replace the 550 that change or appear.
                CleanNewRecords(root, total);
                var floor = Stopwatch.StartNew();
                Floor(root, total);
                floors.Add(floor.Elapsed.TotalMilliseconds);
            }

            string FreshScript = "$items = @(" + ReadItems + "); $sw = [Diagnostics.Stopwatch]::StartNew(); " +
                                       "$new = @($items | Add-CveRecord -StatePath $args[0] | Where-Object IsNew).Count; \"add=$($sw.ElapsedMilliseconds) new=$new\"";
            int freshRun = 0;
            FreshTiming fresh = FreshProcess.Best(2, "Add-CveRecord", () =>
            {
                CleanNewRecords(root, total);
                WriteItems(itemsFile, total, "fresh-" + (++freshRun));
            }, FreshScript, root, itemsFile);
            double freshAdd = double.Parse(fresh.Output.Split(' ')[0].Substring(4), System.Globalization.CultureInfo.InvariantCulture);

            CleanNewRecords(root, total);

            Console.WriteLine($"  summary: warm best {warm.Min():0} ms, steady (median of the last 4) {Median(warm.Skip(4).ToList()):0} ms (runs {string.Join(", ", warm.Select(w => w.ToString("0")))}); " +
                              $"fresh import + Add-CveRecord {fresh.ImportMs + freshAdd:0} ms (import {fresh.ImportMs:0} ms, Add-CveRecord {freshAdd:0} ms, engine start {fresh.EngineMs:0} ms not counted); " +
                              $"raw file floor best {floors.Min():0} ms, median of the last 4 {Median(floors.Skip(4).ToList()):0} ms (runs {string.Join(", ", floors.Select(f => f.ToString("0")))})");

            GC.Collect();
            long before = GC.GetTotalMemory(true);
            var process = Process.GetCurrentProcess();
            var load = Stopwatch.StartNew();
            var all = Invoke(runspace, "$all = Get-CveRecord -StatePath $args[0]; $all.Count", root);
            load.Stop();
            process.Refresh();
            long held = GC.GetTotalMemory(false) - before;
            Console.WriteLine($"Get-CveRecord, all {all[0]} records: {load.ElapsedMilliseconds} ms; managed heap held by the result: {held / (1024 * 1024)} MB; process peak working set: {process.PeakWorkingSet64 / (1024 * 1024)} MB");
            Invoke(runspace, "$global:all = $null");

            // A scheduled job's fresh checkout gives every file a new time: each file is read and hashed; a read of
            // everything parses what it returns from the bytes at hand (a filtered query answers the others from the
            // cached summaries), and the cache then holds the new times.
            DateTime checkout = DateTime.UtcNow.AddMinutes(-1);
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "cves"), "CVE-*.yaml", SearchOption.AllDirectories))
            {
                File.SetLastWriteTimeUtc(file, checkout);
            }

            Settle();
            var afterCheckout = Stopwatch.StartNew();
            Invoke(runspace, "$null = Get-CveRecord -StatePath $args[0]", root);
            afterCheckout.Stop();
            var again = Stopwatch.StartNew();
            Invoke(runspace, "$null = Get-CveRecord -StatePath $args[0]", root);
            again.Stop();

            // Beside it, the same without the cache: every file read and parsed (the cache is written again).
            File.Delete(Path.Combine(root, ".cache", "cve-index.jsonl"));
            Settle();
            var parseAll = Stopwatch.StartNew();
            Invoke(runspace, "$null = Get-CveRecord -StatePath $args[0]", root);
            parseAll.Stop();
            Console.WriteLine($"Get-CveRecord, all, after every record file got a new time (as a checkout leaves them): {afterCheckout.ElapsedMilliseconds} ms (each file read, hashed and parsed), " +
                              $"then {again.ElapsedMilliseconds} ms; without the cache (each file read and parsed): {parseAll.ElapsedMilliseconds} ms");
            return 0;
        }

        /// <summary>Lets the disk write back what the setup just changed, so the timed call does not wait for it (Linux: sync).</summary>
        private static void Settle()
        {
            if (!OperatingSystem.IsWindows())
            {
                using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false });
                sync?.WaitForExit();
            }
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted[sorted.Count / 2];
        }

        /// <summary>The 5,000 items of one run, a line each (source|id|cve|package|title), turned into objects by the script before the timed call.</summary>
        private static void WriteItems(string path, int total, string run)
        {
            var items = new List<string>();
            foreach (int n in KnownIds(total))
            {
                bool changed = items.Count < 500;
                string cve = IdFor(n);
                items.Add($"{(changed ? "bench-second-feed-" + run : "bench-feed")}|{(changed ? "ADV2-" : "ADV-") + cve}|{cve}|pkg-{n % 997}|Advisory for pkg-{n % 997}");
            }

            for (int n = 0; items.Count < 5000; n++)
            {
                items.Add($"bench-feed|ADV-CVE-2027-{90000 + n}|CVE-2027-{90000 + n}|new-pkg-{n}|Advisory for new-pkg-{n}");
            }

            File.WriteAllLines(path, items);
        }

        /// <summary>
        /// The unavoidable file work of one run: 5,000 lookups, 500 reads and rewrites, 50 new files, the durable writes
        /// four at a time as the cmdlet does them (a durable write mostly waits for the disk).
        /// </summary>
        private static void Floor(string root, int total)
        {
            var writes = new List<(string Path, string Text)>();
            foreach (int n in KnownIds(total))
            {
                string path = Path.Combine(root, CveRecord.PathFor(IdFor(n)));
                if (File.Exists(path) && writes.Count < 500)
                {
                    writes.Add((path, File.ReadAllText(path)));
                }
            }

            for (int n = 0; n < 50; n++)
            {
                writes.Add((Path.Combine(root, CveRecord.PathFor($"CVE-2027-{90000 + n}")), "cveId: CVE-2027-" + (90000 + n) + "\n"));
            }

            System.Threading.Tasks.Parallel.ForEach(writes, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 },
                w => StateRepository.WriteFileAtomic(w.Path, w.Text));
        }

        /// <summary>
        /// The same 5,000 items as objects, for the startup bench's fresh child (which builds them before it imports
        /// the module: this uses nothing of SecurityOps): 4,450 known and unchanged, 500 known and changed (reported by a
        /// source named after <paramref name="run"/>, so each run changes them again) and 50 new from CVE-2027-&lt;newFrom&gt; on.
        /// </summary>
        internal static List<PSObject> FeedItems(int total, string run, int newFrom)
        {
            var items = new List<PSObject>();
            foreach (int n in KnownIds(total))
            {
                bool changed = items.Count < 500;
                string cve = IdFor(n);
                items.Add(Item(changed ? "bench-second-feed-" + run : "bench-feed", (changed ? "ADV2-" : "ADV-") + cve, cve, "pkg-" + (n % 997)));
            }

            for (int n = 0; items.Count < 5000; n++)
            {
                string cve = $"CVE-2027-{newFrom + n}";
                items.Add(Item("bench-feed", "ADV-" + cve, cve, "new-pkg-" + n));
            }

            return items;
        }

        private static PSObject Item(string source, string id, string cve, string package)
        {
            var item = new PSObject();
            item.Properties.Add(new PSNoteProperty("Source", source));
            item.Properties.Add(new PSNoteProperty("Id", id));
            item.Properties.Add(new PSNoteProperty("CveIds", new[] { cve }));
            item.Properties.Add(new PSNoteProperty("Packages", new[] { package }));
            item.Properties.Add(new PSNoteProperty("Title", "Advisory for " + package));
            return item;
        }

        /// <summary>4,950 distinct known records, the same every run.</summary>
        private static List<int> KnownIds(int total)
        {
            var rng = new Random(7);
            var ids = new List<int>();
            var seen = new HashSet<int>();
            while (ids.Count < 4950)
            {
                int n = rng.Next(total);
                if (seen.Add(n))
                {
                    ids.Add(n);
                }
            }

            return ids;
        }

        private static string IdFor(int n) => $"CVE-{2015 + (n % 11)}-{10000 + n}";

        internal static void Prepare(Runspace runspace, string root, int total)
        {
            string marker = Path.Combine(root, ".bench-" + total);
            if (File.Exists(marker))
            {
                Console.WriteLine($"Reusing the {total:N0}-record state in {root}.");
                CleanNewRecords(root, total);
                return;
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }

            Invoke(runspace, "Initialize-SecurityState -Path $args[0] -NoGit | Out-Null", root);
            var sw = Stopwatch.StartNew();
            System.Threading.Tasks.Parallel.For(0, total, n =>
            {
                string path = Path.Combine(root, CveRecord.PathFor(IdFor(n)));
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllText(path, RecordText(n));
            });
            File.WriteAllText(marker, string.Empty);
            Console.WriteLine($"Wrote {total:N0} records in {sw.Elapsed.TotalSeconds:0.0} s (setup, not measured).");
        }

        /// <summary>
        /// Before each run: the new records of the last run are removed, and the 500 records each run changes get back
        /// their first content (one source), so every run merges the same into records of the same size (without this,
        /// each run's new source stayed, and those records grew run after run).
        /// </summary>
        internal static void CleanNewRecords(string root, int total = 100_000)
        {
            string dir = Path.Combine(root, "cves", "2027");
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }

            foreach (int n in KnownIds(total).Take(500))
            {
                string path = Path.Combine(root, CveRecord.PathFor(IdFor(n)));
                string text = RecordText(n);
                if (File.Exists(path) && File.ReadAllText(path) != text)
                {
                    // Durably, as the run writes: dirty pages left behind would be flushed by the timed run's own flushes.
                    StateRepository.WriteFileAtomic(path, text);
                }
            }
        }

        /// <summary>Record n as the setup writes it: one package, one source.</summary>
        private static string RecordText(int n)
        {
            var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
            var record = new CveRecord
            {
                CveId = IdFor(n),
                Title = "Advisory for pkg-" + (n % 997),
                Summary = "A flaw in pkg-" + (n % 997) + " lets a remote attacker do something unpleasant.",
                FirstSeen = now,
                LastUpdated = now,
            };
            record.Packages.Add(new PackageRef("pkg-" + (n % 997), "Gentoo"));
            record.Sources.Add(new CveSighting { Source = "bench-feed", AdvisoryId = "ADV-" + record.CveId, SeenAt = now });
            return YamlFormat.Serialize(record);
        }

        internal static List<PSObject> Invoke(Runspace runspace, string script, string arg = null, IEnumerable<PSObject> input = null)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            if (arg != null)
            {
                ps.AddArgument(arg);
            }

            var output = input == null ? ps.Invoke() : ps.Invoke(input);
            if (ps.HadErrors)
            {
                throw new InvalidOperationException(string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));
            }

            return output.ToList();
        }
    }
}

namespace SecurityOps.Bench
{
    /// <summary>Where the load time goes: reading files, parsing YAML, the whole query.</summary>
    internal static class CveLoadBreakdown
    {
        public static int Run(string[] args)
        {
            string root = Path.Combine(Path.GetTempPath(), "secops-bench-cvedb");
            var files = Directory.EnumerateFiles(Path.Combine(root, "cves"), "*.yaml", SearchOption.AllDirectories).ToList();
            var sw = Stopwatch.StartNew();
            long bytes = files.AsParallel().Sum(f => File.ReadAllBytes(f).LongLength);
            Console.WriteLine($"read {files.Count:N0} files ({bytes / 1024 / 1024} MB): {sw.ElapsedMilliseconds} ms");
            sw.Restart();
            int n = files.AsParallel().Select(f => YamlFormat.Deserialize<CveRecord>(File.ReadAllText(f), f)).Count();
            Console.WriteLine($"read + parse {n:N0}: {sw.ElapsedMilliseconds} ms");
            sw.Restart();
            n = files.AsParallel().Select(f => { var p = new YamlDotNet.Core.Parser(new StringReader(File.ReadAllText(f))); int c = 0; while (p.MoveNext()) c++; return c; }).Count();
            Console.WriteLine($"read + YAML events only {n:N0}: {sw.ElapsedMilliseconds} ms");
            var db = new SecurityOps.Database.CveDatabase(new StateRepository(root));
            var rng = new Random(7);
            sw.Restart();
            for (int i = 0; i < 4950; i++)
            {
                int k = rng.Next(100_000);
                db.Record(new SecurityOps.Database.CveObservation { CveId = $"CVE-{2015 + (k % 11)}-{10000 + k}", Source = "bench-feed", AdvisoryId = $"ADV-CVE-{2015 + (k % 11)}-{10000 + k}", Packages = { new PackageRef("pkg-" + (k % 997)) }, Title = "x" });
            }

            Console.WriteLine($"CveDatabase.Record x4950 existing (service only): {sw.ElapsedMilliseconds} ms");
            sw.Restart();
            var repo = new StateRepository(root);
            for (int i = 0; i < 4950; i++)
            {
                using (repo.AcquireLock())
                {
                }
            }

            Console.WriteLine($"lock x4950: {sw.ElapsedMilliseconds} ms");
            sw.Restart();
            n = new SecurityOps.Database.CveDatabase(new StateRepository(root)).Query(null).Count();
            Console.WriteLine($"CveDatabase.Query all {n:N0}: {sw.ElapsedMilliseconds} ms");
            return 0;
        }
    }
}
