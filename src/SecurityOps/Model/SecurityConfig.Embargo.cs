using System.Collections.Generic;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        /// <summary>announcements: the public channels Send-SecurityAnnouncement posts to.</summary>
        public AnnouncementSettings Announcements { get; set; } = new AnnouncementSettings();

        /// <summary>reminders: the private places Send-TeamReminder tells the on-duty team in.</summary>
        public ReminderSettings Reminders { get; set; } = new ReminderSettings();
    }

    /// <summary>The announcements: section of securityops.yaml.</summary>
    public sealed class AnnouncementSettings
    {
        /// <summary>Slack incoming webhooks (public channels).</summary>
        public List<WebhookChannel> Slack { get; set; } = new List<WebhookChannel>();

        /// <summary>Discord webhooks (public channels).</summary>
        public List<WebhookChannel> Discord { get; set; } = new List<WebhookChannel>();

        /// <summary>The public announce mailing list's address (plain mail, over messaging.smtp); empty: none.</summary>
        public string MailingList { get; set; }

        /// <summary>Attempts per webhook post on 429 / 5xx / a dropped connection.</summary>
        public int MaxAttempts { get; set; } = 4;

        /// <summary>First backoff delay when the server gives no Retry-After; doubles with each retry.</summary>
        public double RetryDelaySeconds { get; set; } = 2;

        /// <summary>A Retry-After longer than this fails the post instead of waiting.</summary>
        public double MaxRetryAfterSeconds { get; set; } = 120;

        public int TimeoutSeconds { get; set; } = 30;
    }

    /// <summary>A webhook: a name for output and records, and the environment variable that holds its (secret) URL.</summary>
    public sealed class WebhookChannel
    {
        public string Name { get; set; }

        /// <summary>The environment variable holding the webhook URL (a secret: never in the state, never printed).</summary>
        public string UrlVariable { get; set; }
    }

    /// <summary>The reminders: section of securityops.yaml.</summary>
    public sealed class ReminderSettings
    {
        /// <summary>Who is Primary / Secondary when no rotation is available and no parameter names them (addresses get mail).</summary>
        public string Primary { get; set; }

        public string Secondary { get; set; }

        /// <summary>Private addresses that get every reminder (a team alias), besides Primary/Secondary addresses.</summary>
        public List<string> MailTo { get; set; } = new List<string>();

        /// <summary>A PRIVATE Slack channel's incoming webhook; empty: none.</summary>
        public WebhookChannel Slack { get; set; }

        /// <summary>Membership requests pending longer than this many days are reported.</summary>
        public int PendingRequestDays { get; set; } = 0;

        /// <summary>owner/name of the PRIVATE state repository where the reminder is kept as one issue assigned to the Primary; empty: no issue.</summary>
        public string IssueRepository { get; set; }

        /// <summary>The label of the reminder issue (it is found among the open issues with this label by a hidden marker).</summary>
        public string IssueLabel { get; set; } = "security-reminder";
    }
}
