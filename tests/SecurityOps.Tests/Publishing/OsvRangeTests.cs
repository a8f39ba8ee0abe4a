using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using Json.Schema;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Publishing
{
    /// <summary>OSV files of cases with ranges and with single versions: versions in versions, ranges in ranges, all valid.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class OsvRangeTests
    {
        private const string Clock = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'{0}')\ntry {{\n{1}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}";
        private readonly PowerShellFixture ps;

        public OsvRangeTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>The official schema file from the test fixtures, evaluated as it is: no widened rule, no copy in memory.</summary>
        private static void AssertValidAgainstTheOfficialFile(string json)
        {
            var schema = JsonSchema.FromText(File.ReadAllText(RepoPaths.Fixture("schemas", "osv-schema-1.7.5.json")));
            var result = schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            Assert.True(result.IsValid, json);
        }

        private static JsonObject Affected(string ecosystem, params string[] versions)
        {
            var doc = new JsonObject();
            OsvAffected.Write(doc, OsvAffected.Map(ecosystem, versions, "v1.4.2", "X"));
            return doc;
        }

        [Fact]
        public void RangesBecomeEventsOfTheEcosystemsTypeAndSingleVersionsStayVersions()
        {
            JsonObject go = Affected("Go", "< 1.2.0", ">= 1.3.0, < 1.3.5", "<= 1.0.9", "v1.4.0", "= 1.4.1", ">= 1.4.0");
            Assert.Equal(new[] { "v1.4.0", "1.4.1" }, go["versions"].AsArray().Select(v => (string)v));
            var ranges = go["ranges"].AsArray();
            Assert.All(ranges, r => Assert.Equal("SEMVER", (string)r["type"]));
            Assert.Equal("[{\"introduced\":\"0\"},{\"fixed\":\"1.2.0\"}]", ranges[0]["events"].ToJsonString());
            Assert.Equal("[{\"introduced\":\"1.3.0\"},{\"fixed\":\"1.3.5\"}]", ranges[1]["events"].ToJsonString());
            Assert.Equal("[{\"introduced\":\"0\"},{\"last_affected\":\"1.0.9\"}]", ranges[2]["events"].ToJsonString());
            Assert.Equal("[{\"introduced\":\"1.4.0\"},{\"fixed\":\"1.4.2\"}]", ranges[3]["events"].ToJsonString()); // closed by the fixed release

            Assert.Equal("SEMVER", (string)Affected("crates.io", "< 2.0.0")["ranges"][0]["type"]);
            Assert.Equal("SEMVER", (string)Affected("npm", "< 2.0.0")["ranges"][0]["type"]);
            JsonObject pypi = Affected("PyPI", "< 2.0", "1.9.post1", "1.0 - 1.5");
            Assert.All(pypi["ranges"].AsArray(), r => Assert.Equal("ECOSYSTEM", (string)r["type"]));
            Assert.Equal("[{\"introduced\":\"1.0\"},{\"last_affected\":\"1.5\"}]", pypi["ranges"][1]["events"].ToJsonString());
            Assert.Equal(new[] { "1.9.post1" }, pypi["versions"].AsArray().Select(v => (string)v));

            // What OSV has no event for is kept verbatim and said, never turned into a wrong range.
            JsonObject odd = Affected("Go", "> 1.2.0, < 1.3.0");
            Assert.Equal("> 1.2.0, < 1.3.0", (string)odd["database_specific"]["unmapped_ranges"][0]);
            Assert.Null(odd["ranges"]);

            var ex = Assert.Throws<SecurityOpsException>(() => OsvAffected.Map("Go", new[] { "< 1.4" }, null, "GHSA-x"));
            Assert.Equal("OsvVersionInvalid", ex.ErrorId);
            Assert.Contains("'1.4' is not a SemVer 2.0 version", ex.Message);
        }

        [Fact]
        public void ExportedFilesOfCasesWithRangesAndWithSingleVersionsAreValidAgainstTheUnmodifiedSchema()
        {
            using var state = new StateScope(ps, policy: null); // stacklok: no fix-version rule, so one release fixes every line
            TestConfig.SetSection(state.File("securityops.yaml"), "osv", "  idPrefix: GO\n  ecosystem: Go\n  package: github.com/example/runtime\n");
            state.Run(string.Format(Clock, "2026-02-02T10:00:00Z", @"
New-VulnerabilityReport -StatePath $state -Summary 'Path traversal in the unpacker' -Component runtime -AffectedVersion '>= 1.2.0, < 1.4.2','< 1.1.9' -Severity HIGH -Actor alice | Out-Null
New-VulnerabilityReport -StatePath $state -Summary 'Crash on empty manifest' -Component runtime -AffectedVersion v1.3.0,v1.3.1 -Severity LOW -Actor alice | Out-Null
New-VulnerabilityReport -StatePath $state -Summary 'Open range closed by the fix' -Component runtime -AffectedVersion '>= 1.3.0' -Severity LOW -Actor alice | Out-Null
foreach ($id in 'SEC-2026-0001','SEC-2026-0002','SEC-2026-0003') {
  Set-VulnerabilityReport -StatePath $state -Id $id -Status acknowledged
  Set-VulnerabilityReport -StatePath $state -Id $id -Status triaged -FixTeam bob
  Set-VulnerabilityReport -StatePath $state -Id $id -Status fixing -FixedIn v1.4.2 -PlannedPublicDate '2026-02-10T16:00:00Z'
}
Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -CveId CVE-2026-3001 -AdvisoryUrl https://github.com/example/runtime/security/advisories/GHSA-2p3q-4r5v-6w7x")).AssertNoErrors();
            string folder = Path.Combine(state.Path, "..", "osv-ranges");

            var run = state.Run(string.Format(Clock, "2026-02-11T09:00:00Z", $"Export-OsvAdvisory -StatePath $state -Path '{folder}'")).AssertNoErrors();
            var files = run.Objects<OsvAdvisoryFile>().ToDictionary(f => f.CaseId);
            Assert.Equal("GHSA-2p3q-4r5v-6w7x", files["SEC-2026-0001"].Id); // the advisory's id, the CVE an alias
            Assert.Equal("GO-2026-0002", files["SEC-2026-0002"].Id);        // no advisory: the configured prefix
            Assert.Empty(run.Warnings);
            foreach (string path in Directory.GetFiles(folder, "*.json"))
            {
                AssertValidAgainstTheOfficialFile(File.ReadAllText(path));
            }

            JsonNode ranged = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "GHSA-2p3q-4r5v-6w7x.json")));
            Assert.Equal(new[] { "CVE-2026-3001" }, ranged["aliases"].AsArray().Select(a => (string)a));
            Assert.Null(ranged["affected"][0]["versions"]);
            Assert.Equal(new[] { "1.2.0>1.4.2", "0>1.1.9" }, ranged["affected"][0]["ranges"].AsArray()
                .Select(r => (string)r["events"][0]["introduced"] + ">" + (string)r["events"][1]["fixed"]));

            JsonNode single = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "GO-2026-0002.json")));
            Assert.Equal(new[] { "v1.3.0", "v1.3.1" }, single["affected"][0]["versions"].AsArray().Select(v => (string)v));
            Assert.Null(single["affected"][0]["ranges"]);
            Assert.DoesNotContain("<", single.ToJsonString());

            JsonNode open = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "GO-2026-0003.json")));
            Assert.Equal("[{\"introduced\":\"1.3.0\"},{\"fixed\":\"1.4.2\"}]", open["affected"][0]["ranges"][0]["events"].ToJsonString());

            // No prefix configured: the case with an advisory is still exported, the others are counted in a warning.
            TestConfig.SetSection(state.File("securityops.yaml"), "osv", "  ecosystem: Go\n  package: github.com/example/runtime\n");
            string second = Path.Combine(state.Path, "..", "osv-noprefix");
            var unnamed = state.Run(string.Format(Clock, "2026-02-11T09:00:00Z", $"Export-OsvAdvisory -StatePath $state -Path '{second}'")).AssertNoErrors();
            Assert.Equal(new[] { "GHSA-2p3q-4r5v-6w7x" }, unnamed.Objects<OsvAdvisoryFile>().Select(f => f.Id));
            Assert.Contains("2 public case(s) or CVE record(s) were not exported", Assert.Single(unnamed.Warnings));
            var named = state.Run($"Export-OsvAdvisory -StatePath $state -Path '{second}' -Id SEC-2026-0002");
            Assert.Equal("OsvIdUnavailable,SecurityOps.Commands.ExportOsvAdvisoryCommand", Assert.Single(named.ErrorIds));
        }
    }
}
