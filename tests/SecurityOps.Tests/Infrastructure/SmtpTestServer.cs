using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>
    /// A real SMTP server on loopback: Debian's aiosmtpd (python3-aiosmtpd) run by /usr/bin/python3 with
    /// Messaging/smtp_server.py, optionally requiring STARTTLS (a self-signed certificate made here) and AUTH. Every
    /// accepted message is saved to <see cref="MailFolder"/> with its envelope.
    /// </summary>
    public sealed class SmtpTestServer : IDisposable
    {
        private readonly Process process;
        private readonly TempFolder folder = new TempFolder("smtp");

        public SmtpTestServer(bool tls = true, string user = null, string password = null, string reject = null, string tempfail = null, string drop = null, string hang = null)
        {
            Port = FreePort();
            var args = new List<string> { Path.Combine(AppContext.BaseDirectory, "Messaging", "smtp_server.py"), "--port", Port.ToString(), "--dir", MailFolder };
            if (tls)
            {
                (string cert, string key, string thumbprint) = MakeCertificate(folder.Path);
                CertificateThumbprint = thumbprint;
                args.AddRange(new[] { "--cert", cert, "--key", key });
            }

            if (user != null)
            {
                args.AddRange(new[] { "--user", user, "--password", password });
            }

            void Opt(string name, string value)
            {
                if (value != null)
                {
                    args.AddRange(new[] { name, value });
                }
            }

            Opt("--reject", reject);
            Opt("--tempfail", tempfail);
            Opt("--drop", drop);
            Opt("--hang", hang);
            var start = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            process = Process.Start(start);
            string line = process.StandardOutput.ReadLine();
            if (line != "READY")
            {
                throw new InvalidOperationException("The SMTP server did not start: " + process.StandardError.ReadToEnd());
            }
        }

        public int Port { get; }

        public string CertificateThumbprint { get; }

        public string MailFolder => folder.Combine("mail");

        /// <summary>Messages received so far, in order: raw bytes' path and the envelope.</summary>
        public List<ReceivedMail> Received() =>
            Directory.Exists(MailFolder)
                ? Directory.GetFiles(MailFolder, "*.eml").OrderBy(f => f, StringComparer.Ordinal)
                    .Where(f => File.Exists(Path.ChangeExtension(f, ".json"))) // the server writes the envelope last: a message is whole once it is there
                    .Select(f => new ReceivedMail(f)).ToList()
                : new List<ReceivedMail>();

        /// <summary>Stops the server at once (a server that goes away mid-batch).</summary>
        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.StandardInput.Close();
                    if (!process.WaitForExit(5000))
                    {
                        process.Kill();
                    }
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
            folder.Dispose();
        }

        internal static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        internal static (string Cert, string Key, string Thumbprint) MakeCertificate(string dir)
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            string certPath = Path.Combine(dir, "server.crt");
            string keyPath = Path.Combine(dir, "server.key");
            File.WriteAllText(certPath, cert.ExportCertificatePem());
            File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
            return (certPath, keyPath, Convert.ToHexString(SHA256.HashData(cert.RawData)));
        }
    }

    public sealed class ReceivedMail
    {
        public ReceivedMail(string path)
        {
            Path = path;
            Raw = File.ReadAllText(path);
            using var doc = JsonDocument.Parse(File.ReadAllText(System.IO.Path.ChangeExtension(path, ".json")));
            EnvelopeTo = doc.RootElement.GetProperty("to").EnumerateArray().Select(e => e.GetString()).ToList();
            Tls = doc.RootElement.GetProperty("tls").GetBoolean();
            Authenticated = doc.RootElement.GetProperty("auth").GetBoolean();
        }

        public string Path { get; }

        public string Raw { get; }

        public List<string> EnvelopeTo { get; }

        public bool Tls { get; }

        public bool Authenticated { get; }

        /// <summary>The header block (before the first blank line).</summary>
        public string Headers => Raw.Replace("\r\n", "\n").Split("\n\n")[0];
    }
}
