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
    /// Delivery of a message to the security team's PRIVATE places, shared by Send-TeamReminder and Register-EmbargoLeak:
    /// mail (over the configured SMTP server, only when messaging.smtp.host is set) to reminders.mailTo and the on-duty
    /// Primary's and Secondary's addresses, and the private Slack webhook reminders.slack when configured. Each place asks
    /// ShouldProcess; a failure is a non-terminating error naming the place (never a webhook URL).
    /// </summary>
    internal static class PrivateDelivery
    {
        /// <summary>The private addresses: reminders.mailTo plus the Primary's and Secondary's addresses, once each.</summary>
        public static List<string> MailRecipients(SecurityConfig config, OnDutyTeam team) =>
            (config.Reminders?.MailTo ?? new List<string>()).Concat(new[] { team?.PrimaryEmail, team?.SecondaryEmail }.Where(p => p != null && p.Contains("@")))
                .Where(a => a != null).Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        /// <summary>True when at least one private place is configured (a mail server with recipients, or the private Slack webhook).</summary>
        public static bool AnyPlace(SecurityConfig config, OnDutyTeam team) =>
            (MailRecipients(config, team).Count > 0 && !string.IsNullOrWhiteSpace(config.Messaging?.Smtp?.Host)) ||
            !string.IsNullOrWhiteSpace(config.Reminders?.Slack?.UrlVariable);

        /// <summary>Delivers; adds "mail:address" / "slack:name" to delivered or failed. <paramref name="what"/> names the message ("the team reminder").</summary>
        public static void Deliver(SecurityOpsCmdlet cmdlet, SecurityConfig config, OnDutyTeam team, RenderedMessage message, string what, PSCredential credential,
            CancellationToken cancellationToken, List<string> delivered, List<string> failed)
        {
            List<string> to = MailRecipients(config, team);
            SecurityOpsException overlap = PublicOverlap(config, to);
            if (overlap != null)
            {
                // A config slip must not send embargoed detail to a public channel: nothing is delivered anywhere.
                failed.Add("private-places");
                cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(overlap));
                return;
            }

            if (to.Count > 0 && string.IsNullOrWhiteSpace(config.Messaging?.Smtp?.Host))
            {
                // Mail is a place only when the team configured it; a scheduled run without SMTP keeps the other places.
                cmdlet.WriteVerbose($"No SMTP server is configured (messaging.smtp.host): {what} is not mailed to {string.Join(", ", to)}.");
            }
            else if (to.Count > 0 && cmdlet.ShouldProcess(string.Join(", ", to), "Mail " + what))
            {
                var sender = new MailSender(CommandSession.SmtpWith(config, null, null), credential?.GetNetworkCredential());
                string from = config.Messaging?.From ?? config.Project?.SecurityContact;
                var batch = to.Select(address => PlainMail.Build(address, from, address, message.Subject, message.Body)).ToList();
                foreach (MailDelivery d in new PipelineEvents().Run(cmdlet, sink => sender.SendAsync(batch, sink, cancellationToken)))
                {
                    if (d.Status == "Sent")
                    {
                        delivered.Add("mail:" + d.Recipient);
                    }
                    else
                    {
                        failed.Add("mail:" + d.Recipient);
                        cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(new SecurityOpsException(d.ErrorId ?? "PrivateMailNotSent", FailureKind.ConnectionError, d.Recipient,
                            $"{Capitalize(what)} to {d.Recipient} was not sent: {d.Error}")));
                    }
                }
            }

            WebhookChannel slack = config.Reminders?.Slack;
            if (slack == null || string.IsNullOrWhiteSpace(slack.UrlVariable))
            {
                return;
            }

            AnnouncementChannel ch;
            try
            {
                ch = AnnouncementService.Resolve(slack, "slack", Environment.GetEnvironmentVariable);
            }
            catch (SecurityOpsException ex)
            {
                // The mail may have gone out already: report the channel and go on.
                failed.Add("slack:" + (slack.Name ?? "slack"));
                cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(ex));
                return;
            }

            if (cmdlet.ShouldProcess($"private slack '{ch.Name}'", "Post " + what))
            {
                using var webhooks = WebhookClient.For(config.Announcements);
                WebhookPostResult r = new PipelineEvents().Run(cmdlet, sink => webhooks.PostAsync(ch.Url, ch.Name, WebhookClient.SlackPayload(message.Subject + "\n\n" + message.Body), sink, cancellationToken));
                if (r.Posted)
                {
                    delivered.Add("slack:" + ch.Name);
                }
                else
                {
                    failed.Add("slack:" + ch.Name);
                    cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(new SecurityOpsException(r.ErrorId, FailureKind.ConnectionError, ch.Name, WebhookClient.RedactUrl(r.Error, ch.Url))));
                }
            }
        }

        /// <summary>
        /// PrivateChannelIsPublic when a private place is also a public announcement channel: the announce mailing list
        /// among the recipients, or the reminders' Slack webhook equal to an announcement webhook (same variable or the
        /// same URL in it). Null when the places are apart. The error names variables and addresses, never a URL.
        /// </summary>
        internal static SecurityOpsException PublicOverlap(SecurityConfig config, IEnumerable<string> mailTo)
        {
            string list = config.Announcements?.MailingList?.Trim();
            string listed = string.IsNullOrEmpty(list) ? null : mailTo.FirstOrDefault(a => string.Equals(a, list, StringComparison.OrdinalIgnoreCase));
            if (listed != null)
            {
                return new SecurityOpsException("PrivateChannelIsPublic", FailureKind.SecurityError, listed,
                    $"{listed} is the public announce list (announcements.mailingList) and also a private recipient (reminders.mailTo or the on-duty address); nothing was delivered. Remove it from the private places.");
            }

            WebhookChannel slack = config.Reminders?.Slack;
            string variable = slack?.UrlVariable?.Trim();
            if (string.IsNullOrEmpty(variable))
            {
                return null;
            }

            string url = Environment.GetEnvironmentVariable(variable);
            var announcements = (config.Announcements?.Slack ?? new List<WebhookChannel>()).Concat(config.Announcements?.Discord ?? new List<WebhookChannel>());
            foreach (WebhookChannel channel in announcements.Where(c => !string.IsNullOrWhiteSpace(c?.UrlVariable)))
            {
                string other = channel.UrlVariable.Trim();
                bool same = string.Equals(other, variable, StringComparison.Ordinal) ||
                            (!string.IsNullOrWhiteSpace(url) && string.Equals(Environment.GetEnvironmentVariable(other)?.Trim(), url.Trim(), StringComparison.Ordinal));
                if (same)
                {
                    return new SecurityOpsException("PrivateChannelIsPublic", FailureKind.SecurityError, variable,
                        $"The private Slack webhook (reminders.slack, ${variable}) is the public announcement channel '{channel.Name ?? other}' (${other}); nothing was delivered. Give the reminders a private channel's webhook.");
                }
            }

            return null;
        }

        private static string Capitalize(string s) => string.IsNullOrEmpty(s) ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
    }
}
