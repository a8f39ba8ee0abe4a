using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SecurityOps.Model;

namespace SecurityOps.Messaging
{
    /// <summary>What the module learned from an armored OpenPGP public key.</summary>
    internal sealed class OpenPgpKeyInfo
    {
        public bool Readable { get; set; }

        public string ReadError { get; set; }

        public string Fingerprint { get; set; }

        public List<string> UserIds { get; } = new List<string>();

        public DateTimeOffset? Created { get; set; }

        /// <summary>When the primary key expires (null: never).</summary>
        public DateTimeOffset? Expires { get; set; }

        public bool Revoked { get; set; }

        /// <summary>The key that notices are encrypted to: a valid key flagged for encryption (a subkey, usually).</summary>
        internal PgpPublicKey EncryptionKey { get; set; }

        public string EncryptionKeyId => EncryptionKey == null ? null : EncryptionKey.KeyId.ToString("X16");

        /// <summary>When the chosen encryption key expires (null: never).</summary>
        public DateTimeOffset? EncryptionKeyExpires { get; set; }

        public bool IsExpired(DateTimeOffset now) => Expires != null && Expires <= now;
    }

    /// <summary>
    /// Reads members' keys with BouncyCastle: in memory, from distributors.yaml, so the user's GnuPG home is never read
    /// or changed. Picks the encryption key by its key flags, because an RSA primary is often sign-only although its
    /// algorithm could encrypt.
    /// </summary>
    internal static class OpenPgpKeys
    {
        public static string NormalizeFingerprint(string fingerprint) =>
            fingerprint == null ? null : new string(fingerprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();

        public static OpenPgpKeyInfo Inspect(string armored, DateTimeOffset now)
        {
            var info = new OpenPgpKeyInfo();
            PgpPublicKeyRing ring;
            try
            {
                ring = ReadRing(armored);
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException || ex is ArgumentException || ex is InvalidCastException || ex is InvalidOperationException)
            {
                info.ReadError = ex.Message;
                return info;
            }

            if (ring == null)
            {
                info.ReadError = "no OpenPGP public key block was found";
                return info;
            }

            PgpPublicKey primary = ring.GetPublicKey();
            info.Readable = true;
            info.Fingerprint = Hex(primary.GetFingerprint());
            info.Created = new DateTimeOffset(DateTime.SpecifyKind(primary.CreationTime, DateTimeKind.Utc));
            info.Expires = ExpiryOf(primary);
            info.Revoked = primary.HasRevocation();
            foreach (var uid in primary.GetUserIds())
            {
                info.UserIds.Add(uid);
            }

            // The newest valid key flagged for encryption; the primary only when it is flagged (or carries no flags at all).
            foreach (PgpPublicKey key in ring.GetPublicKeys().OrderByDescending(k => k.CreationTime))
            {
                if (!key.IsEncryptionKey || !CanEncrypt(key))
                {
                    continue;
                }

                if (!key.IsMasterKey && key.HasRevocation())
                {
                    continue;
                }

                DateTimeOffset? expires = key.IsMasterKey ? info.Expires : ExpiryOf(key);
                if (expires != null && expires <= now)
                {
                    continue;
                }

                info.EncryptionKey = key;
                info.EncryptionKeyExpires = expires;
                break;
            }

            return info;
        }

        /// <summary>
        /// The key to encrypt a member's mail to, or a clear error: no key, unreadable, fingerprint not the recorded one,
        /// revoked, expired, or no key able to encrypt. Nothing is ever sent in clear instead.
        /// </summary>
        /// <param name="parsed">Keys already read in this run, by their armored text: each key is parsed once per run.</param>
        public static OpenPgpKeyInfo RequireUsable(DistributorMember member, DateTimeOffset now, IDictionary<string, OpenPgpKeyInfo> parsed = null)
        {
            if (string.IsNullOrWhiteSpace(member.PublicKey))
            {
                throw new SecurityOpsException("PgpKeyMissing", FailureKind.InvalidData, member.Id,
                    $"Member '{member.Id}' has no OpenPGP public key on record: nothing is sent to it.");
            }

            OpenPgpKeyInfo info;
            if (parsed == null)
            {
                info = Inspect(member.PublicKey, now);
            }
            else
            {
                lock (parsed)
                {
                    if (!parsed.TryGetValue(member.PublicKey, out info))
                    {
                        parsed[member.PublicKey] = info = Inspect(member.PublicKey, now);
                    }
                }
            }

            if (!info.Readable)
            {
                throw new SecurityOpsException("PgpKeyUnreadable", FailureKind.InvalidData, member.Id,
                    $"Member '{member.Id}': the stored public key cannot be read ({info.ReadError}).");
            }

            string recorded = NormalizeFingerprint(member.Fingerprint);
            if (string.IsNullOrEmpty(recorded) || recorded != info.Fingerprint)
            {
                throw new SecurityOpsException("PgpKeyFingerprintMismatch", FailureKind.SecurityError, member.Id,
                    $"Member '{member.Id}': the stored key's fingerprint {info.Fingerprint} is not the recorded one ({(string.IsNullOrEmpty(recorded) ? "none" : recorded)}). " +
                    "A person must confirm the new key (Update-DistributorKey) before anything is encrypted to it.");
            }

            if (info.Revoked)
            {
                throw new SecurityOpsException("PgpKeyRevoked", FailureKind.SecurityError, member.Id,
                    $"Member '{member.Id}': key {info.Fingerprint} is revoked.");
            }

            if (info.IsExpired(now))
            {
                throw new SecurityOpsException("PgpKeyExpired", FailureKind.InvalidData, member.Id,
                    $"Member '{member.Id}': key {info.Fingerprint} expired on {info.Expires:yyyy-MM-dd}.");
            }

            if (info.EncryptionKey == null)
            {
                throw new SecurityOpsException("PgpKeyCannotEncrypt", FailureKind.InvalidData, member.Id,
                    $"Member '{member.Id}': key {info.Fingerprint} has no valid key flagged for encryption (a sign-only key, or its encryption subkey expired or was revoked).");
            }

            return info;
        }

        /// <summary>The product of the odd primes up to 743, for the small-factor check of an RSA modulus.</summary>
        private static readonly Org.BouncyCastle.Math.BigInteger SmallPrimesProduct = Enumerable.Range(3, 741)
            .Where(n => n % 2 == 1 && Enumerable.Range(2, (int)Math.Sqrt(n)).All(d => d == n || n % d != 0))
            .Aggregate(Org.BouncyCastle.Math.BigInteger.One, (p, n) => p.Multiply(Org.BouncyCastle.Math.BigInteger.ValueOf(n)));

        /// <summary>An RSA modulus fit to encrypt to: odd, no prime factor below 745.</summary>
        internal static void CheckRsaModulus(Org.BouncyCastle.Math.BigInteger modulus)
        {
            if (modulus == null || modulus.SignValue <= 0 || !modulus.TestBit(0) || !modulus.Gcd(SmallPrimesProduct).Equals(Org.BouncyCastle.Math.BigInteger.One))
            {
                throw new SecurityOpsException("PgpKeyCannotEncrypt", FailureKind.InvalidData, null, "The member's RSA key has an unusable modulus (even, or with a small prime factor).");
            }
        }

        internal static PgpPublicKeyRing ReadRing(string armored)
        {
            if (string.IsNullOrWhiteSpace(armored))
            {
                return null;
            }

            using var input = new MemoryStream(Encoding.ASCII.GetBytes(armored));
            using Stream decoder = PgpUtilities.GetDecoderStream(input);
            var factory = new PgpObjectFactory(decoder);
            PgpObject obj;
            while ((obj = factory.NextPgpObject()) != null)
            {
                if (obj is PgpPublicKeyRing ring)
                {
                    return ring;
                }
            }

            return null;
        }

        internal static string Hex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
            {
                sb.Append(b.ToString("X2"));
            }

            return sb.ToString();
        }

