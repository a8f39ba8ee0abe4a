using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.Tests.Infrastructure;
using Xunit;
using static SecurityOps.Tests.Disclosure.CaseWorkflowTests;

namespace SecurityOps.Tests.Publishing
{
    public sealed class PublishingServiceTests
    {
        private static readonly Regex LinePattern = new Regex(@"^- (?<package>[^(]+) \((?<links>.*)\)$");
        private static readonly Regex CveInLine = new Regex(@"\[(CVE-\d{4}-\d+)\]");

        /// <summary>CVE records for the packages and CVEs of real Flatcar lines, in a scrambled order.</summary>
        private static List<CveRecord> RecordsFrom(string[] lines, string release)
        {
            var records = new List<CveRecord>();
            foreach (string line in lines)
            {
                Match m = LinePattern.Match(line);
                Assert.True(m.Success, line);
                foreach (Match cve in CveInLine.Matches(m.Groups["links"].Value))
                {
                    var r = new CveRecord { CveId = cve.Groups[1].Value, Status = "fixed", FixedIn = release };
                    r.Packages.Add(new PackageRef(m.Groups["package"].Value, "Gentoo"));
                    records.Add(r);
                }
            }

            records.Reverse();
            return records.OrderBy(r => r.CveId.GetHashCode() & 7).ToList();
        }

        [Fact]
        public void ChangelogLinesMatchRealFlatcarLinesWithCveOrgLinks()
        {
            string[] real = File.ReadAllLines(RepoPaths.Fixture("flatcar", "changelog-cve-org.md"));
            var records = RecordsFrom(real, "4230.2.0");
            records.Add(new CveRecord { CveId = "CVE-2025-0001", FixedIn = "4230.1.0", Packages = { new PackageRef("other-release") } });

            ReleaseNote note = ReleaseNoteBuilder.Build("4230.2.0", records, new VulnerabilityCase[0], T0, "Changelog", "Flatcar", null);

            Assert.Equal(string.Join("\n", real) + "\n", note.Markdown);
            Assert.Equal(4, note.CveIds.Count);
            Assert.Equal(0, note.LeftOut);
        }

        [Fact]
        public void SeveralCvesOfAPackageShareOneLineSortedByYearThenNumber()
        {
            string[] real = File.ReadAllLines(RepoPaths.Fixture("flatcar", "changelog-nvd-multi.md"));
            var records = RecordsFrom(real, "4152.2.1");

            string markdown = ReleaseNoteBuilder.Build("4152.2.1", records, new VulnerabilityCase[0], T0, "Changelog", "Flatcar", null).Markdown;

            // Flatcar linked NVD in early 2025 and links cve.org now: the format is otherwise the same, byte for byte.
            string expected = string.Join("\n", real).Replace("https://nvd.nist.gov/vuln/detail/", ReleaseNoteBuilder.CveLinkBase) + "\n";
            Assert.Equal(expected, markdown);
            Assert.Contains("- curl ([CVE-2025-0167](https://www.cve.org/CVERecord?id=CVE-2025-0167), [CVE-2025-0665]", markdown);
            Assert.StartsWith("- binutils ([CVE-2024-53589]", markdown); // 2024 before 2025, then 1176 before 1178
        }

        [Fact]
        public void NumbersSortAsNumbersAndPackagesInOrdinalOrder()
        {
            var records = new[]
            {
                new CveRecord { CveId = "CVE-2024-10000", FixedIn = "r1", Packages = { new PackageRef("openssl") } },
                new CveRecord { CveId = "CVE-2024-9999", FixedIn = "r1", Packages = { new PackageRef("openssl") } },
                new CveRecord { CveId = "CVE-2023-50000", FixedIn = "r1", Packages = { new PackageRef("openssl"), new PackageRef("Linux") } },
            };
            string md = ReleaseNoteBuilder.Build("r1", records, new VulnerabilityCase[0], T0, "Changelog", "P", null).Markdown;
            Assert.Equal(
                "- Linux ([CVE-2023-50000](https://www.cve.org/CVERecord?id=CVE-2023-50000))\n" +
                "- openssl ([CVE-2023-50000](https://www.cve.org/CVERecord?id=CVE-2023-50000), [CVE-2024-9999](https://www.cve.org/CVERecord?id=CVE-2024-9999), [CVE-2024-10000](https://www.cve.org/CVERecord?id=CVE-2024-10000))\n",
                md);
        }

