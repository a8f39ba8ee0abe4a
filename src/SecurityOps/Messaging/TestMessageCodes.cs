using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// The confirmation codes of test messages: when a member's test message is accepted by the SMTP server its code is
    /// stored on the member in distributors.yaml as a hash with the time sent (never the code); a member who quotes the
    /// latest code back within <see cref="ValidDays"/> days is recorded as confirmed.
    /// </summary>
    internal sealed class TestMessageCodes
    {
        /// <summary>How long a test message's code may be confirmed after it was sent.</summary>
        public const int ValidDays = 14;

        private const string Prefix = "sha256:";

        private readonly DistributorStore store;

        public TestMessageCodes(DistributorStore store) => this.store = store;

        /// <summary>The code as it is compared: without spaces or dashes, upper case (members may quote "ab12 cd34 ef").</summary>
        public static string Normalize(string code) =>
            new string((code ?? string.Empty).Where(ch => !char.IsWhiteSpace(ch) && ch != '-').ToArray()).ToUpperInvariant();

        /// <summary>"sha256:" and the hex SHA-256 of the member id (lower case), a newline and the normalized code.</summary>
        public static string Hash(string memberId, string code)
        {
            byte[] input = Encoding.UTF8.GetBytes("securityops-test-message\n" + (memberId ?? string.Empty).Trim().ToLowerInvariant() + "\n" + Normalize(code));
            using (var sha = SHA256.Create())
            {
                byte[] digest = sha.ComputeHash(input);
                return Prefix + string.Concat(digest.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            }
        }

        /// <summary>Records, under the state lock with one atomic write, that a member's test message with this code hash was sent.</summary>
        public DistributorMember RecordSent(string memberId, string codeHash, DateTimeOffset at) =>
            store.Update(list =>
            {
                DistributorMember member = Find(list, memberId);
                member.TestMessageSent = at.ToUniversalTime();
                member.TestCodeHash = codeHash;
                return member;
            });

        /// <summary>
        /// Checks a quoted code against the member's latest test message without changing anything: throws
        /// ConfirmationCodeNotSent, ConfirmationCodeMismatch or ConfirmationCodeExpired (the member as target; the
        /// expected code is never known, let alone shown). Returns the member.
        /// </summary>
        public DistributorMember Check(string memberId, string code, DateTimeOffset now) => Check(store.Get(memberId), code, now);

        /// <summary>Checks the code again under the state lock and records the member as confirmed now.</summary>
        public DistributorMember Confirm(string memberId, string code, DateTimeOffset now) =>
            store.Update(list =>
            {
                DistributorMember member = Check(Find(list, memberId), code, now);
                member.LastConfirmed = now.ToUniversalTime();
                return member;
            });

        private static DistributorMember Check(DistributorMember member, string code, DateTimeOffset now)
        {
            if (string.IsNullOrWhiteSpace(member.TestCodeHash) || member.TestMessageSent == null)
            {
                throw new SecurityOpsException("ConfirmationCodeNotSent", FailureKind.ObjectNotFound, member.Id,
                    $"No test message with a confirmation code was sent to '{member.Id}': send one first (Send-DistributorTestMessage {member.Id}).");
            }

            string sent = DateTimeOffsetConverter.Format(member.TestMessageSent.Value);
            if (!FixedTimeEquals(Hash(member.Id, code), member.TestCodeHash.Trim().ToLowerInvariant()))
            {
                throw new SecurityOpsException("ConfirmationCodeMismatch", FailureKind.InvalidData, member.Id,
                    $"The code given for '{member.Id}' is not the code of its latest test message (sent {sent}); a code from an earlier message no longer counts. Nothing was recorded.");
            }

            DateTimeOffset expires = member.TestMessageSent.Value.AddDays(ValidDays);
            if (now > expires)
            {
                throw new SecurityOpsException("ConfirmationCodeExpired", FailureKind.InvalidData, member.Id,
                    $"The test message to '{member.Id}' was sent {sent}; its code could be confirmed for {ValidDays} days, until {DateTimeOffsetConverter.Format(expires)}. " +
                    $"Nothing was recorded: send a new one (Send-DistributorTestMessage {member.Id}).");
            }

            return member;
        }

        private static DistributorMember Find(DistributorList list, string memberId) =>
            list.Members.FirstOrDefault(m => string.Equals(m.Id, memberId, StringComparison.OrdinalIgnoreCase))
            ?? throw new SecurityOpsException("DistributorMemberNotFound", FailureKind.ObjectNotFound, memberId, $"No member '{memberId}' on the distributors list.");

        private static bool FixedTimeEquals(string a, string b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            int difference = 0;
            for (int i = 0; i < a.Length; i++)
            {
                difference |= a[i] ^ b[i];
            }

            return difference == 0;
        }
    }
}
