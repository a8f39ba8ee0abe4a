using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The PowerShell side of posting a case's public message (Send-SecurityAnnouncement, Publish-SecurityRetrospective):
    /// the -Channel patterns, ShouldProcess per channel as the approve callback, results and errors written, and each
    /// post's async work run with its events on the pipeline thread. The walk itself is <see cref="AnnouncementService.PostAndRecord"/>.
    /// </summary>
    internal static class PublicPosting
    {
        /// <summary>The -Channel patterns as a filter on channel names (null: every channel).</summary>
        public static Func<string, bool> Matching(string[] channel)
        {
            if (channel == null)
            {
                return null;
            }

            var patterns = channel.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
            return name => patterns.Any(p => p.IsMatch(name));
        }

        public static PostingRequest Request(PublicPostingCmdlet cmdlet, string actor, Func<VulnerabilityCase, DisclosurePolicy> policy, CancellationToken cancellationToken) => new PostingRequest
        {
            ChannelFilter = Matching(cmdlet.Channel),
            Resend = cmdlet.Resend,
            SmtpCredential = cmdlet.SmtpCredential?.GetNetworkCredential(),
            Actor = actor,
            Policy = policy,
            Approve = (posting, channel) => cmdlet.ShouldProcess(posting, channel, cmdlet.MyInvocation.MyCommand.Name),
            Output = (result, error) =>
            {
                if (error != null)
                {
                    cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(error));
                }

                cmdlet.WriteObject(result);
            },
            Events = cmdlet.Session.Events,
            Run = work => new PipelineEvents().Run(cmdlet, work),
            CancellationToken = cancellationToken,
        };
    }
}
