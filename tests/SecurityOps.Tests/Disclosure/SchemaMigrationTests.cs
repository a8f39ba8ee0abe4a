using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Disclosure
{
    /// <summary>A state written by release 0.1.0 (schema 1) is read and migrated by this one (schema 2): one case model.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class SchemaMigrationTests
    {
        private readonly PowerShellFixture ps;

        public SchemaMigrationTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void ACaseOfTheOldSchemaLoadsWithOneFixedListAndOneMitigationAndIsWrittenBackInTheNewForm()
        {
            using var state = new StateScope(ps);
            string old = File.ReadAllText(RepoPaths.Fixture("state-0.1.0", "cases", "SEC-2026-0007.yaml"));
            state.WriteFile("cases/SEC-2026-0007.yaml", old);

            var c = state.Run("Get-VulnerabilityReport -StatePath $state -Id SEC-2026-0007").AssertNoErrors().Objects<VulnerabilityCase>().Single();
            Assert.Equal(new[] { "v1.4.2", "v1.3.9" }, c.FixedVersions);
            Assert.Equal("v1.4.2", c.FixedIn);
            Assert.Equal("Do not unpack untrusted images.\n\nRun with --no-unpack until you upgrade.", c.Mitigation);
            Assert.Equal(old, state.ReadFile("cases/SEC-2026-0007.yaml")); // reading changes no file

            state.Run("Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0007 -Note 'migrated' -Confirm:$false").AssertNoErrors();
            string text = state.ReadFile("cases/SEC-2026-0007.yaml");
            Assert.Contains("schemaVersion: 2", text);
            Assert.DoesNotContain("fixedIn:", text);
            Assert.DoesNotContain("mitigations:", text);
            Assert.Contains("fixedVersions:\n- v1.4.2\n- v1.3.9", text);
            Assert.Contains("teamNotes: kept as it is", text);

            // -Mitigations is the same parameter as -Mitigation; -FixedIn puts the release first, keeping the backports.
            var updated = state.Run("Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0007 -Mitigations 'Upgrade.' -FixedIn v1.4.3 -PassThru -Confirm:$false")
                .AssertNoErrors().Objects<VulnerabilityCase>().Single();
            Assert.Equal("Upgrade.", updated.Mitigation);
            Assert.Equal(new[] { "v1.4.3", "v1.4.2", "v1.3.9" }, updated.FixedVersions);
        }
    }
}
