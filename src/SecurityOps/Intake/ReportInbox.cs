using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Intake
{
    /// <summary>One message to read: where it is, and its raw bytes on demand.</summary>
    internal sealed class InboxMessage
    {
        public InboxMessage(string source, long size, Func<Stream> open)
        {
            Source = source;
            Size = size;
            Open = open;
        }

        public string Source { get; }

        /// <summary>The message's size in bytes, when the mailbox says it before reading (-1: unknown).</summary>
        public long Size { get; }

        public Func<Stream> Open { get; }
    }

    /// <summary>What the inbox is told by its caller: the clock, the actor, the caps, and the approve callback.</summary>
    internal sealed class InboxSettings
    {
        public string Actor { get; set; }

        public DateTimeOffset Now { get; set; }

        /// <summary>The component new cases get until triage names it.</summary>
        public string Component { get; set; } = "to-triage";

        public long MaxMessageBytes { get; set; } = 25L << 20;

        public long MaxAttachmentBytes { get; set; } = 10L << 20;

        /// <summary>The team key's passphrase (from a credential or the environment; never from a file).</summary>
        public char[] Passphrase { get; set; }

        /// <summary>Asked before each case is opened or changed (ShouldProcess); false leaves it as it was.</summary>
        public Func<string, string, bool> Approve { get; set; } = (target, action) => true;
    }

    /// <summary>
    /// Reads private reports that arrive by mail: each new message opens a case (reporter from From, received time from
    /// the mail's Date, channel email, summary from the subject), once: a message whose Message-ID a case already holds is
    /// never read twice, and a reply (In-Reply-To / References) joins its case's thread. Encrypted reports are decrypted
    /// with the team's key and a signature inside is verified against the reporters' keys. The message is kept in the
    /// private state encrypted to the team's key (intake/mail/CASE/HASH.eml.asc); attachments over the cap are dropped
    /// from that copy and listed. Nothing in a message is executed or rendered.
    /// </summary>
    internal sealed class ReportInbox
    {
        public const string MailFolder = "intake/mail";
        public const string ReporterKeysFolder = "keys/reporters";

        private readonly StateRepository files;
        private readonly CaseStore cases;
        private readonly TeamKey team;
        private readonly DisclosurePolicy policy;
        private readonly InboxSettings settings;
        private readonly List<PgpPublicKeyRing> reporterKeys;
        private readonly PgpPublicKey teamEncryptionKey;

        // Message-ID → case id of every mail the cases hold, read once per run (not once per message) and kept current.
        private Dictionary<string, string> threads;

        public ReportInbox(StateRepository files, TeamKey team, DisclosurePolicy policy, InboxSettings settings)
        {
            this.files = files;
            cases = new CaseStore(files);
            this.team = team;
            this.policy = policy;
            this.settings = settings;
            reporterKeys = EncryptedMail.ReporterKeys(files.FullPath(ReporterKeysFolder));
            teamEncryptionKey = team == null ? null : OpenPgpKeys.Inspect(team.ArmoredPublicKey(), settings.Now).EncryptionKey;
        }

        public ReceivedReport Receive(InboxMessage item)
        {
            var result = new ReceivedReport { Source = item.Source };
            if (item.Size > settings.MaxMessageBytes)
            {
                throw new SecurityOpsException("ReportTooLarge", FailureKind.LimitsExceeded, item.Source,
                    $"{item.Source} is {item.Size:N0} bytes, over the cap of {settings.MaxMessageBytes:N0} (-MaxMessageBytes); it was not read.");
            }

            byte[] raw;
            using (Stream stream = item.Open())
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[81920];
                int n;
                while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    buffer.Write(chunk, 0, n);
                    if (buffer.Length > settings.MaxMessageBytes)
                    {
                        throw new SecurityOpsException("ReportTooLarge", FailureKind.LimitsExceeded, item.Source,
                            $"{item.Source} is over the cap of {settings.MaxMessageBytes:N0} bytes (-MaxMessageBytes); it was not read.");
                    }
                }

                raw = buffer.ToArray();
            }

            MimeMessage message;
            try
            {
                message = MimeMessage.Load(new MemoryStream(raw));
            }
            catch (FormatException ex)
            {
                throw new SecurityOpsException("ReportNotReadable", FailureKind.InvalidData, item.Source, $"{item.Source} is not a mail message ({ex.Message}); it was left as it was.", ex);
            }

            // MimeKit reads almost anything as a message; a report must at least say who sent it (RFC 5322 requires From),
            // or there is no one to acknowledge, credit or ask.
            if (!message.From.Mailboxes.Any(m => !string.IsNullOrWhiteSpace(m.Address) && m.Address.IndexOf('@') > 0))
            {
                string seen = message.Headers.Count == 0 ? "no header block at all" : $"no sender address in its {message.Headers.Count} header(s)";
                throw new SecurityOpsException("ReportNotReadable", FailureKind.InvalidData, item.Source,
                    $"{item.Source} is not a readable mail report: it has {seen} (a From: address is required to answer the reporter); it was left as it was.");
            }

            string hash = Hex(raw);
            string messageId = string.IsNullOrWhiteSpace(message.MessageId) ? "sha256:" + hash : message.MessageId.Trim();
            result.MessageId = messageId;
            result.From = message.From.Mailboxes.FirstOrDefault()?.Address;
            result.ReceivedAt = message.Date == DateTimeOffset.MinValue ? (DateTimeOffset?)null : message.Date.ToUniversalTime();

            threads ??= LoadThreads();
            string stored = $"{MailFolder}/{{0}}/{hash.Substring(0, 24)}.eml.asc";
            if (threads.TryGetValue(messageId, out string knownId))
            {
                result.Action = "AlreadyRead";
                result.CaseId = knownId;
                result.Subject = message.Subject;
                result.StoredAs = string.Format(stored, knownId);
                return result;
            }

            // Open it: decrypt what was sent encrypted; the copy kept is the clear message, encrypted to the team's key.
            MimeEntity body = message.Body;
            byte[] payload = EncryptedMail.EncryptedPayload(message);
            if (payload != null)
            {
                if (team == null)
                {
                    throw new SecurityOpsException("TeamKeyNotConfigured", FailureKind.ObjectNotFound, item.Source,
                        $"{item.Source} is encrypted, and the team has no key to open it: set messaging.signingKeyPath to the team's secret key.");
                }

                bool inline = !(message.Body is Multipart mp && mp.ContentType.IsMimeType("multipart", "encrypted"));
                DecryptedReport opened = EncryptedMail.Decrypt(payload, team, settings.Passphrase, reporterKeys, inline, item.Source);
                body = opened.Entity;
                result.Encrypted = true;
                result.Signature = opened.Signature == "none" ? "none" : $"{opened.Signature} ({opened.Signer})";
            }
            else
            {
                result.Signature = "none";
            }

            string subject = ProtectedSubject(body) ?? message.Subject;
            if (string.IsNullOrWhiteSpace(subject) || (result.Encrypted && subject.IndexOf("encrypted", StringComparison.OrdinalIgnoreCase) >= 0 && ProtectedSubject(body) == null))
            {
                subject = FirstLine(TextOf(body)) ?? subject ?? "(no subject)";
            }

            result.Subject = subject.Trim();
            MimeEntity kept = CapAttachments(body, result.Attachments);
            var copy = new MimeMessage();
            foreach (Header header in message.Headers.Where(h => h.Id != HeaderId.ContentType && h.Id != HeaderId.ContentTransferEncoding && h.Id != HeaderId.MimeVersion))
            {
                copy.Headers.Add(header.Field, header.Value);
            }

            copy.Body = kept;

            // A reply joins the case whose thread it answers.
            var parents = message.References.Concat(new[] { message.InReplyTo }).Where(x => !string.IsNullOrWhiteSpace(x)).ToList();
            string threadId = parents.Select(p => threads.TryGetValue(p, out string id) ? id : null).FirstOrDefault(id => id != null);
            DateTimeOffset at = result.ReceivedAt != null && result.ReceivedAt <= settings.Now ? result.ReceivedAt.Value : settings.Now;
            string what = $"Mail from {result.From ?? "(no sender)"}: \"{result.Subject}\"" + (result.Encrypted ? ", encrypted" : string.Empty) +
                          (result.Signature != "none" ? $", signature {result.Signature}" : string.Empty) +
                          (result.Attachments.Count > 0 ? $", attachments: {string.Join("; ", result.Attachments)}" : string.Empty) + ".";
            if (threadId != null)
            {
                if (!settings.Approve(threadId, $"Attach the reply \"{result.Subject}\" from {result.From} to {threadId}"))
                {
                    result.Action = "WhatIf";
                    result.CaseId = threadId;
                    return result;
                }

                result.StoredAs = string.Format(stored, threadId);
                Keep(result.StoredAs, copy);
                using (files.AcquireLock())
                {
                    VulnerabilityCase current = cases.GetRequired(threadId);
                    current.MailThread.Add(messageId);
                    current.Timeline.Add(new CaseEvent
                    {
                        At = at, RecordedAt = at < settings.Now.AddMinutes(-1) ? settings.Now : (DateTimeOffset?)null,
                        Actor = settings.Actor, Kind = "mail", What = what + $" Kept encrypted as {result.StoredAs}.",
                    });
                    cases.Save(current);
                }

                threads[messageId] = threadId;
                result.Action = "Attached";
                result.CaseId = threadId;
                return result;
            }

            var c = new VulnerabilityCase
            {
                ReceivedAt = at,
                Channel = "email",
                Reporter = result.From,
                Summary = result.Subject,
                Component = settings.Component,
                Policy = policy.Name,
                EmbargoEndsAtRelease = policy.Embargo?.UntilPublicDate == false ? true : (bool?)null,
            };
            c.MailThread.Add(messageId);
            c.Timeline.Add(CaseWorkflow.Created(c, settings.Actor, settings.Now));
            if (!settings.Approve($"{files.Root}/cases", $"Open a case for the mail \"{result.Subject}\" from {result.From} received {DateTimeOffsetConverter.Format(at)} under the {policy.Name} policy"))
            {
                result.Action = "WhatIf";
                return result;
            }

            // Under the state lock: two runs reading the same mailbox make one case.
            VulnerabilityCase created = cases.FindOrCreate(x => x.MailThread.Contains(messageId, StringComparer.Ordinal), c, out bool isNew);
            result.CaseId = created.Id;
            threads[messageId] = created.Id;
            result.StoredAs = string.Format(stored, created.Id);
            Keep(result.StoredAs, copy);
            if (!isNew)
            {
                result.Action = "AlreadyRead";
                return result;
            }

            using (files.AcquireLock())
            {
                VulnerabilityCase current = cases.GetRequired(created.Id);
                current.Timeline.Add(new CaseEvent { At = at, Actor = settings.Actor, Kind = "mail", What = what + $" Kept encrypted as {result.StoredAs}." });
                cases.Save(current);
            }

            result.Action = "Created";
            return result;
        }

        private Dictionary<string, string> LoadThreads()
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (VulnerabilityCase c in cases.All())
            {
                foreach (string id in c.MailThread)
                {
                    map[id] = c.Id;
                }
            }

            return map;
        }

        /// <summary>Writes the copy encrypted to the team's key (the same bytes for the same message: a rerun rewrites it harmlessly).</summary>
        private void Keep(string relative, MimeMessage copy)
        {
            if (files.Exists(relative))
            {
                return;
            }

            if (teamEncryptionKey == null)
            {
                throw new SecurityOpsException("TeamKeyNotConfigured", FailureKind.ObjectNotFound, relative,
                    "Reports are kept encrypted to the team's key, and the team has none that can encrypt: set messaging.signingKeyPath (Export-TeamPublicKey checks it).");
            }

            using var clear = new MemoryStream();
            copy.WriteTo(clear);
            byte[] sealedCopy = PgpMimeBuilder.Seal(clear.ToArray(), teamEncryptionKey, settings.Now);
            files.WriteTextAtomic(relative, Encoding.ASCII.GetString(sealedCopy));
        }

        /// <summary>The entity with every attachment over the cap replaced by a note; each attachment listed.</summary>
        private MimeEntity CapAttachments(MimeEntity entity, List<string> listed)
        {
            if (entity is Multipart multipart)
            {
                for (int i = 0; i < multipart.Count; i++)
                {
                    multipart[i] = CapAttachments(multipart[i], listed);
                }

                return multipart;
            }

            if (entity is MimePart part && (part.IsAttachment || (part.FileName != null && !(part is TextPart))))
            {
                using var buffer = new MemoryStream();
                part.Content?.DecodeTo(buffer);
                string name = part.FileName ?? "(unnamed)";
                if (buffer.Length > settings.MaxAttachmentBytes)
                {
                    listed.Add($"{name} ({buffer.Length:N0} bytes, dropped: over the cap of {settings.MaxAttachmentBytes:N0})");
                    return new TextPart("plain") { Text = $"[SecurityOps: the attachment {name} ({buffer.Length:N0} bytes) was dropped: over the cap of {settings.MaxAttachmentBytes:N0} bytes.]" };
                }

                listed.Add($"{name} ({buffer.Length:N0} bytes, sha256 {Hex(buffer.ToArray()).Substring(0, 16)})");
            }

            return entity;
        }

        /// <summary>The subject of protected headers (RFC draft "protected-headers=v1" inside the encrypted part).</summary>
        private static string ProtectedSubject(MimeEntity entity) =>
            entity?.ContentType.Parameters.Contains("protected-headers") == true ? entity.Headers[HeaderId.Subject] : null;

        private static string TextOf(MimeEntity entity) =>
            entity is TextPart text ? text.Text
            : entity is Multipart multipart ? multipart.Select(TextOf).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t))
            : null;

        private static string FirstLine(string text)
        {
            string line = text?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
            return line == null ? null : line.Length > 120 ? line.Substring(0, 117) + "..." : line;
        }

        private static string Hex(byte[] data)
        {
            using var sha = SHA256.Create();
            return string.Concat(sha.ComputeHash(data).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
