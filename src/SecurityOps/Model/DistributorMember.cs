using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>distributors.yaml: the vetted distributors who get embargoed notices.</summary>
    internal sealed class DistributorList : IVersionedDocument
    {
        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        public List<DistributorMember> Members { get; set; } = new List<DistributorMember>();
    }

    /// <summary>One distributor on the list: who they are, where notices go and the key they are encrypted to.</summary>
    public sealed class DistributorMember
    {
        public static readonly string[] Statuses = { "active", "suspended", "removed" };

        /// <summary>The member's handle, unique on the list (bound by -Id / -Member downstream).</summary>
        public string Id { get; set; }

        public string Organisation { get; set; }

        public string Distribution { get; set; }

        /// <summary>The monitored team address notices go to (never a person's).</summary>
        public string SecurityAlias { get; set; }

        /// <summary>The member's armored OpenPGP public key.</summary>
        public string PublicKey { get; set; }

        /// <summary>The fingerprint recorded when the key was accepted; a stored key that differs is refused.</summary>
        public string Fingerprint { get; set; }

        public DateTimeOffset? Joined { get; set; }

        /// <summary>
        /// people: the member's contact people (name, email, role). A vouch for an applicant is made by one of them,
        /// named in the request and confirmed by that person (Confirm-MembershipVouch). Notices still go to the alias.
        /// </summary>
        public List<MemberPerson> People { get; set; } = new List<MemberPerson>();

        /// <summary>The member id of the active member whose person vouched for this member.</summary>
        public string VouchedBy { get; set; }

        /// <summary>The person of <see cref="VouchedBy"/> who vouched (and confirmed it), as "Name &lt;email&gt;".</summary>
        public string VouchedByPerson { get; set; }

        /// <summary>When that person confirmed the vouch.</summary>
        public DateTimeOffset? VouchConfirmed { get; set; }

        /// <summary>The membership request this member came from.</summary>
        public string RequestId { get; set; }

        public List<CriterionAnswer> Answers { get; set; } = new List<CriterionAnswer>();

        public string Status { get; set; } = "active";

        public List<MemberOffense> Offenses { get; set; } = new List<MemberOffense>();

        /// <summary>Set when the member reached the policy's threshold of offenses or no longer meets the criteria.</summary>
        public bool FlaggedForRemoval { get; set; }

        public string RemovalReason { get; set; }

        public DateTimeOffset? Removed { get; set; }

        /// <summary>When the SMTP server accepted the member's latest test message (Send-DistributorTestMessage).</summary>
        public DateTimeOffset? TestMessageSent { get; set; }

        /// <summary>
        /// The latest test message's confirmation code, hashed: "sha256:" and the hex SHA-256 of the member id and the
        /// code. The code itself is never stored.
        /// </summary>
        public string TestCodeHash { get; set; }

        /// <summary>When the member last quoted back a test message's code (Confirm-DistributorTestMessage).</summary>
        public DateTimeOffset? LastConfirmed { get; set; }

        public bool IsActive => string.Equals(Status, "active", StringComparison.OrdinalIgnoreCase);
        public int OffenseCount => Offenses?.Count ?? 0;
    }

    /// <summary>One contact person of a member: who they are, their own address, and their role.</summary>
    public sealed class MemberPerson
    {
        public string Name { get; set; }

        public string Email { get; set; }

        /// <summary>Free text: security lead, maintainer, release manager...</summary>
        public string Role { get; set; }

        /// <summary>"Name &lt;email&gt; (role)", the form Import-DistributorList reads.</summary>
        public override string ToString()
        {
            string text = Name ?? string.Empty;
            if (!string.IsNullOrWhiteSpace(Email))
            {
                text = (text.Length > 0 ? text + " " : string.Empty) + "<" + Email + ">";
            }

            return string.IsNullOrWhiteSpace(Role) ? text : text + " (" + Role + ")";
        }
    }

    /// <summary>An applicant's answer to one membership criterion.</summary>
    public sealed class CriterionAnswer
    {
        /// <summary>The criterion's id in the preset (alias, user-base, track-record...).</summary>
        public string Criterion { get; set; }

        /// <summary>The criterion as the applicant quoted it (or the preset's text).</summary>
        public string Text { get; set; }

        public string Answer { get; set; }
    }

    /// <summary>A recorded breach of the embargo (a leak) or another offense.</summary>
    public sealed class MemberOffense
    {
        public DateTimeOffset? At { get; set; }

        public string What { get; set; }

        /// <summary>The case it concerned, when any.</summary>
        public string CaseId { get; set; }

        public string Note { get; set; }
    }
}
