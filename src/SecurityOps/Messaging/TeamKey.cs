using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// The team's own OpenPGP key (messaging.signingKeyPath: the armored secret key block): its public half to publish
    /// in SECURITY.md, and its secret keys to decrypt the reports sent to it. The public half is read without the
    /// passphrase; the passphrase is asked only to decrypt, and only the key that the message names is unlocked.
    /// </summary>
    internal sealed class TeamKey
    {
        private TeamKey(string source, PgpSecretKeyRing secretRing, PgpPublicKeyRing publicRing)
        {
            Source = source;
            SecretRing = secretRing;
            PublicRing = publicRing;
        }

        /// <summary>Where the key was read from (for errors; never its content).</summary>
        public string Source { get; }

        /// <summary>The secret key ring; null when the file holds only the public key (it can then not decrypt).</summary>
        internal PgpSecretKeyRing SecretRing { get; }

        internal PgpPublicKeyRing PublicRing { get; }

        public string Fingerprint => OpenPgpKeys.Hex(PublicRing.GetPublicKey().GetFingerprint());

        /// <summary>The file the config (or <paramref name="pathOverride"/>) names, read; a clear error when there is none.</summary>
        public static TeamKey FromConfig(StateRepository files, SecurityConfig config, string pathOverride = null)
        {
            string configured = pathOverride ?? config.Messaging?.SigningKeyPath;
            if (string.IsNullOrWhiteSpace(configured))
            {
                throw new SecurityOpsException("TeamKeyNotConfigured", FailureKind.ObjectNotFound, "messaging.signingKeyPath",
                    "The team has no OpenPGP key: set messaging.signingKeyPath in securityops.yaml to the team's armored secret key file (or pass -KeyPath).");
            }

            string path = Path.IsPathRooted(configured) ? configured : files.FullPath(configured);
            if (!File.Exists(path))
            {
                throw new SecurityOpsException("TeamKeyNotFound", FailureKind.ObjectNotFound, path, $"The team's key file {path} does not exist.");
            }

            return Read(File.ReadAllText(path), path);
        }

        /// <summary>Reads an armored secret key block (or, for export only, a public key block).</summary>
        public static TeamKey Read(string armored, string source)
        {
            try
            {
                using Stream decoder = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armored ?? string.Empty)));
                var factory = new PgpObjectFactory(decoder);
                PgpObject obj;
                while ((obj = factory.NextPgpObject()) != null)
                {
                    if (obj is PgpSecretKeyRing secret)
                    {
                        return new TeamKey(source, secret, PublicHalf(secret));
                    }

                    if (obj is PgpPublicKeyRing pub)
                    {
                        return new TeamKey(source, null, pub);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException || ex is ArgumentException || ex is InvalidCastException || ex is InvalidOperationException)
            {
                throw new SecurityOpsException("TeamKeyUnreadable", FailureKind.InvalidData, source, $"The team's key in {source} cannot be read: {ex.Message}", ex);
            }

            throw new SecurityOpsException("TeamKeyUnreadable", FailureKind.InvalidData, source, $"{source} holds no OpenPGP key block.");
        }

        /// <summary>The public key ring (primary key, user ids, subkeys, their signatures) as ASCII armor: no secret part.</summary>
        public string ArmoredPublicKey()
        {
            using var output = new MemoryStream();
            using (var armor = new ArmoredOutputStream(output, new Dictionary<string, string>()))
            {
                PublicRing.Encode(armor);
            }

            return Encoding.ASCII.GetString(output.ToArray()).Replace("\r\n", "\n");
        }

        /// <summary>What the team publishes: fingerprint, user ids, dates, the armored key and a SECURITY.md section.</summary>
        public TeamPublicKey Describe(DateTimeOffset now)
        {
            string armored = ArmoredPublicKey();
            OpenPgpKeyInfo info = OpenPgpKeys.Inspect(armored, now);
            var key = new TeamPublicKey
            {
                Fingerprint = info.Fingerprint,
                UserIds = info.UserIds.ToList(),
                Created = info.Created,
                Expires = info.Expires,
                EncryptionKeyId = info.EncryptionKeyId,
                PublicKey = armored,
            };
            string expires = key.Expires == null ? string.Empty : $" It expires on {key.Expires:yyyy-MM-dd}.";
            key.Markdown =
                "## Encrypted reports\n\n" +
                $"To send a report encrypted, use the security team's OpenPGP key ({string.Join(", ", key.UserIds)}), fingerprint\n" +
                $"`{MembershipService.FormatFingerprint(key.Fingerprint)}`.{expires}\n\n" +
                "```\n" + armored.TrimEnd('\n') + "\n```\n";
            if (info.Revoked)
            {
                throw new SecurityOpsException("TeamKeyRevoked", FailureKind.SecurityError, Source, $"The team's key {info.Fingerprint} is revoked: publish a new one.");
            }

            if (info.EncryptionKey == null)
            {
                throw new SecurityOpsException("TeamKeyCannotEncrypt", FailureKind.InvalidData, Source,
                    $"The team's key {info.Fingerprint} has no valid key flagged for encryption (sign-only, or its encryption subkey expired): reporters could not encrypt to it.");
            }

            return key;
        }

        /// <summary>The private key with this key id, unlocked with the passphrase; a clear error when it is not the team's or the passphrase is wrong.</summary>
        internal PgpPrivateKey PrivateKey(long keyId, char[] passphrase)
        {
            PgpSecretKey secret = SecretRing?.GetSecretKey(keyId);
            if (secret == null)
            {
                return null;
            }

            try
            {
                return secret.ExtractPrivateKey(passphrase ?? Array.Empty<char>());
            }
            catch (PgpException ex)
            {
                throw new SecurityOpsException("TeamKeyPassphraseWrong", FailureKind.AuthenticationError, Source,
                    $"The team's secret key {keyId:X16} in {Source} could not be unlocked: the passphrase is missing or wrong ({ex.Message}).", ex);
            }
        }

        private static PgpPublicKeyRing PublicHalf(PgpSecretKeyRing secret)
        {
            using var buffer = new MemoryStream();
            foreach (PgpPublicKey key in secret.GetPublicKeys())
            {
                key.Encode(buffer);
            }

            return new PgpPublicKeyRing(buffer.ToArray());
        }
    }
}
