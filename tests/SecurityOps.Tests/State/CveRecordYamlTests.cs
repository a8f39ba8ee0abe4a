using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.State
{
    /// <summary>
    /// The hand-written CVE record reader gives exactly what the general YAML reader gives, on every record it takes,
    /// and declines (so the general reader answers, errors included) whatever is outside the shape the module writes.
    /// </summary>
    public sealed class CveRecordYamlTests
    {
        private static readonly string[] Tricky =
        {
            "plain words", "with: colon", "#hash", "a #b", "'quoted'", "\"double\"", "null", "~", "true", "False", "007", "1.5", "-1",
            "- dash", "[x]", "{y}", "é ünïcode ✓", "trailing ", " leading", "multi\nline", "back\\slash", "tab\there", string.Empty,
            "a'b", "a\"b", "&anchor", "*ref", "!tag", "%p", "@x", "`x", "?q", ",c", "http://x/y#z", "https://example.com/a?b=c&d=e",
            "CVE-2024-1234", "key: value: more", "ends with colon:", "NULL", "yes", "0x1F", ".inf", "2024-01-02", "a: b # c",
        };

        [ThreadStatic]
        internal static bool usedTricky;

        private static string Pick(Random rng)
        {
            if (rng.Next(12) != 0)
            {
                return "word" + rng.Next(1000);
            }

            usedTricky = true;
            return Tricky[rng.Next(Tricky.Length)];
        }

        private static DateTimeOffset? Time(Random rng) =>
            rng.Next(4) == 0 ? null : new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(rng.Next(200_000_000));

        internal static CveRecord RandomRecord(Random rng)
        {
            var r = new CveRecord
            {
                CveId = $"CVE-{2015 + rng.Next(12)}-{1000 + rng.Next(900_000)}",
                Status = CveRecord.Statuses[rng.Next(CveRecord.Statuses.Length)],
                Title = rng.Next(5) == 0 ? null : Pick(rng),
                Summary = rng.Next(5) == 0 ? null : Pick(rng) + " " + Pick(rng),
                CvssScore = rng.Next(3) == 0 ? null : Math.Round(rng.NextDouble() * 10, 1),
                CvssVector = rng.Next(3) == 0 ? null : "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                CvssSource = rng.Next(3) == 0 ? null : Pick(rng),
                CvssSetAt = Time(rng),
                FirstSeen = Time(rng),
                LastUpdated = Time(rng),
                FixedIn = rng.Next(4) == 0 ? Pick(rng) : null,
                Notes = rng.Next(4) == 0 ? Pick(rng) : null,
                EmbargoedUntil = rng.Next(5) == 0 ? Time(rng) : null,
            };
            for (int i = rng.Next(4); i > 0; i--)
            {
                var p = new PackageRef(Pick(rng), rng.Next(2) == 0 ? null : Pick(rng));
                if (rng.Next(3) == 0)
                {
                    p.Vulnerable = new List<string> { Pick(rng), Pick(rng) };
                    p.Versions = new List<string> { "1.0", Pick(rng) };
                }

                if (rng.Next(3) == 0)
                {
                    p.Ranges = new List<AffectedRange>
                    {
                        new AffectedRange { Type = "ECOSYSTEM", Events = { new RangeEvent { Introduced = "0" }, new RangeEvent { Fixed = Pick(rng) } } },
                    };
                }

                r.Packages.Add(p);
            }

            for (int i = rng.Next(4); i > 0; i--)
            {
                r.Sources.Add(new CveSighting { Source = Pick(rng), AdvisoryId = Pick(rng), Link = rng.Next(2) == 0 ? null : Pick(rng), SeenAt = Time(rng) });
            }

            for (int i = rng.Next(3); i > 0; i--)
            {
                r.References.Add(Pick(rng));
            }

            if (rng.Next(3) == 0)
            {
                r.Relevance = new CveRelevance
                {
                    State = CveRelevance.States[rng.Next(3)],
                    Reason = Pick(rng),
                    Manual = rng.Next(2) == 0,
                    DecidedBy = rng.Next(2) == 0 ? null : Pick(rng),
                    DecidedAt = Time(rng),
                };
                for (int i = rng.Next(3); i > 0; i--)
                {
                    r.Relevance.Findings.Add(new RelevanceFinding { Inventory = Pick(rng), Package = Pick(rng), Version = rng.Next(2) == 0 ? null : "1.2", State = "affected", Reason = Pick(rng) });
                }
            }

            if (rng.Next(3) == 0)
            {
                r.Issue = new IssueLink { Repository = "org/repo", Number = rng.Next(1, 99_999), Url = "https://github.com/org/repo/issues/1", FiledAt = Time(rng) };
            }

            return r;
        }

        private static string Json(CveRecord r) => JsonSerializer.Serialize(r);

        [Fact]
        public void EveryRecordItTakesReadsExactlyAsTheGeneralReaderAndPlainRecordsAreTaken()
        {
            var rng = new Random(20261204);
            int taken = 0, plainTaken = 0, plainTotal = 0;
            for (int i = 0; i < 3000; i++)
            {
                usedTricky = false;
                CveRecord original = RandomRecord(rng);
                string text = YamlFormat.SerializeGeneral(original);
                CveRecord general = YamlFormat.DeserializeGeneral<CveRecord>(text, "random.yaml");
                bool plain = !usedTricky;
                plainTotal += plain ? 1 : 0;
                if (CveRecordYaml.TryRead(text, out CveRecord fast))
                {
                    taken++;
                    plainTaken += plain ? 1 : 0;
                    Assert.True(Json(general) == Json(fast), $"The readers differ on:\n{text}\ngeneral: {Json(general)}\nfast:    {Json(fast)}");
                }
            }

            // The shape the module writes is taken: every record of plain words, and most of the rest.
            Assert.True(plainTotal == plainTaken, $"{plainTotal - plainTaken} of {plainTotal} records of plain words were declined");
            Assert.True(plainTotal > 100, $"only {plainTotal} plain records generated");
            Assert.True(taken > 1500, $"only {taken} of 3000 records taken by the hand-written reader");
        }

        [Theory]
        [InlineData("schemaVersion: 2\ncveId: CVE-2024-0001 # a person's comment\n")]
        [InlineData("# a person's note\nschemaVersion: 2\ncveId: CVE-2024-0001\n")]
        [InlineData("schemaVersion: 2\ncveId: CVE-2024-0001\ncveId: CVE-2024-0002\n")]
        [InlineData("schemaVersion: 1\ncveId: CVE-2024-0001\n")]
        [InlineData("schemaVersion: 2\ncveId: CVE-2024-0001\ntitle: a title that\n  goes on\n")]
        [InlineData("schemaVersion: 2\ncveId: CVE-2024-0001\ntitle: \"escaped \\\" quote\"\n")]
        [InlineData("schemaVersion: 2\ncveId: CVE-2024-0001\nsummary: |\n  block text\n")]
        [InlineData("schemaVersion: 2\ncveId: &a CVE-2024-0001\n")]
        [InlineData("schemaVersion: 2\ncveId: CVE-2024-0001\npackages: [{name: x}]\n")]
        [InlineData("schemaVersion: 2\ncveId: CVE-2024-0001\nissue:\n  number: twelve\n")]
        [InlineData("schemaVersion: 2\ncveId: [unclosed\n")]
        [InlineData("")]
        public void WhatIsOutsideTheShapeIsLeftToTheGeneralReader(string text)
        {
            Assert.False(CveRecordYaml.TryRead(text, out CveRecord record));
            Assert.Null(record);
        }

        [Fact]
        public void AKeyOrACommentAPersonAddedIsStillKeptWhenTheModuleRewritesTheRecord()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            var db = new SecurityOps.Database.CveDatabase(repo);
            db.Record(new SecurityOps.Database.CveObservation { CveId = "CVE-2024-2000", Source = "gentoo-glsa", Packages = { new PackageRef("unpacker") } });
            string path = repo.FullPath(CveRecord.PathFor("CVE-2024-2000"));
            Assert.True(CveRecordYaml.IsOwnShape(File.ReadAllText(path)));

            // A person adds a key of their own inside a package; another person adds a comment at the top.
            File.WriteAllText(path, File.ReadAllText(path).Replace("- name: unpacker\n", "- name: unpacker\n  owner: release-team\n"));
            Assert.False(CveRecordYaml.IsOwnShape(File.ReadAllText(path)));
            Assert.True(db.Record(new SecurityOps.Database.CveObservation { CveId = "CVE-2024-2000", Source = "osv" }).Changed);
            Assert.Contains("owner: release-team", File.ReadAllText(path));

            File.WriteAllText(path, "# checked by alice\n" + File.ReadAllText(path));
            Assert.False(CveRecordYaml.IsOwnShape(File.ReadAllText(path)));
            Assert.True(db.Record(new SecurityOps.Database.CveObservation { CveId = "CVE-2024-2000", Source = "nvd" }).Changed);
            string text = File.ReadAllText(path);
            Assert.Contains("# checked by alice", text);
            Assert.Contains("owner: release-team", text);
            Assert.Equal(new[] { "gentoo-glsa", "nvd", "osv" }, db.Get("CVE-2024-2000").Sources.Select(x => x.Source).OrderBy(x => x));
        }

        [Fact]
        public void TheStateReadsRecordsThroughItAndStillReportsBrokenFilesByLine()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            var record = new CveRecord { CveId = "CVE-2024-1234", Title = "Heap overflow in the unpacker", FirstSeen = DateTimeOffset.Parse("2026-01-01T00:00:00Z") };
            record.Packages.Add(new PackageRef("unpacker", "Gentoo"));
            record.Sources.Add(new CveSighting { Source = "gentoo-glsa", AdvisoryId = "GLSA-202601-01", SeenAt = DateTimeOffset.Parse("2026-01-01T00:00:00Z") });
            repo.Write(record.RelativePath, record);
            string text = File.ReadAllText(repo.FullPath(record.RelativePath));
            Assert.True(CveRecordYaml.TryRead(text, out _), text);
            Assert.Equal(Json(YamlFormat.DeserializeGeneral<CveRecord>(text, "x")), Json(repo.Read<CveRecord>(record.RelativePath)));

            // A duplicate key written by hand: the general reader's error, with the file and line, as before.
            File.WriteAllText(repo.FullPath(record.RelativePath), text + "cveId: CVE-2024-9999\n");
            var error = Assert.Throws<StateFileException>(() => repo.Read<CveRecord>(record.RelativePath));
            Assert.Equal("StateFileInvalid", error.ErrorId);
            Assert.True(error.Line > 1);
        }
    }
}
