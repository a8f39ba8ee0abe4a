using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using SecurityOps.Database;
using SecurityOps.Feeds.Readers;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Feeds;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Database
{
    /// <summary>Scores from the feeds: a CVSS vector read from OSV or a GitHub advisory is stored, scored and kept with its source.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class CvssFromFeedsTests
    {
        private const string HighV31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H";
        private readonly PowerShellFixture ps;

        public CvssFromFeedsTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void TheOsvReaderTakesTheSeverityVectorV3First()
        {
            // A real RustSec OSV record: severity [{ type: CVSS_V3, score: <vector> }].
            using var real = JsonDocument.Parse(File.ReadAllText(FeedFixtures.Folder("osv", "crates.io", "RUSTSEC-2020-0038.json")));
            Assert.Equal(HighV31, OsvReader.ToItem(real.RootElement, null).CvssVector);

            using var both = JsonDocument.Parse("{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"severity\":[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"},{\"type\":\"CVSS_V3\",\"score\":\"" + HighV31 + "\"}]}");
            Assert.Equal(HighV31, OsvReader.ToItem(both.RootElement, null).CvssVector);
            using var inAffected = JsonDocument.Parse("{\"id\":\"X-1\",\"affected\":[{\"package\":{\"name\":\"p\",\"ecosystem\":\"PyPI\"},\"severity\":[{\"type\":\"CVSS_V4\",\"score\":\"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N\"}]}]}");
            Assert.StartsWith("CVSS:4.0/", OsvReader.ToItem(inAffected.RootElement, null).CvssVector);
            using var none = JsonDocument.Parse("{\"id\":\"X-2\",\"severity\":[]}");
            Assert.Null(OsvReader.ToItem(none.RootElement, null).CvssVector);
        }

        [Fact]
        public void TheGitHubAdvisoryReaderTakesCvssSeveritiesThenTheOlderField()
        {
            using var doc = JsonDocument.Parse("{\"ghsa_id\":\"GHSA-1111-2222-3333\",\"cve_id\":\"CVE-2026-7001\"," +
                "\"cvss\":{\"vector_string\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N\",\"score\":5.3}," +
                "\"cvss_severities\":{\"cvss_v3\":{\"vector_string\":\"" + HighV31 + "\",\"score\":7.5},\"cvss_v4\":{\"vector_string\":null,\"score\":0.0}}}");
            Assert.Equal(HighV31, GitHubAdvisoryReader.ToItem(doc.RootElement).CvssVector);
            using var old = JsonDocument.Parse("{\"ghsa_id\":\"GHSA-1111-2222-4444\",\"cvss\":{\"vector_string\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N\",\"score\":5.3}}");
            Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", GitHubAdvisoryReader.ToItem(old.RootElement).CvssVector);
        }

        [Fact]
        public void AFeedVectorIsScoredAndKeptWithItsSourceAndAPersonsVectorIsNeverReplacedByAFeed()
        {
            using var folder = new TempFolder();
            SecurityState.Initialize(folder.Path, initGit: false);
            var database = new CveDatabase(new StateRepository(folder.Path));
            CveRecord first = database.Record(new CveObservation { CveId = "CVE-2026-7001", Source = "osv-crates", CvssVector = HighV31 });
            Assert.Equal((7.5, HighV31, "osv-crates", "HIGH"), (first.CvssScore, first.CvssVector, first.CvssSource, first.Severity));
            Assert.NotNull(first.CvssSetAt);

            // Another feed does not replace the first vector; the same source correcting it does.
            database.Record(new CveObservation { CveId = "CVE-2026-7001", Source = "ghsa", CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N" });
            Assert.Equal("osv-crates", database.Get("CVE-2026-7001").CvssSource);
            database.Record(new CveObservation { CveId = "CVE-2026-7001", Source = "osv-crates", CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" });
            Assert.Equal(9.8, database.Get("CVE-2026-7001").CvssScore);

            // A vector the scorer refuses is not stored.
            database.Record(new CveObservation { CveId = "CVE-2026-7002", Source = "osv-crates", CvssVector = "CVSS:3.1/AV:X" });
            Assert.Null(database.Get("CVE-2026-7002").CvssVector);

            // A person's vector, then a feed's: the person's stays.
            var vars = new Dictionary<string, object> { ["state"] = folder.Path };
            var set = ps.Run("Set-CveRecord -CveId CVE-2026-7001 -CvssVector 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N' -PassThru -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            CveRecord manual = set.Objects<CveRecord>().Single();
            Assert.Equal((5.9, "manual"), (manual.CvssScore, manual.CvssSource));
            database.Record(new CveObservation { CveId = "CVE-2026-7001", Source = "osv-crates", CvssVector = HighV31 });
            Assert.Equal((5.9, "manual"), (database.Get("CVE-2026-7001").CvssScore, database.Get("CVE-2026-7001").CvssSource));

            var bad = ps.Run("Set-CveRecord -CveId CVE-2026-7001 -CvssVector 'CVSS:3.1/AV:N' -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "InvalidCvssVector,SecurityOps.Commands.SetCveRecordCommand" }, bad.ErrorIds);
            Assert.Equal(5.9, database.Get("CVE-2026-7001").CvssScore);

            ps.Run("Set-CveRecord -CveId CVE-2026-7001 -CvssVector '' -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Null(database.Get("CVE-2026-7001").CvssScore);
        }

        [Fact]
        public void AddCveRecordStoresItsVectorAndRefusesAMalformedOneByName()
        {
            using var folder = new TempFolder();
            SecurityState.Initialize(folder.Path, initGit: false);
            var vars = new Dictionary<string, object> { ["state"] = folder.Path };
            var added = ps.Run("Add-CveRecord -CveId CVE-2026-7003 -Package dev-libs/openssl -CvssVector '" + HighV31 + "' -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            CveRecord record = added.Objects<CveRecord>().Single();
            Assert.Equal((7.5, HighV31, "manual"), (record.CvssScore, record.CvssVector, record.CvssSource));

            var bad = ps.Run("Add-CveRecord -CveId CVE-2026-7004 -Package dev-libs/openssl -CvssVector 'CVSS:3.1/AV:Q' -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "InvalidCvssVector,SecurityOps.Commands.AddCveRecordCommand" }, bad.ErrorIds);
            Assert.Contains("CVSS:3.1/AV:Q", bad.Errors.Single().ToString());
            Assert.Null(Assert.Single(bad.Objects<CveRecord>()).CvssVector); // recorded, without the vector
        }
    }
}
