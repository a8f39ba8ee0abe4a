using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>The membership criteria have one source: the disclosure policy (presets or the state's own policy.yaml).</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class CriteriaSourceTests
    {
        private readonly PowerShellFixture ps;

        public CriteriaSourceTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void ThePresetsHoldThePublishedListsWithWhatTheModuleChecks()
        {
            var oci = PolicyCatalog.Preset("oci").Distributors.MembershipCriteria;
            Assert.Equal(8, oci.Count);
            Assert.Equal(new[] { "security-alias:alias", "vouched:vouch", "pgp:pgp" }, oci.Where(c => c.Check != "statement").Select(c => c.Id + ":" + c.Check));
            var kubeedge = PolicyCatalog.Preset("kubernetes-style").Distributors.MembershipCriteria;
            Assert.Equal(8, kubeedge.Count);
            Assert.Contains(kubeedge, c => c.Text == "Be a participant and active contributor in the KubeEdge community.");
            Assert.False(typeof(PolicyCatalog).Assembly.GetManifestResourceNames().Any(n => n.EndsWith("criteria.yaml")), "a second copy of the criteria is embedded");

            var (_, problems) = PolicyValidator.Check("name: x\ndistributors:\n  membershipCriteria:\n    - id: a\n      text: A.\n      check: telepathy\n", "p.yaml");
            Assert.Contains(problems, p => p.ToString().Contains("membershipCriteria[0].check"));
        }

        [Fact]
        public void AStatesOwnPolicyBringsItsOwnCriteria()
        {
            using var temp = new TempFolder();
            string state = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{state}' -Confirm:$false").AssertNoErrors();
            File.WriteAllText(Path.Combine(state, "policy.yaml"),
                "name: our-policy\ndistributors:\n  membershipCriteria:\n    - id: team-alias\n      text: Have a monitored security alias.\n      check: alias\n" +
                "    - id: ships-fixes\n      text: Ship security fixes within a week.\n");
            var vars = new Dictionary<string, object> { ["state"] = state };
            ps.Run("New-MembershipRequest -Id newco -Organisation NewCo -Criteria our-policy -SecurityAlias jane@newco.example -Answer @{ 'ships-fixes' = 'Yes, within days.' } -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var checks = ps.Run("Test-MembershipRequest newco -StatePath $state", vars).AssertNoErrors().Objects<MembershipCheckResult>().ToList();
            Assert.Equal(new[] { "team-alias", "ships-fixes" }, checks.Where(c => c.Check == "Answered").Select(c => c.Criterion));
            Assert.False(checks.Single(c => c.Check == "TeamAlias").Passed); // jane@ is a person's address
            Assert.Equal("team-alias", checks.Single(c => c.Check == "TeamAlias").Criterion);

            var unknown = ps.Run("New-MembershipRequest -Id other -Organisation Other -Criteria nosuch -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "MembershipCriteriaUnknown,SecurityOps.Commands.NewMembershipRequestCommand" }, unknown.ErrorIds);
        }
    }
}
