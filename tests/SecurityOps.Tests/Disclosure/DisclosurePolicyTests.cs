using System;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using Xunit;

namespace SecurityOps.Tests.Disclosure
{
    public sealed class DisclosurePolicyTests
    {
        [Fact]
        public void FourPresetsShipAndAreValid()
        {
            Assert.Equal(new[] { "flatcar", "kubernetes-style", "oci", "openssf" }, PolicyCatalog.PresetNames);
            foreach (string name in PolicyCatalog.PresetNames)
            {
                var policy = PolicyCatalog.Preset(name);
                Assert.Equal(name, policy.Name);
                Assert.NotEmpty(policy.Sources);
                Assert.True(policy.IsPreset);
            }
        }

        [Fact]
        public void KubernetesStyleHasTheStacklokAndKubeEdgeRules()
        {
            var p = PolicyCatalog.Preset("kubernetes-style");
            Assert.Equal(24, p.Acknowledge.WithinHours);
            Assert.Equal(24, p.FixTeam.WithinHours);
            Assert.Equal((1, 7), (p.Fix.MinDays, p.Fix.MaxDays));
            Assert.Equal(7, p.Distributors.NoticeDaysBeforePublic);
            Assert.Equal(24, p.Distributors.FinalNoticeHoursBeforeRelease);
            Assert.Equal((1, 21), (p.Release.MinDays.Value, p.Release.MaxDays.Value));
            Assert.Equal(16, p.Release.HourUtc);
            Assert.Equal(new[] { "Monday", "Tuesday", "Wednesday", "Thursday" }, p.Release.Weekdays);
            Assert.Equal(4.0, p.LowSeverity.CvssBelow);
            Assert.Equal(new[] { "fix", "release" }, p.LowSeverity.Relaxes);
            Assert.True(p.PublicDisclosure.Asap);
            Assert.Equal((1, 3), (p.Retrospective.MinDays, p.Retrospective.MaxDays));
            Assert.Equal(("latest-minors", 3), (p.SupportedVersions.Policy, p.SupportedVersions.Count));
            Assert.Equal(8, p.Distributors.MembershipCriteria.Count);
            Assert.Equal("vouched", p.Distributors.MembershipCriteria.Last().Id);
        }

        [Fact]
        public void OpenSsfFlatcarAndOciPresets()
        {
            var o = PolicyCatalog.Preset("openssf");
            Assert.Equal(14 * 24, o.Acknowledge.WithinHours);
            Assert.Equal("latest", o.SupportedVersions.Policy);
            Assert.Equal("next-patch", o.Release.FixVersion);
            Assert.True(o.Release.BulletinInReleaseNotes);
            Assert.Null(o.Distributors);
            Assert.Null(o.Release.MaxDays);

            var f = PolicyCatalog.Preset("flatcar");
            Assert.Equal("os-image", f.Release.Artifact);
            Assert.True(f.Release.ExpediteBySeverity);
            Assert.True(f.Release.ListFixedCves);
            Assert.Null(f.Acknowledge);

            var oci = PolicyCatalog.Preset("oci");
            Assert.True(oci.Embargo.UntilPublicDate);
            Assert.True(oci.Embargo.RetrospectiveAfterLeak);
            Assert.True(oci.Distributors.RequiresPgp);
            Assert.Equal(8, oci.Distributors.MembershipCriteria.Count); // seven criteria + PGP from the request example
            Assert.Equal("pgp", oci.Distributors.MembershipCriteria.Last().Id);
            Assert.Null(oci.Release);
        }

        [Fact]
        public void UnknownPresetIsNotFound()
        {
            var ex = Assert.Throws<SecurityOpsException>(() => PolicyCatalog.Preset("nope"));
            Assert.Equal("DisclosurePolicyNotFound", ex.ErrorId);
        }

        [Theory]
        [InlineData("name: x\nrelease:\n  hourUtc: 25\n", "release.hourUtc", 3)]
        [InlineData("name: x\nrelease:\n  weekdays: [Monday, Fryday]\n", "release.weekdays[1]", 3)]
        [InlineData("name: x\nfix:\n  minDays: 5\n  maxDays: 2\n", "fix.maxDays", 4)]
        [InlineData("name: x\nacknowledge:\n  withinHour: 24\n", "acknowledge.withinHour", 3)]
        [InlineData("name: x\nacknowledge:\n  withinHours: 0\n", "acknowledge.withinHours", 3)]
        [InlineData("name: x\nsupportedVersions:\n  policy: every\n", "supportedVersions.policy", 3)]
        [InlineData("name: x\nsupportedVersions:\n  policy: latest-minors\n  count: 0\n", "supportedVersions.count", 4)]
        [InlineData("name: x\nlowSeverity:\n  cvssBelow: 11\n", "lowSeverity.cvssBelow", 3)]
        [InlineData("name: x\nlowSeverity:\n  relaxes: [acknowledge]\n", "lowSeverity.relaxes[0]", 3)]
        [InlineData("name: x\nrelease:\n  hourUtc: four\n", "release.hourUtc", 3)]
        [InlineData("name: Bad Name\n", "name", 1)]
        [InlineData("title: no name\n", "name", 1)]
        [InlineData("name: x\nrelease:\n  fixVersion: next-major\n", "release.fixVersion", 3)]
        [InlineData("name: x\ndistributors:\n  membershipCriteria:\n    - id: a\n      text: t\n    - id: a\n      text: u\n", "distributors.membershipCriteria[1].id", 6)]
        public void BadPoliciesNameTheFieldAndLine(string yaml, string field, int line)
        {
            var (_, problems) = PolicyValidator.Check(yaml, "policy.yaml");
            var problem = problems.FirstOrDefault(p => p.Field == field);
            Assert.True(problem != null, string.Join("\n", problems));
            Assert.Equal(field, problem.Field);
            Assert.Equal(line, problem.Line);
            Assert.StartsWith($"policy.yaml:{line}:", problem.ToString());

            var ex = Assert.Throws<SecurityOpsException>(() => PolicyCatalog.Parse(yaml, "policy.yaml"));
            Assert.Equal("InvalidDisclosurePolicy", ex.ErrorId);
            Assert.Contains(field, ex.Message);
        }

        [Fact]
        public void BrokenYamlIsReportedWithItsLine()
        {
            var (policy, problems) = PolicyValidator.Check("name: x\nrelease: [unclosed\n", "p.yaml");
            Assert.Null(policy);
            Assert.True(Assert.Single(problems).Line >= 2);
        }
    }
}
