using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace SecurityOps.Database
{
    /// <summary>
    /// The first 128 bits of a SHA-256: what the observation index and the parsed-record cache compare (a record file's
    /// bytes, an observation's content). A cryptographic hash because a feed's author chooses what it says: finding
    /// two observations with the same 128-bit value is out of reach, where a fast non-cryptographic hash could be steered.
    /// </summary>
    internal readonly struct Hash128 : IEquatable<Hash128>
    {
#if !NET8_0_OR_GREATER
        // One hasher per thread: creating one costs more than hashing a record.
        [ThreadStatic]
        private static SHA256 hasher;
#endif

        private readonly ulong high;
        private readonly ulong low;

        private Hash128(ulong high, ulong low)
        {
            this.high = high;
            this.low = low;
        }

        public static Hash128 Of(byte[] bytes) => Of(new ReadOnlySpan<byte>(bytes));

        public static Hash128 Of(ReadOnlySpan<byte> bytes)
        {
#if NET8_0_OR_GREATER
            // The one-shot form: no hasher object, no result array.
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(bytes, digest);
#else
            hasher ??= SHA256.Create();
            ReadOnlySpan<byte> digest = hasher.ComputeHash(bytes.ToArray());
#endif
            return new Hash128(BinaryPrimitives.ReadUInt64BigEndian(digest), BinaryPrimitives.ReadUInt64BigEndian(digest.Slice(8)));
        }

        /// <summary>Reads the 32 lower-case hex digits <see cref="ToString"/> writes; false for anything else.</summary>
        public static bool TryParse(string text, int start, int length, out Hash128 value)
        {
            // By hand: the observation index holds tens of thousands of these, read at the start of every run.
            value = default;
            if (length != 32 || !TryReadHex16(text, start, out ulong h) || !TryReadHex16(text, start + 16, out ulong l))
            {
                return false;
            }

            value = new Hash128(h, l);
            return true;
        }

        private static bool TryReadHex16(string text, int start, out ulong value)
        {
            value = 0;
            for (int i = start; i < start + 16; i++)
            {
                char c = text[i];
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (digit < 0)
                {
                    return false;
                }

                value = (value << 4) | (uint)digit;
            }

            return true;
        }

        public override string ToString() => high.ToString("x16", CultureInfo.InvariantCulture) + low.ToString("x16", CultureInfo.InvariantCulture);

        public bool Equals(Hash128 other) => high == other.high && low == other.low;

        public override bool Equals(object obj) => obj is Hash128 other && Equals(other);

        public override int GetHashCode() => (int)low ^ (int)(low >> 32) ^ (int)high;

        public static bool operator ==(Hash128 a, Hash128 b) => a.Equals(b);

        public static bool operator !=(Hash128 a, Hash128 b) => !a.Equals(b);
    }
}
