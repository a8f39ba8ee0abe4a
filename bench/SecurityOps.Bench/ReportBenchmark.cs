using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation.Runspaces;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Reports;
using SecurityOps.State;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Export-SecurityReport on a state of 100,000 CVE records (the cvedb benchmark's state) and 500 open cases: the
    /// cmdlet warm in one engine, in a fresh process, and the floor (the same site built in memory, nothing written).
    /// </summary>
    internal static class ReportBenchmark
    {
        public static int Run(string[] args)
        {
            int total = args.Length > 0 ? int.Parse(args[0]) : 100_000;
            string root = Path.Combine(Path.GetTempPath(), "secops-bench-cvedb");
            string site = Path.Combine(Path.GetTempPath(), "secops-bench-report");
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            CveDatabaseBenchmark.Invoke(runspace, $"Import-Module '{FreshProcess.Module}' -ErrorAction Stop");
            CveDatabaseBenchmark.Prepare(runspace, root, total);
            AddCases(root, 500);

            const string Script = "Export-SecurityReport -Path $args[1] -StatePath $args[0] -RecentDays 30 -Confirm:$false | Out-Null";
            CveDatabaseBenchmark.Invoke(runspace, Script.Replace("$args[1]", $"'{site}'").Replace("$args[0]", $"'{root}'")); // warm-up
            var warm = new List<long>();
            for (int i = 0; i < 3; i++)
            {
                var sw = Stopwatch.StartNew();
                CveDatabaseBenchmark.Invoke(runspace, Script.Replace("$args[1]", $"'{site}'").Replace("$args[0]", $"'{root}'"));
                warm.Add(sw.ElapsedMilliseconds);
            }

            var floor = Stopwatch.StartNew();
            int files = new ReportSiteBuilder(SecurityState.Open(root)).Team(DateTimeOffset.UtcNow, 30).Count();
            floor.Stop();
            FreshTiming fresh = FreshProcess.Run(Script, root, site);
            long largest = Directory.GetFiles(site, "*.html", SearchOption.AllDirectories).Max(f => new FileInfo(f).Length);
            Console.WriteLine($"Export-SecurityReport, {total:N0} CVE records and 500 open cases, {files} files (largest page {largest / 1024} KB):");
            Console.WriteLine($"  warm: best {warm.Min()} ms of {string.Join(", ", warm)} ms (target: under 2,000 ms)");
            Console.WriteLine($"  fresh process: {fresh}");
            Console.WriteLine($"  floor (the same site built in memory, nothing written): {floor.ElapsedMilliseconds} ms");
            return warm.Min() < 2000 ? 0 : 1;
        }

        /// <summary>Open cases in several states (once per state folder).</summary>
        private static void AddCases(string root, int count)
        {
            var files = new StateRepository(root);
            var store = new CaseStore(files);
            if (store.Ids().Count() >= count)
            {
                return;
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            string[] statuses = { CaseStatus.Received, CaseStatus.Acknowledged, CaseStatus.Triaged, CaseStatus.Fixing };
            for (int i = store.Ids().Count(); i < count; i++)
            {
                var c = new VulnerabilityCase
                {
                    Id = $"SEC-{now.Year}-{i + 1:D4}",
                    Summary = $"Bench case {i + 1}: a path traversal in component {i % 40}",
                    Component = $"example/component-{i % 40}",
                    Channel = "email",
                    Policy = "kubernetes-style",
                    ReceivedAt = now.AddDays(-(i % 30)).AddHours(-i % 24),
                    Status = statuses[i % statuses.Length],
                    PlannedPublicDate = now.AddDays(10 + i % 20),
                };
                c.Timeline.Add(new CaseEvent { At = c.ReceivedAt, Kind = "created", What = "Bench case." });
                store.Save(c);
            }
        }
    }
}
