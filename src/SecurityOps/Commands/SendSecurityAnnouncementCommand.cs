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
    public sealed class SendSecurityAnnouncementCommand : PublicPostingCmdlet
    {
        protected override void ProcessRecord()
        {
            RefuseCredentialAsMailLogin(Credential);
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                var service = new AnnouncementService(Session.Config, Session.Templates);
                using (Session.State.Files.AcquireLock())
                {
                    VulnerabilityCase c = Session.Cases.GetRequired(id);
                    RenderedMessage message = service.Render(c, Session.Now, Disclosure.PolicyCatalog.Resolve(Session.State, c.Policy));
                    List<AnnouncementChannel> channels = PublicPosting.Select(service, Channel);
                    if (channels.Count == 0)
                    {
                        WriteWarning("No announcement channel is configured (announcements: slack, discord, mailingList in securityops.yaml).");
                        return;
                    }

                    List<AnnouncementRecord> records = PublicPosting.Post(this, Session.Config, service, c, message, channels, c.Announcements, Resend, SmtpCredential,
                        "announcement", "post the security announcement", Session.Now, CancellationToken);
                    if (records.Count > 0)
                    {
                        Session.Cases.Save(PublicPosting.Record(c, x => x.Announcements, records, "announcement", "Announcement", null, Session.Actor(Actor), Session.Now));
                    }
                }
            });
        }
    }
}
