using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>What Receive-VulnerabilityReport did with one message of the mailbox.</summary>
    public sealed class ReceivedReport
    {
        /// <summary>Where the message was read: a file of the folder, or mailbox/folder/UID on the IMAP server.</summary>
        public string Source { get; set; }

        public string MessageId { get; set; }

        /// <summary>Created (a new case), Attached (a reply added to its case), AlreadyRead, Refused, WhatIf.</summary>
        public string Action { get; set; }

        /// <summary>The case the message opened or joined.</summary>
        public string CaseId { get; set; }

        public string From { get; set; }

        public string Subject { get; set; }

        /// <summary>When the mail says it was sent (its Date header).</summary>
        public DateTimeOffset? ReceivedAt { get; set; }

        /// <summary>True when the message came PGP-encrypted (it was decrypted with the team's key).</summary>
        public bool Encrypted { get; set; }

        /// <summary>none, verified (with the signer's fingerprint), unknown-key, bad.</summary>
        public string Signature { get; set; }

        /// <summary>The attachments, as "name (bytes, sha256 prefix)"; those over the cap are listed as dropped.</summary>
        public List<string> Attachments { get; set; } = new List<string>();

        /// <summary>The encrypted copy of the message in the private state (intake/mail/...).</summary>
        public string StoredAs { get; set; }

        /// <summary>Why the message was refused.</summary>
        public string Error { get; set; }

        public string Id => CaseId;

        public override string ToString() => $"{Action} {CaseId} {Subject}";
    }
}
