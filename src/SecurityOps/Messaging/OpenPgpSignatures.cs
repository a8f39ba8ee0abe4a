using System;
using System.IO;
using System.Linq;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SecurityOps.Messaging
{
    /// <summary>Detached OpenPGP signatures (a release asset's .asc or .sig) checked against the keys the team trusts.</summary>
    internal static class OpenPgpSignatures
    {
        /// <summary>
        /// True when <paramref name="signature"/> (armored or binary, detached) is a good signature of
        /// <paramref name="data"/> by one of <paramref name="armoredKeys"/>; <paramref name="why"/> says which key, or why not.
        /// </summary>
        public static bool VerifyDetached(byte[] data, byte[] signature, string armoredKeys, out string why)
        {
            PgpPublicKeyRingBundle keys;
            try
            {
                using (Stream keyStream = PgpUtilities.GetDecoderStream(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(armoredKeys ?? string.Empty))))
                {
                    keys = new PgpPublicKeyRingBundle(keyStream);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException)
            {
                throw new SecurityOpsException("SigningKeyUnreadable", FailureKind.InvalidData, "signing key", $"The release signing key could not be read: {ex.Message}", ex);
            }

            PgpSignature sig;
            try
            {
                using (Stream input = PgpUtilities.GetDecoderStream(new MemoryStream(signature)))
                {
                    object first = new PgpObjectFactory(input).NextPgpObject();
                    if (first is PgpCompressedData compressed)
                    {
                        first = new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject();
                    }

                    sig = (first as PgpSignatureList)?.Count > 0 ? ((PgpSignatureList)first)[0] : null;
                }
            }
            catch (Exception ex) when (ex is IOException || ex is PgpException)
            {
                why = $"the signature is not an OpenPGP signature ({ex.Message})";
                return false;
            }

            if (sig == null)
            {
                why = "the signature file holds no OpenPGP signature";
                return false;
            }

            PgpPublicKey key = keys.GetKeyRings().Cast<PgpPublicKeyRing>().Select(r => r.GetPublicKey(sig.KeyId)).FirstOrDefault(k => k != null);
            if (key == null)
            {
                why = $"it was made with key {sig.KeyId:X16}, which is not one of the configured signing keys";
                return false;
            }

            sig.InitVerify(key);
            sig.Update(data);
            bool good = sig.Verify();
            string fingerprint = BitConverter.ToString(key.GetFingerprint()).Replace("-", string.Empty);
            why = good ? $"signed by {fingerprint}" : $"the signature by {fingerprint} does not match the file";
            return good;
        }
    }
}
