using System.IO;
using System.Management.Automation;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Export-TeamPublicKey: the public half of the team's OpenPGP key (messaging.signingKeyPath), ASCII-armoured, with
    /// its fingerprint and a SECURITY.md section, so reporters can encrypt what they send. No passphrase is needed and
    /// no secret key material is ever written.
    /// </summary>
    [Cmdlet(VerbsData.Export, "TeamPublicKey", SupportsShouldProcess = true)]
    [OutputType(typeof(TeamPublicKey))]
    public sealed class ExportTeamPublicKeyCommand : StateCmdlet
    {
        /// <summary>A file to write the armoured public key to (for example .well-known/security.asc); default: none, the object only.</summary>
        [Parameter(Position = 0)]
        public string Path { get; set; }

        /// <summary>The team's key file instead of messaging.signingKeyPath.</summary>
        [Parameter]
        public string KeyPath { get; set; }

        /// <summary>Write over an existing file at -Path.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            TryRun(() =>
            {
                string keyPath = KeyPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyPath);
                TeamKey team = TeamKey.FromConfig(Session.State.Files, Session.Config, keyPath);
                WriteVerbose($"Read the team's key {team.Fingerprint} from {team.Source}{(team.SecretRing == null ? " (a public key block)" : " (its public half only)")}.");
                TeamPublicKey key = team.Describe(Session.Now);
                if (Path != null)
                {
                    string target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                    if (File.Exists(target) && !Force)
                    {
                        throw new SecurityOpsException("TeamKeyFileExists", FailureKind.ResourceExists, target, $"{target} exists: pass -Force to write over it.");
                    }

                    if (!ShouldProcess(target, $"Write the team's public key {key.Fingerprint}"))
                    {
                        return;
                    }

                    string folder = System.IO.Path.GetDirectoryName(target);
                    if (!string.IsNullOrEmpty(folder))
                    {
                        Directory.CreateDirectory(folder);
                    }

                    StateRepository.WriteFileAtomic(target, key.PublicKey);
                    key.Path = target;
                    WriteVerbose($"Wrote {target}.");
                }

                WriteObject(key);
            });
        }
    }
}
