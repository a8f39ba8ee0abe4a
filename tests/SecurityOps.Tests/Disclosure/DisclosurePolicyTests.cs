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
        public void OnePresetPerPublishedProcessShipsValidAndEachRuleNamesItsSource()
        {
            Assert.Equal(new[] { "confidential-containers", "flatcar", "kubeedge", "oci", "stacklok" }, PolicyCatalog.PresetNames);
            foreach (string name in PolicyCatalog.PresetNames)
            {
                var policy = PolicyCatalog.Preset(name);
                Assert.Equal(name, policy.Name);
                Assert.NotEmpty(policy.Sources);
                Assert.True(policy.IsPreset);
                Assert.Null(policy.RetiredMessage);

                // Every rule the preset sets says where it comes from, and the help lists it beside that sentence.
                var rules = PolicyRules.Describe(policy);
                string help = System.IO.File.ReadAllText(System.IO.Path.Combine(Infrastructure.RepoPaths.Root, "docs", "en-US", "Get-DisclosurePolicy.md"));
                foreach (var rule in rules.Where(r => r.Field != "embargo.removalAfterOffenses"))
                {
                    Assert.True(rule.Says != null && rule.Anchor != null, $"{name}: {rule.Field} = {rule.Value} has no basis");
                    Assert.Contains($"`{rule.Field}: ", help.Substring(help.IndexOf($"- `{name}` - ", StringComparison.Ordinal)));
                }
            }
        }

        /// <summary>
        /// The table: each preset's rules against the sentence of the published policy they come from (the policies are
        /// copied in Fixtures/policies), and rules of the other projects absent.
        /// </summary>
        [Theory]
        [InlineData("kubeedge", "acknowledge.withinHours", "24", "The reporter(s) can expect a response within 24 hours acknowledging the issue was received.")]
        [InlineData("kubeedge", "distributors.noticeDaysBeforePublic", "7", "at least 7 days before the planned public disclosure date.")]
        [InlineData("kubeedge", "distributors.finalNoticeHoursBeforeRelease", "24", "Distributor will be notified 24 hours in advance of the public release.")]
        [InlineData("kubeedge", "distributors.list", "cncf-kubeedge-distrib-announce@lists.cncf.io", "is for early private information and vulnerability disclosure.")]
        [InlineData("kubeedge", "distributors.membershipCriteria", "security-alias, user-base, track-record, not-downstream, community-participant, accept-embargo, contribute-back, vouched", "To be eligible for the [cncf-kubeedge-distrib-announce@lists.cncf.io](mailto:cncf-kubeedge-distrib-announce@lists.cncf.io) mailing list, your distribution should:")]
        [InlineData("kubeedge", "release.minDays", "1", "Then publish it publicly, the release period is usually 1-21 days after receiving the report.")]
        [InlineData("kubeedge", "release.maxDays", "21", "Then publish it publicly, the release period is usually 1-21 days after receiving the report.")]
        [InlineData("kubeedge", "release.fixVersion", "patch-or-next-release", "the Security Team will patch the vulnerability in the next patch or minor release")]
        [InlineData("kubeedge", "release.bulletinInReleaseNotes", "true", "The release of low to medium severity bug fixes will include the fix details in the patch release notes.")]
        [InlineData("kubeedge", "embargo.untilPublicDate", "true", "This holds true until the public disclosure date/time that was agreed upon by the list.")]
        [InlineData("kubeedge", "embargo.leakReportRequired", "true", "of exactly what information leaked and to whom, as well as the steps that will be taken to prevent future leaks.")]
        [InlineData("kubeedge", "embargo.removeRepeatOffenders", "true", "Repeated offenses may lead to the removal from the distributors list.")]
        [InlineData("kubeedge", "supportedVersions.count", "3", "and backport a patch release into the latest three minor releases.")]
        [InlineData("stacklok", "fixTeam.withinHours", "24", "These steps should be completed within the first 24 hours of Disclosure.")]
        [InlineData("stacklok", "fix.maxDays", "7", "These steps should be completed within the 1-7 days of Disclosure.")]
        [InlineData("stacklok", "distributors.noticeDaysBeforePublic", "0", "The Security team will give advance notice to the Private Distributors list before the fix is released.")]
        [InlineData("stacklok", "release.maxDays", "21", "**Fix release day** (Completed within 1-21 days of Disclosure)")]
        [InlineData("stacklok", "release.hourUtc", "16", "The recommended release time is 4pm UTC on a non-Friday weekday.")]
        [InlineData("stacklok", "release.weekdays", "Monday, Tuesday, Wednesday, Thursday", "The recommended release time is 4pm UTC on a non-Friday weekday.")]
        [InlineData("stacklok", "retrospective.maxDays", "3", "These steps should be completed 1-3 days after the Release Date.")]
        [InlineData("stacklok", "retrospective.publish", "true", "The security team will send a retrospective of the process to the")]
        [InlineData("stacklok", "retrospective.namesPeople", "true", "including details on everyone involved, the timeline of the process")]
        [InlineData("stacklok", "lowSeverity.cvssBelow", "4.0", "If the CVSS score is under ~4.0")]
        [InlineData("stacklok", "publicDisclosure.asap", "true", "If the security team is dealing with a Public Disclosure all timelines become ASAP.")]
        [InlineData("confidential-containers", "acknowledge.withinHours", "336", "including responding to vulnerability reports within 14 days.")]
        [InlineData("confidential-containers", "release.fixVersion", "patch-or-next-release", "Patches will be released as point versions of the current version, e.g. releasing 0.8.1 to correct v0.8, or will be patched in the next release, e.g. v0.9.")]
        [InlineData("confidential-containers", "release.bulletinInReleaseNotes", "true", "CoCo announces security issues and their fixes in the release notes of the patching version.")]
        [InlineData("confidential-containers", "supportedVersions.policy", "latest", "Please note that the CoCo community analyzes security issues only in the the most recent release.")]
        [InlineData("confidential-containers", "embargo.untilPublicDate", "true", "Prior to publication, the vulnerability is considered embargoed and information about it should be shared on a need-to-know basis.")]
        [InlineData("flatcar", "release.artifact", "os-image", "Security issues are addressed by releasing an updated OS image.")]
        [InlineData("flatcar", "release.expediteBySeverity", "true", "Releases may be expedited depending on the issues' severity.")]
        [InlineData("flatcar", "release.listFixedCves", "true", "For each release, release notes contain a concise list of security issues fixed.")]
        [InlineData("flatcar", "release.bulletinInReleaseNotes", "true", "Also, a separate, detailed report on each of the issues addressed is part of every release.")]
        [InlineData("oci", "distributors.list", "security-announce@opencontainers.org", "This list is used to provide actionable information to multiple distribution vendors at once.")]
        [InlineData("oci", "distributors.requiresPgp", "true", "Be willing and able to handle PGP-encrypted email.")]
        [InlineData("oci", "embargo.leakReportRequired", "true", "you must urgently inform the security@opencontainers.org mailing list of exactly what information leaked and to whom.")]
        [InlineData("oci", "embargo.retrospectiveAfterLeak", "true", "A retrospective will take place after the leak so we can assess how to not make the same mistake in the future.")]
        [InlineData("oci", "embargo.removeRepeatOffenders", "true", "If you continue to leak information and break the policy outlined here, you will be removed from the list.")]
        public void EachPresetRuleComesFromASentenceOfItsPublishedPolicy(string preset, string field, string value, string sentence)
        {
            string published = Normalize(System.IO.File.ReadAllText(Infrastructure.RepoPaths.Fixture("policies", preset + ".md")));
            Assert.Contains(Normalize(sentence), published);

            var rule = PolicyRules.Describe(PolicyCatalog.Preset(preset)).SingleOrDefault(r => r.Field == field);
            Assert.True(rule != null, $"{preset} has no {field}");
            Assert.Equal(value, rule.Value);
            Assert.Contains(Normalize(rule.Anchor), Normalize(sentence));
        }

        [Theory]
        [InlineData("kubeedge", "fixTeam.withinHours", "fix.maxDays", "release.hourUtc", "release.weekdays", "retrospective.publish", "lowSeverity.cvssBelow", "publicDisclosure.asap")]
        [InlineData("stacklok", "acknowledge.withinHours", "distributors.finalNoticeHoursBeforeRelease", "distributors.list", "supportedVersions.policy", "embargo.leakReportRequired", "distributors.membershipCriteria")]
        [InlineData("confidential-containers", "distributors.list", "release.maxDays", "release.hourUtc", "retrospective.publish", "fixTeam.withinHours")]
        [InlineData("flatcar", "acknowledge.withinHours", "distributors.list", "release.maxDays", "release.hourUtc", "retrospective.publish")]
        [InlineData("oci", "acknowledge.withinHours", "release.maxDays", "release.hourUtc", "retrospective.publish", "supportedVersions.policy", "distributors.finalNoticeHoursBeforeRelease")]
        public void APresetCarriesNoRuleOfAnotherProject(string preset, params string[] absent)
        {
            var fields = PolicyRules.Describe(PolicyCatalog.Preset(preset)).Select(r => r.Field).ToList();
            foreach (string field in absent)
            {
                Assert.DoesNotContain(field, fields);
            }
        }

        [Theory]
        [InlineData("kubernetes-style", "kubeedge")]
        [InlineData("openssf", "confidential-containers")]
        public void RetiredPresetsStillLoadAndSayWhichPresetToMoveTo(string retired, string replacement)
        {
            Assert.DoesNotContain(retired, PolicyCatalog.PresetNames);
            Assert.True(PolicyCatalog.IsPreset(retired));
            var policy = PolicyCatalog.Preset(retired);
            Assert.Equal(retired, policy.Name);
            Assert.Contains($"'{replacement}'", policy.RetiredMessage);
        }

        private static string Normalize(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

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
