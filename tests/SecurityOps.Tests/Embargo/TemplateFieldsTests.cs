using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>
    /// The built-in templates with a case that has little filled in: optional values are said to be missing in words,
    /// and the values a message truly needs are all named in one error, each with the command that fills it.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class TemplateFieldsTests : IClassFixture<MessagingKeys>
    {
        private const string NoticeCmd = "SecurityOps.Commands.SendEmbargoNoticeCommand";
        private const string AnnounceCmd = "SecurityOps.Commands.SendSecurityAnnouncementCommand";
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public TemplateFieldsTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        /// <summary>A case with only what New-VulnerabilityReport must have (summary, component) and the given parameters.</summary>
        private string BareCase(string state, string extra = "")
        {
            var created = ps.At("2026-03-01T09:00:00Z",
                $"(New-VulnerabilityReport 'Heap overflow in the tar reader' -Component example/runtime {extra} -StatePath $state -Confirm:$false).Id",
                new Dictionary<string, object> { ["state"] = state }).AssertNoErrors();
            return (string)created.Output.Last().BaseObject;
        }

        [Fact]
        public void ASeverityOnlyCaseGetsAnInitialNoticeThatSaysTheCveIsNotYetAssigned()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = EmbargoTestState.NewState(ps, temp, server, 1, MessagingKeys.Member("b-curve", keys.Curve));
            string id = BareCase(state);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            string send = EmbargoTestState.Credential + "Send-EmbargoNotice -Id $id -SmtpCredential $cred -StatePath $state -Confirm:$false";

            // Neither a severity nor a public date: one error names both, with the command for each.
            var refused = ps.At("2026-03-02T10:00:00Z", send, vars);
            Assert.Equal(new[] { "TemplateFieldsMissing," + NoticeCmd }, refused.ErrorIds);
            ErrorRecord error = refused.Errors.Single();
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Equal(id, error.TargetObject);
            string text = error.ToString();
            Assert.Contains("case.severity", text);
            Assert.Contains("case.publicDate", text);
            Assert.Contains($"Set-VulnerabilityReport {id} -Severity", text);
            Assert.Contains($"Set-VulnerabilityReport {id} -PlannedPublicDate", text);
            Assert.DoesNotContain("case.cveId", text);
            Assert.DoesNotContain("case.patches", text);
            Assert.Empty(server.Received());

            ps.At("2026-03-02T10:00:00Z", "Set-VulnerabilityReport $id -Severity HIGH -PlannedPublicDate '2026-03-19T16:00:00Z' -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var sent = ps.At("2026-03-02T11:00:00Z", send, vars);
            Assert.Empty(sent.Errors);
            Assert.Equal(new[] { "Sent" }, sent.Objects<EmbargoNoticeResult>().Select(r => r.Status));

            var (exit, plain) = EmbargoTestState.Decrypt(server.Received().Single(), keys.Curve);
            Assert.Equal(0, exit);
            Assert.Contains("CVE:               not yet assigned", plain);
            Assert.Contains("Severity:          HIGH", plain);
            Assert.Contains("CVSS vector:       not yet scored", plain);
            Assert.Contains("Patches will follow", plain);
            Assert.Contains("2026-03-19 16:00 UTC", plain);
            Assert.Contains("Heap overflow in the tar reader", plain);
            Assert.DoesNotContain("(missing)", plain);
            Assert.Single(EmbargoTestState.Case(state, id).Notices, n => n.Status == "Sent");
        }

        [Fact]
        public void AnAnnouncementMissingTwoRequiredValuesFailsWithOneErrorNamingBothAndPostsNothing()
        {
            using var temp = new TempFolder();
            using var smtp = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            using var slack = new LoopbackServer(AnnouncementTests.Ok);
            using var discord = new LoopbackServer(AnnouncementTests.Ok);
            string state = EmbargoTestState.NewState(ps, temp, smtp);
            AnnouncementTests.Channels(state, slack, discord, AnnouncementTests.Secret(), AnnouncementTests.Secret(), mailingList: true);
            string id = BareCase(state);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            ps.At("2026-03-02T10:00:00Z", "Set-VulnerabilityReport $id -PlannedPublicDate '2026-03-19T16:00:00Z' -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            string send = EmbargoTestState.Credential + "Send-SecurityAnnouncement -Id $id -SmtpCredential $cred -StatePath $state -Confirm:$false";

            var refused = ps.At("2026-03-20T15:00:00Z", send, vars);
            Assert.Equal(new[] { "TemplateFieldsMissing," + AnnounceCmd }, refused.ErrorIds);
            ErrorRecord error = refused.Errors.Single();
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Equal(id, error.TargetObject);
            string text = error.ToString();
            Assert.Contains("case.severity", text);
            Assert.Contains("case.fixedVersions", text);
            Assert.Contains($"Set-VulnerabilityReport {id} -Severity", text);
            Assert.Contains($"Set-VulnerabilityReport {id} -FixedVersion", text);
            Assert.DoesNotContain("case.cveId", text);
            Assert.DoesNotContain("case.mitigations", text);
            Assert.Empty(slack.Requests);
            Assert.Empty(discord.Requests);
            Assert.Empty(smtp.Received());
            Assert.Empty(EmbargoTestState.Case(state, id).Announcements);

            // Filled, the same announcement goes out, and says in words what is still open.
            ps.At("2026-03-20T15:00:00Z", "Set-VulnerabilityReport $id -Severity MEDIUM -FixedVersion 1.2.3 -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var posted = ps.At("2026-03-20T15:01:00Z", send, vars);
            Assert.Empty(posted.Errors);
            Assert.All(posted.Objects<AnnouncementResult>(), r => Assert.Equal("Posted", r.Status));
            string mail = smtp.Received().Single().Raw;
            Assert.Contains("Fixed versions: 1.2.3", mail);
            Assert.Contains("CVE: not yet assigned", mail);
            Assert.Contains("None known: upgrade to a fixed version.", mail);
            Assert.DoesNotContain("(missing)", mail);
        }
    }
}
