using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using SecurityOps.GitHub;
using SecurityOps.Embargo;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Send-TeamReminder: tells the on-duty Primary (and the Secondary as backup) what is overdue or due soon, in the
    /// configured PRIVATE places only (mail over STARTTLS, a private Slack webhook), and returns it as markdown for the
    /// runbook's step summary. Nothing is sent when nothing is due, unless -Always.
    /// </summary>
    [Cmdlet(VerbsCommunications.Send, "TeamReminder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(TeamReminder))]
    public sealed class SendTeamReminderCommand : GitHubCmdlet
    {
        /// <summary>The on-duty Primary (default: the rotation's Primary, else reminders.primary). A handle of the roster or an address also gets the mail.</summary>
        [Parameter]
        public string Primary { get; set; }

        /// <summary>The Secondary, the backup (default: the rotation's Secondary, else reminders.secondary). A handle of the roster or an address also gets the mail.</summary>
        [Parameter]
        public string Secondary { get; set; }

        /// <summary>"Due soon" window: hours (default: disclosure.dueSoonHours).</summary>
        [Parameter]
        [ValidateRange(0, 24 * 90)]
        public int? WithinHours { get; set; }

        /// <summary>Deliver even when nothing is due.</summary>
        [Parameter]
        public SwitchParameter Always { get; set; }

        /// <summary>The SMTP login for the mail; the password never appears in output.</summary>
        [Parameter]
        [Credential]
        public PSCredential SmtpCredential { get; set; }

        /// <summary>The private repository (owner/name) that keeps the reminder issue (default: reminders.issueRepository).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string IssueRepository { get; set; }

        protected override void EndProcessing()
        {
            if (string.IsNullOrWhiteSpace(IssueRepository ?? Session.Config.Reminders?.IssueRepository))
            {
                RefuseCredentialAsMailLogin(Credential); // no reminder issue: a -Credential here can only be an old script's mail login
            }

            TryRun(() =>
            {
                OnDutyTeam team = Session.OnDuty(Primary, Secondary);
                string primary = team.Primary, secondary = team.Secondary;
                DateTimeOffset now = Session.Now;
                var service = new ReminderService(Session.State, Session.Templates);
                TimeSpan window = WithinHours != null ? TimeSpan.FromHours(WithinHours.Value) : Session.DueSoonWindow;
                var reminder = new TeamReminder { At = now, Primary = primary, Secondary = secondary, Items = service.Collect(now, window) };
                reminder.Markdown = ReminderService.Markdown(reminder);
                if (team.Slot?.ExampleRoster == true)
                {
                    WriteWarning(Runbook.DailyRunbook.ExampleRosterNote);
                    reminder.Markdown = "> **Warning:** " + Runbook.DailyRunbook.ExampleRosterNote + "\n\n" + reminder.Markdown;
                }
                WriteVerbose($"{reminder.Items.Count} item(s) for {primary ?? "(no Primary known)"}{(secondary != null ? $" (Secondary {secondary})" : string.Empty)}." +
                    (team.Slot == null ? " No rotation week is available: Primary/Secondary come from parameters or reminders:." : $" Rotation week of {team.Slot.WeekStart:yyyy-MM-dd}: Primary {team.Slot.Primary}, Secondary {team.Slot.Secondary}."));
                if (reminder.Items.Count == 0 && !Always)
                {
                    KeepIssue(reminder); // closes the reminder issue when one is open
                    WriteObject(reminder);
                    return;
                }

                RenderedMessage message = service.Render(reminder);
                PrivateDelivery.Deliver(this, Session.Config, team, message, "the team reminder", SmtpCredential, CancellationToken, reminder.Delivered, reminder.Failed);
                KeepIssue(reminder);
                WriteObject(reminder);
            });
        }

        /// <summary>Creates, updates or closes the one reminder issue in the private repository, through the GitHub gateway.</summary>
        private void KeepIssue(TeamReminder reminder)
        {
            string repoText = IssueRepository ?? Session.Config.Reminders?.IssueRepository;
            if (string.IsNullOrWhiteSpace(repoText))
            {
                return;
            }

            string action = reminder.Items.Count == 0 ? "Close the team reminder issue if one is open (nothing is due)" : $"Create or update the team reminder issue, assigned to {reminder.Primary ?? "nobody"}";
            if (!ShouldProcess($"issue in {repoText.Trim()}", action))
            {
                return;
            }

            try
            {
                GitHubRepositoryName repo = GitHubRepositoryName.Parse(repoText);
                _ = Session.ResolveGitHubToken(GitHubAccess) ?? throw GitHubToken.NotFound();
                var issue = new ReminderIssue(Session.OpenGitHub(GitHubAccess), repo, Session.Config.Reminders?.IssueLabel, Session.Config);
                ReminderIssueOutcome outcome = RunOnWorkers(async sink =>
                {
                    await issue.EnsurePrivateAsync(CancellationToken).ConfigureAwait(false);
                    return await issue.SyncAsync(reminder, CancellationToken).ConfigureAwait(false);
                });
                WriteVerbose($"Reminder issue in {repo}: {outcome.Action}{(outcome.Number != null ? $" (#{outcome.Number})" : string.Empty)}.");
                if (outcome.Number != null)
                {
                    reminder.Issue = outcome.Url;
                    reminder.Delivered.Add($"issue:{repo}#{outcome.Number}");
                }
            }
            catch (SecurityOpsException ex)
            {
                reminder.Failed.Add("issue:" + repoText.Trim());
                WriteFailure(ex);
            }
        }
    }
}
