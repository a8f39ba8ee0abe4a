using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Publishing
{
    /// <summary>The OSV export walk without PowerShell: the selection through the gate, approve each file, write.</summary>
    public sealed class OsvExportServiceTests : IDisposable
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-04-01T12:00:00Z");
        private readonly TempFolder folder = new TempFolder();
        private readonly StateRepository files;
        private readonly SecurityConfig config = new SecurityConfig { Osv = new OsvSettings { IdPrefix = "GHSA", Ecosystem = "Go", Package = "example/runtime" } };

        public OsvExportServiceTests()
        {
            SecurityState.Initialize(folder.Path, initGit: false);
            files = new StateRepository(folder.Path);
            var cases = new CaseStore(files);
            var database = new CveDatabase(files);
            cases.Save(Case(1, "CVE-2026-20001", Now.AddDays(-1)));  // public since yesterday
            cases.Save(Case(2, "CVE-2026-20002", Now.AddDays(10))); // embargoed for ten more days
            database.Save(Record("CVE-2026-20002"));                  // the team's record of the embargoed case's CVE
            database.Save(Record("CVE-2026-20003"));                  // a public record
            var byHand = Record("CVE-2026-20004");
            byHand.EmbargoedUntil = Now.AddDays(3);                   // embargoed by hand
            database.Save(byHand);
        }

        private string Out => Path.Combine(folder.Path, "osv-out");

        public void Dispose() => folder.Dispose();

        private static VulnerabilityCase Case(int n, string cve, DateTimeOffset publicDate) => new VulnerabilityCase
        {
            Id = VulnerabilityCase.FormatId(2026, n), Status = CaseStatus.Released, ReceivedAt = Now.AddDays(-30), Summary = "Issue " + n, Component = "example/runtime",
            CveId = cve, Severity = "HIGH", CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", AffectedVersions = { "1.0.0" }, FixedVersions = { "1.0.1" },
            PlannedPublicDate = publicDate, Policy = "kubernetes-style",
        };

        private static CveRecord Record(string cve) => new CveRecord
        {
            CveId = cve, Status = "fixed", FixedIn = "v1.0.1", Summary = "tracked " + cve, Packages = { new PackageRef("example/runtime", "Go") },
        };

        private OsvExportWalk Export(Func<string, string, bool> approve, IReadOnlyCollection<string> caseIds = null, IReadOnlyCollection<string> cveIds = null) =>
            new OsvExportService(files, config, new FixedClock(Now)).Export(new OsvExportRequest
            {
                Folder = Out, Approve = approve, CaseIds = caseIds ?? Array.Empty<string>(), CveIds = cveIds ?? Array.Empty<string>(),
            });

        /// <summary>
        /// A re-export leaves byte-identical files as they were and, since an export validated them against this schema
        /// version, does not validate them again; a file someone edited is validated and written anew.
        /// </summary>
        [Fact]
        public void AnUnchangedReExportKeepsTheFilesAndAnEditedFileIsWrittenAgain()
        {
            Assert.Empty(Export((target, action) => true).Errors);
            string marker = File.ReadAllText(Path.Combine(folder.Path, ".cache", "osv-validated.txt"));
            Assert.Contains(OsvSchemaValidator.SchemaVersion + "\t" + Path.GetFullPath(Out), marker);

            string edited = Path.Combine(Out, "GHSA-2026-0001.json");
            string original = File.ReadAllText(edited);
            File.WriteAllText(edited, original.Replace("\"summary\"", "\"summary_by_hand\""));
            OsvExportWalk again = Export((target, action) => true);
            Assert.Empty(again.Errors);
            Assert.Equal(new[] { false, true }, again.Written.OrderBy(f => f.Id).Select(f => f.Unchanged));
            Assert.Equal(original, File.ReadAllText(edited));
        }

        [Fact]
        public void DeclinedFilesAreNotWrittenAndApprovedOnesHoldThePublicAdvisoriesOnly()
        {
            var asked = new List<string>();
            OsvExportWalk declined = Export((target, action) =>
            {
                asked.Add(target);
                return false;
            });

            Assert.Equal(new[] { "GHSA-2026-0001.json", "GHSA-CVE-2026-20003.json" }, asked.Select(Path.GetFileName).OrderBy(n => n));
            Assert.Empty(declined.Written);
            Assert.False(Directory.Exists(Out));
            Assert.Equal(2, declined.LeftOut); // the embargoed case (with its CVE's record) and the record embargoed by hand

            OsvExportWalk approved = Export((target, action) => true);
            Assert.Empty(approved.Errors);
            string[] written = Directory.GetFiles(Out).Select(Path.GetFileName).OrderBy(n => n).ToArray();
            Assert.Equal(new[] { "GHSA-2026-0001.json", "GHSA-CVE-2026-20003.json" }, written);

            // Present with content, not only a name: each file is the advisory of its CVE.
            JsonNode fromCase = JsonNode.Parse(File.ReadAllText(Path.Combine(Out, "GHSA-2026-0001.json")));
            Assert.Equal("CVE-2026-20001", (string)fromCase["aliases"][0]);
            Assert.Equal("example/runtime", (string)fromCase["affected"][0]["package"]["name"]);
            JsonNode fromRecord = JsonNode.Parse(File.ReadAllText(Path.Combine(Out, "GHSA-CVE-2026-20003.json")));
            Assert.Contains("CVE-2026-20003", fromRecord.ToJsonString());

            // Absent, in any file: the embargoed case, its CVE, and the record embargoed by hand.
            string all = string.Concat(Directory.GetFiles(Out).Select(File.ReadAllText));
            Assert.DoesNotContain("CVE-2026-20002", all);
            Assert.DoesNotContain("CVE-2026-20004", all);
            Assert.DoesNotContain("SEC-2026-0002", all);
        }

        [Fact]
        public void AChosenEmbargoedCaseOrRecordIsRefusedByTheGateAndTheRestIsWritten()
        {
            OsvExportWalk walk = Export((target, action) => true, new[] { "SEC-2026-0001", "SEC-2026-0002" }, new[] { "CVE-2026-20004", "CVE-2026-29999" });

            Assert.Equal(new[] { "EmbargoActive:SEC-2026-0002", "EmbargoActive:CVE-2026-20004", "CveRecordNotFound:CVE-2026-29999" },
                walk.Errors.Select(e => e.ErrorId + ":" + e.Target));
            Assert.Equal(new[] { "GHSA-2026-0001" }, walk.Written.Select(f => f.Id));
            Assert.Equal(new[] { "GHSA-2026-0001.json" }, Directory.GetFiles(Out).Select(Path.GetFileName));
        }
    }
}
