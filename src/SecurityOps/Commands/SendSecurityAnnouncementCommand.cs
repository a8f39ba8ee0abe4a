using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Send-SecurityAnnouncement: after the embargo lifts, posts the public announcement of a case to the configured
    /// Slack and Discord webhooks and the public mailing list. Refused before the case's public date (EmbargoActive).
    /// Channels already posted to are skipped on a rerun unless -Resend.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "SecurityAnnouncement", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AnnouncementResult))]
    public sealed class SendSecurityAnnouncementCommand : EmbargoCmdlet
    {
        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>Only these channels (names from the announcements: section; wildcards).</summary>
        [Parameter]
        [SupportsWildcards]
        public string[] Channel { get; set; }

        /// <summary>Post again to channels that already have the announcement.</summary>
        [Parameter]
        public SwitchParameter Resend { get; set; }

        /// <summary>SMTP credentials for the mailing list.</summary>
        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>Who is recorded as posting (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                var service = new AnnouncementService(State.Config, Templates);
                using (State.Files.AcquireLock())
                {
                    VulnerabilityCase c = Cases.GetRequired(id);
                    RenderedMessage message = service.Render(c, Now);
                    var patterns = (Channel ?? new[] { "*" }).Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
                    List<AnnouncementChannel> channels = service.Channels().Where(ch => patterns.Any(p => p.IsMatch(ch.Name))).ToList();
                    if (channels.Count == 0)
                    {
                        WriteWarning("No announcement channel is configured (announcements: slack, discord, mailingList in securityops.yaml).");
                        return;
                    }

                    AnnouncementSettings settings = State.Config.Announcements ?? new AnnouncementSettings();
                    using var webhooks = WebhookClient.For(settings);
                    MailSender mail = null;
                    var records = new List<AnnouncementRecord>();
                    foreach (AnnouncementChannel ch in channels)
                    {
                        bool posted = c.Announcements.Any(a => a.Channel == ch.Name && a.Type == ch.Type && a.Status == "Posted");
                        if (posted && !Resend)
                        {
                            WriteVerbose($"{id}: '{ch.Name}' already has the announcement (-Resend posts again).");
                            WriteObject(new AnnouncementResult { CaseId = id, Channel = ch.Name, Type = ch.Type, Status = "Skipped" });
                            continue;
                        }

                        if (!ShouldProcess($"Post the announcement of {id} to the {ch.Type} channel '{ch.Name}':\n{message.Subject}\n{message.Body}", $"{ch.Type} '{ch.Name}'", "Send-SecurityAnnouncement"))
                        {
                            WriteObject(new AnnouncementResult { CaseId = id, Channel = ch.Name, Type = ch.Type, Status = "WhatIf" });
                            continue;
                        }

                        if (ch.Type == "mail" && mail == null)
                        {
                            mail = new MailSender(MessagingCmdlet.SmtpWith(State.Config, null, null), Credential?.GetNetworkCredential());
                        }

                        AnnouncementResult r = new PipelineEvents().Run(this, sink => service.PostAsync(c, message, ch, webhooks, mail, sink, CancellationToken));
                        records.Add(new AnnouncementRecord { Channel = ch.Name, Type = ch.Type, At = Now, Status = r.Status, Parts = r.Parts, ErrorId = r.ErrorId });
                        if (r.Status != "Posted")
                        {
                            WriteFailure(new SecurityOpsException(r.ErrorId ?? "AnnouncementNotPosted", FailureKind.ConnectionError, ch.Name, $"{id}: {r.Error}"));
                        }

                        WriteObject(r);
                    }

                    if (records.Count > 0)
                    {
                        VulnerabilityCase updated = CaseStore.Clone(c);
                        updated.Announcements.AddRange(records);
                        var ok = records.Where(r => r.Status == "Posted").ToList();
                        var failed = records.Where(r => r.Status != "Posted").ToList();
                        updated.Timeline.Add(new CaseEvent
                        {
                            At = Now, Actor = ResolveActor(Actor), Kind = "announcement",
                            What = "Announcement " + (ok.Count > 0 ? "posted to " + string.Join(", ", ok.Select(r => $"{r.Type} {r.Channel}")) : "posted nowhere") +
                                   (failed.Count > 0 ? "; failed on " + string.Join(", ", failed.Select(r => $"{r.Type} {r.Channel} ({r.ErrorId})")) : string.Empty) + ".",
                        });
                        Cases.Save(updated);
                    }
                }
            });
        }
    }
}
