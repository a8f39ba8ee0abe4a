using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SecurityOps.Database;
using SecurityOps.Inventory;
using SecurityOps.Model;
using SecurityOps.Runbook;
using SecurityOps.State;
using SecurityOps.Tests.Feeds;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Inventory
{
    /// <summary>The daily runbook on the real Gentoo capture (45 GLSAs) with a Flatcar-shaped inventory.</summary>
    public sealed class RunbookRelevanceTests
    {
        [Fact]
        public async Task OnlyShippedVulnerablePackagesArePlannedAndALatePackageIsListedOnce()
        {
            using var folder = new TempFolder();
            SecurityState.Initialize(folder.Path, initGit: false);
            string feed = new Uri(Path.Combine(RepoPaths.Root, "tests", "SecurityOps.Tests", "Fixtures", "feeds", "gentoo", "feed.rss")).AbsoluteUri;
            string config = File.ReadAllText(Path.Combine(folder.Path, "securityops.yaml"))
                .Replace("useDefaults: true", "useDefaults: false")
                .Replace("  issueRepository:\n", "  issueRepository: flatcar/Flatcar\n")
                .Replace("sources: []", $"sources:\n  - name: gentoo\n    type: gentoo-glsa\n    url: {feed}\n");
            File.WriteAllText(Path.Combine(folder.Path, "securityops.yaml"), config);
            var files = new StateRepository(folder.Path);
            new InventoryStore(files).Save(new PackageInventory
            {
                Name = "stable",
                Packages =
                {
                    new InventoryPackage { Name = "app-editors/vim", Ecosystem = "Gentoo", Version = "9.1.0794" },
                    new InventoryPackage { Name = "app-editors/vim-core", Ecosystem = "Gentoo", Version = "9.1.0794" },
                    new InventoryPackage { Name = "sys-libs/glibc", Ecosystem = "Gentoo", Version = "9.99" },   // newer than any range
                    new InventoryPackage { Name = "dev-vcs/git", Ecosystem = "Gentoo", Version = "2.45.2" },
                },
            });

            // First sighting without a package (oss-security style): unknown, not listed.
            var database = new CveDatabase(files);
            database.Record(new CveObservation { CveId = "CVE-2025-53905", Source = "oss-security" });
            // Another oss-security CVE that no source ever names a package for: listed for triage, run after run.
            database.Record(new CveObservation { CveId = "CVE-2025-77777", Source = "oss-security" });

            var state = SecurityState.Open(folder.Path);
            SecurityRunbookResult run = await new DailyRunbook(state, new RecordingSink()).RunAsync(new RunbookOptions { Environment = _ => null });
            Assert.True(run.Succeeded, string.Join("\n", run.Problems));
            Assert.NotEmpty(run.NewCves);

            var pending = run.PendingFiling.Select(id => database.Get(id)).ToList();
            Assert.NotEmpty(pending);
            Assert.All(pending, r => Assert.Equal(CveRelevance.Affected, r.RelevanceState));
            Assert.All(run.Issues, i => Assert.Contains(database.Get(i.CveId).Relevance.Findings,
                f => f.State == CveRelevance.Affected && new[] { "app-editors/vim", "app-editors/vim-core", "dev-vcs/git" }.Contains(f.Package)));
            Assert.DoesNotContain(run.Issues, i => i.Package.Contains("chromium") || i.Package.Contains("libreoffice") || i.Package.Contains("plex"));
            Assert.Single(run.PendingFiling, id => id == "CVE-2025-53905"); // the package arrived: listed, once

            // Package-less: never filed, but listed for triage in the result and the summary (not the one whose package arrived).
            Assert.Equal(new[] { "CVE-2025-77777" }, run.ForTriage);
            Assert.DoesNotContain("CVE-2025-77777", run.PendingFiling);
            Assert.Contains("**For triage:** 1 CVE(s)", run.Markdown);
            Assert.True(run.NewCveRelevance["affected"] > 0 && run.NewCveRelevance["not-affected"] > 0, string.Join(", ", run.NewCveRelevance));
            Assert.Equal(run.NewCves.Count, run.NewCveRelevance.Values.Sum());
            Assert.Contains($"Relevance of the new CVEs to the inventories: affected {run.NewCveRelevance["affected"]}, not-affected {run.NewCveRelevance["not-affected"]}", run.Markdown);
            Assert.Contains("CVE-2025-77777", run.Markdown);

            // Not shipped: recorded with the reason, not listed.
            var chromium = database.Query(new CveQuery()).First(r => r.Packages.Any(p => p.Name == "www-client/chromium"));
            Assert.Equal(CveRelevance.NotAffected, chromium.RelevanceState);
            Assert.Contains("not shipped", chromium.Relevance.Reason);
            Assert.DoesNotContain(chromium.CveId, run.PendingFiling);
            var glibc = database.Query(new CveQuery()).First(r => r.Packages.Any(p => p.Name == "sys-libs/glibc"));
            Assert.Equal(CveRelevance.NotAffected, glibc.RelevanceState);
            Assert.Contains("9.99 is unaffected", glibc.Relevance.Reason); // the shipped version, not just "not shipped"

            // A quiet second run lists nothing twice.
            SecurityRunbookResult again = await new DailyRunbook(SecurityState.Open(folder.Path), new RecordingSink()).RunAsync(new RunbookOptions { Environment = _ => null });
            Assert.Equal(run.PendingFiling.OrderBy(x => x), again.PendingFiling.OrderBy(x => x));
            Assert.Equal(new[] { "CVE-2025-77777" }, again.ForTriage);

            // Triaged (a person set its status): no longer listed.
            var triaged = database.Get("CVE-2025-77777");
            triaged.Status = "not-affected";
            database.Save(triaged);
            SecurityRunbookResult third = await new DailyRunbook(SecurityState.Open(folder.Path), new RecordingSink()).RunAsync(new RunbookOptions { Environment = _ => null });
            Assert.Empty(third.ForTriage);
            Assert.DoesNotContain("For triage", third.Markdown);
        }
    }
}
