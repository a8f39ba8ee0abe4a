using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>
    /// A real IMAP server for a test: Dovecot on a free loopback port, STARTTLS required with a self-signed certificate
    /// (pin its thumbprint), one user with a password, and a Maildir holding the messages given. Run as root it drops to
    /// Dovecot's own unprivileged users (Dovecot refuses to log in as root); otherwise it runs as the current user.
    /// </summary>
    public sealed class ImapTestServer : IDisposable
    {
        public const string User = "security";
        public const string Password = "imap-pw-4711";

        private readonly TempFolder folder = new TempFolder("secops-imap");
        private readonly string config;

        public ImapTestServer(params string[] messages)
        {
            string dir = folder.Path;
            Port = SmtpTestServer.FreePort();
            (string cert, string key, string thumbprint) = SmtpTestServer.MakeCertificate(dir);
            CertificateThumbprint = thumbprint;
            string maildir = Path.Combine(dir, "mail", User);
            foreach (string sub in new[] { "new", "cur", "tmp" })
            {
                Directory.CreateDirectory(Path.Combine(maildir, sub));
            }

            for (int i = 0; i < messages.Length; i++)
            {
                File.WriteAllText(Path.Combine(maildir, "new", $"{1700000000 + i}.M{i}P1.test"), messages[i]);
            }

            File.WriteAllText(Path.Combine(dir, "passwd"), $"{User}:{{PLAIN}}{Password}::::::\n");
            bool root = Environment.UserName == "root";
            string me = Environment.UserName;
            if (root)
            {
                Run("chown", $"-R nobody:nogroup {Path.Combine(dir, "mail")}");
            }

            config = Path.Combine(dir, "dovecot.conf");
            File.WriteAllText(config, $@"base_dir = {dir}/run
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={(root ? "nobody" : me)} gid={(root ? "nogroup" : me)} home={dir}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {Port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
default_login_user = {(root ? "dovenull" : me)}
default_internal_user = {(root ? "dovecot" : me)}
first_valid_uid = 1
auth_mechanisms = plain login
");
            Run("dovecot", $"-c {config}");
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    using var probe = new TcpClient("127.0.0.1", Port);
                    return;
                }
                catch (SocketException)
                {
                    Thread.Sleep(50);
                }
            }

            throw new InvalidOperationException("Dovecot did not start: " + (File.Exists(Path.Combine(dir, "dovecot.log")) ? File.ReadAllText(Path.Combine(dir, "dovecot.log")) : "no log"));
        }

        public int Port { get; }

        /// <summary>The SHA-256 thumbprint of the server's self-signed certificate.</summary>
        public string CertificateThumbprint { get; }

        public string Log => File.ReadAllText(Path.Combine(folder.Path, "dovecot.log"));

        /// <summary>Runs a command to its end. Its output is not captured: Dovecot's daemon would keep a captured pipe open for ever.</summary>
        private static void Run(string file, string args)
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false });
            p.WaitForExit();
            string error = "see its log";
            if (p.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {args} failed ({p.ExitCode}): {error}");
            }
        }

        public void Dispose()
        {
            try
            {
                Run("dovecot", $"-c {config} stop");
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            Thread.Sleep(100);
            folder.Dispose();
        }
    }
}
