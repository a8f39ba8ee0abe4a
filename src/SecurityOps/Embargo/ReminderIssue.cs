using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Embargo
{
    /// <summary>What happened to the reminder issue: Created, Updated, Closed, or Unchanged (nothing due and no open issue).</summary>
    internal sealed class ReminderIssueOutcome
    {
        public string Action { get; set; }

        public int? Number { get; set; }

        public string Url { get; set; }

        public string Repository { get; set; }
    }

    /// <summary>
    /// The team reminder as ONE issue in the private state repository: found by a hidden marker among the open issues
    /// with the reminder label, edited in place (body, title, the Primary as assignee) while anything is due, closed
    /// when nothing is; a new one is opened only when none is open. The reminder holds embargoed detail, so a
    /// repository that GitHub says is public, that the config lists as public, or whose visibility cannot be read is
    /// refused before anything is written. Every call goes through the <see cref="GitHubGateway"/>.
    /// </summary>
    internal sealed class ReminderIssue
    {
        /// <summary>The hidden marker that identifies the reminder issue.</summary>
        public const string Marker = "<!-- securityops:team-reminder -->";

        /// <summary>A GitHub login: the Primary is assigned when it is one (an address is not).</summary>
        private static readonly Regex Handle = new Regex("^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$", RegexOptions.CultureInvariant);

        private readonly GitHubGateway gateway;
        private readonly GitHubRepositoryName repo;
        private readonly string label;
        private readonly SecurityConfig config;

        public ReminderIssue(GitHubGateway gateway, GitHubRepositoryName repo, string label, SecurityConfig config)
        {
            this.gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));
            this.repo = repo ?? throw new ArgumentNullException(nameof(repo));
            this.label = string.IsNullOrWhiteSpace(label) ? "security-reminder" : label.Trim();
            this.config = config ?? new SecurityConfig();
        }

        public static string Title(TeamReminder r) =>
            r.Items.Count == 0 ? "Security team reminder: nothing due" : $"Security team reminder: {r.Items.Count} item(s) overdue or due soon";

        public static string Body(TeamReminder r)
        {
            string mention(string who) => who == null ? "(unknown)" : who.Contains("@") ? who : "@" + who;
            return Marker + "\n" + r.Markdown.TrimEnd() + "\n\n" +
                   $"On duty: {mention(r.Primary)} (Primary){(r.Secondary != null ? $", {mention(r.Secondary)} (Secondary, backup)" : string.Empty)}.\n\n" +
                   "_Kept up to date by Send-TeamReminder: this issue is edited on every run and closed when nothing is due. It holds embargoed detail: keep this repository private._\n";
        }

        /// <summary>Refuses (ReminderRepositoryPublic) unless the one visibility policy confirms the repository private.</summary>
        public async Task EnsurePrivateAsync(CancellationToken token)
        {
            VisibilityAnswer answer = await new RepositoryVisibility(config.GitHub, gateway).DecideAsync(repo, token).ConfigureAwait(false);
            if (answer.Error != null && (answer.Error.ErrorId == "GitHubUnauthorized" || answer.Error.ErrorId == "GitHubRateLimited"))
            {
                throw answer.Error; // the token or the rate limit is the problem to fix, not the repository
            }

            if (answer.IsPublic)
            {
                throw new SecurityOpsException("ReminderRepositoryPublic", FailureKind.SecurityError, repo.ToString(),
                    $"Refused to write the team reminder to {repo}: it counts as public ({answer.Why}). The reminder holds embargoed detail; set reminders.issueRepository to the private state repository.",
                    answer.Error);
            }
        }

        /// <summary>Creates, updates or closes the one reminder issue; call <see cref="EnsurePrivateAsync"/> first.</summary>
        public async Task<ReminderIssueOutcome> SyncAsync(TeamReminder reminder, CancellationToken token)
        {
            var outcome = new ReminderIssueOutcome { Repository = repo.ToString() };
            IReadOnlyList<GitHubIssue> open = await gateway.ListOpenIssuesAsync(repo, label, token).ConfigureAwait(false);
            GitHubIssue current = open.Where(IsReminder).OrderBy(i => i.Number).FirstOrDefault();
            string body = Body(reminder);
            string[] assignees = reminder.Primary != null && Handle.IsMatch(reminder.Primary) ? new[] { reminder.Primary } : new string[0];
            string path = $"repos/{repo.Owner}/{repo.Name}/issues";
            if (reminder.Items.Count == 0)
            {
                if (current == null)
                {
                    outcome.Action = "Unchanged";
                    return outcome;
                }

                var closed = await gateway.SendAsync<IssueAnswer>(new HttpMethod("PATCH"), $"{path}/{current.Number}",
                    new Dictionary<string, object> { ["title"] = Title(reminder), ["body"] = body, ["state"] = "closed" }, token).ConfigureAwait(false);
                return Done(outcome, "Closed", current.Number, closed.Body?.HtmlUrl ?? current.HtmlUrl);
            }

            if (current != null)
            {
                var updated = await gateway.SendAsync<IssueAnswer>(new HttpMethod("PATCH"), $"{path}/{current.Number}",
                    new Dictionary<string, object> { ["title"] = Title(reminder), ["body"] = body, ["assignees"] = assignees }, token).ConfigureAwait(false);
                return Done(outcome, "Updated", current.Number, updated.Body?.HtmlUrl ?? current.HtmlUrl);
            }

            var created = await gateway.SendAsync<IssueAnswer>(HttpMethod.Post, path,
                new Dictionary<string, object> { ["title"] = Title(reminder), ["body"] = body, ["labels"] = new[] { label }, ["assignees"] = assignees }, token,
                async () =>
                {
                    // The answer was lost: the issue may exist already; take it rather than open a second one.
                    GitHubIssue found = (await gateway.ListRecentIssuesAsync(repo, label, token).ConfigureAwait(false)).FirstOrDefault(i => IsReminder(i) && i.State == "open");
                    return found == null ? null : new IssueAnswer { Number = found.Number, HtmlUrl = found.HtmlUrl };
                }).ConfigureAwait(false);
            return Done(outcome, "Created", created.Body?.Number, created.Body?.HtmlUrl);
        }

        private static bool IsReminder(GitHubIssue issue) => issue?.Body != null && issue.Body.Contains(Marker);

        private static ReminderIssueOutcome Done(ReminderIssueOutcome outcome, string action, int? number, string url)
        {
            outcome.Action = action;
            outcome.Number = number;
            outcome.Url = url;
            return outcome;
        }

        /// <summary>The part of GitHub's issue answer this needs.</summary>
        public sealed class IssueAnswer
        {
            public int Number { get; set; }

            public string HtmlUrl { get; set; }

            public string State { get; set; }
        }
    }
}
