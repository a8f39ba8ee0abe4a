using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Disclosure
{
    /// <summary>
    /// Every policy field has behaviour: each test flips one field (by preset, or in a policy of the state's own) and
    /// shows the difference a user sees, so a field that stops mattering fails here.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class PolicyFieldTests
    {
        private readonly PowerShellFixture ps;

        public PolicyFieldTests(PowerShellFixture ps) => this.ps = ps;

        private StateScope State(string preset, string policyYaml = null)
        {
            var state = new StateScope(ps, policy: null);
            if (policyYaml != null)
            {
                state.WriteFile("policy.yaml", policyYaml);
            }
            else
            {
                state.WriteFile("securityops.yaml", state.ReadFile("securityops.yaml").Replace("  policy:\n", $"  policy: {preset}\n"));
            }

            return state;
        }

        private static ScriptResult At(StateScope state, string time, string script) =>
            state.Run($"[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'{time}')\ntry {{\n{script}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}");

        /// <summary>A case received 2026-03-02 08:00 UTC, affecting <paramref name="affected"/>, in fixing.</summary>
        private static void FixingCase(StateScope state, string affected, string severity = "HIGH") =>
            At(state, "2026-03-02T09:00:00Z", $@"
$c = New-VulnerabilityReport -StatePath $state -Summary 'Escape' -Component runtime -ReceivedAt '2026-03-02T08:00:00Z' -Severity {severity} -AffectedVersion {affected}
Set-VulnerabilityReport -StatePath $state -Id $c.Id -Status acknowledged
Set-VulnerabilityReport -StatePath $state -Id $c.Id -Status triaged -FixTeam alice -CveId CVE-2026-4242
Set-VulnerabilityReport -StatePath $state -Id $c.Id -Status fixing").AssertNoErrors();

        private static VulnerabilityCase Case(StateScope state) => new StateRepository(state.Path).Read<VulnerabilityCase>(VulnerabilityCase.PathFor("SEC-2026-0001"));

        [Theory]
        [InlineData("confidential-containers", "v0.8.0", "v0.8.1", true)]   // a point release of the current version
        [InlineData("confidential-containers", "v0.8.0", "v0.9.0", true)]   // or the next release
        [InlineData("confidential-containers", "v0.8.0", "v0.10.0", false)]
        [InlineData("confidential-containers", "v0.8.0", "v0.7.9", false)]
        [InlineData("kubeedge", "v1.20.0", "v1.20.1", true)]
        [InlineData("kubeedge", "v1.20.0", "v1.22.0", false)]
        [InlineData("flatcar", "4152.2.0", "4230.1.0", true)]             // any later OS image release
        [InlineData("flatcar", "4152.2.0", "4081.3.0", false)]
        [InlineData("stacklok", "v0.8.0", "v2.0.0", true)]                 // no fix-version rule
        public void TheFixingReleaseFollowsReleaseFixVersion(string preset, string affected, string fixedIn, bool allowed)
        {
            using var state = State(preset);
            FixingCase(state, affected);
            var result = At(state, "2026-03-03T10:00:00Z", $"Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -FixedIn {fixedIn}");
            if (allowed)
            {
                result.AssertNoErrors();
                Assert.Equal(fixedIn, Case(state).FixedIn);
                return;
            }

            Assert.Equal(new[] { "FixVersionBreaksPolicy,SecurityOps.Commands.SetVulnerabilityReportCommand" }, result.ErrorIds);
            Assert.Contains("release.fixVersion", result.Errors[0].ToString());
            Assert.Null(Case(state).FixedIn);
            At(state, "2026-03-03T10:00:00Z", $"Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -FixedIn {fixedIn} -Force").AssertNoErrors();
            Assert.Contains(Case(state).Timeline, e => e.Kind == "policy-exception" && e.What.Contains("(release.fixVersion)"));
        }

        [Theory]
        [InlineData("flatcar", true, true, false)]                  // listFixedCves + a detailed report per issue (an OS image)
        [InlineData("confidential-containers", false, false, true)] // the bulletin in the patch release's notes
        [InlineData("kubeedge", false, false, true)]
        [InlineData("stacklok", true, true, true)]                  // the policy says nothing: every section
        public void ReleaseNotesCarryTheSectionsThePolicyAsksFor(string preset, bool list, bool detailed, bool bulletin)
        {
            using var state = State(preset);
            FixingCase(state, "v0.8.0", "MEDIUM");
            At(state, "2026-03-03T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -FixedIn v0.8.1 -Force; Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released -Force").AssertNoErrors();
            var note = At(state, "2026-03-04T10:00:00Z", "New-SecurityReleaseNote -StatePath $state -Release v0.8.1 -Verbose").AssertNoErrors();
            string md = note.Objects<ReleaseNote>().Single().Markdown;
            Assert.Equal(list, md.Contains("## Security fixes"));
            Assert.Equal(detailed, md.Contains("## Security report for v0.8.1"));
            Assert.Equal(bulletin, md.Contains("## Security bulletin"));
            Assert.Contains(note.Verbose, v => v.Contains("policy"));
        }

        [Fact]
        public void AnOsImagePolicyAnnouncesAnUpdatedImageAndAReleasePolicyAFixedVersion()
        {
            var service = new AnnouncementService(new SecurityConfig { Project = new ProjectSettings { Name = "Example", SecurityContact = "security@example.org" } }, new TemplateRenderer(null));
            var c = new VulnerabilityCase
            {
                Id = "SEC-2026-0001", Summary = "Escape", Component = "runtime", Severity = "HIGH", Status = CaseStatus.Released,
                ReceivedAt = DateTimeOffset.Parse("2026-03-02T08:00:00Z"), FixedVersions = new List<string> { "4230.1.0" },
            };
            string image = service.Render(c, DateTimeOffset.Parse("2026-03-10T00:00:00Z"), SecurityOps.Disclosure.PolicyCatalog.Preset("flatcar")).Body;
            Assert.Contains("Fixed in the OS image release(s): 4230.1.0", image);
            Assert.Contains("update to the fixed OS image", image);
            string release = service.Render(c, DateTimeOffset.Parse("2026-03-10T00:00:00Z"), SecurityOps.Disclosure.PolicyCatalog.Preset("kubeedge")).Body;
            Assert.Contains("Fixed versions: 4230.1.0", release);
            Assert.DoesNotContain("OS image", release);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void UntilPublicDateKeepsAnEarlyReleaseEmbargoedAndFalseLetsTheReleaseEndIt(bool untilPublicDate)
        {
            using var state = State(null, "schemaVersion: 1\nname: ours\nrelease:\n  maxDays: 60\nembargo:\n  untilPublicDate: " + (untilPublicDate ? "true" : "false") + "\n");
            FixingCase(state, "v0.8.0", "MEDIUM");
            At(state, "2026-03-03T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -FixedIn v0.8.1 -PlannedPublicDate '2026-04-20T16:00:00Z'").AssertNoErrors();
            At(state, "2026-03-10T10:00:00Z", "Set-VulnerabilityReport -StatePath $state -Id SEC-2026-0001 -Status released").AssertNoErrors();
            Assert.Equal(untilPublicDate ? (bool?)null : true, Case(state).EmbargoEndsAtRelease);
            Assert.DoesNotContain(untilPublicDate ? "embargoEndsAtRelease" : "no-such-key", state.ReadFile("cases/SEC-2026-0001.yaml"));

            var note = At(state, "2026-03-11T10:00:00Z", "New-SecurityReleaseNote -StatePath $state -Release v0.8.1 -Format All").AssertNoErrors().Objects<ReleaseNote>().Single();
            Assert.Equal(untilPublicDate ? 1 : 0, note.LeftOut);
            Assert.Equal(!untilPublicDate, note.CveIds.Contains("CVE-2026-4242"));
        }

        [Theory]
        [InlineData("oci", true, true)]        // leakReportRequired + retrospectiveAfterLeak
        [InlineData("kubeedge", true, false)]  // leakReportRequired only
        [InlineData("stacklok", false, false)] // neither
        public void ALeakReportIsCompleteWhereRequiredAndARetrospectiveFollowsWhereThePolicySays(string preset, bool reportRequired, bool retrospective)
        {
            using var state = State(preset);
            new StateRepository(state.Path).Write(DistributorStore.FileName, new DistributorList
            {
                Members = new List<DistributorMember> { new DistributorMember { Id = "distro", SecurityAlias = "security@distro.example", Status = "active", Organisation = "Distro", Distribution = "Distro" } },
            });
            FixingCase(state, "v0.8.0");
            const string Partial = "Register-EmbargoLeak -StatePath $state -Id SEC-2026-0001 -Member distro -What 'the fixed version' -When '2026-03-03T08:00:00Z' -NoNotify -Confirm:$false";
            var partial = At(state, "2026-03-03T10:00:00Z", Partial);
            if (reportRequired)
            {
                Assert.Equal(new[] { "LeakReportIncomplete,SecurityOps.Commands.RegisterEmbargoLeakCommand" }, partial.ErrorIds);
                Assert.Contains("-ToWhom", partial.Errors[0].ToString());
                Assert.Contains("-Prevention", partial.Errors[0].ToString());
                Assert.Empty(Case(state).Leaks);
                At(state, "2026-03-03T10:00:00Z", Partial + " -ToWhom 'a customer' -Prevention 'restricted folder'").AssertNoErrors();
            }
            else
            {
                partial.AssertNoErrors();
            }

            Assert.Single(Case(state).Leaks);
            Assert.Equal(retrospective, File.Exists(state.File("retrospectives/SEC-2026-0001-leak-1.md")));
            Assert.Equal(retrospective, Case(state).Leaks[0].Retrospective != null);
        }

        [Theory]
        [InlineData("kubeedge", false)] // no PGP requirement: a member may join without a key
        [InlineData("oci", true)]       // "Be willing and able to handle PGP-encrypted email"
        public void AMemberWithoutAKeyJoinsOnlyWherePgpIsNotRequired(string criteria, bool requiresPgp)
        {
            using var state = State(criteria);
            string answers = criteria == "oci" ? "@{ 'accept-embargo' = 'We accept.'; 'pgp' = 'Yes.' }" : "@{ 'accept-embargo' = 'We accept.' }";
            state.Run($"New-MembershipRequest -Id nokey -Organisation NoKey -Criteria {criteria} -SecurityAlias security@nokey.example -Answer {answers} -StatePath $state -Confirm:$false").AssertNoErrors();
            var checks = state.Run("Test-MembershipRequest nokey -StatePath $state").AssertNoErrors().Objects<MembershipCheckResult>().ToList();
            Assert.Equal(!requiresPgp, checks.Single(c => c.Check == "PgpKeyPresent").Passed);

            var approve = state.Run("Approve-MembershipRequest nokey -Force -StatePath $state -Confirm:$false");
            if (requiresPgp)
            {
                Assert.Contains("MembershipChecksFailed,SecurityOps.Commands.ApproveMembershipRequestCommand", approve.ErrorIds);
                Assert.Contains("distributors.requiresPgp", approve.Errors[0].ToString());
                Assert.False(File.Exists(state.File("distributors.yaml")) && state.ReadFile("distributors.yaml").Contains("nokey"));
            }
            else
            {
                approve.AssertNoErrors();
                DistributorMember member = new DistributorStore(new StateRepository(state.Path)).Get("nokey");
                Assert.Null(member.Fingerprint);
                Assert.Contains("we have no OpenPGP key of yours yet", approve.Objects<MembershipDecision>().Single().Message.Body);
            }
        }
    }
}
