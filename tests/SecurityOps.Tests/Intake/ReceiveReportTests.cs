using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Intake
{
    /// <summary>
    /// Receive-VulnerabilityReport on a folder of real mails: a report in the clear with attachments, a PGP/MIME report
    /// signed and encrypted with real gpg, a reply, and a report encrypted to someone else.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class ReceiveReportTests : IClassFixture<InboxKeys>
    {
        private const string Cmd = "SecurityOps.Commands.ReceiveVulnerabilityReportCommand";
        private const string Passphrase = "$pass = [Net.NetworkCredential]::new('', '" + InboxKeys.TeamPassphrase + "').SecurePassword; ";
        private readonly PowerShellFixture ps;
        private readonly InboxKeys keys;

        public ReceiveReportTests(PowerShellFixture ps, InboxKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        private static string Receive(string extra = "") =>
            "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-03-03T10:00:00Z')\ntry {\n" + Passphrase +
            "Receive-VulnerabilityReport -Path $inbox -KeyPassphrase $pass -MaxAttachmentBytes 1024 -StatePath $state -Actor alice -Confirm:$false " + extra +
            "\n} finally { [SecurityOps.ModuleContext]::UseSystemTime() }";

        private string PlainReport() =>
            "From: Jane Researcher <jane@research.example>\r\nTo: security@project.example\r\nSubject: Path traversal in the unpacker\r\n" +
            "Date: Mon, 02 Mar 2026 08:00:00 +0000\r\nMessage-ID: <r1@research.example>\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
            "The unpacker follows symlinks out of the bundle. PoC attached.\r\n--b1\r\n" +
            "Content-Type: application/x-sh\r\nContent-Disposition: attachment; filename=\"poc.sh\"\r\n\r\necho pwned > /tmp/x\r\n--b1\r\n" +
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"core.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            Convert.ToBase64String(new byte[4096], Base64FormattingOptions.InsertLineBreaks) + "\r\n--b1--\r\n";

        /// <summary>A PGP/MIME message: the inner entity (with its protected subject) signed by the reporter and encrypted with gpg.</summary>
        private string EncryptedReport(TempFolder temp, string recipient, string messageId)
        {
            string inner = temp.Combine("inner-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllText(inner, "Content-Type: text/plain; charset=utf-8; protected-headers=\"v1\"\r\nSubject: Token written to logs\r\n\r\n" +
                                     "The API token is written to the debug log at startup.\r\n");
            keys.Reporter.Import(keys.Team.PublicKey);
            keys.Reporter.Run($"--armor --trust-model always --sign --local-user {keys.Reporter.Fingerprint} --encrypt --recipient {recipient} --output {inner}.asc {inner}");
            string armored = File.ReadAllText(inner + ".asc");
            return "From: jane@research.example\r\nTo: security@project.example\r\nSubject: Encrypted message\r\n" +
                   $"Date: Mon, 02 Mar 2026 09:30:00 +0000\r\nMessage-ID: {messageId}\r\nMIME-Version: 1.0\r\n" +
                   "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\r\n\r\n" +
                   "--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--enc\r\n" +
                   "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n" + armored.Replace("\n", "\r\n") + "\r\n--enc--\r\n";
        }

        private static string Reply() =>
            "From: jane@research.example\r\nTo: security@project.example\r\nSubject: Re: Path traversal in the unpacker\r\n" +
            "Date: Tue, 03 Mar 2026 07:00:00 +0000\r\nMessage-ID: <r2@research.example>\r\nIn-Reply-To: <ack1@project.example>\r\n" +
            "References: <r1@research.example> <ack1@project.example>\r\n\r\nIt also works with hard links.\r\n";

        private (string State, string Inbox, Dictionary<string, object> Vars) Setup(TempFolder temp)
        {
            string state = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{state}' -NoGit -Confirm:$false | Out-Null").AssertNoErrors();
            InboxKeys.InstallTeamKey(state, keys.Team);
            Directory.CreateDirectory(Path.Combine(state, "keys", "reporters"));
            File.WriteAllText(Path.Combine(state, "keys", "reporters", "jane.asc"), keys.Reporter.PublicKey);
            string inbox = temp.Combine("inbox");
            Directory.CreateDirectory(inbox);
            return (state, inbox, new Dictionary<string, object> { ["state"] = state, ["inbox"] = inbox });
        }

        private static VulnerabilityCase Case(string state, string id) => new StateRepository(state).Read<VulnerabilityCase>(VulnerabilityCase.PathFor(id));

        [Fact]
        public void EachNewReportOpensOneCaseRepliesJoinTheirThreadAndEveryCopyIsKeptEncrypted()
        {
            using var temp = new TempFolder();
            var (state, inbox, vars) = Setup(temp);
            File.WriteAllText(Path.Combine(inbox, "1-plain.eml"), PlainReport());
            File.WriteAllText(Path.Combine(inbox, "2-encrypted.eml"), EncryptedReport(temp, keys.Team.Fingerprint, "<r9@research.example>"));
            File.WriteAllText(Path.Combine(inbox, "3-reply.eml"), Reply());
            File.WriteAllText(Path.Combine(inbox, "4-foreign.eml"), EncryptedReport(temp, keys.Reporter.Fingerprint, "<x1@research.example>"));

            var first = ps.Run(Receive(), vars);
            var results = first.Objects<ReceivedReport>().ToList();
            Assert.Equal(new[] { "Created", "Created", "Attached" }, results.Select(r => r.Action));
            Assert.Equal(new[] { "ReportNotForTeamKey," + Cmd }, first.ErrorIds);
            Assert.EndsWith("4-foreign.eml", first.Errors[0].TargetObject.ToString());

            // The report in the clear: reporter, received time from the mail, channel, summary, attachments listed.
            VulnerabilityCase plain = Case(state, "SEC-2026-0001");
            Assert.Equal(("jane@research.example", "email", "Path traversal in the unpacker"), (plain.Reporter, plain.Channel, plain.Summary));
            Assert.Equal(DateTimeOffset.Parse("2026-03-02T08:00:00Z"), plain.ReceivedAt);
            Assert.Equal(new[] { "<r1@research.example>".Trim('<', '>'), "r2@research.example" }, plain.MailThread);
            Assert.Contains(results[0].Attachments, a => a.StartsWith("poc.sh (", StringComparison.Ordinal) && a.Contains("sha256"));
            Assert.Contains(results[0].Attachments, a => a.StartsWith("core.bin (4,096 bytes, dropped", StringComparison.Ordinal));
            Assert.Contains(plain.Timeline, e => e.Kind == "mail" && e.What.Contains("It also works") == false && e.What.Contains("Re: Path traversal"));

            // The encrypted one: decrypted with the team's key, its protected subject used, the signature verified.
            VulnerabilityCase encrypted = Case(state, "SEC-2026-0002");
            Assert.Equal("Token written to logs", encrypted.Summary);
            Assert.True(results[1].Encrypted);
            Assert.Equal($"verified ({keys.Reporter.Fingerprint})", results[1].Signature);

            // Every copy is kept encrypted: not readable on disk, and the team's key opens it.
            foreach (ReceivedReport r in results)
            {
                string file = Path.Combine(state, r.StoredAs);
                string onDisk = File.ReadAllText(file);
                Assert.StartsWith("-----BEGIN PGP MESSAGE-----", onDisk);
                Assert.DoesNotContain("unpacker", onDisk);
                Assert.DoesNotContain("token", onDisk, StringComparison.OrdinalIgnoreCase);
                var (exit, clear, _) = keys.Team.Decrypt(file);
                Assert.Equal(0, exit);
                Assert.Contains(r.MessageId, clear);
            }

            var (_, firstCopy, _) = keys.Team.Decrypt(Path.Combine(state, results[0].StoredAs));
            Assert.Contains("echo pwned", firstCopy);
            Assert.Contains("core.bin (4,096 bytes) was dropped", firstCopy);
            var (_, secondCopy, _) = keys.Team.Decrypt(Path.Combine(state, results[1].StoredAs));
            Assert.Contains("The API token is written to the debug log", secondCopy);

            // Read again: nothing new, no second case.
            var again = ps.Run(Receive(), vars);
            Assert.Equal(new[] { "AlreadyRead", "AlreadyRead", "AlreadyRead" }, again.Objects<ReceivedReport>().Select(r => r.Action));
            Assert.Equal(2, Directory.GetFiles(Path.Combine(state, "cases"), "SEC-*.yaml").Length);
        }

        /// <summary>The same through a real IMAP server (Dovecot, STARTTLS, a pinned self-signed certificate), read-only.</summary>
        [Fact]
        public void AMailboxOverImapIsReadOnceWithThePinnedCertificateAndAWrongLoginIsAClearError()
        {
            using var temp = new TempFolder();
            var (state, _, vars) = Setup(temp);
            string huge = "From: bulk@elsewhere.example\r\nSubject: A very large mail\r\nMessage-ID: <big1@elsewhere.example>\r\n\r\n" + new string('x', 300_000) + "\r\n";
            // Three malformed ones: bytes that are no mail, headers without a sender, and a PGP/MIME mail whose encrypted part is not OpenPGP.
            string garbage = "\u0001\u0002PK\u0003\u0004 not a mail at all\r\n\r\nzz\r\n";
            string noSender = "Subject: Urgent\r\nMessage-ID: <anon1@nowhere.example>\r\n\r\nThere is a bug.\r\n";
            string badPgp = "From: jane@research.example\r\nSubject: Encrypted message\r\nMessage-ID: <bad1@research.example>\r\nMIME-Version: 1.0\r\n" +
                            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\r\n\r\n" +
                            "--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--enc\r\n" +
                            "Content-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nbm90IHBncA==\r\n-----END PGP MESSAGE-----\r\n--enc--\r\n";
            using var imap = new ImapTestServer(PlainReport(), Reply(), EncryptedReport(temp, keys.Team.Fingerprint, "<r5@research.example>"), huge, garbage, noSender, badPgp);
            vars["port"] = imap.Port;
            vars["pin"] = imap.CertificateThumbprint;
            string login = $"$login = [pscredential]::new('{ImapTestServer.User}', [Net.NetworkCredential]::new('', '{ImapTestServer.Password}').SecurePassword); ";
            string receive = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-03-03T10:00:00Z')\ntry {\n" + Passphrase + login +
                             "Receive-VulnerabilityReport -ImapServer 127.0.0.1 -Port $port -ImapCredential $login -CertificateThumbprint $pin -KeyPassphrase $pass -MaxMessageBytes 200000 -StatePath $state -Confirm:$false" +
                             "\n} finally { [SecurityOps.ModuleContext]::UseSystemTime() }";

            // The message over the cap is refused by its size before it is read, the malformed ones as not readable, each
            // with the mailbox and UID as target; the others go on.
            var first = ps.Run(receive, vars);
            Assert.Equal(new[] { "ReportTooLarge," + Cmd, "ReportNotReadable," + Cmd, "ReportNotReadable," + Cmd, "ReportNotReadable," + Cmd }, first.ErrorIds);
            Assert.All(first.Errors, e => Assert.StartsWith("imap:INBOX/", e.TargetObject.ToString()));
            Assert.Equal(new[] { "LimitsExceeded", "InvalidData", "InvalidData", "InvalidData" }, first.Errors.Select(e => e.CategoryInfo.Category.ToString()));
            Assert.Contains("is not a mail message", first.Errors[1].ToString());
            Assert.Contains("no sender address", first.Errors[2].ToString());
            Assert.Contains("not an OpenPGP message", first.Errors[3].ToString());
            Assert.Equal(4, first.Errors.Select(e => e.TargetObject.ToString()).Distinct().Count());
            Assert.Equal(new[] { "Created", "Attached", "Created" }, first.Objects<ReceivedReport>().Select(r => r.Action));
            Assert.All(first.Objects<ReceivedReport>(), r => Assert.StartsWith("imap:INBOX/", r.Source));
            Assert.Equal("Token written to logs", Case(state, "SEC-2026-0002").Summary);
            Assert.Equal(new[] { "AlreadyRead", "AlreadyRead", "AlreadyRead" }, ps.Run(receive, vars).Objects<ReceivedReport>().Select(r => r.Action));

            // Read-only: the server still holds every message, the refused ones too, and none is flagged as seen.
            Assert.DoesNotContain("expunged=1", imap.Log);
            using (var check = new MailKit.Net.Imap.ImapClient())
            {
                check.ServerCertificateValidationCallback = (sender, certificate, chain, errors) => true;
                check.Connect("127.0.0.1", imap.Port, MailKit.Security.SecureSocketOptions.StartTls);
                check.Authenticate(ImapTestServer.User, ImapTestServer.Password);
                check.Inbox.Open(MailKit.FolderAccess.ReadOnly);
                var flags = check.Inbox.Fetch(0, -1, new MailKit.FetchRequest(MailKit.MessageSummaryItems.Flags | MailKit.MessageSummaryItems.UniqueId));
                Assert.Equal(7, flags.Count);
                Assert.All(flags, m => Assert.False(m.Flags.Value.HasFlag(MailKit.MessageFlags.Seen), $"UID {m.UniqueId} was marked seen"));
                check.Disconnect(true);
            }

            var badLogin = ps.Run(receive.Replace(ImapTestServer.Password, "wrong-imap-pw-1"), vars);
            Assert.Equal(new[] { "ImapLoginFailed," + Cmd }, badLogin.ErrorIds);
            Assert.DoesNotContain("wrong-imap-pw-1", badLogin.Errors[0].ToString());

            var unpinned = ps.Run(receive.Replace(" -CertificateThumbprint $pin", string.Empty), vars);
            Assert.Equal(new[] { "ImapConnectFailed," + Cmd }, unpinned.ErrorIds);
            Assert.Contains("-CertificateThumbprint", unpinned.Errors[0].ToString());
        }

        /// <summary>
        /// The acknowledgement goes back to the reporter encrypted (their key is in keys/reporters), is on the timeline,
        /// and meets KubeEdge's 24-hour acknowledgement milestone; a reply the server refuses records nothing.
        /// </summary>
        [Fact]
        public void TheAcknowledgementGoesBackEncryptedAndMeetsTheMilestone()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            var (state, inbox, vars) = Setup(temp);
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config)
                .Replace("  policy:\n", "  policy: kubeedge\n")
                .Replace("    host:\n", "    host: 127.0.0.1\n")
                .Replace("    port: 587\n", $"    port: {server.Port}\n")
                .Replace("    certificateThumbprint:\n", $"    certificateThumbprint: {server.CertificateThumbprint}\n")
                .Replace("    retryDelaySeconds: 2\n", "    retryDelaySeconds: 0.05\n"));
            File.WriteAllText(Path.Combine(inbox, "1-encrypted.eml"), EncryptedReport(temp, keys.Team.Fingerprint, "<r8@research.example>"));
            ps.Run(Receive(), vars).AssertNoErrors();

            // The team signs what it sends with its key, unlocked from the environment as in a scheduled job.
            string send = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-03-03T09:00:00Z')\n$env:SECURITYOPS_SIGNING_PASSPHRASE = '" + InboxKeys.TeamPassphrase + "'\ntry {\n" +
                          SecurityOps.Tests.Embargo.EmbargoTestState.Credential +
                          "Send-ReporterReply SEC-2026-0001 -Note 'We reproduced it.' -SmtpCredential $cred -StatePath $state -Actor bob -Confirm:$false\n} finally { [SecurityOps.ModuleContext]::UseSystemTime(); $env:SECURITYOPS_SIGNING_PASSPHRASE = $null }";
            var delivery = ps.Run(send, vars).AssertNoErrors().Objects<MailDelivery>().Single();
            Assert.Equal("Sent", delivery.Status);
            var mail = server.Received().Single();
            Assert.Equal(new[] { "jane@research.example" }, mail.EnvelopeTo);
            Assert.DoesNotContain("reproduced", mail.Raw);
            string armored = Path.Combine(temp.Path, "reply.asc");
            File.WriteAllText(armored, System.Text.RegularExpressions.Regex.Match(mail.Raw, "-----BEGIN PGP MESSAGE-----[\\s\\S]*?-----END PGP MESSAGE-----").Value);
            // Decrypted by the reporter's key (the team's signature inside dates from the test's fixed clock, before the
            // team key was made today, so gpg's exit code speaks of the signature, not the decryption).
            var (_, plain, status) = keys.Reporter.Decrypt(armored);
            Assert.Contains("[GNUPG:] DECRYPTION_OKAY", status);
            Assert.Contains("SEC-2026-0001", plain);
            Assert.Contains("We reproduced it.", plain.Replace("=\n", string.Empty));

            VulnerabilityCase c = Case(state, "SEC-2026-0001");
            Assert.Equal("acknowledged", c.Status);
            Assert.Contains(c.Timeline, e => e.Kind == "reporter-reply" && e.Actor == "bob" && e.What.Contains("encrypted"));
            var ack = ps.Run("[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-03-03T11:00:00Z'); try { Get-DisclosureTimeline SEC-2026-0001 -StatePath $state } finally { [SecurityOps.ModuleContext]::UseSystemTime() }", vars)
                .AssertNoErrors().Objects<DisclosureMilestone>().Single(m => m.Milestone == "acknowledge");
            Assert.Equal(MilestoneState.Met, ack.State);
            Assert.Equal(DateTimeOffset.Parse("2026-03-03T09:00:00Z"), ack.MetAt); // 23.5 h after the mail of 09:30 the day before

            // Without a planned public date there is no date to tell: one clear error, nothing sent.
            var noDate = ps.Run(send.Replace("-Note 'We reproduced it.'", "-Kind PublicDate"), vars);
            Assert.Equal(new[] { "TemplateFieldsMissing,SecurityOps.Commands.SendReporterReplyCommand" }, noDate.ErrorIds);
            Assert.Single(server.Received());
        }

        [Fact]
        public void AWrongPassphraseIsAClearErrorThatOpensNoCaseAndNeverShowsThePassphrase()
        {
            using var temp = new TempFolder();
            var (state, inbox, vars) = Setup(temp);
            File.WriteAllText(Path.Combine(inbox, "1-encrypted.eml"), EncryptedReport(temp, keys.Team.Fingerprint, "<r7@research.example>"));
            var wrong = ps.Run(Receive().Replace(InboxKeys.TeamPassphrase, "not the passphrase 123"), vars);
            Assert.Equal(new[] { "TeamKeyPassphraseWrong," + Cmd }, wrong.ErrorIds);
            Assert.DoesNotContain("not the passphrase 123", wrong.Errors[0].ToString());
            Assert.False(Directory.Exists(Path.Combine(state, "cases")) && Directory.GetFiles(Path.Combine(state, "cases"), "SEC-*.yaml").Length > 0);

            // -WhatIf reads and plans, and writes nothing.
            File.WriteAllText(Path.Combine(inbox, "2-plain.eml"), PlainReport());
            var whatIf = ps.Run(Receive("-WhatIf"), vars).AssertNoErrors();
            Assert.Equal(new[] { "WhatIf", "WhatIf" }, whatIf.Objects<ReceivedReport>().Select(r => r.Action));
            Assert.False(Directory.Exists(Path.Combine(state, "intake")));
        }
    }
}