        private static VulnerabilityCase PublicCase(string id, string cve, string severity, string release = "v0.8.1")
        {
            var c = NewCase(severity: severity);
            c.Id = id;
            c.CveId = cve;
            c.Summary = "Summary of " + id;
            c.Component = "cloudcore";
            c.FixedVersions.Insert(0, release);
            c.PlannedPublicDate = T0.AddDays(10);
            c.AffectedVersions.Add("v0.8.0");
            c.Impact = "Impact of " + id;
            c.Mitigation = "Mitigation of " + id;
            c.Credits.Add("Jane Finder");
            c.FixedBy.Add("https://github.com/example/project/pull/42");
            c.AdvisoryUrl = "https://github.com/example/project/security/advisories/GHSA-abcd-efgh-ijkl";
            c.CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
            c.CvssScore = 7.5;
            return c;
        }

        [Fact]
        public void EmbargoedCasesAndRecordsAreLeftOutWithAWarningThatNamesNothing()
        {
            var open = PublicCase("SEC-2026-0001", "CVE-2026-1001", "MEDIUM");
            var secret = PublicCase("SEC-2026-0002", "CVE-2026-2002", "HIGH");
            secret.Summary = "Secret token bypass in edgemesh";
            secret.PlannedPublicDate = T0.AddDays(30);
            var records = new[]
            {
                new CveRecord { CveId = "CVE-2026-2002", FixedIn = "v0.8.1", Packages = { new PackageRef("edgemesh") } }, // the embargoed case's CVE
                new CveRecord { CveId = "CVE-2026-3003", FixedIn = "v0.8.1", EmbargoedUntil = T0.AddDays(40), Packages = { new PackageRef("keadm") } },
                new CveRecord { CveId = "CVE-2026-4004", FixedIn = "v0.8.1", EmbargoedUntil = T0.AddDays(5), Packages = { new PackageRef("router") } },
            };
            var sink = new RecordingSink();

            ReleaseNote note = ReleaseNoteBuilder.Build("v0.8.1", records, new[] { open, secret }, T0.AddDays(20), "All", "KubeEdge", sink);

            Assert.Equal(new[] { "CVE-2026-1001", "CVE-2026-4004" }, note.CveIds);
            Assert.Equal(new[] { "SEC-2026-0001" }, note.CaseIds);
            Assert.Equal(2, note.LeftOut); // the embargoed case (with its CVE record) and the embargoed record
            foreach (string hidden in new[] { "CVE-2026-2002", "CVE-2026-3003", "SEC-2026-0002", "edgemesh", "keadm", "Secret token" })
            {
                Assert.DoesNotContain(hidden, note.Markdown);
                Assert.DoesNotContain(hidden, string.Join(" ", sink.Warnings));
            }

            string warning = Assert.Single(sink.Warnings);
            Assert.Contains("2 issue(s) fixed in v0.8.1 are still under embargo", warning);

            // After the public date everything is in.
            ReleaseNote later = ReleaseNoteBuilder.Build("v0.8.1", records, new[] { open, secret }, T0.AddDays(41), "All", "KubeEdge", null);
            Assert.Equal(new[] { "CVE-2026-1001", "CVE-2026-2002", "CVE-2026-3003", "CVE-2026-4004" }, later.CveIds);
            Assert.Equal(0, later.LeftOut);
        }

