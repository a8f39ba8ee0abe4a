using System;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Advisories
{
    /// <summary>One GitHub write of a case's advisory (create, CVE request, fork): written before it is sent, again when answered.</summary>
    internal sealed class AdvisoryJournalEntry : IVersionedDocument
    {
        public const string Sent = "sent";
        public const string Answered = "answered";
        public const string Adopted = "adopted";
        public const string Unconfirmed = "unconfirmed";

        public int SchemaVersion { get; set; } = StateRepository.CurrentSchemaVersion;

        public string CaseId { get; set; }

        /// <summary>create, cve or fork.</summary>
        public string Kind { get; set; }

        /// <summary>owner/name the write went to.</summary>
        public string Repository { get; set; }

        /// <summary>The advisory: known before a CVE request or fork; for a create, once GitHub answered or the draft was found.</summary>
        public string GhsaId { get; set; }

        /// <summary>The line in the advisory's description that names the case (how a later run finds a create).</summary>
        public string Marker { get; set; }

        /// <summary>The request as sent (method, path; never a token).</summary>
        public string Request { get; set; }

        /// <summary>sent (no answer yet: the run may have died), answered, adopted (found on GitHub, not sent again), unconfirmed (the answer was lost).</summary>
        public string Outcome { get; set; }

        public DateTimeOffset SentAt { get; set; }

        public DateTimeOffset? AnsweredAt { get; set; }

        /// <summary>The private fork's owner/name (fork).</summary>
        public string PrivateFork { get; set; }
    }

    /// <summary>
    /// The local journal of advisory writes: journal/advisories/&lt;case&gt;-&lt;kind&gt;.yaml, one file per case and kind,
    /// written atomically through the state repository before the write goes to GitHub and again with its answer. A
    /// run killed between the two leaves "sent": the next run then knows a write may have reached GitHub (and where),
    /// which GitHub itself does not always show (a pending CVE request is not visible in the REST API).
    /// </summary>
    internal sealed class AdvisoryJournal
    {
        public const string Folder = "journal/advisories";

        public const string Create = "create";
        public const string Cve = "cve";
        public const string Fork = "fork";

        private readonly StateRepository files;

        public AdvisoryJournal(StateRepository files) => this.files = files;

        public static string PathFor(string caseId, string kind) => $"{Folder}/{caseId}-{kind}.yaml";

        /// <summary>The case's last write of this kind, or null.</summary>
        public AdvisoryJournalEntry Get(string caseId, string kind) => files?.Read<AdvisoryJournalEntry>(PathFor(caseId, kind));

        public void Write(AdvisoryJournalEntry entry) => files?.Write(PathFor(entry.CaseId, entry.Kind), entry);
    }
}
