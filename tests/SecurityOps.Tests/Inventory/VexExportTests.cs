using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SecurityOps.Database;
using SecurityOps.Inventory;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Inventory
{
    /// <summary>Export-VexDocument: OpenVEX statements from the relevance decisions, through the public gate, valid by the 0.2.0 rules.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class VexExportTests
    {
        private readonly PowerShellFixture ps;

        public VexExportTests(PowerShellFixture ps) => this.ps = ps;

        private static void Seed(string state)
        {
            var files = new StateRepository(state);
            new InventoryStore(files).Save(new PackageInventory
            {
                Name = "stable",
                Packages =
                {
                    new InventoryPackage { Name = "dev-libs/openssl", Ecosystem = "Gentoo", Version = "3.3.2", Purl = "pkg:generic/openssl@3.3.2" },
                    new InventoryPackage { Name = "app-misc/screen", Ecosystem = "Gentoo", Version = "4.9.1" },
                },
            });
            var service = new RelevanceService(files, SecurityState.Open(state).Config);
            var db = new CveDatabase(files);
            void Add(string id, string package, string range, Action<CveRecord> then = null)
            {
                var observation = new CveObservation { CveId = id, Source = "gentoo" };
                if (package != null)
                {
                    observation.Packages.Add(new PackageRef(package, "Gentoo") { Vulnerable = new List<string> { range } });
                }

                CveRecord r = db.Record(observation);
                service.Apply(r, ModuleContext.UtcNow);
                then?.Invoke(r);
                db.Save(r);
            }

            Add("CVE-2026-0001", "dev-libs/openssl", "lt 3.3.3");
            Add("CVE-2026-0002", "dev-libs/openssl", "lt 3.0");
            Add("CVE-2026-0003", "www-client/chromium", "lt 140");
            Add("CVE-2026-0004", null, null);
            Add("CVE-2026-0005", "dev-libs/openssl", "lt 3.3.3", r => { r.Status = "fixed"; r.FixedIn = "4230.1.0"; });
            Add("CVE-2026-0006", "app-misc/screen", "lt 5.0", r => r.EmbargoedUntil = ModuleContext.UtcNow.AddDays(5));
            Add("CVE-2026-0007", "app-misc/screen", "lt 5.0", r => r.Relevance = new CveRelevance { State = CveRelevance.NotAffected, Manual = true, Reason = "Built without the vulnerable multiuser mode." });
        }

        [Fact]
        public void EveryDecisionBecomesItsStatementTheEmbargoedOneIsLeftOutAndTheDocumentIsValid()
        {
            using var state = new StateScope(ps, git: false);
            Seed(state.Path);
            string file = state.File("stable.openvex.json");

            var whatIf = state.Run($"Export-VexDocument -Path '{file}' -StatePath $state -WhatIf").AssertNoErrors();
            Assert.False(File.Exists(file));
            Assert.False(whatIf.Objects<VexDocumentFile>().Single().Written);

            VexDocumentFile written = state.Run($"Export-VexDocument -Path '{file}' -StatePath $state -Confirm:$false").AssertNoErrors().Objects<VexDocumentFile>().Single();
            Assert.True(written.Written);
            Assert.Equal((6, 1, 3, 1, 1, 1), (written.Statements, written.Affected, written.NotAffected, written.Fixed, written.UnderInvestigation, written.LeftOut));

            string text = File.ReadAllText(file);
            VexDocumentBuilder.Validate(text);
            JsonNode doc = JsonNode.Parse(text);
            Assert.Equal("https://openvex.dev/ns/v0.2.0", (string)doc["@context"]);
            Assert.Equal(1, (int)doc["version"]);
            Assert.StartsWith("urn:uuid:", (string)doc["@id"]);
            Assert.Equal("Example Project security team <security@example.org>", (string)doc["author"]);
            var statements = doc["statements"].AsArray().ToDictionary(s => (string)s["vulnerability"]["name"]);
            Assert.DoesNotContain("CVE-2026-0006", statements.Keys);
            Assert.DoesNotContain("CVE-2026-0006", text);

            JsonNode affected = statements["CVE-2026-0001"];
            Assert.Equal("affected", (string)affected["status"]);
            Assert.Contains("dev-libs/openssl 3.3.2 is vulnerable", (string)affected["action_statement"]);
            Assert.Equal("pkg:generic/example-project@stable", (string)affected["products"][0]["@id"]);
            Assert.Equal("pkg:generic/openssl@3.3.2", (string)affected["products"][0]["subcomponents"][0]["@id"]);
            Assert.Equal(("not_affected", "vulnerable_code_not_present"), ((string)statements["CVE-2026-0002"]["status"], (string)statements["CVE-2026-0002"]["justification"]));
            Assert.Equal(("not_affected", "component_not_present"), ((string)statements["CVE-2026-0003"]["status"], (string)statements["CVE-2026-0003"]["justification"]));
            Assert.Equal("under_investigation", (string)statements["CVE-2026-0004"]["status"]);
            Assert.Equal(("fixed", "Fixed in 4230.1.0."), ((string)statements["CVE-2026-0005"]["status"], (string)statements["CVE-2026-0005"]["status_notes"]));
            JsonNode overruled = statements["CVE-2026-0007"];
            Assert.Equal(("not_affected", "Built without the vulnerable multiuser mode."), ((string)overruled["status"], (string)overruled["impact_statement"]));
            Assert.Null(overruled["justification"]);

            // The same decisions: not rewritten. A changed one: version 2, same document id.
            DateTime stamp = File.GetLastWriteTimeUtc(file);
            VexDocumentFile again = state.Run($"Export-VexDocument -Path '{file}' -StatePath $state -Confirm:$false").AssertNoErrors().Objects<VexDocumentFile>().Single();
            Assert.False(again.Written);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(file));
            state.Run("Set-CveRecord CVE-2026-0004 -Relevance not-affected -RelevanceReason 'A documentation-only change.' -Confirm:$false -StatePath $state").AssertNoErrors();
            VexDocumentFile changed = state.Run($"Export-VexDocument -Path '{file}' -StatePath $state -Confirm:$false").AssertNoErrors().Objects<VexDocumentFile>().Single();
            Assert.Equal((true, 2, written.DocumentId), (changed.Written, changed.Version, changed.DocumentId));
        }

        [Fact]
        public void TheShippedRulesRefuseADocumentThatBreaksThemAndNoInventoryIsAClearError()
        {
            string bad = "{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"urn:uuid:1\",\"author\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"version\":1," +
                         "\"statements\":[{\"vulnerability\":{\"name\":\"CVE-2026-1\"},\"status\":\"affected\"}]}";
            var error = Assert.Throws<SecurityOpsException>(() => VexDocumentBuilder.Validate(bad));
            Assert.Equal("VexDocumentInvalid", error.ErrorId);
            string both = bad.Replace("\"status\":\"affected\"", "\"status\":\"not_affected\",\"justification\":\"component_not_present\",\"impact_statement\":\"x\"");
            Assert.Throws<SecurityOpsException>(() => VexDocumentBuilder.Validate(both));
            VexDocumentBuilder.Validate(bad.Replace("\"status\":\"affected\"", "\"status\":\"affected\",\"action_statement\":\"Update.\""));

            using var state = new StateScope(ps, git: false);
            var none = state.Run($"Export-VexDocument -Path '{state.File("x.json")}' -StatePath $state -Confirm:$false");
            Assert.Equal(new[] { "VexNoInventory,SecurityOps.Commands.ExportVexDocumentCommand" }, none.ErrorIds);
            Assert.False(File.Exists(state.File("x.json")));
        }
    }
}
