using System;
using System.IO;
using System.Linq;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using SecurityOps.Model;

namespace SecurityOps.Messaging
{
    /// <summary>The team's secret key, to sign what it encrypts.</summary>
    internal sealed class OpenPgpSigner
    {
        private OpenPgpSigner(PgpSecretKey secret, PgpPrivateKey key)
        {
            SecretKey = secret;
            PrivateKey = key;
        }

        internal PgpSecretKey SecretKey { get; }

        internal PgpPrivateKey PrivateKey { get; }

        public string Fingerprint => OpenPgpKeys.Hex(SecretKey.PublicKey.GetFingerprint());

        /// <summary>Loads the first signing-capable secret key of an armored secret key block.</summary>
        public static OpenPgpSigner Load(string armoredSecretKey, char[] passphrase, string source)
        {
            try
            {
                using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armoredSecretKey ?? string.Empty)));
                var bundle = new PgpSecretKeyRingBundle(input);
                foreach (PgpSecretKeyRing ring in bundle.GetKeyRings())
                {
                    foreach (PgpSecretKey secret in ring.GetSecretKeys())
                    {
                        if (secret.IsSigningKey && !secret.PublicKey.HasRevocation())
                        {
                            return new OpenPgpSigner(secret, secret.ExtractPrivateKey(passphrase ?? Array.Empty<char>()));
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException || ex is ArgumentException)
            {
                throw new SecurityOpsException("SigningKeyUnreadable", FailureKind.InvalidData, source,
                    $"The team's signing key in {source} cannot be used: {ex.Message}", ex);
            }

            throw new SecurityOpsException("SigningKeyUnreadable", FailureKind.InvalidData, source,
                $"{source} holds no secret key able to sign.");
        }
    }

    /// <summary>
    /// Builds RFC 3156 OpenPGP/MIME messages: multipart/encrypted; protocol="application/pgp-encrypted", a
    /// "Version: 1" control part and the armored OpenPGP message. The clear headers carry only a generic Subject; the
    /// real one travels inside the encrypted part as a protected header (protected-headers="v1").
    /// </summary>
    internal sealed class PgpMimeBuilder
    {
        private static readonly SecureRandom Random = new SecureRandom();

        public PgpMimeBuilder(string from, string genericSubject, OpenPgpSigner signer = null)
        {
            From = MailboxAddress.Parse(from ?? throw new SecurityOpsException("MailFromMissing", FailureKind.InvalidArgument, "messaging.from",
                "No sending address: set messaging.from in securityops.yaml."));
            GenericSubject = string.IsNullOrWhiteSpace(genericSubject) ? "Encrypted message" : genericSubject;
            Signer = signer;
        }

        public MailboxAddress From { get; }

        public string GenericSubject { get; }

        public OpenPgpSigner Signer { get; }

        /// <summary>One message to one recipient, encrypted to <paramref name="key"/>'s encryption key only.</summary>
        public MimeMessage Build(string to, RenderedMessage content, OpenPgpKeyInfo key)
        {
            MailboxAddress recipient;
            if (!MailboxAddress.TryParse(to ?? string.Empty, out recipient))
            {
                throw new SecurityOpsException("InvalidRecipientAddress", FailureKind.InvalidArgument, to, $"'{to}' is not a mail address.");
            }

            DateTimeOffset now = ModuleContext.UtcNow;
            string messageId = MimeUtils.GenerateMessageId(From.Domain);

            // The inner entity: the real headers (protected) and the text.
            var inner = new TextPart("plain") { Text = content.Body ?? string.Empty };
            inner.ContentType.Charset = "utf-8";
            inner.ContentType.Parameters.Add("protected-headers", "v1");
            inner.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
            inner.Headers.Add(HeaderId.From, From.ToString());
            inner.Headers.Add(HeaderId.To, recipient.ToString());
            inner.Headers.Add(HeaderId.Subject, content.Subject ?? string.Empty);
            inner.Headers.Add(HeaderId.MessageId, "<" + messageId + ">");
            inner.Headers.Add(HeaderId.Date, DateUtils.FormatDate(now));

            byte[] plain;
            using (var buffer = new MemoryStream())
            {
                inner.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, buffer);
                plain = buffer.ToArray();
            }

            byte[] armored = Encrypt(plain, key.EncryptionKey, now);

            var control = new PreparedPart("application", "pgp-encrypted")
            {
                Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("Version: 1\r\n"))),
                ContentTransferEncoding = ContentEncoding.SevenBit,
                ContentDescription = "PGP/MIME version identification",
            };
            var data = new PreparedPart("application", "octet-stream")
            {
                Content = new MimeContent(new MemoryStream(armored)),
                ContentTransferEncoding = ContentEncoding.SevenBit,
                ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = "encrypted.asc" },
                ContentDescription = "OpenPGP encrypted message",
            };
            data.ContentType.Name = "encrypted.asc";

            var encrypted = new MultipartEncrypted(); // its Prepare leaves the parts as built (7bit armor)
            encrypted.ContentType.Parameters.Add("protocol", "application/pgp-encrypted");
            encrypted.Add(control);
            encrypted.Add(data);

            var message = new MimeMessage
            {
                Subject = GenericSubject,
                MessageId = messageId,
                Date = now,
                Body = encrypted,
            };
            message.From.Add(From);
            message.To.Add(recipient);
            return message;
        }

        internal byte[] Encrypt(byte[] plain, PgpPublicKey encryptionKey, DateTimeOffset now) => Seal(plain, encryptionKey, now, Signer);

        /// <summary>Encrypts (and with a signer, signs) bytes to one key, as ASCII armor: also how the team keeps mail at rest.</summary>
        internal static byte[] Seal(byte[] plain, PgpPublicKey encryptionKey, DateTimeOffset now, OpenPgpSigner signer = null)
        {
            using var output = new MemoryStream();
            using (var armor = new ArmoredOutputStream(output, new System.Collections.Generic.Dictionary<string, string>()))
            {
                var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, true, Random);
                generator.AddMethod(encryptionKey);
                using (Stream encryptedOut = generator.Open(armor, new byte[1 << 14]))
                {
                    PgpSignatureGenerator signature = null;
                    if (signer != null)
                    {
                        signature = new PgpSignatureGenerator(signer.SecretKey.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
                        signature.InitSign(PgpSignature.BinaryDocument, signer.PrivateKey);
                        var subpackets = new PgpSignatureSubpacketGenerator();
                        subpackets.SetSignatureCreationTime(false, now.UtcDateTime);
                        subpackets.SetIssuerFingerprint(false, signer.SecretKey);
                        signature.SetHashedSubpackets(subpackets.Generate());
                        signature.GenerateOnePassVersion(false).Encode(encryptedOut);
                    }

                    var literal = new PgpLiteralDataGenerator();
                    using (Stream literalOut = literal.Open(encryptedOut, PgpLiteralData.Binary, string.Empty, plain.Length, now.UtcDateTime))
                    {
                        literalOut.Write(plain, 0, plain.Length);
                    }

                    if (signature != null)
                    {
                        signature.Update(plain);
                        signature.Generate().Encode(encryptedOut);
                    }
                }
            }

            return output.ToArray();
        }
    }

    /// <summary>
    /// A part sent exactly as built: MailKit re-encodes application/* parts to base64 when it prepares a message, but
    /// the OpenPGP/MIME parts are 7-bit ASCII armor and are kept as such.
    /// </summary>
    internal sealed class PreparedPart : MimePart
    {
        public PreparedPart(string mediaType, string mediaSubtype)
            : base(mediaType, mediaSubtype)
        {
        }

        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
        }
    }
}
