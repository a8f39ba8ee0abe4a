using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Send-EmbargoNotice with a real SMTP server (STARTTLS + AUTH) and real gpg decrypting every message.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class EmbargoNoticeTests : IClassFixture<MessagingKeys>
    {
        private const string Cmd = "SecurityOps.Commands.SendEmbargoNoticeCommand";
        private const string PublicDate = "2026-03-20T14:00:00Z";
        private const string Send = EmbargoTestState.Credential + "Send-EmbargoNotice -Id $id -SmtpCredential $cred -StatePath $state -Confirm:$false ";

        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public EmbargoNoticeTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        private DistributorMember[] Members() => new[]
        {
            MessagingKeys.Member("a-rsa", keys.Rsa),
            MessagingKeys.Member("b-curve", keys.Curve),
            MessagingKeys.Member("c-rsa", keys.Rsa, "security@third-distro.example"),
        };

        [Fact]
        public void EachActiveMemberGetsItsOwnEncryptedNoticeRecordedOnTheCaseAndARerunSendsNothingTwice()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            var members = Members().ToList();
            members.Add(MessagingKeys.Member("d-expired", keys.Expired));
            var suspended = MessagingKeys.Member("e-suspended", keys.Curve, "security@suspended.example");
            suspended.Status = "suspended";
            members.Add(suspended);
            string state = EmbargoTestState.NewState(ps, temp, server, 4, members.ToArray());
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            var sent = ps.At("2026-03-05T10:00:00Z", Send, vars);
            var results = sent.Objects<EmbargoNoticeResult>().ToList();
            Assert.True(results.Count == 4, string.Join("\n", sent.Errors.Select(x => x.ToString())) + sent.Terminating);
            Assert.Equal(new[] { "Sent", "Sent", "Sent", "Refused" }, results.Select(r => r.Status));
            Assert.Equal(new[] { "PgpKeyExpired," + Cmd }, sent.ErrorIds);
            Assert.DoesNotContain(results, r => r.MemberId == "e-suspended");

            var mails = server.Received();
            Assert.Equal(3, mails.Count);
            foreach (var mail in mails)
            {
                Assert.Single(mail.EnvelopeTo);
                Assert.True(mail.Tls && mail.Authenticated);
                Assert.Contains("multipart/encrypted", mail.Headers);
                Assert.Contains("application/pgp-encrypted", mail.Raw);
                Assert.DoesNotContain("CVE-2026-1234", mail.Headers);
                Assert.DoesNotContain("EMBARGO", mail.Headers.ToUpperInvariant());
                Assert.DoesNotContain("traversal", mail.Raw);
            }

            var toCurve = mails.To(keys.Curve.Email);
            var (exit, plain) = EmbargoTestState.Decrypt(toCurve, keys.Curve);
            Assert.Equal(0, exit);
            Assert.Contains("CVE-2026-1234", plain);
            Assert.Contains("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", plain);
            Assert.Contains("Fixed versions:    1.2.2", plain);
            Assert.Contains("2026-03-20 14:00 UTC", plain);
            Assert.Contains("Unpack poc.tar", plain);
            Assert.Contains("run with --no-unpack", plain);
            Assert.Contains("Embargo terms", plain);
            Assert.NotEqual(0, EmbargoTestState.Decrypt(toCurve, keys.Rsa).Exit);
            Assert.Equal(0, EmbargoTestState.Decrypt(mails.To(keys.Rsa.Email), keys.Rsa).Exit);
            Assert.NotEqual(0, EmbargoTestState.Decrypt(mails.To(keys.Rsa.Email), keys.Curve).Exit);

            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            Assert.Equal(CaseStatus.DistributorsNotified, c.Status);
            Assert.Equal(4, c.Notices.Count);
            Assert.All(c.Notices.Where(n => n.Status == "Sent"), n => Assert.Equal(1, n.Revision));
            Assert.Equal(results.Single(r => r.MemberId == "b-curve").MessageId, c.Notices.Single(n => n.MemberId == "b-curve").MessageId);
            CaseEvent e = c.Timeline.Single(x => x.Kind == "embargo-notice");
            Assert.Contains("b-curve " + results.Single(r => r.MemberId == "b-curve").MessageId, e.What);
            Assert.Contains("NOT sent to d-expired (Refused: PgpKeyExpired)", e.What);

            var rerun = ps.At("2026-03-05T11:00:00Z", Send, vars);
            Assert.Equal(new[] { "Skipped", "Skipped", "Skipped" }, rerun.Objects<EmbargoNoticeResult>().Where(r => r.MemberId != "d-expired").Select(r => r.Status));
            Assert.Equal("Refused", rerun.Objects<EmbargoNoticeResult>().Single(r => r.MemberId == "d-expired").Status);
            Assert.Equal(3, server.Received().Count); // the expired member is tried again and refused again: nothing reaches the server

            var resend = ps.At("2026-03-05T12:00:00Z", Send + "-Resend", vars);
            Assert.Equal(3, resend.Objects<EmbargoNoticeResult>().Count(r => r.Status == "Sent"));
            Assert.True(EmbargoTestState.Case(state, id).Notices.Count(n => n.Resent && n.Status == "Sent") == 3);
        }

        [Fact]
        public void AnOlderScriptsMailLoginGivenAsCredentialIsRefusedClearlyAndNothingIsSent()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = EmbargoTestState.NewState(ps, temp, server, 4, Members());
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            var old = ps.At("2026-03-05T10:00:00Z", EmbargoTestState.Credential + "Send-EmbargoNotice -Id $id -Credential $cred -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "MailCredentialRenamed," + Cmd }, old.ErrorIds);
            string message = (old.Terminating?.ErrorRecord ?? old.Errors.Single()).ToString();
            Assert.Contains("-SmtpCredential", message);
            Assert.DoesNotContain("pw-123456", message);
            Assert.Empty(server.Received());
            Assert.Empty(EmbargoTestState.Case(state, id).Notices);

            // The reminder without a reminder issue: -Credential cannot be its GitHub token, so it is the same mistake.
            var reminder = ps.At("2026-03-05T10:00:00Z", EmbargoTestState.Credential + "Send-TeamReminder -Credential $cred -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "MailCredentialRenamed,SecurityOps.Commands.SendTeamReminderCommand" }, reminder.ErrorIds);
            Assert.Empty(server.Received());

            // Every mail cmdlet refuses it the same way, before it reads anything (the ids here do not even exist).
            foreach (string command in new[] { "Send-ReporterReply -Id SEC-2026-0099", "Approve-MembershipRequest -Id nobody -Send", "Send-DistributorTestMessage" })
            {
                var refused = ps.At("2026-03-05T10:00:00Z", EmbargoTestState.Credential + command + " -Credential $cred -StatePath $state -Confirm:$false", vars);
                Assert.StartsWith("MailCredentialRenamed,", Assert.Single(refused.ErrorIds));
            }

            Assert.Empty(server.Received());
            Assert.Equal(3, ps.At("2026-03-05T10:00:00Z", Send, vars).Objects<EmbargoNoticeResult>().Count(r => r.Status == "Sent"));
        }

        [Fact]
        public void LeadTimeIsEnforcedForceIsRecordedAsAnExceptionAndLateOrDatelessNoticesAreRefused()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = EmbargoTestState.NewState(ps, temp, server, 4, Members());
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            var tooShort = ps.At("2026-03-15T10:00:00Z", Send, vars);
            Assert.Equal(new[] { "EmbargoNoticeLeadTimeTooShort," + Cmd }, tooShort.ErrorIds);
            Assert.Empty(server.Received());
            Assert.Empty(EmbargoTestState.Case(state, id).Notices);

            var forced = ps.At("2026-03-15T10:00:00Z", Send + "-Force", vars);
            Assert.Equal(3, forced.Objects<EmbargoNoticeResult>().Count(r => r.Status == "Sent"));
            Assert.Contains(forced.Warnings, w => w.Contains("policy exception", System.StringComparison.OrdinalIgnoreCase) || w.Contains("-Force"));
            var c = EmbargoTestState.Case(state, id);
            Assert.Contains(c.Timeline, e => e.Kind == "policy-exception" && e.What.Contains("7 day(s)"));
            Assert.All(c.Notices, n => Assert.True(n.Forced));

            var late = ps.At("2026-03-20T14:00:00Z", Send + "-Resend", vars);
            Assert.Equal(new[] { "EmbargoNoticeTooLate," + Cmd }, late.ErrorIds);
            Assert.Equal(3, server.Received().Count);

            string dateless = EmbargoTestState.NewCase(ps, state, PublicDate);
            var repo = new SecurityOps.State.StateRepository(state);
            var undated = EmbargoTestState.Case(state, dateless);
            undated.PlannedPublicDate = null;
            repo.Write(undated.RelativePath, undated);
            var noDate = ps.At("2026-03-02T10:00:00Z", Send.Replace("$id", "$id2"), new Dictionary<string, object> { ["state"] = state, ["id2"] = dateless });
            Assert.Equal(new[] { "TemplateFieldsMissing," + Cmd }, noDate.ErrorIds);
            Assert.Contains($"Set-VulnerabilityReport {dateless} -PlannedPublicDate", noDate.Errors.Single().ToString());
            Assert.Equal(3, server.Received().Count);
        }

        [Fact]
        public void AMovedPublicDateMakesARevisedNoticeDueOnlyToMembersWhoHadTheOldRevision()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            var members = Members();
            string state = EmbargoTestState.NewState(ps, temp, server, 4, members[0], members[1]);
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            ps.At("2026-03-05T10:00:00Z", Send, vars).AssertNoErrors();

            // A third member joins after the first notice; then the date moves.
            var list = new SecurityOps.State.StateRepository(state).Read<DistributorList>("distributors.yaml");
            list.Members.Add(members[2]);
            new SecurityOps.State.StateRepository(state).Write("distributors.yaml", list);
            ps.At("2026-03-06T10:00:00Z", "Set-VulnerabilityReport $id -PlannedPublicDate '2026-03-24T14:00:00Z' -Force -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal(2, EmbargoTestState.Case(state, id).PublicDateRevision);

            var revised = ps.At("2026-03-06T11:00:00Z", Send + "-Kind Revised", vars);
            var results = revised.Objects<EmbargoNoticeResult>().ToList();
            Assert.Equal(new[] { "a-rsa", "b-curve" }, results.Where(r => r.Status == "Sent").Select(r => r.MemberId).OrderBy(x => x));
            Assert.Equal("Skipped", results.Single(r => r.MemberId == "c-rsa").Status);
            Assert.Equal(4, server.Received().Count);
            var (exit, plain) = EmbargoTestState.Decrypt(server.Received().Last(m => m.EnvelopeTo.Contains(keys.Curve.Email)), keys.Curve);
            Assert.Equal(0, exit);
            Assert.Contains("NEW public disclosure: 2026-03-24 14:00 UTC (revision 2", plain);
            Assert.Contains("Previously announced:  2026-03-20 14:00 UTC", plain);

            Assert.Empty(ps.At("2026-03-06T12:00:00Z", Send + "-Kind Revised", vars).Objects<EmbargoNoticeResult>().Where(r => r.Status == "Sent"));
            Assert.Equal(4, server.Received().Count);

            // The new member still needs the initial notice (late now: -Force); it gets revision 2 directly.
            var initial = ps.At("2026-03-06T12:00:00Z", Send + "-Force", vars);
            Assert.Equal("c-rsa", initial.Objects<EmbargoNoticeResult>().Single(r => r.Status == "Sent").MemberId);
            Assert.Equal(2, EmbargoTestState.Case(state, id).Notices.Last().Revision);

            // The 24-hour notice eleven days early is refused before anything is sent.
            int before = server.Received().Count;
            var tooEarly = ps.At("2026-03-12T15:00:00Z", Send + "-Kind Advance24h", vars);
            Assert.Contains("FinalNoticeOutsideWindow,SecurityOps.Commands.SendEmbargoNoticeCommand", tooEarly.ErrorIds);
            Assert.Equal(before, server.Received().Count);
            Assert.DoesNotContain(EmbargoTestState.Case(state, id).Timeline, e => e.Kind == "distributors-reminded");

            var advance = ps.At("2026-03-23T15:00:00Z", Send + "-Kind Advance24h", vars);
            Assert.Equal(3, advance.Objects<EmbargoNoticeResult>().Count(r => r.Status == "Sent"));
            Assert.Contains(EmbargoTestState.Case(state, id).Timeline, e => e.Kind == "distributors-reminded");
            Assert.Empty(ps.At("2026-03-23T16:00:00Z", Send + "-Kind Advance24h", vars).Objects<EmbargoNoticeResult>().Where(r => r.Status == "Sent"));
        }

        [Fact]
        public void ARecipientRejectedMidBatchOrADroppedConnectionFailsOnlyThatMemberAndARerunCompletesTheRest()
        {
            using var temp = new TempFolder();
            string state;
            string id;
            var vars = new Dictionary<string, object>();
            using (var rejecting = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456", reject: "curve-distro"))
            {
                state = EmbargoTestState.NewState(ps, temp, rejecting, 1, Members());
                id = EmbargoTestState.NewCase(ps, state, PublicDate);
                vars["state"] = state;
                vars["id"] = id;
                var first = ps.At("2026-03-05T10:00:00Z", Send, vars);
                Assert.Equal(new[] { "Sent", "Failed", "Sent" }, first.Objects<EmbargoNoticeResult>().Select(r => r.Status));
                Assert.Equal(new[] { "SmtpRecipientRejected," + Cmd }, first.ErrorIds);
                Assert.Equal(2, rejecting.Received().Count);
            }

            var c = EmbargoTestState.Case(state, id);
            Assert.Equal(CaseStatus.DistributorsNotified, c.Status);
            Assert.Contains("NOT sent to b-curve (Failed: SmtpRecipientRejected)", c.Timeline.Single(e => e.Kind == "embargo-notice").What);

            // The next server drops the connection on b-curve's message once; with one attempt it fails, a rerun sends it.
            using var dropping = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456", drop: "curve-distro");
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(config), @"(?m)^(    port: )\d+$", "${1}" + dropping.Port)
                .Replace("certificateThumbprint: ", "certificateThumbprint: " + dropping.CertificateThumbprint + " #"));
            var second = ps.At("2026-03-05T11:00:00Z", Send, vars);
            Assert.Equal(new[] { "Failed" }, second.Objects<EmbargoNoticeResult>().Where(r => r.Status != "Skipped").Select(r => r.Status));
            Assert.Equal(new[] { "SmtpConnectionLost," + Cmd }, second.ErrorIds);
            var third = ps.At("2026-03-05T12:00:00Z", Send, vars);
            Assert.Equal("b-curve", third.Objects<EmbargoNoticeResult>().Single(r => r.Status == "Sent").MemberId);
            Assert.Single(dropping.Received());
            Assert.Equal(0, EmbargoTestState.Decrypt(dropping.Received().Single(), keys.Curve).Exit);
            Assert.Equal(3, EmbargoTestState.Case(state, id).Notices.Count(n => n.Status == "Sent"));
        }

        [Fact]
        public void WhatIfShowsEachMessageAndSendsAndRecordsNothingAndAMissingValueStopsEverything()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = EmbargoTestState.NewState(ps, temp, server, 4, Members().Append(MessagingKeys.Member("d-expired", keys.Expired)).ToArray());
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            string before = File.ReadAllText(Path.Combine(state, "cases", id + ".yaml"));

            // -WhatIf plans what the real run does: the member with an expired key is shown refused, not sendable.
            var whatIf = ps.At("2026-03-05T10:00:00Z", EmbargoTestState.Credential + "Send-EmbargoNotice -Id $id -SmtpCredential $cred -StatePath $state -WhatIf", vars);
            Assert.Empty(whatIf.Errors);
            Assert.Equal(new[] { "WhatIf", "WhatIf", "WhatIf", "Refused" }, whatIf.Objects<EmbargoNoticeResult>().Select(r => r.Status));
            Assert.Equal("PgpKeyExpired", whatIf.Objects<EmbargoNoticeResult>().Single(r => r.MemberId == "d-expired").ErrorId);
            Assert.Contains(whatIf.Warnings, w => w.Contains("d-expired would be refused"));
            Assert.Contains("CVE-2026-1234", whatIf.Objects<EmbargoNoticeResult>().First().Message.Body);
            Assert.Empty(server.Received());
            Assert.Equal(before, File.ReadAllText(Path.Combine(state, "cases", id + ".yaml")));

            // A team's own template that names values the case lacks: one error names them all, nothing goes out.
            string noCve = EmbargoTestState.NewCase(ps, state, PublicDate, withCve: false);
            Directory.CreateDirectory(Path.Combine(state, "templates"));
            File.WriteAllText(Path.Combine(state, "templates", "embargo-notice.hbs"),
                "Subject: {{case.cveId}} embargoed\n{{case.cveId}}: {{case.summary}}\nAdvisory: {{case.advisoryUrl}}\nPublic on {{case.publicDate}}\n");
            var missing = ps.At("2026-03-05T10:00:00Z", Send.Replace("$id", "$id2"), new Dictionary<string, object> { ["state"] = state, ["id2"] = noCve });
            Assert.Equal(new[] { "TemplateFieldsMissing," + Cmd }, missing.ErrorIds);
            string error = missing.Errors.Single().ToString();
            Assert.Contains("case.cveId", error);
            Assert.Contains("case.advisoryUrl", error);
            Assert.Contains($"Set-VulnerabilityReport {noCve} -CveId", error);
            Assert.Contains($"Set-VulnerabilityReport {noCve} -AdvisoryUrl", error);
            Assert.Equal(noCve, missing.Errors.Single().TargetObject);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, missing.Errors.Single().CategoryInfo.Category);
            Assert.Empty(server.Received());
            Assert.Empty(EmbargoTestState.Case(state, noCve).Notices);
        }
    }
}