        [Fact]
        public void DetailedReportAndBulletinCarryEveryField()
        {
            var medium = PublicCase("SEC-2026-0001", "CVE-2026-1001", "MEDIUM");
            var high = PublicCase("SEC-2026-0002", "CVE-2026-2002", "HIGH");
            ReleaseNote note = ReleaseNoteBuilder.Build("v0.8.1", new CveRecord[0], new[] { medium, high }, T0.AddDays(11), "All", "KubeEdge", null);
            string md = note.Markdown;

            Assert.StartsWith("## Security fixes\n\n- cloudcore ([CVE-2026-1001](https://www.cve.org/CVERecord?id=CVE-2026-1001), [CVE-2026-2002](", md);
            Assert.Contains("## Security report for v0.8.1", md);
            Assert.Contains("### CVE-2026-1001: Summary of SEC-2026-0001", md);
            foreach (string expected in new[]
            {
                "- **Impact:** Impact of SEC-2026-0001", "- **Severity:** MEDIUM (7.5)", "- **CVSS vector:** `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N`",
                "- **Affected:** cloudcore v0.8.0", "- **Fixed in:** v0.8.1", "- **Mitigation:** Mitigation of SEC-2026-0001", "- **Credits:** Jane Finder",
                "- **Advisory:** https://github.com/example/project/security/advisories/GHSA-abcd-efgh-ijkl", "- **Fix:** https://github.com/example/project/pull/42",
                "## Security bulletin", "KubeEdge v0.8.1 fixes 2 security issues. Update to v0.8.1.",
                "| [CVE-2026-2002](https://www.cve.org/CVERecord?id=CVE-2026-2002) | HIGH | cloudcore | Summary of SEC-2026-0002 |",
            })
            {
                Assert.Contains(expected, md);
            }

            // KubeEdge: a high issue's bulletin entry points to its advisory; a medium one carries its details.
            string bulletin = md.Substring(md.IndexOf("## Security bulletin", StringComparison.Ordinal));
            Assert.Contains("#### CVE-2026-2002: Summary of SEC-2026-0002\n\nFixed in v0.8.1; see the advisory for the details: https://github.com/example/project/security/advisories/GHSA-abcd-efgh-ijkl", bulletin);
            Assert.Contains("- **Impact:** Impact of SEC-2026-0001", bulletin);
            Assert.DoesNotContain("- **Impact:** Impact of SEC-2026-0002", bulletin);
        }

        /// <summary>
        /// A case entered after the fact: the report arrived on day 0, the team records it and its steps a month later
        /// (-ReceivedAt, -At). The retrospective orders the timeline by when things happened, and says when each was
        /// recorded where the two differ.
        /// </summary>
        [Fact]
        public void ACaseEnteredAfterTheFactReadsInTheOrderThingsHappenedWithWhenTheyWereRecorded()
        {
            DateTimeOffset entered = T0.AddDays(30);
            var c = new VulnerabilityCase { Id = "SEC-2026-0001", ReceivedAt = T0, Channel = "email", Policy = "full-process", Summary = "s", Component = "c", Severity = "HIGH" };
            c.Timeline.Add(CaseWorkflow.Created(c, "alice", entered));
            foreach (var (status, days) in new[] { ("acknowledged", 1), ("triaged", 2), ("fixing", 3), ("released", 10) })
            {
                c = CaseWorkflow.Apply(c, new CaseChange { Status = status, At = T0.AddDays(days) }, "alice", entered);
            }

            c = CaseWorkflow.Apply(c, new CaseChange { Note = "Entered from the mail thread." }, "alice", entered);
            Assert.Equal(T0, c.Timeline[0].At);
            Assert.Equal(entered, c.Timeline[0].RecordedAt);
            Assert.Null(c.Timeline.Last().RecordedAt); // recorded as it happened

            string md = RetrospectiveBuilder.Build(c, SecurityOps.Disclosure.PolicyCatalog.Preset("stacklok"), new List<DisclosureMilestone>(), entered, out _, out _);
            var rows = md.Split('\n').Where(l => l.StartsWith("| 2026-", StringComparison.Ordinal)).ToList();
            Assert.StartsWith("| 2026-01-05T10:00:00Z (recorded 2026-02-04T10:00:00Z) | alice | Report received", rows[0]);
            Assert.Contains("Status fixing -> released.", rows[4]);
            Assert.StartsWith("| 2026-02-04T10:00:00Z | alice | Entered from the mail thread.", rows[5]);
            Assert.True(md.IndexOf("Report received", StringComparison.Ordinal) < md.IndexOf("-> released", StringComparison.Ordinal));
        }

