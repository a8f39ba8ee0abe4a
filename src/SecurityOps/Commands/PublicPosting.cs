using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Posting one rendered public message of a case to the configured announcement channels (Send-SecurityAnnouncement,
    /// Publish-SecurityRetrospective): the -Channel filter, skip what a channel already has unless -Resend, ShouldProcess
    /// per channel, post through <see cref="AnnouncementService"/> (which asks the public gate again), write a result per
    /// channel and return the records to keep on the case.
    /// </summary>
    internal static class PublicPosting
    {
        /// <summary>The configured channels that match the -Channel patterns (all without).</summary>
        public static List<AnnouncementChannel> Select(AnnouncementService service, string[] channel)
        {
            var patterns = (channel ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
            return service.Channels().Where(ch => patterns.Any(p => p.IsMatch(ch.Name))).ToList();
        }

        /// <summary>Posts; <paramref name="what"/> names the message ("announcement", "retrospective"), <paramref name="action"/> is what the gate is told.</summary>
        public static List<AnnouncementRecord> Post(SecurityOpsCmdlet cmdlet, SecurityConfig config, AnnouncementService service, VulnerabilityCase c, RenderedMessage message,
            IReadOnlyList<AnnouncementChannel> channels, IReadOnlyList<AnnouncementRecord> already, bool resend, PSCredential credential, string what, string action,
            DateTimeOffset now, CancellationToken cancellationToken)
        {
            AnnouncementSettings settings = config.Announcements ?? new AnnouncementSettings();
            using var webhooks = WebhookClient.For(settings);
            MailSender mail = null;
            var records = new List<AnnouncementRecord>();
            foreach (AnnouncementChannel ch in channels)
            {
                bool posted = already.Any(a => a.Channel == ch.Name && a.Type == ch.Type && a.Status == "Posted");
                if (posted && !resend)
                {
                    cmdlet.WriteVerbose($"{c.Id}: '{ch.Name}' already has the {what} (-Resend posts again).");
                    cmdlet.WriteObject(new AnnouncementResult { CaseId = c.Id, Channel = ch.Name, Type = ch.Type, Status = "Skipped" });
                    continue;
                }

                if (!cmdlet.ShouldProcess($"Post the {what} of {c.Id} to the {ch.Type} channel '{ch.Name}':\n{message.Subject}\n{message.Body}", $"{ch.Type} '{ch.Name}'", cmdlet.MyInvocation.MyCommand.Name))
                {
                    cmdlet.WriteObject(new AnnouncementResult { CaseId = c.Id, Channel = ch.Name, Type = ch.Type, Status = "WhatIf" });
                    continue;
                }

                if (ch.Type == "mail" && mail == null)
                {
                    mail = new MailSender(CommandSession.SmtpWith(config, null, null), credential?.GetNetworkCredential());
                }

                AnnouncementResult r = new PipelineEvents().Run(cmdlet, sink => service.PostAsync(c, message, ch, webhooks, mail, sink, cancellationToken, action));
                records.Add(new AnnouncementRecord { Channel = ch.Name, Type = ch.Type, At = now, Status = r.Status, Parts = r.Parts, ErrorId = r.ErrorId });
                if (r.Status != "Posted")
                {
                    cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(new SecurityOpsException(r.ErrorId ?? "AnnouncementNotPosted", FailureKind.ConnectionError, ch.Name, $"{c.Id}: {r.Error}")));
                }

                cmdlet.WriteObject(r);
            }

            return records;
        }

        /// <summary>
        /// The case with the records added to its list (<paramref name="list"/>: Announcements or RetrospectivePosts) and one
        /// timeline event "<paramref name="what"/> posted to ...; failed on ...<paramref name="note"/>.".
        /// </summary>
        public static VulnerabilityCase Record(VulnerabilityCase c, Func<VulnerabilityCase, List<AnnouncementRecord>> list, IReadOnlyList<AnnouncementRecord> records,
            string kind, string what, string note, string actor, DateTimeOffset now)
        {
            VulnerabilityCase updated = Disclosure.CaseStore.Clone(c);
            list(updated).AddRange(records);
            updated.Timeline.Add(new CaseEvent { At = now, Actor = actor, Kind = kind, What = what + " " + Summary(records) + (note ?? string.Empty) + "." });
            return updated;
        }

        /// <summary>"posted to slack announcements, discord mcp-servers; failed on mail list (SmtpRecipientRejected)" for the timeline.</summary>
        public static string Summary(IReadOnlyList<AnnouncementRecord> records)
        {
            var ok = records.Where(r => r.Status == "Posted").ToList();
            var failed = records.Where(r => r.Status != "Posted").ToList();
            return (ok.Count > 0 ? "posted to " + string.Join(", ", ok.Select(r => $"{r.Type} {r.Channel}")) : "posted nowhere") +
                   (failed.Count > 0 ? "; failed on " + string.Join(", ", failed.Select(r => $"{r.Type} {r.Channel} ({r.ErrorId})")) : string.Empty);
        }
    }
}
