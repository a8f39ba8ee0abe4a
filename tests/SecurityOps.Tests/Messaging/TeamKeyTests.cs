using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>Export-TeamPublicKey: the key a reporter takes from SECURITY.md works with real gpg, and holds nothing secret.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class TeamKeyTests : IClassFixture<InboxKeys>
    {
        private const string Cmd = "SecurityOps.Commands.ExportTeamPublicKeyCommand";
        private readonly PowerShellFixture ps;
        private readonly InboxKeys keys;

        public TeamKeyTests(PowerShellFixture ps, InboxKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        private string NewState(TempFolder temp)
        {
            string state = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{state}' -Confirm:$false").AssertNoErrors();
            return state;
        }

        [Fact]
        public void TheExportedKeyIsTheTeamsPublicKeyAReporterCanEncryptToAndHoldsNoSecret()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            InboxKeys.InstallTeamKey(state, keys.Team);
            string file = temp.Combine("site", ".well-known", "security.asc");
            var vars = new Dictionary<string, object> { ["state"] = state, ["file"] = file };

            var key = ps.Run("Export-TeamPublicKey -Path $file -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<TeamPublicKey>().Single();
            Assert.Equal(keys.Team.Fingerprint, key.Fingerprint);
            Assert.Equal(new[] { "Test <security@project.example>" }, key.UserIds);
            Assert.Equal(file, key.Path);
            Assert.Equal(key.PublicKey, File.ReadAllText(file));
            Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", key.PublicKey);
            Assert.DoesNotContain("PRIVATE", key.PublicKey);
            Assert.NotNull(key.Expires); // gpg made it for a year
            string encryptionSubkey = keys.Team.Run("--list-keys --with-colons " + keys.Team.Fingerprint).Split('\n')
                .First(l => l.StartsWith("sub:") && l.Split(':')[11].Contains('e')).Split(':')[4];
            Assert.Equal(encryptionSubkey, key.EncryptionKeyId);
            Assert.Contains(string.Join(" ", Enumerable.Range(0, 10).Select(i => key.Fingerprint.Substring(i * 4, 4))), key.Markdown);
            Assert.Contains("```\n-----BEGIN PGP PUBLIC KEY BLOCK-----", key.Markdown);

            // A reporter imports the published file: one public key, the team's, and no secret key came with it.
            using var reporter = GpgIdentity.Create("someone@elsewhere.example", "ed25519", "cv25519");
            reporter.Run("--import " + file);
            Assert.Contains("fpr:::::::::" + keys.Team.Fingerprint + ":", reporter.Run("--list-keys --with-colons " + keys.Team.Fingerprint));
            Assert.DoesNotContain(keys.Team.Fingerprint, reporter.Run("--list-secret-keys --with-colons"));

            // What the reporter encrypts to it, the team (and only the team) decrypts.
            string report = temp.Combine("report.txt");
            File.WriteAllText(report, "The unpacker follows symlinks out of the bundle.");
            reporter.Run($"--armor --trust-model always --encrypt --recipient {keys.Team.Fingerprint} --output {report}.asc {report}");
            var (exit, plain, _) = keys.Team.Decrypt(report + ".asc");
            Assert.Equal(0, exit);
            Assert.Equal("The unpacker follows symlinks out of the bundle.", plain);
            Assert.NotEqual(0, keys.Reporter.Decrypt(report + ".asc").Exit);
        }

        [Fact]
        public void AMissingUnusableOrAlreadyWrittenKeyIsAClearErrorAndNothingIsOverwritten()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            var vars = new Dictionary<string, object> { ["state"] = state, ["file"] = temp.Combine("security.asc") };

            var none = ps.Run("Export-TeamPublicKey -StatePath $state", vars);
            Assert.Equal(new[] { "TeamKeyNotConfigured," + Cmd }, none.ErrorIds);
            Assert.Empty(none.Output);

            InboxKeys.InstallTeamKey(state, keys.SignOnly);
            var signOnly = ps.Run("Export-TeamPublicKey -StatePath $state", vars);
            Assert.Equal(new[] { "TeamKeyCannotEncrypt," + Cmd }, signOnly.ErrorIds);
            Assert.Contains(keys.SignOnly.Fingerprint, signOnly.Errors.Single().Exception.Message);

            File.WriteAllText(Path.Combine(state, "keys", "team.asc"), "not a key");
            Assert.Equal(new[] { "TeamKeyUnreadable," + Cmd }, ps.Run("Export-TeamPublicKey -StatePath $state", vars).ErrorIds);

            File.WriteAllText((string)vars["file"], "the old key");
            InboxKeys.InstallTeamKey(state, keys.Team);
            var exists = ps.Run("Export-TeamPublicKey $file -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "TeamKeyFileExists," + Cmd }, exists.ErrorIds);
            Assert.Equal("the old key", File.ReadAllText((string)vars["file"]));
            ps.Run("Export-TeamPublicKey $file -Force -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", File.ReadAllText((string)vars["file"]));
        }
    }
}
