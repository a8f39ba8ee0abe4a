using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using SecurityOps.Disclosure;
using SecurityOps.Embargo;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Send-EmbargoNotice end to end (the real cmdlet: journal, templates, the case's update) to 200 distributors, each
    /// with its own RSA-3072 key (a certification primary and an encryption subkey, made once and kept under
    /// secops-bench-cache in the temp folder), over STARTTLS to aiosmtpd on loopback. Reports a fresh process, the
    /// cmdlet warm in one engine, the raw floor (the same 200 encryptions and sends without the cmdlet) and where the
    /// warm run's time goes. Target: under 5 s warm.
    /// </summary>
    internal static class EmbargoNoticeBenchmark
    {
        private const int Members = 200;
        private const string Script = "$r = @(Send-EmbargoNotice -Id $args[1] -StatePath $args[0] -Confirm:$false -ErrorAction Stop); \"sent $(@($r | Where-Object Status -eq 'Sent').Count)\"";

        public static int Run(string[] args)
        {
            int rounds = args.Length > 0 ? int.Parse(args[0]) : 3;
            var setup = Stopwatch.StartNew();
            List<DistributorMember> members = Keys(Members);
            Console.WriteLine($"setup: {Members} RSA-3072 keys ready in {setup.Elapsed.TotalSeconds:F1} s (cached in {CacheFile}; not timed below)");

            using var server = new SmtpTestServer(tls: true);
            string root = Path.Combine(Path.GetTempPath(), "secops-bench-embargo-notice");
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            CveDatabaseBenchmark.Invoke(runspace, $"Import-Module '{FreshProcess.Module}' -ErrorAction Stop");
            string id = Prepare(runspace, root, server, members);
            var files = new StateRepository(root);
            string caseFile = files.FullPath(VulnerabilityCase.PathFor(id));
            string pristine = File.ReadAllText(caseFile);
            void Reset() => File.WriteAllText(caseFile, pristine);
            string script = Script.Replace("$args[0]", $"'{root}'").Replace("$args[1]", $"'{id}'");

            int before = server.Received().Count;
            Reset();
            FreshTiming fresh = FreshProcess.Run(Script, root, id);
            Check(server, ref before, "the fresh process");

            Reset();
            CveDatabaseBenchmark.Invoke(runspace, script); // warm-up: the engine has run the cmdlet once
            Check(server, ref before, "the warm-up");
            var warm = new List<long>();
            for (int i = 0; i < rounds; i++)
            {
                Reset();
                var sw = Stopwatch.StartNew();
                CveDatabaseBenchmark.Invoke(runspace, script);
                warm.Add(sw.ElapsedMilliseconds);
                Check(server, ref before, "a warm run");
            }

            // Where the time goes: the cmdlet's steps, each on its own (same state, same case).
            Reset();
            var state = SecurityState.Open(root);
            var watch = Stopwatch.StartNew();
            var distributors = new DistributorStore(state.Files);
            var service = new EmbargoNoticeService(distributors, new TemplateRenderer(state.Files), state.Config);
            VulnerabilityCase c = new CaseStore(state.Files).GetRequired(id);
            EmbargoNoticePlan plan = service.Plan(c, null, EmbargoNoticeKind.Initial, false, false, DateTimeOffset.UtcNow);
            double planMs = watch.Elapsed.TotalMilliseconds;
            DistributorMailer mailer = DistributorMailer.FromConfig(state.Files, state.Config, null);
            watch.Restart();
            var batch = plan.ToSend.Select(t => mailer.Prepare(t.Member, t.Message)).ToList();
            double prepareMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var parsed = plan.ToSend.Select(t => OpenPgpKeys.RequireUsable(t.Member, DateTimeOffset.UtcNow)).ToList();
            double parseMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var deliveries = mailer.Sender.SendAsync(batch, null, CancellationToken.None).GetAwaiter().GetResult();
            double sendMs = watch.Elapsed.TotalMilliseconds;
            Check(server, ref before, "the floor");

            // The floor: the same 200 encryptions and sends, nothing else (one message rendered once, no state).
            RenderedMessage one = plan.ToSend[0].Message;
            watch.Restart();
            var raw = mailer.SendAsync(members.Select(m => (m, new RenderedMessage { Subject = one.Subject, Body = one.Body, To = m.SecurityAlias })), null, CancellationToken.None).GetAwaiter().GetResult();
            double floorMs = watch.Elapsed.TotalMilliseconds;
            Check(server, ref before, "the floor");

            Console.WriteLine($"Send-EmbargoNotice to {Members} members, each with its own RSA-3072 key, STARTTLS to aiosmtpd on loopback:");
            Console.WriteLine($"  fresh process: {fresh}; {fresh.Output}");
            Console.WriteLine($"  warm: best {warm.Min()} ms of {string.Join(", ", warm)} ms (target: under 5,000 ms)");
            Console.WriteLine($"  floor (the same {Members} encryptions and sends without the cmdlet): {floorMs:0} ms ({raw.Count(d => d.Status == "Sent")} sent)");
            Console.WriteLine($"  steps: plan and render {planMs:0} ms; key check + encrypt + MIME {prepareMs:0} ms ({prepareMs / Members:0.0} ms a message; of it parsing the {Members} keys alone {parseMs:0} ms); send {sendMs:0} ms ({deliveries.Count(d => d.Status == "Sent")} sent)");
            return warm.Min() < 5000 ? 0 : 1;
        }

        private static void Check(SmtpTestServer server, ref int before, string what)
        {
            int now = server.Received().Count;
            if (now - before != Members)
            {
                throw new InvalidOperationException($"{what} delivered {now - before} message(s), not {Members}.");
            }

            before = now;
        }

        /// <summary>A state with the members, SMTP on loopback and one case in fixing with a public date 30 days out.</summary>
        private static string Prepare(Runspace runspace, string root, SmtpTestServer server, List<DistributorMember> members)
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }

            CveDatabaseBenchmark.Invoke(runspace, $"$null = Initialize-SecurityState -Path '{root}' -NoGit -Confirm:$false");
            string path = Path.Combine(root, "securityops.yaml");
            File.WriteAllText(path, File.ReadAllText(path)
                .Replace("    host:\n", "    host: 127.0.0.1\n")
                .Replace("    port: 587\n", $"    port: {server.Port}\n")
                .Replace("    certificateThumbprint:\n", $"    certificateThumbprint: {server.CertificateThumbprint}\n")
                .Replace("    retryDelaySeconds: 2\n", "    retryDelaySeconds: 0.05\n"));
            new StateRepository(root).Write(DistributorStore.FileName, new DistributorList { Members = members });
            string publicDate = DateTimeOffset.UtcNow.Date.AddDays(30).AddHours(14).ToString("yyyy-MM-ddTHH:mm:ssZ");
            string received = DateTimeOffset.UtcNow.AddDays(-2).ToString("yyyy-MM-ddTHH:mm:ssZ");
            var output = CveDatabaseBenchmark.Invoke(runspace,
                $"$c = New-VulnerabilityReport 'Path traversal in the image unpacker' -Component example/runtime -AffectedVersion '1.2.0','1.2.1' -ReceivedAt '{received}' -StatePath '{root}' -Confirm:$false\n" +
                $"Set-VulnerabilityReport $c.Id -Status acknowledged -StatePath '{root}' -Confirm:$false\n" +
                $"Set-VulnerabilityReport $c.Id -Status triaged -Resolution accepted -StatePath '{root}' -Confirm:$false\n" +
                "Set-VulnerabilityReport $c.Id -Status fixing -FixTeam alice -Severity CRITICAL -CvssVector 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' -CveId CVE-2026-1234 " +
                $"-PlannedPublicDate '{publicDate}' -Force -FixedVersion 1.2.2 -Patches 'https://github.com/example/runtime-private/pull/7' " +
                "-Mitigations 'Do not unpack untrusted images; run with --no-unpack.' -Impact 'A crafted image writes outside the bundle.' " +
                "-Reproduction 'Unpack poc.tar with the default config.' -Credit 'Jane Researcher' -BinariesUrl 'https://github.com/example/runtime/releases/tag/v1.2.2' " +
                $"-ReleaseNotesUrl 'https://github.com/example/runtime/releases/tag/v1.2.2' -StatePath '{root}' -Confirm:$false\n$c.Id");
            return output.Last().ToString();
        }

        private static string CacheFile => Path.Combine(Path.GetTempPath(), "secops-bench-cache", $"embargo-notice-rsa3072-{Members}.json");

        /// <summary>The members and their keys: read from the cache, else made (RSA with the platform's crypto, the OpenPGP ring with BouncyCastle) and cached.</summary>
        private static List<DistributorMember> Keys(int count)
        {
            if (File.Exists(CacheFile))
            {
                var cached = JsonSerializer.Deserialize<List<DistributorMember>>(File.ReadAllText(CacheFile));
                if (cached?.Count == count)
                {
                    return cached;
                }
            }

            var members = new DistributorMember[count];
            Parallel.For(0, count, i =>
            {
                var (armored, fingerprint) = NewRsaKey($"Security team of m{i:000} <security@m{i:000}.example>");
                members[i] = new DistributorMember
                {
                    Id = $"m{i:000}", Organisation = $"Distribution {i:000}", Distribution = $"distro-{i:000}", SecurityAlias = $"security@m{i:000}.example",
                    PublicKey = armored, Fingerprint = fingerprint, Status = "active", Joined = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
                };
            });
            Directory.CreateDirectory(Path.GetDirectoryName(CacheFile));
            File.WriteAllText(CacheFile + ".tmp", JsonSerializer.Serialize(members.ToList()));
            File.Move(CacheFile + ".tmp", CacheFile, true);
            return members.ToList();
        }

        private static (string Armored, string Fingerprint) NewRsaKey(string userId)
        {
            DateTime created = DateTime.UtcNow.AddDays(-1);
            var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, RsaPair(), created);
            var subkey = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, RsaPair(), created);
            var primaryFlags = new PgpSignatureSubpacketGenerator();
            primaryFlags.SetKeyFlags(false, PgpKeyFlags.CanCertify | PgpKeyFlags.CanSign);
            var subkeyFlags = new PgpSignatureSubpacketGenerator();
            subkeyFlags.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
            var generator = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, primary, userId, SymmetricKeyAlgorithmTag.Aes256,
                Array.Empty<char>(), true, primaryFlags.Generate(), null, new SecureRandom());
            generator.AddSubKey(subkey, subkeyFlags.Generate(), null);
            PgpPublicKeyRing ring = generator.GeneratePublicKeyRing();
            using var output = new MemoryStream();
            using (var armor = new ArmoredOutputStream(output))
            {
                ring.Encode(armor);
            }

            return (System.Text.Encoding.ASCII.GetString(output.ToArray()), OpenPgpKeys.Hex(ring.GetPublicKey().GetFingerprint()));
        }

        private static Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair RsaPair()
        {
            using var rsa = System.Security.Cryptography.RSA.Create(3072);
            return DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(true));
        }
    }
}
