using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using SecurityOps.Database;
using SecurityOps.Feeds.Readers;
using SecurityOps.Inventory;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Inventory
{
    public sealed class RelevanceTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 1, 20, 8, 0, 0, TimeSpan.Zero);

        /// <summary>A Flatcar-shaped inventory: an ebuild tree of a few packages Flatcar ships, at chosen versions.</summary>
        private static PackageInventory FlatcarTree(TempFolder folder)
        {
            (string Atom, string Version)[] shipped =
            {
                ("app-editors/vim", "9.1.0794"),        // below GLSA's lt 9.1.1652: affected
                ("app-editors/vim-core", "9.1.1652"),   // fixed version: not affected
                ("sys-libs/glibc", "2.41-r6"),
                ("net-misc/ntp", "4.2.8_p18"),
                ("dev-vcs/git", "2.45.2"),
                ("sys-libs/pam", "1.5.3-r1"),
            };
            foreach (var (atom, version) in shipped)
            {
                string dir = Path.Combine(folder.Path, "portage-stable", atom);
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, atom.Split('/')[1] + "-" + version + ".ebuild"), "EAPI=8\n");
            }

            Directory.CreateDirectory(Path.Combine(folder.Path, "portage-stable", "metadata"));
            return new PackageInventory { Name = "stable", Format = "ebuild-tree", Packages = InventoryImporter.Read(Path.Combine(folder.Path, "portage-stable"), null, null) };
        }

        [Fact]
        public void OnTheRealGentooCaptureOnlyShippedVulnerableVersionsAreAffected()
        {
            using var folder = new TempFolder();
            PackageInventory inventory = FlatcarTree(folder);
            Assert.Equal(6, inventory.Packages.Count);
            Assert.All(inventory.Packages, p => Assert.Equal("Gentoo", p.Ecosystem));
            var evaluator = new RelevanceEvaluator(new[] { inventory });

            var records = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "SecurityOps.Tests", "Fixtures", "feeds", "gentoo"), "*.xml")
                .Select(f => GentooGlsaReader.Parse(File.ReadAllBytes(f), f, null, Path.GetFileNameWithoutExtension(f)))
                .Select(item => new CveRecord { CveId = item.CveIds.FirstOrDefault() ?? "CVE-2000-0001", Packages = item.Packages, Title = item.Title })
                .ToList();
            foreach (CveRecord r in records)
            {
                evaluator.Apply(r, Now);
            }

            var affected = records.Where(r => r.RelevanceState == CveRelevance.Affected).ToList();
            Assert.NotEmpty(affected);
            Assert.All(affected, r => Assert.Contains(r.Relevance.Findings, f => f.State == CveRelevance.Affected && inventory.Packages.Any(p => p.Name == f.Package && f.Version == p.Version)));
            Assert.Contains(affected, r => r.Packages.Any(p => p.Name == "app-editors/vim"));

            CveRecord chromium = records.First(r => r.Packages.Any(p => p.Name == "www-client/chromium"));
            Assert.Equal(CveRelevance.NotAffected, chromium.RelevanceState);
            Assert.StartsWith("not shipped", chromium.Relevance.Reason);
            Assert.DoesNotContain(affected, r => r.Packages.Any(p => p.Name.Contains("libreoffice") || p.Name.Contains("plex")));

            // vim and vim-core share the advisory: vim is vulnerable at 9.1.0794, vim-core at 9.1.1652 is not.
            CveRecord vim = affected.First(r => r.Packages.Any(p => p.Name == "app-editors/vim"));
            var core = vim.Relevance.Findings.Single(f => f.Package == "app-editors/vim-core");
            Assert.Equal(CveRelevance.NotAffected, core.State);
            Assert.Contains("9.1.1652", core.Version);
        }

        [Fact]
        public void NoPackageIsUnknownAndAnAliasMatchesAcrossNames()
        {
            var inventory = new PackageInventory { Name = "stable", Packages = { new InventoryPackage { Name = "dev-libs/openssl", Ecosystem = "Gentoo", Version = "3.3.2" } } };
            var record = new CveRecord { CveId = "CVE-2026-0001" };
            var evaluator = new RelevanceEvaluator(new[] { inventory }, new System.Collections.Generic.Dictionary<string, string> { ["openssl"] = "dev-libs/openssl@Gentoo" });
            evaluator.Apply(record, Now);
            Assert.Equal(CveRelevance.Unknown, record.RelevanceState);

            record.Packages.Add(new PackageRef("openssl"));
            evaluator.Apply(record, Now);
            Assert.Equal(CveRelevance.Unknown, record.RelevanceState); // shipped, but the advisory gives no range
            Assert.Contains("no version range", record.Relevance.Reason);

            record.Packages[0].Vulnerable = new System.Collections.Generic.List<string> { "lt 3.3.3" };
            Assert.True(evaluator.Apply(record, Now));
            Assert.Equal(CveRelevance.Affected, record.RelevanceState);
            Assert.False(evaluator.Apply(record, Now)); // the same decision changes nothing
        }

        [Fact]
        public void AnInventoryIsStoredInTheStateAndTheImportersReadTheirFormats()
        {
            using var folder = new TempFolder();
            SecurityState.Initialize(folder.Path, initGit: false);
            var store = new InventoryStore(new StateRepository(folder.Path));
            File.WriteAllText(folder.Combine("go.mod"), "module x\n\ngo 1.22\n\nrequire (\n\tgolang.org/x/net v0.23.0 // indirect\n\tgithub.com/a/b v1.2.3\n)\nrequire github.com/c/d v0.1.0\n");
            File.WriteAllText(folder.Combine("Cargo.lock"), "version = 3\n\n[[package]]\nname = \"time\"\nversion = \"0.2.22\"\nsource = \"x\"\n\n[[package]]\nname = \"libc\"\nversion = \"0.2.150\"\n");
            File.WriteAllText(folder.Combine("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"name\":\"openssl\",\"versionInfo\":\"3.3.2\",\"externalRefs\":[{\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:ebuild/dev-libs/openssl@3.3.2\"}]},{\"name\":\"noversion\",\"versionInfo\":\"NOASSERTION\"}]}");
            File.WriteAllText(folder.Combine("bom.json"), "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":\"requests\",\"version\":\"2.31.0\",\"purl\":\"pkg:pypi/requests@2.31.0\",\"components\":[{\"group\":\"org.x\",\"name\":\"y\",\"version\":\"1\"}]}]}");
            File.WriteAllText(folder.Combine("list.txt"), "# shipped\nname,version,ecosystem\nsys-libs/glibc 2.41 Gentoo\npkg:golang/golang.org/x/crypto@v0.31.0\n");

            Assert.Equal(new[] { "golang.org/x/net@v0.23.0", "github.com/a/b@v1.2.3", "github.com/c/d@v0.1.0" }, InventoryImporter.Read(folder.Combine("go.mod"), null, null).Select(p => p.Name + "@" + p.Version));
            Assert.Equal(new[] { "time@0.2.22", "libc@0.2.150" }, InventoryImporter.Read(folder.Combine("Cargo.lock"), null, null).Select(p => p.Name + "@" + p.Version));
            var spdx = InventoryImporter.Read(folder.Combine("sbom.spdx.json"), null, null).Single();
            Assert.Equal(("dev-libs/openssl", "Gentoo", "3.3.2"), (spdx.Name, spdx.Ecosystem, spdx.Version));
            Assert.Equal(new[] { "requests|PyPI", "org.x/y|" }, InventoryImporter.Read(folder.Combine("bom.json"), null, null).Select(p => p.Name + "|" + p.Ecosystem));
            var list = InventoryImporter.Read(folder.Combine("list.txt"), null, null);
            Assert.Equal(new[] { "sys-libs/glibc|Gentoo|2.41", "golang.org/x/crypto|Go|v0.31.0" }, list.Select(p => $"{p.Name}|{p.Ecosystem}|{p.Version}"));

            store.Save(new PackageInventory { Name = "stable", Format = "list", Packages = list });
            store.Save(new PackageInventory { Name = "beta", Format = "cargo-lock", Packages = InventoryImporter.Read(folder.Combine("Cargo.lock"), null, null) });
            Assert.Equal(new[] { "beta", "stable" }, store.Names());
            Assert.Equal(2, store.Get("stable").Packages.Count);
            Assert.Throws<SecurityOpsException>(() => store.Get("../x"));
        }

        [Fact]
        public void APackageArrivingLaterMakesTheRecordAffectedAndQueuedOnce()
        {
            using var folder = new TempFolder();
            SecurityState.Initialize(folder.Path, initGit: false);
            var files = new StateRepository(folder.Path);
            new InventoryStore(files).Save(new PackageInventory { Name = "stable", Packages = { new InventoryPackage { Name = "app-editors/vim", Ecosystem = "Gentoo", Version = "9.1.0794" } } });
            var state = SecurityState.Open(folder.Path);
            var service = new RelevanceService(state.Files, state.Config);
            var database = new CveDatabase(state.Files);
            var queue = new CveFilingQueue(state.Files);

            CveRecord first = database.Record(new CveObservation { CveId = "CVE-2025-9999", Source = "oss-security" });
            Assert.True(service.Apply(first, Now));
            Assert.Equal(CveRelevance.Unknown, first.RelevanceState);
            Assert.False(service.ShouldFile(first));

            CveRecord second = database.Record(new CveObservation { CveId = "CVE-2025-9999", Source = "gentoo", Packages = { new PackageRef("app-editors/vim", "Gentoo") { Vulnerable = new System.Collections.Generic.List<string> { "lt 9.1.1652" } } } });
            Assert.True(service.Apply(second, Now));
            Assert.Equal(CveRelevance.Affected, second.RelevanceState);
            Assert.True(service.ShouldFile(second));
            database.Save(second);
            Assert.Equal(CveRelevance.Affected, database.Get("CVE-2025-9999").RelevanceState); // kept in the YAML
            Assert.Equal("lt 9.1.1652", database.Get("CVE-2025-9999").Packages.Single().Vulnerable.Single());

            // Re-deciding everything changes nothing now, so nothing is queued twice.
            Assert.Empty(service.ReevaluateAll(database, queue, Now));
            Assert.Empty(queue.Pending);
        }
    }
}
