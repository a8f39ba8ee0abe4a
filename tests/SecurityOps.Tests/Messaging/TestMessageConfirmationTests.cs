using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>
    /// Send-DistributorTestMessage stores a hash of each member's confirmation code (never the code) and
    /// Confirm-DistributorTestMessage checks the code a member quotes back: right, wrong, earlier and expired codes.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class TestMessageConfirmationTests : IClassFixture<MessagingKeys>
    {
        private const string Cmd = "SecurityOps.Commands.ConfirmDistributorTestMessageCommand";
        private const string Send = EmbargoTestState.Credential + "Send-DistributorTestMessage -SmtpCredential $cred -StatePath $state -Confirm:$false ";
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public TestMessageConfirmationTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        private static string CodeIn(string plain)
        {
            Match m = Regex.Match(plain, @"quoting\s+this\s+code:\s*(?<code>[0-9A-F]{10})\b");
            Assert.True(m.Success, "no code in:\n" + plain);
            return m.Groups["code"].Value;
        }

        /// <summary>Every file of the state (the .git folder too), as text.</summary>
        private static string AllStateText(string state) =>
            string.Join("\n", Directory.EnumerateFiles(state, "*", SearchOption.AllDirectories).Select(f => File.ReadAllText(f)));

        [Fact]
        public void TheRightCodeConfirmsAWrongEarlierOrExpiredCodeIsRefusedAndNoCodeIsStored()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = EmbargoTestState.NewState(ps, temp, server, 1, MessagingKeys.Member("curve", keys.Curve), MessagingKeys.Member("rsa", keys.Rsa),
                MessagingKeys.Member("fresh", keys.Curve, "security@fresh.example"));
            var vars = new Dictionary<string, object> { ["state"] = state };

            var sent = ps.At("2026-03-02T10:00:00Z", Send + "-Id curve,rsa", vars);
            Assert.Empty(sent.Errors);
            Assert.Equal(new[] { "Sent", "Sent" }, sent.Objects<MailDelivery>().Select(d => d.Status));
            var (exitCurve, plainCurve) = EmbargoTestState.Decrypt(server.Received().To(keys.Curve.Email), keys.Curve);
            var (exitRsa, plainRsa) = EmbargoTestState.Decrypt(server.Received().To(keys.Rsa.Email), keys.Rsa);
            Assert.Equal(0, exitCurve);
            Assert.Equal(0, exitRsa);
            string curveCode = CodeIn(plainCurve);
            string rsaCode = CodeIn(plainRsa);
            Assert.NotEqual(curveCode, rsaCode);

            // The state holds the time and a hash per member, never a code.
            var stored = ps.Run("Get-DistributorMember curve,rsa -StatePath $state", vars).AssertNoErrors().Objects<DistributorMember>().ToList();
            Assert.All(stored, m => Assert.Equal(System.DateTimeOffset.Parse("2026-03-02T10:00:00Z"), m.TestMessageSent));
            Assert.All(stored, m => Assert.Matches("^sha256:[0-9a-f]{64}$", m.TestCodeHash));
            Assert.All(stored, m => Assert.Null(m.LastConfirmed));
            string text = AllStateText(state);
            Assert.DoesNotContain(curveCode, text, System.StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(rsaCode, text, System.StringComparison.OrdinalIgnoreCase);
            Assert.Contains("TestMessageUnconfirmed", ps.Run("Test-DistributorList -StatePath $state", vars).AssertNoErrors()
                .Objects<DistributorHealthFinding>().Where(f => f.MemberId == "curve").Select(f => f.Finding));

            // Another member's code, a typo: refused, with the member as target, the expected code never shown.
            string yamlBefore = File.ReadAllText(Path.Combine(state, "distributors.yaml"));
            vars["wrong"] = rsaCode;
            var wrong = ps.At("2026-03-03T09:00:00Z", "Confirm-DistributorTestMessage -Member curve -Code $wrong -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "ConfirmationCodeMismatch," + Cmd }, wrong.ErrorIds);
            ErrorRecord mismatch = wrong.Errors.Single();
            Assert.Equal("curve", mismatch.TargetObject);
            Assert.Equal(ErrorCategory.InvalidData, mismatch.CategoryInfo.Category);
            Assert.DoesNotContain(curveCode, mismatch.ToString(), System.StringComparison.OrdinalIgnoreCase);
            Assert.Equal(yamlBefore, File.ReadAllText(Path.Combine(state, "distributors.yaml")));

            // -WhatIf records nothing; the right code (as a member might type it) confirms, through the pipeline by property name.
            vars["typed"] = curveCode.Substring(0, 5).ToLowerInvariant() + " " + curveCode.Substring(5).ToLowerInvariant();
            ps.At("2026-03-03T09:30:00Z", "Confirm-DistributorTestMessage curve $typed -StatePath $state -WhatIf", vars).AssertNoErrors();
            Assert.Equal(yamlBefore, File.ReadAllText(Path.Combine(state, "distributors.yaml")));
            var confirmed = ps.At("2026-03-03T10:00:00Z", "[pscustomobject]@{ Id = 'curve'; Code = $typed } | Confirm-DistributorTestMessage -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<DistributorMember>().Single();
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-03T10:00:00Z"), confirmed.LastConfirmed);
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-03T10:00:00Z"), ps.Run("Get-DistributorMember curve -StatePath $state", vars).Objects<DistributorMember>().Single().LastConfirmed);
            Assert.Null(ps.Run("Get-DistributorMember rsa -StatePath $state", vars).Objects<DistributorMember>().Single().LastConfirmed);
            var health = ps.At("2026-03-03T10:00:00Z", "Test-DistributorList -StatePath $state", vars).AssertNoErrors().Objects<DistributorHealthFinding>().ToList();
            Assert.DoesNotContain(health, f => f.MemberId == "curve");
            Assert.Contains(health, f => f.MemberId == "rsa" && f.Finding == "TestMessageUnconfirmed" && f.LastConfirmed == null);

            // A new test message replaces the code: the earlier one no longer counts, and the new one expires after 14 days.
            var again = ps.At("2026-03-05T10:00:00Z", Send + "-Id curve", vars);
            Assert.Empty(again.Errors);
            string newCode = CodeIn(EmbargoTestState.Decrypt(server.Received().Where(m => m.EnvelopeTo.Contains(keys.Curve.Email)).Last(), keys.Curve).Plain);
            Assert.DoesNotContain(newCode, AllStateText(state), System.StringComparison.OrdinalIgnoreCase);
            vars["old"] = curveCode;
            vars["new"] = newCode;
            var earlier = ps.At("2026-03-06T10:00:00Z", "Confirm-DistributorTestMessage curve $old -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "ConfirmationCodeMismatch," + Cmd }, earlier.ErrorIds);

            var expired = ps.At("2026-03-19T10:00:01Z", "Confirm-DistributorTestMessage curve $new -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "ConfirmationCodeExpired," + Cmd }, expired.ErrorIds);
            Assert.Equal("curve", expired.Errors.Single().TargetObject);
            Assert.DoesNotContain(newCode, expired.Errors.Single().ToString(), System.StringComparison.OrdinalIgnoreCase);
            Assert.Equal(System.DateTimeOffset.Parse("2026-03-03T10:00:00Z"), ps.Run("Get-DistributorMember curve -StatePath $state", vars).Objects<DistributorMember>().Single().LastConfirmed);
            Assert.Contains(ps.At("2026-03-19T10:00:01Z", "Test-DistributorList -StatePath $state", vars).AssertNoErrors().Objects<DistributorHealthFinding>(),
                f => f.MemberId == "curve" && f.Finding == "TestMessageUnconfirmed" && f.Detail.Contains("expired"));

            var never = ps.Run("Confirm-DistributorTestMessage fresh 0123456789 -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "ConfirmationCodeNotSent," + Cmd }, never.ErrorIds);
            Assert.Equal(new[] { "DistributorMemberNotFound," + Cmd }, ps.Run("Confirm-DistributorTestMessage nobody 0123456789 -StatePath $state -Confirm:$false", vars).ErrorIds);
        }
    }
}
