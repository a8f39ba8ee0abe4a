using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Issue 7's figure: export 10,000 CVE records as schema-validated OSV files (target under 10 s), through the real
    /// cmdlet and the staged module, warm and in fresh processes, all new and with nothing changed (the run that passes
    /// over every record through .cache/osv-export.tsv); then, in process on the same records, the cost of each step with
    /// validation on its own, and the floor of an unchanged export (listing the files with their sizes and times).
    /// </summary>
    internal static class OsvExportBenchmark
    {
        public static int Run(string[] args)
        {
            int total = args.Length > 0 ? int.Parse(args[0]) : 10_000;
            string root = Path.Combine(Path.GetTempPath(), "secops-bench-osv");
            // Each export that writes new files gets a folder never used before: deleting 10,000 files and writing them
            // again under the same names right away makes the file system (ext4 with discard here) pay for the deletion
            // inside the timed run. The folders are removed at the end.
            string outputs = Path.Combine(Path.GetTempPath(), "secops-bench-osv-out");
            if (Directory.Exists(outputs))
            {
                Directory.Delete(outputs, true);
            }

            string NewOutput() => Path.Combine(outputs, Guid.NewGuid().ToString("N"));
            string output = null;
            string module = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../out/SecurityOps/SecurityOps.psd1"));
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }

            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            Invoke(runspace, $"Import-Module '{module}' -ErrorAction Stop");
            Invoke(runspace, "Initialize-SecurityState -Path $args[0] -NoGit | Out-Null", root);
            // The project's registered OSV prefix and package, set in the osv: section the new state's config already has.
            string config = Path.Combine(root, "securityops.yaml");
            File.WriteAllText(config, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(config),
                "(?m)^osv:\n", "osv:\n  idPrefix: GO\n  ecosystem: Go\n  package: github.com/example/project\n")
                .Replace("\n  idPrefix:\n", "\n").Replace("\n  ecosystem:\n", "\n").Replace("\n  package:\n", "\n"));
            var records = Enumerable.Range(0, total).Select(Record).ToList();
            var setup = Stopwatch.StartNew();
            foreach (CveRecord r in records)
            {
                string path = Path.Combine(root, r.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllText(path, YamlFormat.Serialize(r));
            }

            Console.WriteLine($"Wrote {total:N0} CVE records in {setup.Elapsed.TotalSeconds:0.0} s (setup, not measured).");

            // Warm the validator's one-time schema build separately, so the figure below is the steady state of a run.
            var warm = Stopwatch.StartNew();
            _ = OsvSchemaValidator.Official;
            Console.WriteLine($"Schema load and build (once per process): {warm.ElapsedMilliseconds} ms");

            for (int round = 1; round <= 2; round++)
            {
                output = NewOutput();

                var sw = Stopwatch.StartNew();
                var count = Invoke(runspace, "(Export-OsvAdvisory -StatePath $args[0] -Path $args[1] -Confirm:$false | Where-Object Valid).Count", root, output);
                sw.Stop();
                Console.WriteLine($"Export-OsvAdvisory, {count[0]} records -> {Directory.GetFiles(output).Length:N0} validated files (round {round}): {sw.Elapsed.TotalSeconds:0.00} s");
            }

            // Again into the same folder: nothing changed, so no file is written (each is read and compared).
            var unchanged = Stopwatch.StartNew();
            var same = Invoke(runspace, "(Export-OsvAdvisory -StatePath $args[0] -Path $args[1] -Confirm:$false | Where-Object Unchanged).Count", root, output);
            unchanged.Stop();
            Console.WriteLine($"Export-OsvAdvisory again, nothing changed: {same[0]} files left as they were: {unchanged.Elapsed.TotalSeconds:0.00} s");

            // What a scheduled job pays: a fresh process (engine start apart), once with nothing changed, once into an
            // empty folder (every document new, so every one validated).
            const string FreshScript = "$n = @(Export-OsvAdvisory -StatePath $args[0] -Path $args[1] -Confirm:$false).Count; \"files=$n\"";
            FreshTiming freshSame = FreshProcess.Best(1, "Export-OsvAdvisory, nothing changed", null, FreshScript, root, output);
            FreshTiming freshNew = FreshProcess.Best(1, "Export-OsvAdvisory, all new", null, FreshScript, root, NewOutput());
            Console.WriteLine($"Fresh process, import + Export-OsvAdvisory: nothing changed {freshSame.ImportAndCallMs / 1000:0.00} s; all new {freshNew.ImportAndCallMs / 1000:0.00} s");

            // The same work in process, step by step.
            var settings = new OsvSettings { IdPrefix = "GO", Ecosystem = "Go", Package = "github.com/example/project" };
            var exporter = new OsvExporter(settings, null);
            var now = DateTimeOffset.UtcNow;
            var build = Stopwatch.StartNew();
            var docs = records.Select(r => OsvDocumentBuilder.FromRecord(r, settings, now)).ToList();
            build.Stop();
            var validate = Stopwatch.StartNew();
            foreach (var d in docs)
            {
                exporter.Validator.Validate(d.Json, d.Id);
            }

            validate.Stop();
            var render = Stopwatch.StartNew();
            var files = docs.Select(exporter.Render).ToList();
            render.Stop();
            string folder = NewOutput();
            var write = Stopwatch.StartNew();
            foreach (var f in files)
            {
                OsvExporter.Write(folder, f);
            }

            write.Stop();
            Console.WriteLine($"In process, {total:N0} records: build {build.ElapsedMilliseconds} ms; schema validation alone {validate.ElapsedMilliseconds} ms " +
                              $"({validate.Elapsed.TotalMilliseconds * 1000 / total:0} us per document); validate + serialize {render.ElapsedMilliseconds} ms; atomic file writes {write.ElapsedMilliseconds} ms");

            // The floor of an export with nothing changed: what any export must do to know that, with no PowerShell and
            // nothing read: list the record files and the OSV files, with each one's size and time (best of three).
            var floors = new List<double>();
            for (int i = 0; i < 3; i++)
            {
                var floor = Stopwatch.StartNew();
                long seen = 0;
                foreach (string year in Directory.GetDirectories(Path.Combine(root, "cves")))
                {
                    foreach (FileInfo f in new DirectoryInfo(year).EnumerateFiles("CVE-*.yaml"))
                    {
                        seen += f.Length + f.LastWriteTimeUtc.Ticks;
                    }
                }

                foreach (FileInfo f in new DirectoryInfo(output).EnumerateFiles("*.json"))
                {
                    seen += f.Length + f.LastWriteTimeUtc.Ticks;
                }

                floors.Add(floor.Elapsed.TotalMilliseconds);
                GC.KeepAlive(seen);
            }

            Console.WriteLine($"Floor for nothing changed (list the {total:N0} record files and the OSV files with their sizes and times, in process, one thread): {floors.Min():0} ms");
            Directory.Delete(outputs, true);
            return 0;
        }

        private static CveRecord Record(int n)
        {
            var r = new CveRecord
            {
                CveId = $"CVE-{2015 + (n % 11)}-{10000 + n}",
                Status = n % 2 == 0 ? "fixed" : "tracked",
                Title = $"Buffer overflow in parser {n}",
                Summary = $"A crafted input makes the parser of package-{n % 300} write past its buffer.\nFixed upstream.",
                CvssScore = 7.5,
                CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
                FixedIn = $"1.{n % 40}.{n % 7}",
                FirstSeen = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(n),
                LastUpdated = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero).AddMinutes(n),
            };
            r.Packages.Add(new PackageRef($"dev-libs/package-{n % 300}", "Gentoo"));
            r.Sources.Add(new CveSighting { Source = "gentoo", AdvisoryId = $"GLSA 2026{n % 12:00}-{n % 30:00}", Link = $"https://security.gentoo.org/glsa/2026{n % 12:00}-{n % 30:00}" });
            r.References.Add($"https://example.org/advisories/{n}");
            return r;
        }

        private static List<PSObject> Invoke(Runspace runspace, string script, params string[] args)
        {
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript(script);
            foreach (string a in args)
            {
                ps.AddArgument(a);
            }

            var result = ps.Invoke().ToList();
            if (ps.Streams.Error.Count > 0)
            {
                throw new InvalidOperationException(ps.Streams.Error[0].ToString());
            }

            return result;
        }
    }
}