        private static DateTimeOffset? ExpiryOf(PgpPublicKey key)
        {
            long seconds = key.GetValidSeconds();
            if (seconds <= 0)
            {
                return null;
            }

            return new DateTimeOffset(DateTime.SpecifyKind(key.CreationTime, DateTimeKind.Utc)).AddSeconds(seconds);
        }

        private static bool CanEncrypt(PgpPublicKey key)
        {
            int[] types = key.IsMasterKey
                ? new[] { PgpSignature.PositiveCertification, PgpSignature.CasualCertification, PgpSignature.NoCertification, PgpSignature.DefaultCertification, PgpSignature.DirectKey }
                : new[] { PgpSignature.SubkeyBinding };
            bool sawFlags = false;
            foreach (int type in types)
            {
                foreach (PgpSignature sig in key.GetSignaturesOfType(type))
                {
                    PgpSignatureSubpacketVector hashed = sig.GetHashedSubPackets();
                    if (hashed == null || !hashed.HasSubpacket(SignatureSubpacketTag.KeyFlags))
                    {
                        continue;
                    }

                    sawFlags = true;
                    if ((hashed.GetKeyFlags() & (PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage)) != 0)
                    {
                        return true;
                    }
                }
            }

            // A key without any flags (very old keys): its algorithm decides.
            return !sawFlags;
        }
    }
}
