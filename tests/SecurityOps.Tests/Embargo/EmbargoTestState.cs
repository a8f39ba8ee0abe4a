using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>A state with distributors and one case ready for notices, made through the cmdlets.</summary>
    internal static class EmbargoTestState
    {
        public const string Credential = "$cred = [pscredential]::new('bot', [Net.NetworkCredential]::new('', 'pw-123456').SecurePassword); ";

        public static ScriptResult At(this PowerShellFixture ps, string when, string script, IDictionary<string, object> vars = null) =>
            ps.Run($"[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'{when}')\ntry {{\n{script}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}", vars);

        public static string NewState(PowerShellFixture ps, TempFolder temp, SmtpTestServer server, int maxAttempts = 4, params DistributorMember[] members)
        {
            string state = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{state}' -Confirm:$false").AssertNoErrors();
            StateScope.WritePolicy(state, StateScope.FullProcessPolicy);
            new StateRepository(state).Write(DistributorStore.FileName, new DistributorList { Members = members.ToList() });
            if (server != null)
            {
                string path = Path.Combine(state, "securityops.yaml");
                string config = File.ReadAllText(path)
                    .Replace("    host:\n", "    host: 127.0.0.1\n")
                    .Replace("    port: 587\n", $"    port: {server.Port}\n")
                    .Replace("    certificateThumbprint:\n", $"    certificateThumbprint: {server.CertificateThumbprint}\n")
                    .Replace("    maxAttempts: 4\n", $"    maxAttempts: {maxAttempts}\n")
                    .Replace("    retryDelaySeconds: 2\n", "    retryDelaySeconds: 0.05\n");
                File.WriteAllText(path, config);
            }

            return state;
        }

        /// <summary>
        /// A case received 2026-03-01, in fixing, with a CVE, a vector, all details and the given public date. The date is
        /// the test's choice, not the policy's (a Friday afternoon, say): it is set with -Force, so the case carries a
        /// policy exception for it.
        /// </summary>
        public static string NewCase(PowerShellFixture ps, string state, string publicDate, bool withCve = true)
        {
            var vars = new Dictionary<string, object> { ["state"] = state };
            var created = ps.At("2026-03-01T09:00:00Z",
                "$c = New-VulnerabilityReport 'Path traversal in the image unpacker' -Component example/runtime -AffectedVersion '1.2.0','1.2.1' -ReceivedAt '2026-03-01T08:00:00Z' -StatePath $state -Confirm:$false\n" +
                "Set-VulnerabilityReport $c.Id -Status acknowledged -StatePath $state -Confirm:$false\n" +
                "Set-VulnerabilityReport $c.Id -Status triaged -Resolution accepted -StatePath $state -Confirm:$false\n" +
                "Set-VulnerabilityReport $c.Id -Status fixing -FixTeam alice -Severity CRITICAL -CvssVector 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' " +
                (withCve ? "-CveId CVE-2026-1234 " : string.Empty) +
                $"-PlannedPublicDate '{publicDate}' -Force -FixedVersion 1.2.2 -Patches 'https://github.com/example/runtime-private/pull/7' " +
                "-Mitigations 'Do not unpack untrusted images; run with --no-unpack.' -Impact 'A crafted image writes outside the bundle.' " +
                "-Reproduction 'Unpack poc.tar with the default config.' -Credit 'Jane Researcher' -BinariesUrl 'https://github.com/example/runtime/releases/tag/v1.2.2' " +
                "-ReleaseNotesUrl 'https://github.com/example/runtime/releases/tag/v1.2.2' -StatePath $state -Confirm:$false\n$c.Id", vars).AssertNoErrors();
            return (string)created.Output.Last().BaseObject;
        }

        public static VulnerabilityCase Case(string state, string id) => new StateRepository(state).Read<VulnerabilityCase>(VulnerabilityCase.PathFor(id));

        /// <summary>Decrypts a received message with one identity's key (exit code and plaintext).</summary>
        public static (int Exit, string Plain) Decrypt(ReceivedMail mail, GpgIdentity key)
        {
            string file = mail.Path + "." + Guid.NewGuid().ToString("N") + ".asc";
            File.WriteAllText(file, Regex.Match(mail.Raw, "-----BEGIN PGP MESSAGE-----[\\s\\S]*?-----END PGP MESSAGE-----").Value);
            var (exit, plain, _) = key.Decrypt(file);
            return (exit, plain);
        }

        public static ReceivedMail To(this IEnumerable<ReceivedMail> mails, string address) => mails.Single(m => m.EnvelopeTo.Contains(address));
    }
}
