using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Send-SecurityAnnouncement: after the embargo lifts, posts the public announcement of a case to the configured
    /// Slack and Discord webhooks and the public mailing list. Refused before the case's public date (EmbargoActive).
    /// Channels already posted to are skipped on a rerun unless -Resend. The walk is <see cref="AnnouncementService.Announce"/>'s.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "SecurityAnnouncement", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AnnouncementResult))]
    public sealed class SendSecurityAnnouncementCommand : PublicPostingCmdlet
    {
        protected override void ProcessRecord()
        {
            TryRun(() => new AnnouncementService(Session.Config, Session.Templates, Session.Cases).Announce(Id,
                PublicPosting.Request(this, Session.Actor(Actor), c => Session.Policy(c.Policy), CancellationToken)));
        }
    }
}
