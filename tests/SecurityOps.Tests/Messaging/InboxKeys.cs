using System;
using System.IO;
using System.Threading.Tasks;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>
    /// Keys for the inbound side, made once per test class with real gpg: the team's (its secret key under a
    /// passphrase, as a team keeps it), a reporter's, and a sign-only team key that reporters could not encrypt to.
    /// </summary>
    public sealed class InboxKeys : IDisposable
    {
        public const string TeamPassphrase = "correct horse battery staple 7";

        public InboxKeys()
        {
            Task.WaitAll(
                Task.Run(() => Team = GpgIdentity.Create("security@project.example", "ed25519", "cv25519", passphrase: TeamPassphrase)),
                Task.Run(() => Reporter = GpgIdentity.Create("jane@research.example", "ed25519", "cv25519")),
                Task.Run(() => SignOnly = GpgIdentity.Create("security@signonly.example", "ed25519", null)));
        }

        public GpgIdentity Team { get; private set; }

        public GpgIdentity Reporter { get; private set; }

        public GpgIdentity SignOnly { get; private set; }

        /// <summary>Puts the team's armored secret key into the state (keys/team.asc) and names it in securityops.yaml.</summary>
        public static void InstallTeamKey(string state, GpgIdentity key)
        {
            Directory.CreateDirectory(Path.Combine(state, "keys"));
            File.WriteAllText(Path.Combine(state, "keys", "team.asc"), key.ExportSecretKey());
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace("  signingKeyPath:\n", "  signingKeyPath: keys/team.asc\n"));
        }

        public void Dispose()
        {
            Team?.Dispose();
            Reporter?.Dispose();
            SignOnly?.Dispose();
        }
    }
}
