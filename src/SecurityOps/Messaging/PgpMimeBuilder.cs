using System;
using System.IO;
using System.Linq;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.Utils;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;
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

        /// <summary>A builder that only encrypts (no sender, no signature): for what the team keeps at rest.</summary>
        private PgpMimeBuilder()
        {
            GenericSubject = "Encrypted message";
        }

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

        /// <summary>
        /// The armored OpenPGP message: a session key for <paramref name="encryptionKey"/>, then the integrity-protected
        /// data (AES-256, MDC) holding the literal data, signed when the team has a signing key.
        /// </summary>
        /// <summary>Encrypts bytes to one key, unsigned, as ASCII armor: how the team keeps received mail at rest.</summary>
        internal static byte[] Seal(byte[] plain, PgpPublicKey encryptionKey, DateTimeOffset now) => new PgpMimeBuilder().Encrypt(plain, encryptionKey, now);

        internal byte[] Encrypt(byte[] plain, PgpPublicKey encryptionKey, DateTimeOffset now)
        {
            if (encryptionKey.Algorithm == PublicKeyAlgorithmTag.RsaGeneral || encryptionKey.Algorithm == PublicKeyAlgorithmTag.RsaEncrypt)
            {
                return EncryptToRsa(plain, encryptionKey, now);
            }

            using var output = new MemoryStream();
            using (var armor = new ArmoredOutputStream(output, new System.Collections.Generic.Dictionary<string, string>()))
            {
                var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, true, Random);
                generator.AddMethod(encryptionKey);
                using (Stream encryptedOut = generator.Open(armor, new byte[1 << 14]))
                {
                    WriteSignedLiteral(encryptedOut, plain, now);
                }
            }

            return output.ToArray();
        }

        /// <summary>
        /// The same message for an RSA key, with the session key encrypted by the platform's RSA (RFC 4880 5.1: PKCS#1
        /// v1.5 of the algorithm, the key and its checksum) and the data by AES-256 in CFB mode with the MDC (5.13, 5.14).
        /// BouncyCastle's own path rebuilds the key's parameters for every message and runs a Miller-Rabin test on the
        /// modulus each time (about 60 ms for RSA-3072): 200 members cost 12 s before the first message could leave.
        /// The modulus still gets the cheap checks (odd, no small prime factor); the key itself was read, checked against
        /// the recorded fingerprint and confirmed by a person before anything is encrypted to it.
        /// </summary>
        private byte[] EncryptToRsa(byte[] plain, PgpPublicKey encryptionKey, DateTimeOffset now)
        {
            var rsaKey = (RsaPublicBcpgKey)encryptionKey.PublicKeyPacket.Key;
            OpenPgpKeys.CheckRsaModulus(rsaKey.Modulus);
            byte[] sessionKey = new byte[32];
            Random.NextBytes(sessionKey);
            byte[] info = new byte[1 + sessionKey.Length + 2];
            info[0] = (byte)SymmetricKeyAlgorithmTag.Aes256;
            Buffer.BlockCopy(sessionKey, 0, info, 1, sessionKey.Length);
            int sum = sessionKey.Sum(b => b) & 0xFFFF;
            info[info.Length - 2] = (byte)(sum >> 8);
            info[info.Length - 1] = (byte)sum;
            byte[] encryptedKey;
            using (var rsa = System.Security.Cryptography.RSA.Create())
            {
                rsa.ImportParameters(new System.Security.Cryptography.RSAParameters { Modulus = rsaKey.Modulus.ToByteArrayUnsigned(), Exponent = rsaKey.PublicExponent.ToByteArrayUnsigned() });
                encryptedKey = rsa.Encrypt(info, System.Security.Cryptography.RSAEncryptionPadding.Pkcs1);
            }

            // Tag 1, version 3: key id, algorithm, the encrypted session key as an MPI.
            var pkesk = new MemoryStream();
            pkesk.WriteByte(3);
            long keyId = encryptionKey.KeyId;
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                pkesk.WriteByte((byte)(keyId >> shift));
            }

            pkesk.WriteByte((byte)encryptionKey.Algorithm);
            WriteMpi(pkesk, encryptedKey);

            // Tag 18, version 1: CFB over (random prefix, its last two bytes again, the packets, the MDC packet).
            byte[] inner;
            using (var literal = new MemoryStream())
            {
                WriteSignedLiteral(literal, plain, now);
                inner = literal.ToArray();
            }

            byte[] prefix = new byte[18];
            Random.NextBytes(prefix, 0, 16);
            prefix[16] = prefix[14];
            prefix[17] = prefix[15];
            byte[] clear = new byte[prefix.Length + inner.Length + 22];
            Buffer.BlockCopy(prefix, 0, clear, 0, prefix.Length);
            Buffer.BlockCopy(inner, 0, clear, prefix.Length, inner.Length);
            clear[prefix.Length + inner.Length] = 0xD3;
            clear[prefix.Length + inner.Length + 1] = 0x14;
            byte[] mdc;
            using (var sha1 = System.Security.Cryptography.SHA1.Create())
            {
                mdc = sha1.ComputeHash(clear, 0, clear.Length - 20);
            }

            Buffer.BlockCopy(mdc, 0, clear, clear.Length - 20, 20);
            var cipher = CipherUtilities.GetCipher("AES/CFB/NoPadding");
            cipher.Init(true, new ParametersWithIV(new KeyParameter(sessionKey), new byte[16]));
            byte[] encrypted = cipher.DoFinal(clear);

            using var output = new MemoryStream();
            using (var armor = new ArmoredOutputStream(output, new System.Collections.Generic.Dictionary<string, string>()))
            {
                WritePacket(armor, 1, pkesk.ToArray());
                var seipd = new byte[1 + encrypted.Length];
                seipd[0] = 1;
                Buffer.BlockCopy(encrypted, 0, seipd, 1, encrypted.Length);
                WritePacket(armor, 18, seipd);
            }

            return output.ToArray();
        }

        /// <summary>The literal data packet, between a one-pass signature and the signature when the team signs.</summary>
        private void WriteSignedLiteral(Stream target, byte[] plain, DateTimeOffset now)
        {
            PgpSignatureGenerator signature = null;
            if (Signer != null)
            {
                signature = new PgpSignatureGenerator(Signer.SecretKey.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
                signature.InitSign(PgpSignature.BinaryDocument, Signer.PrivateKey);
                var subpackets = new PgpSignatureSubpacketGenerator();
                subpackets.SetSignatureCreationTime(false, now.UtcDateTime);
                subpackets.SetIssuerFingerprint(false, Signer.SecretKey);
                signature.SetHashedSubpackets(subpackets.Generate());
                signature.GenerateOnePassVersion(false).Encode(target);
            }

            var literal = new PgpLiteralDataGenerator();
            using (Stream literalOut = literal.Open(target, PgpLiteralData.Binary, string.Empty, plain.Length, now.UtcDateTime))
            {
                literalOut.Write(plain, 0, plain.Length);
            }

            if (signature != null)
            {
                signature.Update(plain);
                signature.Generate().Encode(target);
            }
        }

        /// <summary>An MPI: the bit count (two bytes), then the value without leading zero bytes.</summary>
        private static void WriteMpi(Stream target, byte[] value)
        {
            int start = 0;
            while (start < value.Length - 1 && value[start] == 0)
            {
                start++;
            }

            int bits = (value.Length - start - 1) * 8;
            for (int top = value[start]; top != 0; top >>= 1)
            {
                bits++;
            }

            target.WriteByte((byte)(bits >> 8));
            target.WriteByte((byte)bits);
            target.Write(value, start, value.Length - start);
        }

        /// <summary>A packet in the new format (RFC 4880 4.2.2): the tag, the body length, the body.</summary>
        private static void WritePacket(Stream target, int tag, byte[] body)
        {
            target.WriteByte((byte)(0xC0 | tag));
            int length = body.Length;
            if (length < 192)
            {
                target.WriteByte((byte)length);
            }
            else if (length < 8384)
            {
                target.WriteByte((byte)(((length - 192) >> 8) + 192));
                target.WriteByte((byte)(length - 192));
            }
            else
            {
                target.WriteByte(0xFF);
                target.WriteByte((byte)(length >> 24));
                target.WriteByte((byte)(length >> 16));
                target.WriteByte((byte)(length >> 8));
                target.WriteByte((byte)length);
            }

            target.Write(body, 0, body.Length);
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
