using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>The distributors-list cmdlets, driven from script text in the real engine.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class DistributorCommandTests : IClassFixture<MessagingKeys>
    {
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public DistributorCommandTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        internal static string OciRequestMail(string key) => $@"To: security@opencontainers.org
From: Acid Burn <acid@seven.example>
Subject: Seven-Corp Membership to security-announce@opencontainers.org

Below are each criterion and why I think we, Seven-Corp, qualify.

> 0. Have an actively monitored security alias email for our project.

Yes, please subscribe security-response-team@seven.example to the distributor's
announce list.

> 1. Have a user base not limited to your own organization.

Our user base spans of the extensive ""Seven"" community.

> 2. Have a publicly verifiable track record up to present day of fixing security
   issues.

We announce on our blog all upstream patches we apply to ""Seven.""

> 3. Not be a downstream or rebuild of another distribution.

This does not apply, ""Seven"" is a unique snowflake distribution.

> 4. Accept the Embargo Policy that is outlined above.

We accept.

> 5. Be willing to contribute back as outlined above.

We are definitely willing to help!

> 6. Be willing and able to handle PGP-encrypted email.

Yes, our key is below.

> 7. Have someone already on the list vouch for the person requesting membership
   on behalf of your distribution.

CrashOverride will vouch for Acidburn joining the list on behalf of the ""Seven""
distribution.

{key}";

        private string NewState(TempFolder temp, params DistributorMember[] members)
        {
            string state = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{state}' -Confirm:$false").AssertNoErrors();
            var files = new StateRepository(state);
            files.Write(DistributorStore.FileName, new DistributorList { Members = members.ToList() });
            return state;
        }

        /// <summary>
        /// -Send delivers the decisions over real SMTP: the welcome (with the policy's link) and the removal notice
        /// encrypted to the member's key, the denial in the clear to an applicant who gave no key.
        /// </summary>
        [Fact]
        public void WelcomeDenialAndRemovalAreSentEncryptedWhereTheRecipientHasAKey()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = SecurityOps.Tests.Embargo.EmbargoTestState.NewState(ps, temp, server, 4,
                MessagingKeys.Member("CrashOverride", keys.Rsa, people: "Crash Override <crash@rsa-distro.example> (security lead)"));
            var vars = new Dictionary<string, object> { ["mail"] = OciRequestMail(keys.Curve.PublicKey), ["state"] = state };
            string cred = SecurityOps.Tests.Embargo.EmbargoTestState.Credential;
            ps.Run("New-MembershipRequest -MailText $mail -Id seven -StatePath $state -Confirm:$false | Out-Null; Confirm-MembershipVouch seven -By 'Crash Override' -StatePath $state -Confirm:$false", vars).AssertNoErrors();

            var welcome = ps.Run(cred + "Approve-MembershipRequest seven -Send -SmtpCredential $cred -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Equal("Sent", welcome.Delivery.Status);
            var sent = server.Received().Single();
            Assert.Equal(new[] { "security-response-team@seven.example" }, sent.EnvelopeTo);
            Assert.DoesNotContain("distributors list", sent.Raw);
            var (exit, plain) = SecurityOps.Tests.Embargo.EmbargoTestState.Decrypt(sent, keys.Curve);
            Assert.Equal(0, exit);
            plain = plain.Replace("=\r\n", string.Empty).Replace("=\n", string.Empty); // quoted-printable soft breaks
            Assert.Contains("is now on the Example Project distributors list", plain);
            Assert.Contains("https://github.com/opencontainers/org/blob/main/SECURITY.md", plain);

            ps.Run("New-MembershipRequest -Id nokey -Organisation NoKey -SecurityAlias security@nokey.example -Answer @{ 'accept-embargo' = 'We accept.' } -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var denial = ps.Run(cred + "Deny-MembershipRequest nokey -Reason 'No key and no voucher.' -Send -SmtpCredential $cred -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Equal("Sent", denial.Delivery.Status);
            Assert.Contains("No key and no voucher.", server.Received().Last().Raw);

            var removal = ps.Run(cred + "Remove-DistributorMember seven -Reason 'Stopped meeting the criteria.' -Send -SmtpCredential $cred -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Equal("Sent", removal.Delivery.Status);
            var removed = server.Received().Last();
            Assert.DoesNotContain("Stopped meeting", removed.Raw);
            Assert.Contains("Stopped meeting the criteria.", SecurityOps.Tests.Embargo.EmbargoTestState.Decrypt(removed, keys.Curve).Plain.Replace("=\n", string.Empty));
            Assert.Equal(3, server.Received().Count);
        }

        /// <summary>The blank form on demand, filled in by an applicant, reads back with every criterion answered.</summary>
        [Fact]
        public void TheRequestFormFilledInReadsBackWithEveryCriterionAnswered()
        {
            using var temp = new TempFolder();
            string state = NewState(temp, MessagingKeys.Member("CrashOverride", keys.Rsa, people: "Crash Override <crash@rsa-distro.example> (security lead)"));
            var vars = new Dictionary<string, object> { ["state"] = state };
            string form = string.Join("\n", ps.Run("Get-MembershipRequestForm -Criteria kubeedge -StatePath $state", vars).AssertNoErrors().Output.Select(o => o.ToString()));
            Assert.Contains("> 5. Be a participant and active contributor in the KubeEdge community.", form);
            Assert.Contains("https://github.com/kubeedge/kubeedge/blob/master/SECURITY.md", form);
            string filled = form.Replace("Subject: <Your organisation>", "Subject: Edge-Distro")
                .Replace("<the security alias to subscribe, such as security@example.org>", "Please subscribe security@edge-distro.example.")
                .Replace("<the name of the person on the list who vouches for you, and their organisation>", "Crash Override will vouch for us.")
                .Replace("<your answer>", "Yes, we do: see our tracker.")
                .Replace("<paste your team's OpenPGP public key here: -----BEGIN PGP PUBLIC KEY BLOCK----- ... >", keys.Curve.PublicKey);
            vars["mail"] = "From: lead@edge-distro.example\n" + filled;
            var request = ps.Run("New-MembershipRequest -MailText $mail -Criteria kubeedge -Id edge -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipRequest>().Single();
            Assert.Equal(8, request.Answers.Count(a => !string.IsNullOrWhiteSpace(a.Answer)));
            Assert.Equal("security@edge-distro.example", request.SecurityAlias);
            Assert.Equal("Crash Override", request.VouchedByPerson);
        }

        [Fact]
        public void ARequestMailIsParsedTestedApprovedAndTheWelcomeRendered()
        {
            using var temp = new TempFolder();
            string state = NewState(temp, MessagingKeys.Member("CrashOverride", keys.Rsa, people: "Crash Override <crash@rsa-distro.example> (security lead)"));
            var vars = new Dictionary<string, object> { ["mail"] = OciRequestMail(keys.Curve.PublicKey), ["state"] = state };

            var created = ps.Run("$r = New-MembershipRequest -MailText $mail -Id seven -StatePath $state -Confirm:$false; $r", vars).AssertNoErrors();
            var request = created.Objects<MembershipRequest>().Single();
            Assert.Equal("Seven-Corp", request.Organisation);
            Assert.Equal("security-response-team@seven.example", request.SecurityAlias);
            // "CrashOverride will vouch ...": the member's person Crash Override, written as one word.
            Assert.Equal("CrashOverride", request.VouchedBy);
            Assert.Equal("Crash Override", request.VouchedByPerson);
            Assert.StartsWith("CrashOverride will vouch for Acidburn", request.Vouch);
            Assert.Null(request.VouchConfirmed);
            Assert.Equal(8, request.Answers.Count);
            Assert.Equal("We accept.", request.Answers.Single(a => a.Criterion == "accept-embargo").Answer);
            Assert.True(File.Exists(Path.Combine(state, "membership", "seven.yaml")));

            // The applicant's word is not enough: the vouch waits for Crash Override's confirmation.
            var checks = ps.Run("Test-MembershipRequest seven -StatePath $state", vars).AssertNoErrors().Objects<MembershipCheckResult>().ToList();
            Assert.Equal(new[] { "VouchConfirmed" }, checks.Where(c => !c.Passed).Select(c => c.Check));
            Assert.Contains("Confirm-MembershipVouch seven -By 'crash@rsa-distro.example'", checks.Single(c => c.Check == "VouchConfirmed").Detail);
            ps.Run("Confirm-MembershipVouch seven -By 'Crash Override' -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            checks = ps.Run("Test-MembershipRequest seven -StatePath $state", vars).AssertNoErrors().Objects<MembershipCheckResult>().ToList();
            Assert.All(checks, c => Assert.True(c.Passed, c.Check + " " + c.Criterion + ": " + c.Detail));
            Assert.Contains(checks, c => c.Check == "PgpKeyCanEncrypt");
            Assert.Contains(checks, c => c.Check == "VouchedByActiveMember");

            var decision = ps.Run("Get-DistributorMember -StatePath $state | Out-Null; Approve-MembershipRequest -Id seven -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Equal("approved", decision.Decision);
            Assert.Contains("security-response-team@seven.example is now on the Example Project distributors list", decision.Message.Body);
            Assert.Contains(MembershipService.FormatFingerprint(keys.Curve.Fingerprint), decision.Message.Body);

            var member = ps.Run("Get-DistributorMember -Id sev* -Status active -StatePath $state", vars).AssertNoErrors().Objects<DistributorMember>().Single();
            Assert.Equal(keys.Curve.Fingerprint, member.Fingerprint);
            Assert.Equal("CrashOverride", member.VouchedBy);
            Assert.Equal("Crash Override <crash@rsa-distro.example>", member.VouchedByPerson);
            Assert.NotNull(member.VouchConfirmed);

            var again = ps.Run("Approve-MembershipRequest -Id seven -StatePath $state -Confirm:$false", vars);
            Assert.Contains("MembershipRequestDecided,SecurityOps.Commands.ApproveMembershipRequestCommand", again.ErrorIds);
        }

        [Fact]
        public void FailingChecksAreReportedAndBlockApproval()
        {
            using var temp = new TempFolder();
            string state = NewState(temp, MessagingKeys.Member("suspended-one", keys.Rsa));
            ps.Run("$m = [IO.File]::ReadAllText('" + Path.Combine(state, "distributors.yaml") + "')", null);
            new StateRepository(state).Write(DistributorStore.FileName, new DistributorList { Members = { new DistributorMember { Id = "suspended-one", Status = "suspended", SecurityAlias = "security@x.example" } } });
            var vars = new Dictionary<string, object> { ["state"] = state, ["key"] = keys.SignOnly.PublicKey };

            ps.Run("New-MembershipRequest -Id kube -Organisation KubeCo -Criteria kubeedge -SecurityAlias jane.doe@kubeco.example -VouchedBy suspended-one -PublicKey $key -Answer @{ 'accept-embargo' = 'We accept.' } -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var checks = ps.Run("Test-MembershipRequest kube -StatePath $state", vars).AssertNoErrors().Objects<MembershipCheckResult>().ToList();
            Assert.False(checks.Single(c => c.Check == "TeamAlias").Passed);
            Assert.False(checks.Single(c => c.Check == "VouchedByActiveMember").Passed);
            Assert.False(checks.Single(c => c.Check == "PgpKeyCanEncrypt").Passed);
            Assert.False(checks.Single(c => c.Criterion == "community-participant").Passed);
            Assert.True(checks.Single(c => c.Criterion == "accept-embargo" && c.Check == "Answered").Passed);
            Assert.False(checks.Single(c => c.Check == "VouchConfirmed").Passed);
            Assert.Equal(8 + 3 + 5, checks.Count);

            var approve = ps.Run("Approve-MembershipRequest kube -Force -StatePath $state -Confirm:$false", vars);
            Assert.Contains("MembershipChecksFailed,SecurityOps.Commands.ApproveMembershipRequestCommand", approve.ErrorIds);
            Assert.DoesNotContain("kube", File.ReadAllText(Path.Combine(state, "distributors.yaml")));

            var denied = ps.Run("Deny-MembershipRequest kube -Reason 'The alias is a person''s address.' -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Contains("Reason: The alias is a person's address.", denied.Message.Body);
            Assert.Contains("status: denied", File.ReadAllText(Path.Combine(state, "membership", "kube.yaml")));
        }

        [Fact]
        public void TheHealthCheckFindsExpiringExpiredSwappedUnusableAndFlaggedMembers()
        {
            using var temp = new TempFolder();
            var swapped = MessagingKeys.Member("swapped", keys.Curve);
            swapped.Fingerprint = keys.Rsa.Fingerprint;
            var flagged = MessagingKeys.Member("leaky", keys.Rsa);
            flagged.FlaggedForRemoval = true;
            flagged.Offenses.Add(new MemberOffense { What = "told a journalist", At = DateTimeOffset.Parse("2025-06-01T00:00:00Z") });
            string state = NewState(temp, MessagingKeys.Member("fine", keys.Curve), MessagingKeys.Member("expired", keys.Expired),
                swapped, MessagingKeys.Member("signonly", keys.SignOnly), flagged, MessagingKeys.Member("lapsed", keys.Curve, "jane.doe@lapsed-distro.example"));
            var vars = new Dictionary<string, object> { ["state"] = state };

            var findings = ps.Run("Test-DistributorList -StatePath $state", vars).AssertNoErrors().Objects<DistributorHealthFinding>().ToList();
            Assert.Equal("KeyExpired", findings.Single(f => f.MemberId == "expired").Finding);
            Assert.Equal("FingerprintMismatch", findings.Single(f => f.MemberId == "swapped").Finding);
            Assert.Equal("NoUsableKey", findings.Single(f => f.MemberId == "signonly").Finding);
            Assert.Equal("FlaggedForRemoval", findings.Single(f => f.MemberId == "leaky").Finding);
            Assert.DoesNotContain(findings, f => f.MemberId == "fine");

            // A member whose alias became one person's address no longer meets the alias criterion: the lapse is flagged.
            DistributorHealthFinding lapse = findings.Single(f => f.MemberId == "lapsed");
            Assert.Equal(("CriterionLapsed", "error"), (lapse.Finding, lapse.Severity));
            Assert.Contains("security-alias", lapse.Detail);
            Assert.Contains("Remove-DistributorMember lapsed", lapse.Detail);

            // Eleven months on, the one-year keys expire within 30 days.
            var later = ps.Run("[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]::UtcNow.AddDays(350)); try { Test-DistributorList -StatePath $state } finally { [SecurityOps.ModuleContext]::UseSystemTime() }", vars)
                .AssertNoErrors().Objects<DistributorHealthFinding>().ToList();
            Assert.Equal("KeyExpiringSoon", later.Single(f => f.MemberId == "fine").Finding);

            // A person confirms the swapped key's fingerprint: then it is trusted.
            vars["fpr"] = keys.Curve.Fingerprint;
            ps.Run("Update-DistributorKey swapped -Fingerprint $fpr -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var after = ps.Run("Test-DistributorList -StatePath $state", vars).AssertNoErrors().Objects<DistributorHealthFinding>().ToList();
            Assert.DoesNotContain(after, f => f.MemberId == "swapped");

            var removed = ps.Run("Get-DistributorMember -FlaggedForRemoval -StatePath $state | Remove-DistributorMember -Reason 'Repeated leaks.' -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Equal("leaky", removed.MemberId);
            Assert.Contains("Reason: Repeated leaks.", removed.Message.Body);
            Assert.Equal("removed", ps.Run("Get-DistributorMember leaky -StatePath $state", vars).Objects<DistributorMember>().Single().Status);
        }

        [Fact]
        public void AMalformedDistributorsFileIsAClearErrorAndIsNotOverwritten()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            string file = Path.Combine(state, "distributors.yaml");
            File.WriteAllText(file, "members:\n  - id: a\n    status: [unclosed\n");
            var vars = new Dictionary<string, object> { ["state"] = state };

            var get = ps.Run("Get-DistributorMember -StatePath $state", vars);
            Assert.Contains("StateFileInvalid,SecurityOps.Commands.GetDistributorMemberCommand", get.ErrorIds);
            var remove = ps.Run("Remove-DistributorMember a -Reason x -StatePath $state -Confirm:$false", vars);
            Assert.Contains("StateFileInvalid,SecurityOps.Commands.RemoveDistributorMemberCommand", remove.ErrorIds);
            Assert.Equal("members:\n  - id: a\n    status: [unclosed\n", File.ReadAllText(file));

            File.WriteAllText(file, "members:\n  - id: a\n  - id: a\n");
            Assert.Contains("DistributorListInvalid,SecurityOps.Commands.GetDistributorMemberCommand", ps.Run("Get-DistributorMember -StatePath $state", vars).ErrorIds);
        }

        [Fact]
        public void TestMessagesAreSentEncryptedAndATemplateNamingAMissingValueSendsNothing()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = NewState(temp, MessagingKeys.Member("rsa", keys.Rsa), MessagingKeys.Member("curve", keys.Curve), MessagingKeys.Member("expired", keys.Expired));
            string config = File.ReadAllText(Path.Combine(state, "securityops.yaml"))
                .Replace("    host:\n", "    host: 127.0.0.1\n")
                .Replace("    certificateThumbprint:\n", $"    certificateThumbprint: {server.CertificateThumbprint}\n")
                .Replace("    retryDelaySeconds: 2\n", "    retryDelaySeconds: 0.05\n");
            File.WriteAllText(Path.Combine(state, "securityops.yaml"), config);
            var vars = new Dictionary<string, object> { ["state"] = state, ["port"] = server.Port };
            string credential = "$cred = [pscredential]::new('bot', [Net.NetworkCredential]::new('', 'pw-123456').SecurePassword); ";

            var whatIf = ps.Run(credential + "Send-DistributorTestMessage -Port $port -SmtpCredential $cred -StatePath $state -WhatIf", vars);
            Assert.Empty(whatIf.Output);
            Assert.Empty(server.Received());

            var sent = ps.Run(credential + "Send-DistributorTestMessage -Port $port -SmtpCredential $cred -StatePath $state -Confirm:$false", vars);
            var deliveries = sent.Objects<MailDelivery>().ToList();
            Assert.True(deliveries.Count == 3, string.Join("\n", sent.ErrorIds) + sent.Terminating);
            Assert.Equal(new[] { "Sent", "Sent", "Refused" }, deliveries.Select(d => d.Status));
            Assert.Equal(new[] { "PgpKeyExpired,SecurityOps.Commands.SendDistributorTestMessageCommand" }, sent.ErrorIds);
            Assert.Equal(2, server.Received().Count);
            Assert.DoesNotContain(sent.Verbose, v => v.Contains("pw-123456"));

            string file = server.Received()[1].Path + ".asc";
            File.WriteAllText(file, System.Text.RegularExpressions.Regex.Match(server.Received()[1].Raw, "-----BEGIN PGP MESSAGE-----[\\s\\S]*?-----END PGP MESSAGE-----").Value);
            var (exit, plain, _) = keys.Curve.Decrypt(file);
            Assert.Equal(0, exit);
            Assert.Contains("key check", plain);

            var noAuth = ps.Run("Send-DistributorTestMessage -Port $port -StatePath $state -Confirm:$false", vars);
            Assert.Contains("SmtpAuthenticationRequired,SecurityOps.Commands.SendDistributorTestMessageCommand", noAuth.ErrorIds);
            Assert.Equal(2, server.Received().Count);

            Directory.CreateDirectory(Path.Combine(state, "templates"));
            File.WriteAllText(Path.Combine(state, "templates", "test-message.hbs"), "Subject: check\nDear {{member.organisation}}, your {{member.nickname}}.\n");
            var strict = ps.Run(credential + "Send-DistributorTestMessage -Port $port -SmtpCredential $cred -StatePath $state -Confirm:$false", vars);
            Assert.Contains("TemplateFieldsMissing,SecurityOps.Commands.SendDistributorTestMessageCommand", strict.ErrorIds);
            Assert.Contains("member.nickname", strict.Errors.First().ToString());
            Assert.Equal(2, server.Received().Count);
        }

        [Fact]
        public void AnswersAreFoundWhateverTheNumberingAndQuoting()
        {
            var criteria = SecurityOps.Disclosure.PolicyCatalog.Preset("kubernetes-style").Distributors.MembershipCriteria; // the policy is the one source
            string mail = "Hi,\n\n**1) Have an actively monitored security email alias for our project**\nsecurity@distro.example\n\n" +
                          "4. Not be a downstream or rebuild of another distribution.\nWe build from source.\n\n" +
                          "> Be a participant and active contributor in the KubeEdge community.\nWe maintain two SIGs.\n\n" +
                          ">> (8) have someone already on the list vouch for the person requesting membership\n>> on behalf of your distribution\nalice vouches.\n";
            var answers = MembershipService.ParseAnswers(mail, criteria).ToDictionary(a => a.Criterion, a => a.Answer);
            Assert.Equal("security@distro.example", answers["security-alias"]);
            Assert.Equal("We build from source.", answers["not-downstream"]);
            Assert.Equal("We maintain two SIGs.", answers["community-participant"]);
            Assert.Equal("alice vouches.", answers["vouched"]);
            Assert.False(answers.ContainsKey("accept-embargo"));
        }
    }
}
