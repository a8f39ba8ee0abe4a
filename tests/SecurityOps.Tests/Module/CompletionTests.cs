using System.Linq;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Module
{
    /// <summary>Tab completion of names that live in the state, through the engine's own TabExpansion2.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class CompletionTests
    {
        private readonly PowerShellFixture ps;

        public CompletionTests(PowerShellFixture ps) => this.ps = ps;

        private static string[] Complete(StateScope state, string line)
        {
            string input = line.Replace("$state", "'" + state.Path + "'");
            return state.Run($"(TabExpansion2 -inputScript \"{input.Replace("\"", "`\"")}\" -cursorColumn {input.Length}).CompletionMatches | ForEach-Object CompletionText")
                .AssertNoErrors().Output.Select(o => o.ToString()).ToArray();
        }

        [Fact]
        public void CaseIdsRosterHandlesAndDistributorMembersComeFromTheState()
        {
            using var state = new StateScope(ps);
            state.Run(@"
[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-01-05T10:00:00Z')
try {
  New-VulnerabilityReport -StatePath $state -Summary one -Component a | Out-Null
  New-VulnerabilityReport -StatePath $state -Summary two -Component b | Out-Null
} finally { [SecurityOps.ModuleContext]::UseSystemTime() }").AssertNoErrors();
            state.WriteFile("distributors.yaml", "schemaVersion: 1\nmembers:\n- id: suse\n  organisation: SUSE\n- id: redhat\n  organisation: Red Hat\n- id: rancher\n  organisation: SUSE Rancher\n");
            const string year = "2026";

            Assert.Equal(new[] { $"SEC-{year}-0001", $"SEC-{year}-0002" }, Complete(state, "Set-VulnerabilityReport -StatePath $state -Id SEC-"));
            Assert.Equal(new[] { $"SEC-{year}-0002" }, Complete(state, $"Send-EmbargoNotice -StatePath $state -Id SEC-{year}-0002"));
            Assert.Equal(new[] { "rancher", "redhat" }, Complete(state, "Register-EmbargoLeak -StatePath $state -Member r"));
            Assert.Equal(new[] { "bob" }, Complete(state, "Get-Rotation -StatePath $state -Member b"));
            Assert.Equal(new[] { "alice", "bob", "carol" }, Complete(state, "Set-RotationOverride -StatePath $state -Week 2026-01-05 -Swap "));
        }
    }
}
