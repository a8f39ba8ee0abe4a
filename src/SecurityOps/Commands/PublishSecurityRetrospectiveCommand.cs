using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Publish-SecurityRetrospective: where the policy says so (retrospective.publish; Stacklok), posts the public sections
    /// of a finished retrospective to the announcement channels (Slack, Discord webhooks, the public mailing list), after
    /// the case's public date only (the public gate). Refused while the retrospective is not marked done, when the policy
    /// does not publish retrospectives (unless -Force), and when its public text names people. Channels that already
    /// have it are skipped unless -Resend. Every posting is recorded on the case. The rules and the walk are
    /// <see cref="RetrospectivePublisher"/>'s; the cmdlet binds, asks, and writes.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "SecurityRetrospective", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AnnouncementResult))]
    public sealed class PublishSecurityRetrospectiveCommand : PublicPostingCmdlet
    {
        /// <summary>Post even though the case's policy does not publish retrospectives (recorded as a policy exception).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() => new RetrospectivePublisher(Session.Cases, Session.Config, Session.Templates).Publish(Id, Force,
                PublicPosting.Request(this, Session.Actor(Actor), Session.PolicyFor, CancellationToken)));
        }
    }
}
