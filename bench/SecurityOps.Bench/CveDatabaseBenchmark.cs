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
    /// Issue 2's figures: on a state of 100,000 CVE records, adding 5,000 feed items of which 50 are new (target
    /// under 2 s, without reading the 100,000 records); loading all 100,000 through Get-CveRecord (under 10 s and
    /// 1 GB); importing the module (under 0.5 s). Everything runs through the real engine and the staged module.
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

            // 5,000 feed items: 4,950 CVEs the database has (from the same source, so nothing changes) and 50 new.
            var rng = new Random(7);
            var items = new List<PSObject>();
            foreach (int n in Enumerable.Range(0, 4950).Select(_ => rng.Next(total)))
            {
                items.Add(Item(IdFor(n), "pkg-" + (n % 997)));
            }

            for (int n = 0; n < 50; n++)
            {
                items.Add(Item($"CVE-2027-{90000 + n}", "new-pkg-" + n));
            }

            StateRepository.ResetReadCount();
            var add = Stopwatch.StartNew();
            var added = Invoke(runspace, "$input | Add-CveRecord -StatePath $args[0] | Where-Object IsNew", root, items);
            add.Stop();
            Console.WriteLine($"Add-CveRecord, 5,000 items ({added.Count} new) on {total:N0} records: {add.ElapsedMilliseconds} ms; record files read: {StateRepository.ReadCount:N0}");

            GC.Collect();
            long before = GC.GetTotalMemory(true);
            var process = Process.GetCurrentProcess();
            var load = Stopwatch.StartNew();
            var all = Invoke(runspace, "$all = Get-CveRecord -StatePath $args[0]; $all.Count", root);
            load.Stop();
            process.Refresh();
            long held = GC.GetTotalMemory(false) - before;
            Console.WriteLine($"Get-CveRecord, all {all[0]} records: {load.ElapsedMilliseconds} ms; managed heap held by the result: {held / (1024 * 1024)} MB; process peak working set: {process.PeakWorkingSet64 / (1024 * 1024)} MB");
            return 0;
        }

        private static string IdFor(int n) => $"CVE-{2015 + (n % 11)}-{10000 + n}";

        private static PSObject Item(string cve, string package)
        {
            var item = new PSObject();
            item.Properties.Add(new PSNoteProperty("Source", "bench-feed"));
            item.Properties.Add(new PSNoteProperty("Id", "ADV-" + cve));
            item.Properties.Add(new PSNoteProperty("CveIds", new[] { cve }));
            item.Properties.Add(new PSNoteProperty("Packages", new[] { package }));
            item.Properties.Add(new PSNoteProperty("Title", "Advisory for " + package));
            return item;
        }

        internal static void Prepare(Runspace runspace, string root, int total)
        {
            string marker = Path.Combine(root, ".bench-" + total);
            if (File.Exists(marker))
            {
                Console.WriteLine($"Reusing the {total:N0}-record state in {root}.");
                CleanNewRecords(root);
                return;
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }

            Invoke(runspace, "Initialize-SecurityState -Path $args[0] -NoGit | Out-Null", root);
            var sw = Stopwatch.StartNew();
            var now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");
            System.Threading.Tasks.Parallel.For(0, total, n =>
            {
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
                string path = Path.Combine(root, record.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllText(path, YamlFormat.Serialize(record));
            });
            File.WriteAllText(marker, string.Empty);
            Console.WriteLine($"Wrote {total:N0} records in {sw.Elapsed.TotalSeconds:0.0} s (setup, not measured).");
        }

        private static void CleanNewRecords(string root)
        {
            string dir = Path.Combine(root, "cves", "2027");
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
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
