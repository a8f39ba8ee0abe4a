using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>A request to join the distributors list: membership/&lt;id&gt;.yaml.</summary>
    public sealed class MembershipRequest : IVersionedDocument
    {
        public static readonly string[] Statuses = { "pending", "approved", "denied" };

        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        /// <summary>The request's id (the file name): the handle the member will have.</summary>
        public string Id { get; set; }

        public string Organisation { get; set; }

        public string Distribution { get; set; }

        public string SecurityAlias { get; set; }

        /// <summary>The person asking on behalf of the distribution.</summary>
        public string Requester { get; set; }

        /// <summary>
        /// Who the applicant says vouches for them, as written: the -VouchedBy text or the mail's answer to the vouch
        /// criterion ("Jane Doe of Example Linux", "jane@example-linux.org", "Jane Doe").
        /// </summary>
        public string Vouch { get; set; }

        /// <summary>The member id of the active member whose person vouches (resolved from <see cref="Vouch"/>).</summary>
        public string VouchedBy { get; set; }

        /// <summary>The vouching person's name as the member's record has it.</summary>
        public string VouchedByPerson { get; set; }

        /// <summary>The vouching person's address as the member's record has it.</summary>
        public string VouchedByEmail { get; set; }

        /// <summary>Who confirmed the vouch (Confirm-MembershipVouch), as "Name &lt;email&gt;" from the member's record.</summary>
        public string VouchConfirmedBy { get; set; }

        /// <summary>The member id whose person confirmed the vouch.</summary>
        public string VouchConfirmedMember { get; set; }

        /// <summary>When the vouch was confirmed.</summary>
        public DateTimeOffset? VouchConfirmed { get; set; }

        public string PublicKey { get; set; }

        /// <summary>The criteria set the request answers (oci, kubeedge).</summary>
        public string Criteria { get; set; }

        public List<CriterionAnswer> Answers { get; set; } = new List<CriterionAnswer>();

        public string Status { get; set; } = "pending";

        public DateTimeOffset? Received { get; set; }

        public DateTimeOffset? Decided { get; set; }

        public string DecisionReason { get; set; }

        /// <summary>The request mail as received, when it came by mail.</summary>
        public string MailText { get; set; }

        public static string PathFor(string id) => "membership/" + id + ".yaml";
    }

    /// <summary>One membership criterion, as data (in the policy presets and in Messaging/Defaults/criteria.yaml).</summary>
    public sealed class MembershipCriterion
    {
        /// <summary>id: a short stable key (security-alias, user-base...).</summary>
        public string Id { get; set; }

        /// <summary>text: the criterion as a requester must answer it.</summary>
        public string Text { get; set; }

        /// <summary>What else the module checks for it: statement (an answer is enough), alias, vouch, pgp.</summary>
        public string Check { get; set; } = "statement";

        public override string ToString() => Id;
    }

    /// <summary>The result of one check of Test-MembershipRequest.</summary>
    public sealed class MembershipCheckResult
    {
        public string RequestId { get; set; }

        /// <summary>The criterion id, or "pgp-key" for the key checks.</summary>
        public string Criterion { get; set; }

        /// <summary>What was checked: Answered, VouchedByActiveMember, VouchConfirmed, TeamAlias, PgpKeyPresent, PgpKeyReadable,
        /// PgpKeyNotExpired, PgpKeyNotRevoked, PgpKeyCanEncrypt.</summary>
        public string Check { get; set; }

        public bool Passed { get; set; }

        public string Detail { get; set; }
    }

    /// <summary>What Approve-/Deny-MembershipRequest and Remove-DistributorMember decided, with the message to send.</summary>
    public sealed class MembershipDecision
    {
        public string RequestId { get; set; }

        public string MemberId { get; set; }

        /// <summary>approved, denied or removed.</summary>
        public string Decision { get; set; }

        public string Reason { get; set; }

        public DateTimeOffset At { get; set; }

        public RenderedMessage Message { get; set; }

        /// <summary>How the message went out with -Send (encrypted where the recipient has a usable key); null when it was not sent.</summary>
        public MailDelivery Delivery { get; set; }
    }

    /// <summary>A message rendered from a template, ready to be encrypted and sent.</summary>
    public sealed class RenderedMessage
    {
        public string Template { get; set; }

        public string To { get; set; }

        /// <summary>The real subject: it travels inside the encrypted part only.</summary>
        public string Subject { get; set; }

        public string Body { get; set; }
    }

    /// <summary>One finding of Test-DistributorList.</summary>
    public sealed class DistributorHealthFinding
    {
        public string MemberId { get; set; }

        /// <summary>KeyExpired, KeyExpiringSoon, FingerprintMismatch, NoUsableKey, FlaggedForRemoval, TestMessageUnconfirmed.</summary>
        public string Finding { get; set; }

        /// <summary>error (notices to this member are refused) or warning.</summary>
        public string Severity { get; set; }

        public string Detail { get; set; }

        public DateTimeOffset? KeyExpires { get; set; }

        /// <summary>When the member's latest test message was sent (null: never).</summary>
        public DateTimeOffset? TestMessageSent { get; set; }

        /// <summary>When the member last confirmed a test message's code (null: never).</summary>
        public DateTimeOffset? LastConfirmed { get; set; }
    }

    /// <summary>The outcome of sending one message to one member.</summary>
    public sealed class MailDelivery
    {
        public string MemberId { get; set; }

        public string Recipient { get; set; }

        public string MessageId { get; set; }

        /// <summary>Sent, Failed, or Refused (never handed to the server: no usable key, bad template).</summary>
        public string Status { get; set; }

        public int Attempts { get; set; }

        public string ErrorId { get; set; }

        public string Error { get; set; }

        public DateTimeOffset? SentAt { get; set; }

        /// <summary>Seconds spent encrypting this message.</summary>
        public double EncryptSeconds { get; set; }

        /// <summary>Seconds spent handing it to the server (all attempts).</summary>
        public double SendSeconds { get; set; }
    }
}
