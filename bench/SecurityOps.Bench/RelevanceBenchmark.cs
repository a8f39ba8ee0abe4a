using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using SecurityOps.Inventory;
using SecurityOps.Model;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Relevance of 20,000 advisories (GLSA ranges and OSV SEMVER / ECOSYSTEM ranges, a third of them on shipped
    /// packages) against an inventory of 2,000 packages with versions: warm time (floor: under 1 s), and the cost per
    /// advisory at 5,000, 10,000 and 20,000 to show it flat as the database grows.
    /// </summary>
    internal static class RelevanceBenchmark
    {
        public static int Run(string[] args)
        {
            var now = DateTimeOffset.UtcNow;
            var inventory = new PackageInventory { Name = "stable" };
            for (int i = 0; i < 1000; i++)
            {
                inventory.Packages.Add(new InventoryPackage { Name = $"cat-{i % 40}/pkg{i}", Ecosystem = "Gentoo", Version = $"{i % 7}.{i % 13}.{i % 5}_p{i % 3}-r{i % 4}" });
                inventory.Packages.Add(new InventoryPackage { Name = $"github.com/org{i % 50}/mod{i}", Ecosystem = "Go", Version = $"v{i % 3}.{i % 11}.{i % 9}" });
            }

            var records = new List<CveRecord>(20000);
            for (int i = 0; i < 20000; i++)
            {
                int p = i % 3000; // 2/3 of the names shipped, 1/3 not
                PackageRef package = i % 2 == 0
                    ? new PackageRef($"cat-{p % 40}/pkg{p}", "Gentoo") { Vulnerable = new List<string> { $"lt {p % 7}.{(p + i) % 13}.3" }, Unaffected = new List<string> { $"ge {p % 7}.{(p + i) % 13}.3" } }
                    : new PackageRef($"github.com/org{p % 50}/mod{p}", "Go")
                    {
                        Ranges = new List<AffectedRange> { new AffectedRange { Type = i % 4 == 1 ? "SEMVER" : "ECOSYSTEM", Events = { new RangeEvent { Introduced = "0" }, new RangeEvent { Fixed = $"{p % 3}.{(p + i) % 11}.4" } } } },
                    };
                records.Add(new CveRecord { CveId = $"CVE-2025-{10000 + i}", Packages = { package } });
            }

            var evaluator = new RelevanceEvaluator(new[] { inventory });
            foreach (CveRecord r in records.Take(2000))
            {
                evaluator.Evaluate(r, now); // warm-up
            }

            foreach (int n in new[] { 5000, 10000, 20000 })
            {
                var clock = Stopwatch.StartNew();
                foreach (CveRecord r in records.Take(n))
                {
                    r.Relevance = null;
                    evaluator.Apply(r, now);
                }

                clock.Stop();
                Console.WriteLine($"{n,6} advisories vs 2,000 packages: {clock.Elapsed.TotalMilliseconds,8:0.0} ms, {clock.Elapsed.TotalMilliseconds * 1000 / n,6:0.0} us per advisory");
            }

            var counts = records.GroupBy(r => r.RelevanceState).ToDictionary(g => g.Key, g => g.Count());
            Console.WriteLine("States: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
            return 0;
        }
    }
}
