using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>Real gpg, each identity in its own temporary GNUPGHOME (so a message is decrypted with only its recipient's key).</summary>
    public sealed class GpgIdentity : IDisposable
    {
        private readonly TempFolder folder = new TempFolder("gpg");

        private GpgIdentity(string email)
        {
            Email = email;
            Home = folder.Combine("h");
            Directory.CreateDirectory(Home);
            File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        public string Email { get; }

        public string Home { get; }

        public string Fingerprint { get; private set; }

        public string PublicKey { get; private set; }

        /// <summary>The secret key's passphrase (empty: none).</summary>
        public string Passphrase { get; private set; } = string.Empty;

        /// <summary>Creates a key. primary: rsa2048 / ed25519; encryption: rsa2048 / cv25519 / null (sign-only).</summary>
        public static GpgIdentity Create(string email, string primary, string encryption, string expire = "1y", string fakedTime = null, string passphrase = "")
        {
            var id = new GpgIdentity(email) { Passphrase = passphrase };
            string faked = fakedTime == null ? string.Empty : $"--faked-system-time {fakedTime} ";
            id.Run($"{faked}--quick-gen-key \"Test <{email}>\" {primary} sign {expire}");
            id.Fingerprint = id.Run("--list-keys --with-colons").Split('\n').First(l => l.StartsWith("fpr:")).Split(':')[9];
            if (encryption != null)
            {
                // A faked clock restarts at the given time in every gpg process: under load the primary key can end up
                // "created in the future" of a subkey made at that same time, so the subkey is made an hour later.
                string fakedLater = fakedTime == null ? string.Empty
                    : $"--faked-system-time {DateTime.ParseExact(fakedTime, "yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture).AddHours(1):yyyyMMdd'T'HHmmss} ";
                id.Run($"{fakedLater}--quick-add-key {id.Fingerprint} {encryption} encr {expire}");
            }

            id.PublicKey = id.Run($"--armor --export {id.Fingerprint}");
            return id;
        }

        /// <summary>Revokes the key with the revocation certificate gpg made at generation.</summary>
        public void Revoke()
        {
            string rev = File.ReadAllText(Path.Combine(Home, "openpgp-revocs.d", Fingerprint + ".rev")).Replace(":-----BEGIN", "-----BEGIN");
            string file = Path.Combine(Home, "rev.asc");
            File.WriteAllText(file, rev);
            Run($"--import {file}");
            PublicKey = Run($"--armor --export {Fingerprint}");
        }

        public string ExportSecretKey() => Run($"--armor --export-secret-keys {Fingerprint}");

        public void Import(string armored)
        {
            string file = Path.Combine(Home, "import-" + Guid.NewGuid().ToString("N") + ".asc");
            File.WriteAllText(file, armored);
            Run($"--import {file}");
        }

        /// <summary>Decrypts a file; returns exit code, plaintext and gpg's status text.</summary>
        public (int Exit, string Output, string Error) Decrypt(string armoredFile) => RunRaw($"--decrypt {armoredFile}");

        public string Run(string args)
        {
            var (exit, output, error) = RunRaw(args);
            if (exit != 0)
            {
                throw new InvalidOperationException($"gpg {args} failed ({exit}): {error}");
            }

            return output;
        }

        public (int Exit, string Output, string Error) RunRaw(string args)
        {
            var start = new ProcessStartInfo("gpg", $"--homedir {Home} --batch --yes --no-tty --passphrase \"{Passphrase}\" --pinentry-mode loopback --status-fd 2 {args}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(start);
            var stdout = p.StandardOutput.ReadToEndAsync();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr);
        }

        public void Dispose()
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo("gpgconf", $"--homedir {Home} --kill gpg-agent") { UseShellExecute = false });
                p.WaitForExit(5000);
            }
            catch (Exception)
            {
            }

            folder.Dispose();
        }
    }
}
