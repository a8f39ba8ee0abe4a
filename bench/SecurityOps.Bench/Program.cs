using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Entry point: `dotnet run -c Release --project bench/SecurityOps.Bench -- &lt;name&gt; [options]`.
    /// Each benchmark registers itself in <see cref="Benchmarks"/>; `list` shows them.
    /// </summary>
    public static class Program
    {
        internal static readonly Dictionary<string, (string Description, Func<string[], int> Run)> Benchmarks =
            new Dictionary<string, (string, Func<string[], int>)>(StringComparer.OrdinalIgnoreCase)
            {
                ["cvss"] = ("CVSS scoring: 1,000,000 vectors per version (v3.0, v3.1, v4.0), vectors per second", CvssBenchmark.Run),
                ["cvedb-breakdown"] = ("Where Get-CveRecord time goes (needs the cvedb state)", CveLoadBreakdown.Run),
                ["embargo-notice"] = ("Send-EmbargoNotice end to end to 200 members, each with its own RSA-3072 key (fresh process, warm, raw floor, steps)", EmbargoNoticeBenchmark.Run),
                ["embargo-mail"] = ("Embargo notice to 200 members, each encrypted to its own key, over one SMTP connection", _ => EmbargoMailBench.Run()),
                ["feeds"] = ("Feed readers: a 3,800-item RSS feed, gentoo-glsa on 3,817 items and their advisory XML files, rustsec on a 1,000-entry Atom feed, and 14,000 OSV files vs a bare XmlReader / Utf8JsonReader pass over the same bytes", FeedBenchmark.Run),
                ["osv-export"] = ("OSV export: 10,000 CVE records as schema-validated OSV files; validation cost on its own", OsvExportBenchmark.Run),
                ["runbook"] = ("Invoke-SecurityRunbook when nothing changed upstream, on a git state of 100,000 CVEs (feeds 304 on loopback, GitHub emulator)", RunbookBenchmark.Run),
                ["report"] = ("Export-SecurityReport on 100,000 CVE records and 500 open cases (warm, fresh process, in-memory floor)", ReportBenchmark.Run),
                ["relevance"] = ("Relevance: 20,000 advisories against an inventory of 2,000 packages with versions (warm; cost per advisory as the count grows)", RelevanceBenchmark.Run),
                ["startup"] = ("Start-up, fresh processes: the engine alone, + Import-Module, + the first Add-CveRecord of 5,000 items (500 changed, 50 new) on 100,000 records, and that call again warm (args: rounds, records, state folder)", StartupBenchmark.Run),
                ["cvedb"] = ("CVE database: 100,000 records; add 5,000 feed items (50 new); load all; import the module", CveDatabaseBenchmark.Run),
            };

        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == FreshProcess.ChildVerb)
            {
                return FreshProcess.Child(args.Skip(1).ToArray());
            }

            if (args.Length == 0 || args[0] == "list" || !Benchmarks.ContainsKey(args[0]))
            {
                Console.WriteLine("Benchmarks:");
                foreach (var pair in Benchmarks.OrderBy(p => p.Key))
                {
                    Console.WriteLine($"  {pair.Key,-12} {pair.Value.Description}");
                }

                return args.Length == 0 || args[0] == "list" ? 0 : 2;
            }

            return Benchmarks[args[0]].Run(args.Skip(1).ToArray());
        }
    }
}
