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

        private OsvExportWalk Export(Func<string, string, bool> approve, IReadOnlyCollection<string> caseIds = null, IReadOnlyCollection<string> cveIds = null, DateTimeOffset? at = null) =>
            new OsvExportService(files, config, new FixedClock(at ?? Now)).Export(new OsvExportRequest
            {
                Folder = Out, Approve = approve, CaseIds = caseIds ?? Array.Empty<string>(), CveIds = cveIds ?? Array.Empty<string>(),
            });

        private OsvExportWalk ExportAll(DateTimeOffset? at = null) => Export((target, action) => true, at: at);

        private string ManifestPath => Path.Combine(folder.Path, ".cache", "osv-export.tsv");

        /// <summary>
        /// As when the next export comes a while after: the manifest is newer than every file it describes. (Here the
        /// files and the manifest are written within the same tick of the kernel's file clock, and an entry whose file
        /// is not older than the manifest is not trusted: that export would take the full path for it.)
        /// </summary>
        private void Settle() => File.SetLastWriteTimeUtc(ManifestPath, DateTime.UtcNow.AddSeconds(2));

        /// <summary>Each OSV file's name, bytes and write time.</summary>
        private Dictionary<string, (string Text, DateTime Time)> Snapshot() =>
            Directory.GetFiles(Out).ToDictionary(Path.GetFileName, f => (File.ReadAllText(f), File.GetLastWriteTimeUtc(f)));

        /// <summary>What the cmdlet reports for each file, Unchanged aside.</summary>
        private static string[] Reported(OsvExportWalk walk) => walk.Written.Select(f =>
            string.Join("|", f.Id, f.CaseId, string.Join(",", f.CveIds), string.Join(",", f.Packages), f.Modified.ToString("o"), f.Valid, f.Path, f.Json)).ToArray();

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
        /// <summary>
        /// An export of everything with nothing changed passes over the record unread (the manifest shows its file and its
        /// OSV file as the last export left them) and reports it exactly as the full path reports a file found unchanged:
        /// same fields, same JSON (read from the file), files and their times untouched, the manifest left as it was.
        /// </summary>
        [Fact]
        public void AnUnchangedExportPassesOverTheRecordsAndReportsWhatTheFullPathReports()
        {
            OsvExportWalk first = ExportAll();
            Assert.Empty(first.Errors);
            Assert.Equal(0, first.PassedOver);
            Assert.True(File.Exists(ManifestPath));
            Settle();
            var before = Snapshot();
            DateTime manifestTime = File.GetLastWriteTimeUtc(ManifestPath);

            OsvExportWalk again = ExportAll();
            Assert.Empty(again.Errors);
            Assert.Equal(1, again.PassedOver); // CVE-2026-20003; the case's advisory is always built
            Assert.Equal(Reported(first), Reported(again));
            Assert.All(again.Written, f => Assert.True(f.Unchanged));
            Assert.Equal(2, again.LeftOut);
            Assert.Equal(before, Snapshot());
            Assert.Equal(manifestTime, File.GetLastWriteTimeUtc(ManifestPath));

            // A chosen record takes the full path (the manifest is only for an export of everything) to the same result.
            OsvExportWalk chosen = Export((target, action) => true, cveIds: new[] { "CVE-2026-20003" });
            Assert.Equal(0, chosen.PassedOver);
            Assert.Equal(Reported(first).Where(r => r.StartsWith("GHSA-CVE-2026-20003|", StringComparison.Ordinal)), Reported(chosen));
        }

        [Fact]
        public void WithoutTheManifestOrWithADamagedOneTheExportIsTheSame()
        {
            OsvExportWalk first = ExportAll();
            Settle();
            var before = Snapshot();

            File.Delete(ManifestPath);
            OsvExportWalk without = ExportAll();
            Assert.Equal(0, without.PassedOver);
            Assert.Equal(Reported(first), Reported(without));
            Assert.All(without.Written, f => Assert.True(f.Unchanged));
            Assert.Equal(before, Snapshot());
            Assert.True(File.Exists(ManifestPath)); // written again

            foreach (string damaged in new[] { "garbage\n", File.ReadAllText(ManifestPath).TrimEnd('\n'), File.ReadAllText(ManifestPath).Replace("\t.\n", "\tx\n"), string.Empty })
            {
                File.WriteAllText(ManifestPath, damaged);
                Settle();
                OsvExportWalk again = ExportAll();
                Assert.Empty(again.Errors);
                Assert.Equal(0, again.PassedOver);
                Assert.Equal(Reported(first), Reported(again));
                Assert.Equal(before, Snapshot());
            }
        }

        [Fact]
        public void AnEditedRecordIsExportedAgainDespiteTheManifest()
        {
            ExportAll();
            Settle();
            string file = Path.Combine(Out, "GHSA-CVE-2026-20003.json");
            Assert.DoesNotContain("edited by hand", File.ReadAllText(file));

            var database = new CveDatabase(files);
            CveRecord record = database.Get("CVE-2026-20003");
            record.Summary = "tracked CVE-2026-20003, edited by hand";
            database.Save(record);
            OsvExportWalk again = ExportAll();
            Assert.Empty(again.Errors);
            Assert.Equal(0, again.PassedOver);
            Assert.False(again.Written.Single(f => f.Id == "GHSA-CVE-2026-20003").Unchanged);
            Assert.Contains("edited by hand", File.ReadAllText(file));

            // Remembered as it is now: the next export passes over it again.
            Settle();
            Assert.Equal(1, ExportAll().PassedOver);
        }

        /// <summary>
        /// The gate is asked about every record, passed over or not: a record whose CVE a new embargoed case names (its
        /// file unchanged), one given an embargo date by hand, and one whose own embargo date (kept in the manifest) is
        /// ahead of the export's clock are each left out, never reported, though the manifest shows them unchanged.
        /// </summary>
        [Fact]
        public void ARecordUnderEmbargoIsNotExportedThoughTheManifestShowsItUnchanged()
        {
            ExportAll();
            Settle();
            Assert.Equal(1, ExportAll().PassedOver);

            // A case under embargo now names the record's CVE; the record's file is as it was.
            var cases = new CaseStore(files);
            VulnerabilityCase embargoed = Case(3, "CVE-2026-20003", Now.AddDays(5));
            cases.Save(embargoed);
            OsvExportWalk held = ExportAll();
            Assert.Empty(held.Errors);
            Assert.Equal(0, held.PassedOver);
            Assert.DoesNotContain(held.Written, f => f.CveIds.Contains("CVE-2026-20003"));
            Assert.Equal(3, held.LeftOut); // the new case counts, its CVE's record with it
            files.Delete(embargoed.RelativePath);
            OsvExportWalk back = ExportAll(); // left out, so no longer remembered: the full path again, its file as it was
            Assert.Equal(0, back.PassedOver);
            Assert.True(back.Written.Single(f => f.Id == "GHSA-CVE-2026-20003").Unchanged);
            Settle();
            Assert.Equal(1, ExportAll().PassedOver);

            // The record itself gets an embargo date.
            var database = new CveDatabase(files);
            CveRecord record = database.Get("CVE-2026-20003");
            record.EmbargoedUntil = Now.AddDays(2);
            database.Save(record);
            OsvExportWalk own = ExportAll();
            Assert.DoesNotContain(own.Written, f => f.CveIds.Contains("CVE-2026-20003"));
            Assert.Equal(3, own.LeftOut);

            // CVE-2026-20004 is embargoed until Now + 3 days: exported (and remembered) by an export after that, then
            // left out by one whose clock is before it, with its file and the manifest's entry unchanged.
            DateTimeOffset later = Now.AddDays(4);
            Assert.Contains(ExportAll(later).Written, f => f.Id == "GHSA-CVE-2026-20004");
            Settle();
            Assert.Equal(2, ExportAll(later).PassedOver);
            OsvExportWalk before = ExportAll(Now);
            Assert.DoesNotContain(before.Written, f => f.CveIds.Contains("CVE-2026-20004"));
            Assert.Equal(3, before.LeftOut);
        }

        [Fact]
        public void AnOsvFileEditedOrDeletedByHandIsWrittenAgain()
        {
            ExportAll();
            Settle();
            string file = Path.Combine(Out, "GHSA-CVE-2026-20003.json");
            string original = File.ReadAllText(file);

            // Same length, other bytes.
            File.WriteAllText(file, original.Replace("\"fixed\"", "\"FIXED\""));
            Assert.Equal(original.Length, new FileInfo(file).Length);
            OsvExportWalk edited = ExportAll();
            Assert.Equal(0, edited.PassedOver);
            Assert.False(edited.Written.Single(f => f.Id == "GHSA-CVE-2026-20003").Unchanged);
            Assert.Equal(original, File.ReadAllText(file));

            Settle();
            File.Delete(file);
            OsvExportWalk deleted = ExportAll();
            Assert.Equal(0, deleted.PassedOver);
            Assert.False(deleted.Written.Single(f => f.Id == "GHSA-CVE-2026-20003").Unchanged);
            Assert.Equal(original, File.ReadAllText(file));
        }

        /// <summary>
        /// A file changed within the file clock's tick keeps its size and time; the manifest does not vouch for a file
        /// whose time is not older than its own (git's "racily clean" rule), so such a change is still found.
        /// </summary>
        [Fact]
        public void AnOsvFileNoOlderThanTheManifestIsComparedNotTrusted()
        {
            ExportAll();
            Settle();
            string file = Path.Combine(Out, "GHSA-CVE-2026-20003.json");
            string original = File.ReadAllText(file);
            DateTime written = File.GetLastWriteTimeUtc(file);

            File.WriteAllText(file, original.Replace("\"fixed\"", "\"FIXED\""));
            File.SetLastWriteTimeUtc(file, written);              // the same size and time the manifest holds...
            File.SetLastWriteTimeUtc(ManifestPath, written);      // ...written within the same tick as the manifest
            OsvExportWalk again = ExportAll();
            Assert.Equal(0, again.PassedOver);
            Assert.Equal(original, File.ReadAllText(file));
        }

        [Fact]
        public void ADeclinedOrWhatIfExportLeavesTheManifestAsItWas()
        {
            ExportAll();
            Settle();
            DateTime manifestTime = File.GetLastWriteTimeUtc(ManifestPath);
            var asked = new List<string>();
            OsvExportWalk declined = Export((target, action) =>
            {
                asked.Add(Path.GetFileName(target));
                return false;
            });

            Assert.Equal(new[] { "GHSA-2026-0001.json", "GHSA-CVE-2026-20003.json" }, asked); // a record passed over is still asked about
            Assert.Empty(declined.Written);
            Assert.Equal(manifestTime, File.GetLastWriteTimeUtc(ManifestPath));
            Assert.Equal(1, ExportAll().PassedOver);
        }

        /// <summary>Every osv: setting, the output folder and the schema version are in the key: changing one means the full path.</summary>
        [Fact]
        public void TheManifestKeyCoversEverySettingAndTheFolder()
        {
            var settings = new OsvSettings { IdPrefix = "GO", Ecosystem = "Go", Package = "example/p", Folder = "osv", StrictIdPrefix = false };
            string key = OsvExportManifest.KeyFor(settings, Out);
            Assert.Equal(key, OsvExportManifest.KeyFor(new OsvSettings { IdPrefix = "GO", Ecosystem = "Go", Package = "example/p", Folder = "osv" }, Out));
            Assert.NotEqual(key, OsvExportManifest.KeyFor(settings, Out + "-other"));
            foreach (var property in typeof(OsvSettings).GetProperties())
            {
                var changed = new OsvSettings { IdPrefix = "GO", Ecosystem = "Go", Package = "example/p", Folder = "osv" };
                property.SetValue(changed, property.PropertyType == typeof(bool) ? (object)true : "other");
                Assert.NotEqual(key, OsvExportManifest.KeyFor(changed, Out));
            }

            ExportAll();
            Settle();
            config.Osv.Package = "example/other";
            OsvExportWalk other = ExportAll();
            Assert.Equal(0, other.PassedOver);
            Assert.Contains("example/other", File.ReadAllText(Path.Combine(Out, "GHSA-CVE-2026-20003.json")));
        }

        /// <summary>The file's bytes are written straight to UTF-8: the very bytes of ToJsonString + "\n" that it replaced.</summary>
        [Fact]
        public void TheFileBytesAreThoseOfTheIndentedJsonText()
        {
            var record = Record("CVE-2026-20009");
            record.Title = "Überlauf in <parser> & \"quotes\" 'single' \u00e9\u4e2d\U0001F600 tab\tand \u0001 control";
            record.Summary = "line one\r\nline two\u2028 and a backslash \\";
            record.LastUpdated = Now;
            var exporter = new OsvExporter(config.Osv, null);
            OsvDocument doc = OsvDocumentBuilder.FromRecord(record, config.Osv, Now);
            OsvAdvisoryFile file = exporter.Render(doc);
            var indented = new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            string text = doc.Json.ToJsonString(indented) + "\n";
            Assert.Equal(new System.Text.UTF8Encoding(false).GetBytes(text), file.Content);
            Assert.Equal(text, file.Json);
        }
    }
}
