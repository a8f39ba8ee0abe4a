using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Disclosure;
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
    /// What the caller of a posting walk (<see cref="AnnouncementService.Announce"/>, <see cref="RetrospectivePublisher.Publish"/>)
    /// decides: the channels, resend, the SMTP login, who posts, the approve callback, and how one post's async work runs.
    /// </summary>
    internal sealed class PostingRequest
    {
        /// <summary>Which configured channels, by name (null: every one).</summary>
        public Func<string, bool> ChannelFilter { get; set; }

        /// <summary>Post again to channels that already have the message.</summary>
        public bool Resend { get; set; }

        /// <summary>The SMTP login for the mailing list.</summary>
        public NetworkCredential SmtpCredential { get; set; }

        /// <summary>Who is recorded as posting.</summary>
        public string Actor { get; set; }

        /// <summary>The policy the case is handled under.</summary>
        public Func<VulnerabilityCase, DisclosurePolicy> Policy { get; set; }

        /// <summary>
        /// (posting, channel): asked before each channel is posted to, with the posting in full (what, where, subject and
        /// body: what the person approves) and the channel as "type 'name'"; false posts nothing there.
        /// </summary>
        public Func<string, string, bool> Approve { get; set; } = (posting, channel) => true;

        /// <summary>Each channel's result as it is known, with the error when the post failed.</summary>
        public Action<AnnouncementResult, SecurityOpsException> Output { get; set; }

        public IEventSink Events { get; set; }

        /// <summary>Runs one post (async, reporting to the sink it is given) to its end; null: blocks on the calling thread.</summary>
        public Func<Func<IEventSink, Task<AnnouncementResult>>, AnnouncementResult> Run { get; set; }

        public CancellationToken CancellationToken { get; set; }
    }

    /// <summary>What a posting walk did: the results per channel, the errors, the records kept and the case as saved (null when unchanged).</summary>
    internal sealed class PostingWalk
    {
        public List<AnnouncementResult> Results { get; } = new List<AnnouncementResult>();

        public List<SecurityOpsException> Errors { get; } = new List<SecurityOpsException>();

        public List<AnnouncementRecord> Records { get; } = new List<AnnouncementRecord>();

        public VulnerabilityCase Case { get; set; }
    }

    /// <summary>A kind of public posting of a case: its name, the gate's words, where the case keeps its records, its timeline event.</summary>
    internal sealed class PostingKind
    {
        public static readonly PostingKind Announcement = new PostingKind("announcement", "post the security announcement", c => c.Announcements, "announcement", "Announcement",
            "No announcement channel is configured (announcements: slack, discord, mailingList in securityops.yaml).");

        public static readonly PostingKind Retrospective = new PostingKind("retrospective", AnnouncementService.RetrospectiveAction, c => c.RetrospectivePosts, "retrospective-published", "Retrospective",
            "No announcement channel is configured (announcements: slack, discord, mailingList in securityops.yaml): the retrospective was not posted.");

        private PostingKind(string what, string gateAction, Func<VulnerabilityCase, List<AnnouncementRecord>> records, string eventKind, string label, string noChannel)
        {
            What = what;
            GateAction = gateAction;
            Records = records;
            EventKind = eventKind;
            Label = label;
            NoChannel = noChannel;
        }

        public string What { get; }

        public string GateAction { get; }

        public Func<VulnerabilityCase, List<AnnouncementRecord>> Records { get; }

        public string EventKind { get; }

        public string Label { get; }

        public string NoChannel { get; }
    }

    /// <summary>
    /// The public announcement of a case once its embargo has lifted: rendered from the announcement template and posted
    /// to the configured Slack and Discord webhooks and the public mailing list. Asks the public gate first, so it is
    /// refused (EmbargoActive) before the case's public date and time. Also the posting walk every public message of a
    /// case shares (<see cref="PostAndRecord"/>): channels that already have it are skipped unless resent, each other is
    /// approved, posted and recorded on the case.
    /// </summary>
    internal sealed class AnnouncementService
    {
        private readonly SecurityConfig config;
        private readonly TemplateRenderer templates;
        private readonly CaseStore cases;
        private readonly TimeProvider clock;

        /// <param name="cases">The case store the walks read and write (null: rendering and single posts only).</param>
        /// <param name="clock">Null: the module's clock, read at each use.</param>
        public AnnouncementService(SecurityConfig config, TemplateRenderer templates, CaseStore cases = null, TimeProvider clock = null)
        {
            this.config = config ?? new SecurityConfig();
            this.templates = templates;
            this.cases = cases;
            this.clock = clock;
        }

        private DateTimeOffset Now => clock?.GetUtcNow() ?? ModuleContext.UtcNow;

        private CaseStore Cases => cases ?? throw new InvalidOperationException("A posting walk needs the case store: construct the service with one.");

        /// <summary>
        /// Send-SecurityAnnouncement's walk, under the state lock: the announcement rendered through the gate (refused
        /// before the public date), posted to the chosen channels, recorded on the case.
        /// </summary>
        public PostingWalk Announce(string caseId, PostingRequest request)
        {
            string id = VulnerabilityCase.NormalizeId(caseId) ?? throw CaseStore.InvalidId(caseId);
            using (Cases.Files.AcquireLock())
            {
                VulnerabilityCase c = Cases.GetRequired(id);
                RenderedMessage message = Render(c, Now, request.Policy?.Invoke(c));
                return PostAndRecord(c, message, PostingKind.Announcement, null, request);
            }
        }

        /// <summary>
        /// Posts one rendered public message of a case to the chosen channels and records it (the caller holds the state
        /// lock): a channel that already has it is skipped unless <see cref="PostingRequest.Resend"/>, each other is put to
        /// <see cref="PostingRequest.Approve"/> and posted (the gate asked again), and every post is kept on the case
        /// with one timeline event (<paramref name="note"/> appended to it).
        /// </summary>
        internal PostingWalk PostAndRecord(VulnerabilityCase c, RenderedMessage message, PostingKind kind, string note, PostingRequest request)
        {
            IEventSink events = request.Events ?? NullEventSink.Instance;
            var walk = new PostingWalk();
            List<AnnouncementChannel> channels = Channels().Where(ch => request.ChannelFilter?.Invoke(ch.Name) ?? true).ToList();
            if (channels.Count == 0)
            {
                events.Warning(kind.NoChannel);
                return walk;
            }

            DateTimeOffset now = Now;
            IReadOnlyList<AnnouncementRecord> already = kind.Records(c);
            using WebhookClient webhooks = WebhookClient.For(config.Announcements ?? new AnnouncementSettings());
            MailSender mail = null;
            foreach (AnnouncementChannel ch in channels)
            {
                bool posted = already.Any(a => a.Channel == ch.Name && a.Type == ch.Type && a.Status == "Posted");
                if (posted && !request.Resend)
                {
                    events.Verbose($"{c.Id}: '{ch.Name}' already has the {kind.What} (-Resend posts again).");
                    Output(walk, request, new AnnouncementResult { CaseId = c.Id, Channel = ch.Name, Type = ch.Type, Status = "Skipped" }, null);
                    continue;
                }

                if (!request.Approve($"Post the {kind.What} of {c.Id} to the {ch.Type} channel '{ch.Name}':\n{message.Subject}\n{message.Body}", $"{ch.Type} '{ch.Name}'"))
                {
                    Output(walk, request, new AnnouncementResult { CaseId = c.Id, Channel = ch.Name, Type = ch.Type, Status = "WhatIf" }, null);
                    continue;
                }

                if (ch.Type == "mail" && mail == null)
                {
                    mail = new MailSender(config.Messaging?.Smtp ?? new SmtpSettings(), request.SmtpCredential);
                }

                Func<IEventSink, Task<AnnouncementResult>> post = sink => PostAsync(c, message, ch, webhooks, mail, sink, request.CancellationToken, kind.GateAction);
                AnnouncementResult r = request.Run != null ? request.Run(post) : post(events).GetAwaiter().GetResult();
                walk.Records.Add(new AnnouncementRecord { Channel = ch.Name, Type = ch.Type, At = now, Status = r.Status, Parts = r.Parts, ErrorId = r.ErrorId });
                Output(walk, request, r, r.Status == "Posted" ? null
                    : new SecurityOpsException(r.ErrorId ?? "AnnouncementNotPosted", FailureKind.ConnectionError, ch.Name, $"{c.Id}: {r.Error}"));
            }

            if (walk.Records.Count > 0)
            {
                walk.Case = Record(c, kind.Records, walk.Records, kind.EventKind, kind.Label, note, request.Actor, Now);
                Cases.Save(walk.Case);
            }

            return walk;
        }

        private static void Output(PostingWalk walk, PostingRequest request, AnnouncementResult result, SecurityOpsException error)
        {
            walk.Results.Add(result);
            if (error != null)
            {
                walk.Errors.Add(error);
            }

            request.Output?.Invoke(result, error);
        }

        /// <summary>
        /// The case with the records added to its list (<paramref name="list"/>: Announcements or RetrospectivePosts) and one
        /// timeline event "<paramref name="what"/> posted to ...; failed on ...<paramref name="note"/>.".
        /// </summary>
        public static VulnerabilityCase Record(VulnerabilityCase c, Func<VulnerabilityCase, List<AnnouncementRecord>> list, IReadOnlyList<AnnouncementRecord> records,
            string kind, string what, string note, string actor, DateTimeOffset now)
        {
            VulnerabilityCase updated = CaseStore.Clone(c);
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
            PublicGate.EnsurePublic(c, Now, what);
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