        [Fact]
        public void RetrospectiveShowsMetAndMissedMilestonesByHowMuch()
        {
            var c = NewCase();
            c.FixTeam.Add("bob");
            c = Move(c, "acknowledged", T0.AddHours(30), null);                                             // due 24 h: 6 h late
            c = CaseWorkflow.Apply(c, new CaseChange { FixTeam = new[] { "bob", "carol" } }, "bob", T0.AddHours(31)); // due 24 h: 7 h late
            c = Move(c, "triaged", T0.AddHours(32));
            c = Move(c, "fixing", T0.AddHours(33));
            c = CaseWorkflow.Apply(c, new CaseChange
            {
                Status = "released",
                FixedIn = "v1.2.3",
                IntroducedBy = new[] { "https://github.com/example/project/pull/7" },
                FixedBy = new[] { "https://github.com/example/project/pull/42" },
                AdvisoryUrl = "https://github.com/example/project/security/advisories/GHSA-abcd-efgh-ijkl",
            }, "carol", T0.AddDays(5));                                                                      // fix due 7 d: met 2 d early
            var policy = PolicyCatalog.Preset("kubernetes-style");
            DateTimeOffset now = T0.AddDays(9);                                                               // retrospective due 3 d after release: overdue by 1 d
            var milestones = TimelineCalculator.Compute(c, policy, now, TimeSpan.FromHours(24));

            string md = RetrospectiveBuilder.Build(c, policy, milestones, now, out int met, out int missed);

            Assert.Contains("| Acknowledge the report | within 24 h of the report | 2026-01-06T10:00:00Z | 2026-01-06T16:00:00Z | missed by 6 h |", md);
            Assert.Contains("| Form the fix team | within 24 h of the report | 2026-01-06T10:00:00Z | 2026-01-06T17:00:00Z | missed by 7 h |", md);
            Assert.Contains("| Develop the fix | 1-7 days after the report | 2026-01-12T10:00:00Z | 2026-01-10T10:00:00Z | met, 2 d before the deadline |", md);
            Assert.Contains("| Hold the retrospective | 1-3 days after the release | 2026-01-13T10:00:00Z | - | missed: not done, 1 d past the deadline |", md);
            // Released with no notice to the distributors: both notices can no longer happen, and count as missed.
            Assert.Contains("| Remind the distributors before the release | 24 h before the release | 2026-01-09T10:00:00Z | - | not applicable (cannot happen any more: the fix was released on 2026-01-10T10:00:00Z without it) |", md);
            Assert.Contains(md.Split('\n'), line => line.StartsWith("| Notify the distributors (embargoed) |", StringComparison.Ordinal) &&
                                                       line.EndsWith("| not applicable (cannot happen any more: the fix was released on 2026-01-10T10:00:00Z without it) |", StringComparison.Ordinal));
            Assert.Equal(2, met);     // fix, release
            Assert.Equal(5, missed);  // acknowledge, fix team, distributors' notice and reminder, retrospective
            Assert.Contains("- bob (fix team, 1 timeline entry)", md);
            Assert.Contains("- carol (fix team, 5 timeline entries)", md);
            Assert.Contains("- alice (", md);
            Assert.Contains("- **Introduced by:** https://github.com/example/project/pull/7", md);
            Assert.Contains("- **Fixed by:** https://github.com/example/project/pull/42", md);
            Assert.Contains("- **Advisory:** https://github.com/example/project/security/advisories/GHSA-abcd-efgh-ijkl", md);
            Assert.Contains("| 2026-01-10T10:00:00Z | carol | Fixed in v1.2.3. |", md);
            Assert.Contains("## What went well", md);
            Assert.Contains("## What did not go well", md);
            Assert.Contains("## Follow-ups", md);
            Assert.DoesNotContain("eve@", md);

            Assert.True(RetrospectiveBuilder.IsUntouchedDraft(md));
            Assert.True(RetrospectiveBuilder.IsUntouchedDraft(md.Replace("\n", "\r\n")));
            Assert.False(RetrospectiveBuilder.IsUntouchedDraft(md.Replace("## What went well\n\n- ", "## What went well\n\n- The fix was quick.")));
            Assert.False(RetrospectiveBuilder.IsUntouchedDraft("# my own notes\n"));
        }

        private static OsvSettings Settings(string prefix = "GO") => new OsvSettings { IdPrefix = prefix, Ecosystem = "Go", Package = "github.com/example/project" };

