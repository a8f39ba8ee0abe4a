using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Publishing
{
    /// <summary>One channel the announcement goes to, with its secret URL resolved (never shown).</summary>
    internal sealed class AnnouncementChannel
    {
        public string Name { get; set; }

        /// <summary>slack, discord or mail.</summary>
        public string Type { get; set; }

        internal string Url { get; set; }

        internal string UrlVariable { get; set; }

        /// <summary>For mail: the list's address.</summary>
        public string Address { get; set; }
    }

    /// <summary>
    /// The public announcement of a case once its embargo has lifted: rendered from the announcement template and posted
    /// to the configured Slack and Discord webhooks and the public mailing list. Asks the public gate first, so it is
    /// refused (EmbargoActive) before the case's public date and time.
    /// </summary>
    internal sealed class AnnouncementService
    {
        private readonly SecurityConfig config;
        private readonly TemplateRenderer templates;

        public AnnouncementService(SecurityConfig config, TemplateRenderer templates)
        {
            this.config = config ?? new SecurityConfig();
            this.templates = templates;
        }

        /// <summary>The configured channels; a webhook whose variable is unset is an error naming the variable, not the URL.</summary>
        public List<AnnouncementChannel> Channels(Func<string, string> environment = null)
        {
            environment = environment ?? Environment.GetEnvironmentVariable;
            AnnouncementSettings a = config.Announcements ?? new AnnouncementSettings();
            var channels = new List<AnnouncementChannel>();
            void Hooks(IEnumerable<WebhookChannel> hooks, string type)
            {
                foreach (WebhookChannel h in hooks ?? Enumerable.Empty<WebhookChannel>())
                {
                    channels.Add(Resolve(h, type, environment));
                }
            }

            Hooks(a.Slack, "slack");
            Hooks(a.Discord, "discord");
            if (!string.IsNullOrWhiteSpace(a.MailingList))
            {
                channels.Add(new AnnouncementChannel { Name = a.MailingList.Trim(), Type = "mail", Address = a.MailingList.Trim() });
            }

            return channels;
        }

        internal static AnnouncementChannel Resolve(WebhookChannel h, string type, Func<string, string> environment)
        {
            string name = string.IsNullOrWhiteSpace(h?.Name) ? type : h.Name.Trim();
            if (string.IsNullOrWhiteSpace(h?.UrlVariable))
            {
                throw new SecurityOpsException("WebhookUrlVariableMissing", FailureKind.InvalidArgument, name,
                    $"The {type} channel '{name}' names no urlVariable: put the webhook URL in an environment variable (a secret) and name it there.");
            }

            string url = environment(h.UrlVariable.Trim());
            if (string.IsNullOrWhiteSpace(url))
            {
                throw new SecurityOpsException("WebhookUrlNotSet", FailureKind.ObjectNotFound, name,
                    $"The {type} channel '{name}' reads its webhook URL from ${h.UrlVariable.Trim()}, which is not set.");
            }

            return new AnnouncementChannel { Name = name, Type = type, Url = url.Trim(), UrlVariable = h.UrlVariable.Trim() };
        }

        /// <summary>
        /// Renders the announcement; refused while the case is under embargo. The case's policy says what ships the fix
        /// (release.artifact: a release, or an updated OS image, which the wording follows: policy.osImage).
        /// </summary>
        public RenderedMessage Render(VulnerabilityCase c, DateTimeOffset now, DisclosurePolicy policy = null)
        {
            PublicGate.EnsurePublic(c, now, "post the security announcement");
            Dictionary<string, object> model = Model(c);
            model["policy"] = new Dictionary<string, object>
            {
                ["name"] = policy?.Name,
                ["artifact"] = policy?.Release?.Artifact ?? "release",
                ["osImage"] = policy?.Release?.Artifact == "os-image",
            };
            return templates.Render("announcement", model, config.Announcements?.MailingList);
        }

        /// <summary>
        /// Renders the public retrospective (template public-retrospective) from its public values
        /// (<see cref="PublicRetrospective.Model"/>); refused while the case is under embargo.
        /// </summary>
        public RenderedMessage RenderRetrospective(VulnerabilityCase c, IDictionary<string, object> retrospective, DateTimeOffset now)
        {
            PublicGate.EnsurePublic(c, now, RetrospectiveAction);
            Dictionary<string, object> model = Model(c);
            model["retrospective"] = retrospective;
            return templates.Render(PublicRetrospective.Template, model, config.Announcements?.MailingList);
        }

        /// <summary>What the public gate is told when a retrospective is posted.</summary>
        public const string RetrospectiveAction = "post the retrospective";

        private Dictionary<string, object> Model(VulnerabilityCase c) => new Dictionary<string, object>
        {
            ["project"] = new Dictionary<string, object> { ["name"] = config.Project?.Name, ["securityContact"] = config.Project?.SecurityContact },
            ["team"] = new Dictionary<string, object> { ["name"] = config.Messaging?.TeamName ?? (config.Project?.Name + " security team"), ["from"] = config.Messaging?.From },
            ["case"] = CaseMessageModel.For(c),
        };

        /// <summary>Posts to one channel (asking the gate again: the clock may have been moved between render and post).</summary>
        public async Task<AnnouncementResult> PostAsync(VulnerabilityCase c, RenderedMessage message, AnnouncementChannel channel, WebhookClient webhooks, MailSender mail,
            IEventSink sink, CancellationToken cancellationToken, string what = "post the security announcement")
        {
            PublicGate.EnsurePublic(c, ModuleContext.UtcNow, what);
            var result = new AnnouncementResult { CaseId = c.Id, Channel = channel.Name, Type = channel.Type };
            string text = message.Subject + "\n\n" + message.Body.TrimEnd('\n');
            List<string> payloads = channel.Type == "slack" ? new List<string> { WebhookClient.SlackPayload(text) }
                : channel.Type == "discord" ? WebhookClient.DiscordPayloads(text)
                : null;
            if (payloads != null)
            {
                foreach (string payload in payloads)
                {
                    WebhookPostResult post = await webhooks.PostAsync(channel.Url, channel.Name, payload, sink, cancellationToken).ConfigureAwait(false);
                    result.Attempts += post.Attempts;
                    if (!post.Posted)
                    {
                        result.Status = "Failed";
                        result.ErrorId = post.ErrorId;
                        result.Error = WebhookClient.RedactUrl(post.Error, channel.Url) + (result.Parts > 0 ? $" ({result.Parts} of {payloads.Count} part(s) were posted.)" : string.Empty);
                        return result;
                    }

                    result.Parts++;
                }

                result.Status = "Posted";
                return result;
            }

            OutgoingMail outgoing = PlainMail.Build(channel.Name, config.Messaging?.From ?? config.Project?.SecurityContact, channel.Address, message.Subject, message.Body);
            List<MailDelivery> deliveries = await mail.SendAsync(new[] { outgoing }, sink, cancellationToken).ConfigureAwait(false);
            MailDelivery d = deliveries.Single();
            result.Attempts = d.Attempts;
            result.Parts = d.Status == "Sent" ? 1 : 0;
            result.Status = d.Status == "Sent" ? "Posted" : "Failed";
            result.ErrorId = d.ErrorId;
            result.Error = d.Error;
            return result;
        }
    }
}
