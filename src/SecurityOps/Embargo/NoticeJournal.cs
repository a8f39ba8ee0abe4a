using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Embargo
{
    /// <summary>One embargo notice the SMTP server accepted, written down at once (journal/&lt;case&gt;/...yaml).</summary>
    internal sealed class NoticeJournalEntry : IVersionedDocument
    {
        public int SchemaVersion { get; set; } = StateRepository.CurrentSchemaVersion;

        public string CaseId { get; set; }

        public string Kind { get; set; }

        public int Revision { get; set; }

        public DateTimeOffset PublicDate { get; set; }

        public bool Resend { get; set; }

        /// <summary>The run sent later than the policy allows, with -Force.</summary>
        public string PolicyException { get; set; }

        public string MemberId { get; set; }

        public string Recipient { get; set; }

        public string MessageId { get; set; }

        public DateTimeOffset SentAt { get; set; }
    }

    /// <summary>
    /// The crash safety of the notice walk (<see cref="EmbargoNoticeService.Send"/>, behind Send-EmbargoNotice).
    /// Writing the whole case after every message would cost seconds per hundred members (the case is rewritten each
    /// time), so each accepted message gets a small file of its own, written atomically through the state repository
    /// before the next message is sent. The batch's end records everything on the case and clears the journal; a run
    /// that never got there (a crash, Ctrl+C, a lost machine) leaves the journal, and the next run for the case first
    /// moves it onto the case: who was told is never lost, and the rerun sends only to the rest.
    /// </summary>
    internal sealed class NoticeJournal
    {
        public const string Folder = "journal";

        private readonly StateRepository files;

        public NoticeJournal(StateRepository files) => this.files = files;

        private static string CaseFolder(string caseId) => Folder + "/" + caseId;

        /// <summary>Writes one accepted message down (atomic; one file per message).</summary>
        public void Add(EmbargoNoticePlan plan, MailDelivery delivery)
        {
            string name = $"{plan.Kind}-r{plan.Revision}-{delivery.MemberId}-{Hash(delivery.MessageId ?? Guid.NewGuid().ToString("N"))}.yaml";
            files.Write(CaseFolder(plan.Case.Id) + "/" + name, new NoticeJournalEntry
            {
                CaseId = plan.Case.Id, Kind = plan.Kind, Revision = plan.Revision, PublicDate = plan.PublicDate, Resend = plan.Resend,
                PolicyException = plan.PolicyException, MemberId = delivery.MemberId, Recipient = delivery.Recipient,
                MessageId = delivery.MessageId, SentAt = delivery.SentAt ?? ModuleContext.UtcNow,
            });
        }

        /// <summary>What an interrupted run left for the case, oldest first.</summary>
        public List<NoticeJournalEntry> Entries(string caseId) =>
            files.EnumerateFiles(CaseFolder(caseId), "*.yaml", false)
                .Select(p => files.Read<NoticeJournalEntry>(CaseFolder(caseId) + "/" + Path.GetFileName(p)))
                .Where(e => e != null)
                .OrderBy(e => e.SentAt).ThenBy(e => e.MemberId, StringComparer.Ordinal)
                .ToList();

        /// <summary>
        /// Moves the journal onto a copy of the case (records, timeline, status, as the batch's end would have) and
        /// returns it with how many notices were recovered; a notice already on the case is not added twice.
        /// </summary>
        public (VulnerabilityCase Case, int Recovered) Recover(EmbargoNoticeService service, VulnerabilityCase c, string actor, DateTimeOffset now)
        {
            int recovered = 0;
            foreach (var run in Entries(c.Id)
                .Where(e => !c.Notices.Any(n => n.Status == "Sent" && n.MessageId != null && n.MessageId == e.MessageId))
                .GroupBy(e => (e.Kind, e.Revision, e.PublicDate, e.Resend, e.PolicyException)))
            {
                var plan = new EmbargoNoticePlan
                {
                    Case = c, Kind = run.Key.Kind, Revision = run.Key.Revision, PublicDate = run.Key.PublicDate, Resend = run.Key.Resend,
                    PolicyException = run.Key.PolicyException,
                };
                var deliveries = run.Select(e => new MailDelivery
                {
                    MemberId = e.MemberId, Recipient = e.Recipient, MessageId = e.MessageId, Status = "Sent", SentAt = e.SentAt, Attempts = 1,
                }).ToList();
                c = service.Record(plan, deliveries, null, actor, now).Case;
                c.Timeline.Last(e => e.Kind == "embargo-notice").What += " (recovered from the journal of an interrupted run)";
                recovered += deliveries.Count;
            }

            return (c, recovered);
        }

        /// <summary>Removes the case's journal (after the case holds all of it).</summary>
        public void Clear(string caseId)
        {
            using (files.AcquireLock())
            {
                foreach (string path in files.EnumerateFiles(CaseFolder(caseId), "*.yaml", false).ToList())
                {
                    files.Delete(CaseFolder(caseId) + "/" + Path.GetFileName(path));
                }

                string dir = files.FullPath(CaseFolder(caseId));
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
        }

        private static string Hash(string text)
        {
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            return string.Concat(hash.Take(5).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
    }
}
