using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using SecurityOps.Embargo;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Send-TeamReminder keeps ONE issue in the private state repository, against the loopback GitHub emulator.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class ReminderIssueTests : IClassFixture<MessagingKeys>
    {
        private const string Token = "$token = [Net.NetworkCredential]::new('', $tokenText).SecurePassword; ";
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public ReminderIssueTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        private string NewState(TempFolder temp, GitHubEmulator github, string issueRepository)
        {
            string state = EmbargoTestState.NewState(ps, temp, null, 4, MessagingKeys.Member("a-rsa", keys.Rsa));
            // A roster without addresses: the reminder goes to the issue only (no SMTP here).
            File.WriteAllText(Path.Combine(state, "roster.yaml"),
                "schemaVersion: 1\nstart: 2026-03-02T00:00:00Z\nmembers:\n  - { handle: octo-dana }\n  - { handle: erik }\norder: [octo-dana, erik]\noverrides: []\n");
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config)
                .Replace("  apiUrl:\n", $"  apiUrl: {github.ApiUrl}\n")
                .Replace("  publicRepositories: []\n", "  publicRepositories: [example/listed-public]\n")
                .Replace("  issueRepository:\n  # The reminder issue's label", $"  issueRepository: {issueRepository}\n  # The reminder issue's label"));
            return state;
        }

        /// <summary>-ApiUrl on the command line wins over github.apiUrl, as on every GitHub cmdlet (one parameter group).</summary>
        [Fact]
        public void TheApiUrlGivenOnTheCommandLineIsTheOneUsed()
        {
            using var temp = new TempFolder();
            using var github = new GitHubEmulator();
            var repo = github.Repo("example/security-state", isPrivate: true);
            string state = NewState(temp, github, "example/security-state");
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace($"  apiUrl: {github.ApiUrl}\n", "  apiUrl: http://127.0.0.1:1/\n"));
            var vars = new Dictionary<string, object> { ["state"] = state, ["tokenText"] = github.Token, ["api"] = github.ApiUrl.ToString() };
            ps.At("2026-03-03T09:00:00Z", "New-MembershipRequest -Id newco -Organisation NewCo -SecurityAlias security@newco.example -StatePath $state -Confirm:$false", vars).AssertNoErrors();

            var sent = ps.At("2026-03-03T10:00:00Z", Token + "Send-TeamReminder -Token $token -ApiUrl $api -StatePath $state -Confirm:$false", vars);
            Assert.Empty(sent.Errors);
            Assert.Single(repo.Issues);
            Assert.StartsWith("issue:example/security-state#", Assert.Single(sent.Objects<TeamReminder>().Single().Delivered));
        }

        [Fact]
        public void OneIssueIsCreatedForThePrimaryThenEditedInPlaceAndClosedWhenNothingIsDue()
        {
            using var temp = new TempFolder();
            using var github = new GitHubEmulator();
            var repo = github.Repo("example/security-state", isPrivate: true);
            var other = repo.Add("Unrelated discussion", "Someone else's issue with the same label.", "security-reminder");
            string state = NewState(temp, github, "example/security-state");
            var vars = new Dictionary<string, object> { ["state"] = state, ["tokenText"] = github.Token };
            ps.At("2026-03-03T09:00:00Z", "New-MembershipRequest -Id newco -Organisation NewCo -SecurityAlias security@newco.example -StatePath $state -Confirm:$false", vars).AssertNoErrors();

            // Day 1: something is due, no reminder issue yet: one is opened, labelled and assigned to the week's Primary.
            var first = ps.At("2026-03-03T10:00:00Z", Token + "Send-TeamReminder -Token $token -StatePath $state -Confirm:$false", vars);
            Assert.Empty(first.Errors);
            TeamReminder r1 = first.Objects<TeamReminder>().Single();
            Assert.Equal("octo-dana", r1.Primary);
            Assert.Equal(2, repo.Issues.Count);
            EmulatedIssue issue = repo.Issues.Single(i => i.Number != other.Number);
            Assert.Equal(new[] { "issue:example/security-state#" + issue.Number }, r1.Delivered);
            Assert.Equal("https://github.example/example/security-state/issues/" + issue.Number, r1.Issue);
            Assert.Contains(ReminderIssue.Marker, issue.Body);
            Assert.Contains("membership-request", issue.Body);
            Assert.Contains("@octo-dana (Primary), @erik (Secondary, backup)", issue.Body);
            Assert.Equal(new[] { "security-reminder" }, issue.Labels);
            var created = JsonDocument.Parse(github.Writes.Single(w => w.Method == "POST").Body).RootElement;
            Assert.Equal(new[] { "octo-dana" }, created.GetProperty("assignees").EnumerateArray().Select(a => a.GetString()));

            // A week later: the same issue is edited (not a second one), now assigned to the new Primary.
            var second = ps.At("2026-03-10T10:00:00Z", Token + "Send-TeamReminder -Token $token -StatePath $state -Confirm:$false", vars);
            Assert.Empty(second.Errors);
            Assert.Equal(2, repo.Issues.Count);
            Assert.Single(github.Writes, w => w.Method == "POST");
            var edit = github.Writes.Last();
            Assert.Equal("PATCH", edit.Method);
            Assert.EndsWith("/issues/" + issue.Number, edit.Path);
            Assert.Equal(new[] { "erik" }, JsonDocument.Parse(edit.Body).RootElement.GetProperty("assignees").EnumerateArray().Select(a => a.GetString()));
            Assert.Contains("2026-03-10", issue.Body);
            Assert.Equal("open", issue.State);
            Assert.Equal("Someone else's issue with the same label.", other.Body);

            // Nothing due any more: the issue is closed with a last word; a further quiet run writes nothing.
            ps.At("2026-03-11T09:00:00Z", "Deny-MembershipRequest newco -Reason 'No public track record.' -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var quiet = ps.At("2026-03-11T10:00:00Z", Token + "Send-TeamReminder -Token $token -StatePath $state -Confirm:$false", vars);
            Assert.Empty(quiet.Errors);
            Assert.Equal(0, quiet.Objects<TeamReminder>().Single().Count);
            Assert.Equal("closed", issue.State);
            Assert.Contains("Nothing is overdue or due soon", issue.Body);
            Assert.Equal("open", other.State);
            int writes = github.Writes.Count;
            ps.At("2026-03-12T10:00:00Z", Token + "Send-TeamReminder -Token $token -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal(writes, github.Writes.Count);
            Assert.Equal(2, repo.Issues.Count);
            Assert.DoesNotContain(github.Token, string.Join("\n", first.Verbose.Concat(second.Verbose)));
        }

        [Theory]
        [InlineData("example/public-state", "GitHub says it is public")]
        [InlineData("example/listed-public", "github.publicRepositories")]
        [InlineData("example/missing", "GitHub did not say whether it is private (GitHubNotFound)")]
        public void ARepositoryThatIsOrMayBePublicIsRefusedBeforeAnythingIsWritten(string target, string why)
        {
            using var temp = new TempFolder();
            using var github = new GitHubEmulator();
            github.Repo("example/public-state", isPrivate: false);
            github.Repo("example/listed-public", isPrivate: true);
            string state = NewState(temp, github, target);
            var vars = new Dictionary<string, object> { ["state"] = state, ["tokenText"] = github.Token };
            ps.At("2026-03-03T09:00:00Z", "New-MembershipRequest -Id newco -Organisation NewCo -SecurityAlias security@newco.example -StatePath $state -Confirm:$false", vars).AssertNoErrors();

            var run = ps.At("2026-03-03T10:00:00Z", Token + "Send-TeamReminder -Token $token -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "ReminderRepositoryPublic,SecurityOps.Commands.SendTeamReminderCommand" }, run.ErrorIds);
            Assert.Contains(why, run.Errors.Single().ToString());
            Assert.Empty(github.Writes);
            Assert.Equal(new[] { "issue:" + target }, run.Objects<TeamReminder>().Single().Failed);
        }
    }
}
