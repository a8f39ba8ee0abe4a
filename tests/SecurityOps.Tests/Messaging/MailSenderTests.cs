using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>The mailer against a real SMTP server (aiosmtpd) and real gpg decrypting what was sent.</summary>
    public sealed class MailSenderTests : IClassFixture<MessagingKeys>
    {
        private const string RealSubject = "CVE-2026-12345: heap overflow in the frobnicator (embargoed until 2026-02-01)";
        private readonly MessagingKeys keys;

        public MailSenderTests(MessagingKeys keys) => this.keys = keys;

        private static SmtpSettings Settings(SmtpTestServer server, string security = "starttls") => new SmtpSettings
        {
            Host = "127.0.0.1",
            Port = server.Port,
            Security = security,
            CertificateThumbprint = server.CertificateThumbprint,
            MaxAttempts = 3,
            RetryDelaySeconds = 0.05,
            TimeoutSeconds = 10,
        };

        private static RenderedMessage Notice(string to) => new RenderedMessage
        {
            Template = "test",
            To = to,
            Subject = RealSubject,
            Body = "The frobnicator overflows its heap on long names (CVE-2026-12345).\nFixed in 2.4.1.\n",
        };

        private DistributorMailer Mailer(SmtpTestServer server, NetworkCredential credential = null, OpenPgpSigner signer = null, string security = "starttls") =>
            new DistributorMailer(new PgpMimeBuilder("security@project.example", "Encrypted message from the security team", signer),
                new MailSender(Settings(server, security), credential));

        private static List<MailDelivery> Send(DistributorMailer mailer, params DistributorMember[] members) =>
            mailer.SendAsync(members.Select(m => (m, Notice(m.SecurityAlias))), null, CancellationToken.None).GetAwaiter().GetResult();

        [Fact]
        public void EachMessageIsRfc3156AndOnlyItsRecipientCanDecryptIt()
        {
            using var server = new SmtpTestServer(tls: true, user: "sender", password: "s3cret-pass");
            var team = OpenPgpSigner.Load(keys.Team.ExportSecretKey(), null, "team key");
            var members = new[] { MessagingKeys.Member("rsa", keys.Rsa), MessagingKeys.Member("curve", keys.Curve) };

            var results = Send(Mailer(server, new NetworkCredential("sender", "s3cret-pass"), team), members);

            Assert.All(results, r => Assert.Equal("Sent", r.Status));
            var received = server.Received();
            Assert.Equal(2, received.Count);
            foreach (var (mail, index) in received.Select((m, i) => (m, i)))
            {
                GpgIdentity own = index == 0 ? keys.Rsa : keys.Curve;
                GpgIdentity other = index == 0 ? keys.Curve : keys.Rsa;
                Assert.True(mail.Tls && mail.Authenticated);
                Assert.Equal(new[] { own.Email }, mail.EnvelopeTo);
                Assert.Single(Regex.Matches(mail.Headers, "^To:", RegexOptions.Multiline | RegexOptions.IgnoreCase));
                Assert.DoesNotContain("@", Regex.Match(mail.Headers, @"^To:.*$", RegexOptions.Multiline).Value.Replace(own.Email, string.Empty));

                // RFC 3156: multipart/encrypted with the control part and the armored message.
                Assert.Matches(@"Content-Type: multipart/encrypted;[\s\S]*protocol=""application/pgp-encrypted""", mail.Headers);
                Assert.Contains("Content-Type: application/pgp-encrypted", mail.Raw);
                Assert.Contains("Version: 1", mail.Raw);
                Assert.Contains("Content-Type: application/octet-stream", mail.Raw);

                // Nothing embargoed in clear: not the CVE id, not the real subject, not the body.
                Assert.Contains("Subject: Encrypted message from the security team", mail.Headers);
                foreach (string secret in new[] { "CVE-2026-12345", "frobnicator", "embargoed", "overflow" })
                {
                    Assert.DoesNotContain(secret, mail.Raw, StringComparison.OrdinalIgnoreCase);
                }

                string armored = Regex.Match(mail.Raw, "-----BEGIN PGP MESSAGE-----[\\s\\S]*?-----END PGP MESSAGE-----").Value;
                string file = mail.Path + ".asc";
                File.WriteAllText(file, armored);

                own.Import(keys.Team.PublicKey);
                var (exit, plain, status) = own.Decrypt(file);
                Assert.True(exit == 0, status);
                Assert.Contains("Subject: " + RealSubject, plain.Replace("\r\n ", " "));
                Assert.Matches("protected-headers=\"?v1\"?", plain);
                Assert.Contains("frobnicator overflows", plain);
                Assert.Contains("GOODSIG", status);
                Assert.Contains(keys.Team.Fingerprint, status);

                var (otherExit, _, _) = other.Decrypt(file);
                Assert.NotEqual(0, otherExit);
            }
        }

        [Fact]
        public void UnusableKeysAreRefusedAndNeverSentInClear()
        {
            using var server = new SmtpTestServer(tls: true);
            var swapped = MessagingKeys.Member("swapped", keys.Curve, "security@swapped.example");
            swapped.Fingerprint = keys.Rsa.Fingerprint; // a different key stored under the recorded fingerprint
            var members = new[]
            {
                new DistributorMember { Id = "garbage", SecurityAlias = "security@garbage.example", Status = "active", Fingerprint = "00", PublicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n" },
                MessagingKeys.Member("expired", keys.Expired),
                MessagingKeys.Member("revoked", keys.Revoked),
                MessagingKeys.Member("signonly", keys.SignOnly),
                swapped,
                new DistributorMember { Id = "nokey", SecurityAlias = "security@nokey.example", Status = "active" },
                MessagingKeys.Member("good", keys.Curve),
            };

            var results = Send(Mailer(server), members);

            var byId = results.ToDictionary(r => r.MemberId);
            Assert.Equal("PgpKeyUnreadable", byId["garbage"].ErrorId);
            Assert.Equal("PgpKeyExpired", byId["expired"].ErrorId);
            Assert.Equal("PgpKeyRevoked", byId["revoked"].ErrorId);
            Assert.Equal("PgpKeyCannotEncrypt", byId["signonly"].ErrorId);
            Assert.Equal("PgpKeyFingerprintMismatch", byId["swapped"].ErrorId);
            Assert.Equal("PgpKeyMissing", byId["nokey"].ErrorId);
            Assert.All(results.Where(r => r.MemberId != "good"), r => Assert.Equal("Refused", r.Status));
            Assert.Equal("Sent", byId["good"].Status);
            var received = Assert.Single(server.Received());
            Assert.Equal(new[] { keys.Curve.Email }, received.EnvelopeTo);
        }

        [Fact]
        public void AServerWithoutStartTlsIsAnErrorAndNothingIsSent()
        {
            using var server = new SmtpTestServer(tls: false);
            var ex = Assert.Throws<SecurityOpsException>(() => Send(Mailer(server), MessagingKeys.Member("curve", keys.Curve)));
            Assert.Equal("SmtpStartTlsUnavailable", ex.ErrorId);
            Assert.Empty(server.Received());
        }

        [Fact]
        public void WrongCredentialsAreAnErrorAndNothingIsSent()
        {
            using var server = new SmtpTestServer(tls: true, user: "sender", password: "right");
            var ex = Assert.Throws<SecurityOpsException>(() => Send(Mailer(server, new NetworkCredential("sender", "wrong-password")), MessagingKeys.Member("curve", keys.Curve)));
            Assert.Equal("SmtpAuthenticationFailed", ex.ErrorId);
            Assert.DoesNotContain("wrong-password", ex.Message);
            Assert.Empty(server.Received());
        }

        [Fact]
        public void A5xxForOneRecipientMidBatchFailsOnlyThatOne()
        {
            using var server = new SmtpTestServer(tls: true, reject: "bounce");
            var members = new[]
            {
                MessagingKeys.Member("first", keys.Curve, "security@first.example"),
                MessagingKeys.Member("bounce", keys.Curve, "security@bounce.example"),
                MessagingKeys.Member("last", keys.Rsa, "security@last.example"),
            };

            var results = Send(Mailer(server), members);

            Assert.Equal(new[] { "Sent", "Failed", "Sent" }, results.Select(r => r.Status));
            Assert.Equal("SmtpRecipientRejected", results[1].ErrorId);
            Assert.Equal(1, results[1].Attempts);
            Assert.Equal(new[] { "security@first.example", "security@last.example" }, server.Received().Select(m => m.EnvelopeTo.Single()));
        }

        [Fact]
        public void TransientFailuresAndADroppedConnectionAreRetriedAndEachMemberGetsOneMessage()
        {
            using var server = new SmtpTestServer(tls: true, tempfail: "slow", drop: "drop");
            var members = new[]
            {
                MessagingKeys.Member("a", keys.Curve, "security@a.example"),
                MessagingKeys.Member("slow", keys.Curve, "security@slow.example"),
                MessagingKeys.Member("drop", keys.Curve, "security@drop.example"),
                MessagingKeys.Member("z", keys.Curve, "security@z.example"),
            };

            var results = Send(Mailer(server), members);

            Assert.All(results, r => Assert.Equal("Sent", r.Status));
            Assert.Equal(new[] { 1, 2, 2, 1 }, results.Select(r => r.Attempts));
            var to = server.Received().Select(m => m.EnvelopeTo.Single()).ToList();
            Assert.Equal(members.Select(m => m.SecurityAlias).OrderBy(a => a), to.OrderBy(a => a));
        }

        [Fact]
        public void AServerThatGoesAwayMidBatchIsReportedAndARerunSendsOnlyTheRest()
        {
            var members = Enumerable.Range(1, 4).Select(i => MessagingKeys.Member("m" + i, keys.Curve, $"security@m{i}.example")).ToArray();
            List<MailDelivery> first;
            using (var server = new SmtpTestServer(tls: true, drop: "m3"))
            {
                var settings = Settings(server);
                settings.MaxAttempts = 1; // the drop is final for this run
                var mailer = new DistributorMailer(new PgpMimeBuilder("security@project.example", "Encrypted"), new MailSender(settings, null));
                first = Send(mailer, members);
                Assert.Equal(new[] { "Sent", "Sent", "Failed" }, first.Take(3).Select(r => r.Status));
                Assert.Equal("SmtpConnectionLost", first[2].ErrorId);
                Assert.Equal(3, server.Received().Count); // m1, m2, and m4 after reconnecting
            }

            Assert.Equal("Sent", first[3].Status); // reconnected for the next member

            using var rerunServer = new SmtpTestServer(tls: true);
            var pending = members.Where(m => first.Single(r => r.MemberId == m.Id).Status != "Sent").ToArray();
            var second = Send(Mailer(rerunServer), pending);
            Assert.Equal(new[] { "m3" }, second.Where(r => r.Status == "Sent").Select(r => r.MemberId));
            Assert.Single(rerunServer.Received());
        }
    }
}