        [Fact]
        public void OsvDocumentsFromCasesAndRecordsAreValidAgainstTheOfficialSchema()
        {
            var c = PublicCase("SEC-2026-0007", "CVE-2026-1001", "HIGH");
            c.IntroducedBy.Add("https://github.com/example/project/pull/7");
            var exporter = new OsvExporter(Settings(), null);
            OsvAdvisoryFile file = exporter.Render(OsvDocumentBuilder.FromCase(c, Settings(), T0));

            Assert.True(file.Valid);
            JsonNode json = JsonNode.Parse(file.Json);
            Assert.Equal("GHSA-abcd-efgh-ijkl", (string)json["id"]); // the case's advisory names it
            Assert.Equal("1.7.5", (string)json["schema_version"]);
            Assert.Equal(new[] { "CVE-2026-1001" }, json["aliases"].AsArray().Select(a => (string)a));
            Assert.Equal("2026-01-15T10:00:00Z", (string)json["published"]);
            Assert.Equal("CVSS_V3", (string)json["severity"][0]["type"]);
            Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", (string)json["severity"][0]["score"]);
            var affected = json["affected"][0];
            Assert.Equal("Go", (string)affected["package"]["ecosystem"]);
            Assert.Equal("pkg:golang/github.com/example/project", (string)affected["package"]["purl"]);
            Assert.Null(affected["ranges"]); // one concrete affected version: versions, not a range
            Assert.Equal(new[] { "v0.8.0" }, affected["versions"].AsArray().Select(v => (string)v));
            var refs = json["references"].AsArray().Select(r => ((string)r["type"], (string)r["url"])).ToList();
            Assert.Contains(("FIX", "https://github.com/example/project/pull/42"), refs);
            Assert.Contains(("INTRODUCED", "https://github.com/example/project/pull/7"), refs);
            Assert.Equal("Jane Finder", (string)json["credits"][0]["name"]);

            var record = new CveRecord
            {
                CveId = "CVE-2024-6387", Title = "regreSSHion", Summary = "A signal handler race condition in sshd.", Status = "fixed", FixedIn = "3815.2.5",
                CvssVector = "CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", FirstSeen = T0, LastUpdated = T0.AddDays(1),
                Packages = { new PackageRef("net-misc/openssh", "Gentoo") }, References = { "https://www.openssh.com/txt/release-9.8" },
            };
            OsvAdvisoryFile fromRecord = exporter.Render(OsvDocumentBuilder.FromRecord(record, Settings(), T0));
            JsonNode r = JsonNode.Parse(fromRecord.Json);
            Assert.Equal("GO-CVE-2024-6387", (string)r["id"]);
            Assert.Equal("CVSS_V4", (string)r["severity"][0]["type"]);
            Assert.Equal("SEMVER", (string)r["affected"][0]["ranges"][0]["type"]); // Flatcar's versions are three numbers
            Assert.Equal("3815.2.5", (string)r["affected"][0]["ranges"][0]["events"][1]["fixed"]);
            Assert.Equal("net-misc/openssh", (string)r["database_specific"]["packages"][0]["name"]);

            record.FixedIn = "2026.01";
            var pypi = new OsvSettings { IdPrefix = "PYSEC", Ecosystem = "PyPI", Package = "example" };
            JsonNode calendar = JsonNode.Parse(new OsvExporter(pypi, null).Render(OsvDocumentBuilder.FromRecord(record, pypi, T0)).Json);
            Assert.Equal("ECOSYSTEM", (string)calendar["affected"][0]["ranges"][0]["type"]);
            Assert.Equal("2026.01", (string)calendar["affected"][0]["ranges"][0]["events"][1]["fixed"]);
        }

        [Fact]
        public void AnInvalidDocumentIsRefusedNamingTheJsonPath()
        {
            var c = PublicCase("SEC-2026-0007", "CVE-2026-1001", "HIGH");
            c.CvssVector = "CVSS:3.1/AV:X/AC:L"; // not a CVSS 3.1 vector: the schema's pattern rejects it
            var exporter = new OsvExporter(Settings(), null);
            var ex = Assert.Throws<SecurityOpsException>(() => exporter.Render(OsvDocumentBuilder.FromCase(c, Settings(), T0)));
            Assert.Equal("OsvValidationFailed", ex.ErrorId);
            Assert.Contains("$.severity[0].score", ex.Message);

            var bad = new OsvSettings { IdPrefix = "GO", Ecosystem = "Gentoo", Package = "net-misc/openssh" };
            ex = Assert.Throws<SecurityOpsException>(() => new OsvExporter(bad, null).Render(OsvDocumentBuilder.FromCase(PublicCase("SEC-2026-0008", null, "LOW"), bad, T0)));
            Assert.Contains("$.affected[0].package.ecosystem", ex.Message);
        }

