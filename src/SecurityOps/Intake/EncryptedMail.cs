using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MimeKit;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SecurityOps.Messaging;

namespace SecurityOps.Intake
{
    /// <summary>What decrypting a report gave: the inner MIME entity and what its signature says.</summary>
    internal sealed class DecryptedReport
    {
        public MimeEntity Entity { get; set; }

        /// <summary>none, verified, unknown-key or bad.</summary>
        public string Signature { get; set; } = "none";

        /// <summary>The signer's fingerprint (verified) or key id (unknown key).</summary>
        public string Signer { get; set; }
    }

    /// <summary>
    /// Opens reports sent encrypted to the team's key: PGP/MIME (multipart/encrypted, RFC 3156) or an inline armored
    /// block in a text body. The secret key is unlocked with a passphrase the caller holds (a credential or the
    /// environment, never a file); a signature inside is verified against the reporters' keys the state keeps.
    /// </summary>
    internal static class EncryptedMail
    {
        private const string ArmorBegin = "-----BEGIN PGP MESSAGE-----";

        /// <summary>The armored or binary OpenPGP message of a PGP/MIME or inline-encrypted message; null when it is not encrypted.</summary>
        public static byte[] EncryptedPayload(MimeMessage message)
        {
            if (message.Body is Multipart multipart && multipart.ContentType.IsMimeType("multipart", "encrypted"))
            {
                MimePart payload = multipart.OfType<MimePart>().FirstOrDefault(p => p.ContentType.IsMimeType("application", "octet-stream"))
                    ?? multipart.OfType<MimePart>().Skip(1).FirstOrDefault();
                if (payload?.Content == null)
                {
                    return null;
                }

                using var buffer = new MemoryStream();
                payload.Content.DecodeTo(buffer);
                return buffer.ToArray();
            }

            string text = message.TextBody;
            int begin = text?.IndexOf(ArmorBegin, StringComparison.Ordinal) ?? -1;
            return begin < 0 ? null : Encoding.ASCII.GetBytes(text.Substring(begin));
        }

        /// <summary>Decrypts with the team's key; throws a clear error when the message is not for it or cannot be opened.</summary>
        public static DecryptedReport Decrypt(byte[] payload, TeamKey team, char[] passphrase, IReadOnlyList<PgpPublicKeyRing> reporterKeys, bool inline, string source)
        {
            PgpEncryptedDataList list;
            try
            {
                var factory = new PgpObjectFactory(PgpUtilities.GetDecoderStream(new MemoryStream(payload)));
                object first = factory.NextPgpObject();
                list = first as PgpEncryptedDataList ?? factory.NextPgpObject() as PgpEncryptedDataList;
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException)
            {
                throw new SecurityOpsException("ReportNotReadable", FailureKind.InvalidData, source, $"{source}: the encrypted part is not an OpenPGP message ({ex.Message}).", ex);
            }

            if (list == null)
            {
                throw new SecurityOpsException("ReportNotReadable", FailureKind.InvalidData, source, $"{source}: the encrypted part holds no encrypted OpenPGP data.");
            }

            PgpPublicKeyEncryptedData data = null;
            PgpPrivateKey key = null;
            var recipients = new List<string>();
            foreach (PgpPublicKeyEncryptedData candidate in list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>())
            {
                recipients.Add(candidate.KeyId.ToString("X16"));
                key = team.PrivateKey(candidate.KeyId, passphrase);
                if (key != null)
                {
                    data = candidate;
                    break;
                }
            }

            if (data == null)
            {
                throw new SecurityOpsException("ReportNotForTeamKey", FailureKind.InvalidData, source,
                    $"{source} is encrypted to key(s) {string.Join(", ", recipients)}, none of them the team's ({team.Fingerprint}). Ask the reporter to use the key in SECURITY.md (Export-TeamPublicKey).");
            }

            var result = new DecryptedReport();
            byte[] content;
            try
            {
                var plain = new PgpObjectFactory(data.GetDataStream(key));
                object next = plain.NextPgpObject();
                if (next is PgpCompressedData compressed)
                {
                    plain = new PgpObjectFactory(compressed.GetDataStream());
                    next = plain.NextPgpObject();
                }

                PgpOnePassSignature onePass = null;
                if (next is PgpOnePassSignatureList onePassList && onePassList.Count > 0)
                {
                    onePass = onePassList[0];
                    next = plain.NextPgpObject();
                }

                if (!(next is PgpLiteralData literal))
                {
                    throw new SecurityOpsException("ReportNotReadable", FailureKind.InvalidData, source, $"{source}: the decrypted message holds no literal data.");
                }

                using (var buffer = new MemoryStream())
                {
                    literal.GetInputStream().CopyTo(buffer);
                    content = buffer.ToArray();
                }

                if (onePass != null)
                {
                    PgpPublicKey signer = reporterKeys.Select(r => r.GetPublicKey(onePass.KeyId)).FirstOrDefault(k => k != null);
                    result.Signer = onePass.KeyId.ToString("X16");
                    if (signer == null)
                    {
                        result.Signature = "unknown-key";
                    }
                    else
                    {
                        onePass.InitVerify(signer);
                        onePass.Update(content);
                        var signatures = plain.NextPgpObject() as PgpSignatureList;
                        bool good = signatures != null && signatures.Count > 0 && onePass.Verify(signatures[0]);
                        result.Signature = good ? "verified" : "bad";
                        result.Signer = OpenPgpKeys.Hex(reporterKeys.First(r => r.GetPublicKey(onePass.KeyId) != null).GetPublicKey().GetFingerprint());
                    }
                }

                if (data.IsIntegrityProtected() && !data.Verify())
                {
                    throw new SecurityOpsException("ReportIntegrityFailed", FailureKind.SecurityError, source, $"{source}: the encrypted data failed its integrity check (modified in transit?).");
                }
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException)
            {
                throw new SecurityOpsException("ReportNotReadable", FailureKind.InvalidData, source, $"{source}: the message could not be decrypted ({ex.Message}).", ex);
            }

            result.Entity = inline
                ? new TextPart("plain") { Text = Encoding.UTF8.GetString(content) }
                : MimeEntity.Load(new MemoryStream(content));
            return result;
        }

        /// <summary>The reporters' public keys the state keeps (keys/reporters/*.asc), to verify signed reports.</summary>
        public static List<PgpPublicKeyRing> ReporterKeys(string folder)
        {
            var rings = new List<PgpPublicKeyRing>();
            if (!Directory.Exists(folder))
            {
                return rings;
            }

            foreach (string file in Directory.EnumerateFiles(folder, "*.asc").OrderBy(f => f, StringComparer.Ordinal))
            {
                try
                {
                    using Stream input = PgpUtilities.GetDecoderStream(File.OpenRead(file));
                    rings.AddRange(new PgpPublicKeyRingBundle(input).GetKeyRings());
                }
                catch (Exception ex) when (ex is IOException || ex is PgpException)
                {
                    // An unreadable key file verifies nothing; the signature then reads "unknown-key".
                }
            }

            return rings;
        }
    }
}
