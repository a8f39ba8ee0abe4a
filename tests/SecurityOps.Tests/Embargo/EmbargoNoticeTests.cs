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
        private const string Send = EmbargoTestState.Credential + "Send-EmbargoNotice -Id $id -Credential $cred -StatePath $state -Confirm:$false ";

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
    }
}
