using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Bench
{
    /// <summary>
    /// An embargo-sized notice to 200 members, each encrypted to its own key (ed25519/cv25519 made by gpg), over one
    /// SMTP connection with STARTTLS on loopback (aiosmtpd). Target: under 5 s in all. Reports the per-message cost of
    /// encryption and of sending.
    /// </summary>
    public static class EmbargoMailBench
    {
        private const int Members = 200;

        public static int Run()
        {
            using var temp = new TempFolder("bench-gpg");
            var keyWatch = Stopwatch.StartNew();
            var members = MakeMembers(temp);
            Console.WriteLine($"setup: {Members} keys generated with gpg in {keyWatch.Elapsed.TotalSeconds:F1} s (not timed below)");

            using var server = new SmtpTestServer(tls: true);
            var settings = new SmtpSettings { Host = "127.0.0.1", Port = server.Port, Security = "starttls", CertificateThumbprint = server.CertificateThumbprint, MaxAttempts = 3, RetryDelaySeconds = 0.1 };
            var mailer = new DistributorMailer(new PgpMimeBuilder("security@project.example", "Encrypted message from the security team"), new MailSender(settings, null));
            string body = string.Join("\n", Enumerable.Repeat("Affected: 1.0-2.3. Fixed: 2.4.1. Patch: https://example.org/patch/1 . Mitigation: disable the frobnicator.", 40));

            var total = Stopwatch.StartNew();
            var batch = members.Select(m => mailer.Prepare(m, new RenderedMessage { Subject = "CVE-2026-0001 embargoed notice", Body = body, To = m.SecurityAlias })).ToList();
            double encrypt = total.Elapsed.TotalSeconds;
            var results = mailer.Sender.SendAsync(batch, null, CancellationToken.None).GetAwaiter().GetResult();
            total.Stop();

            int sent = results.Count(r => r.Status == "Sent");
            double send = results.Sum(r => r.SendSeconds);
            Console.WriteLine($"messages sent: {sent}/{Members}, received by the server: {server.Received().Count}");
            Console.WriteLine($"total: {total.Elapsed.TotalSeconds:F2} s (target < 5 s)");
            Console.WriteLine($"encryption + MIME: {encrypt:F2} s, {encrypt / Members * 1000:F1} ms per message");
            Console.WriteLine($"sending (one connection, STARTTLS): {send:F2} s, {send / Members * 1000:F1} ms per message");
            return sent == Members && total.Elapsed.TotalSeconds < 5 ? 0 : 1;
        }

        private static List<DistributorMember> MakeMembers(TempFolder temp)
        {
            string home = temp.Combine("gnupg");
            Directory.CreateDirectory(home);
            File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var parameters = new StringBuilder("%no-protection\n");
            for (int i = 0; i < Members; i++)
            {
                parameters.Append($"Key-Type: eddsa\nKey-Curve: ed25519\nKey-Usage: sign\nSubkey-Type: ecdh\nSubkey-Curve: cv25519\nSubkey-Usage: encrypt\nName-Email: security@m{i:000}.example\nExpire-Date: 1y\n%commit\n");
            }

            string file = temp.Combine("params");
            File.WriteAllText(file, parameters.ToString());
            Gpg(home, $"--gen-key {file}");
            // Each member's own key, exported separately (subkey fingerprints are skipped: only primary "pub" lines count).
            var result = new List<DistributorMember>();
            var lines = Gpg(home, "--list-keys --with-colons").Split('\n').ToList();
            for (int i = 0; i < lines.Count; i++)
            {
                if (lines[i].StartsWith("pub:"))
                {
                    string fpr = lines[i + 1].Split(':')[9];
                    int n = result.Count;
                    result.Add(new DistributorMember
                    {
                        Id = $"m{n:000}",
                        SecurityAlias = $"security@m{n:000}.example",
                        PublicKey = Gpg(home, $"--armor --export {fpr}"),
                        Fingerprint = fpr,
                        Status = "active",
                    });
                }
            }

            return result;
        }

        private static string Gpg(string home, string args)
        {
            var start = new ProcessStartInfo("gpg", $"--homedir {home} --batch --yes --no-tty {args}") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(start);
            var stdout = p.StandardOutput.ReadToEndAsync();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"gpg {args}: {stderr}");
            }

            return stdout.Result;
        }
    }
}