        [Fact]
        public void AnUnregisteredPrefixWarnsAndItsRecordsAreNotRendered()
        {
            Assert.True(OsvSchemaValidator.IsRegisteredPrefix("GHSA"));
            Assert.True(OsvSchemaValidator.IsRegisteredPrefix("SUSE-SU"));
            Assert.False(OsvSchemaValidator.IsRegisteredPrefix("SECOPS"));

            var local = new OsvSettings { IdPrefix = "SECOPS", Ecosystem = "Go", Package = "github.com/example/project" };
            var sink = new RecordingSink();
            var exporter = new OsvExporter(local, sink);
            Assert.Contains("'SECOPS' is not one the official OSV schema 1.7.5 accepts", Assert.Single(sink.Warnings));
            var withoutAdvisory = PublicCase("SEC-2026-0009", null, "LOW");
            withoutAdvisory.AdvisoryUrl = null;
            var ex = Assert.Throws<SecurityOpsException>(() => exporter.Render(OsvDocumentBuilder.FromCase(withoutAdvisory, local, T0)));
            Assert.Equal("OsvIdPrefixNotAccepted", ex.ErrorId);
            Assert.Contains("Publish SEC-2026-0009's GitHub advisory", ex.Message);

            // A case with an advisory needs no prefix at all.
            Assert.Equal("GHSA-abcd-efgh-ijkl", exporter.Render(OsvDocumentBuilder.FromCase(PublicCase("SEC-2026-0010", null, "LOW"), local, T0)).Id);
            var none = new OsvSettings { Ecosystem = "Go", Package = "github.com/example/project" };
            var quiet = new RecordingSink();
            Assert.Equal("GHSA-abcd-efgh-ijkl", new OsvExporter(none, quiet).Render(OsvDocumentBuilder.FromCase(PublicCase("SEC-2026-0010", null, "LOW"), none, T0)).Id);
            Assert.Empty(quiet.Warnings);
            Assert.Equal("OsvIdUnavailable", Assert.Throws<SecurityOpsException>(() => OsvDocumentBuilder.FromCase(withoutAdvisory, none, T0)).ErrorId);

            Assert.Equal("InvalidOsvPrefix", Assert.Throws<SecurityOpsException>(() => new OsvExporter(new OsvSettings { IdPrefix = "bad prefix" }, null)).ErrorId);
        }

        [Fact]
        public void TheShippedSchemaIsTheOfficialOneAndAcceptsRealOsvRecords()
        {
            // The official file (ossf/osv-schema tag v1.7.5, commit 0cf04cce1145, validation/schema.json), kept byte for byte
            // in the test fixtures and pinned by its SHA-256: the module ships it unmodified.
            string official = File.ReadAllText(RepoPaths.Fixture("schemas", "osv-schema-1.7.5.json"));
            Assert.Equal("cd2fc34779f60388921829a31f1e860b77b334ee586bffe500887c0c2725dbd9",
                Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(RepoPaths.Fixture("schemas", "osv-schema-1.7.5.json")))).ToLowerInvariant());
            Assert.Equal(official, OsvSchemaValidator.OfficialSchemaText);
            var validator = OsvSchemaValidator.Official;
            foreach (string path in Directory.EnumerateFiles(RepoPaths.Fixture("feeds", "osv"), "*.json", SearchOption.AllDirectories))
            {
                Assert.Null(validator.FindProblem(JsonNode.Parse(File.ReadAllText(path))));
            }

            JsonNode broken = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("feeds", "osv", "go", "GO-2022-0354.json")));
            broken["modified"] = "yesterday";
            Assert.StartsWith("at $.modified:", validator.FindProblem(broken));
        }

        private sealed class RecordingSink : IEventSink
        {
            public List<string> Warnings { get; } = new List<string>();

            public void Verbose(string message)
            {
            }

            public void Warning(string message) => Warnings.Add(message);

            public void Progress(ProgressInfo progress)
            {
            }
        }
    }
}
