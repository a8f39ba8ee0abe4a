using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Add-CaseNote, Register-EmbargoLeak and Send-TeamReminder through the engine.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class LeakAndReminderTests : IClassFixture<MessagingKeys>
    {
        private const string PublicDate = "2026-03-20T14:00:00Z";
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public LeakAndReminderTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        [Fact]
        public void WithoutAnSmtpServerTheReminderIsNotMailedAndNothingFails()
        {
            using var temp = new TempFolder();
            string state = temp.Combine("state");
            var vars = new Dictionary<string, object> { ["state"] = state };
            ps.At("2026-01-05T10:00:00Z", "Initialize-SecurityState -Path $state -NoGit | Out-Null; New-VulnerabilityReport -StatePath $state -Summary s -Component c | Out-Null", vars).AssertNoErrors();

            // Two days later the acknowledgement is overdue; the roster's people have addresses, but no SMTP is configured.
            var run = ps.At("2026-01-07T10:00:00Z", "Send-TeamReminder -StatePath $state -Confirm:$false -Verbose", vars).AssertNoErrors();
            TeamReminder reminder = run.Objects<TeamReminder>().Single();
            Assert.NotEmpty(reminder.Items);
            Assert.Empty(reminder.Delivered);
            Assert.Empty(reminder.Failed);
            Assert.Contains(run.Verbose, v => v.Contains("No SMTP server is configured") && v.Contains("@example.org"));
        }

        [Fact]
        public void ACveThatNamesNoPackageIsOnTheReminderUntilSomeoneTriagesIt()
        {
            using var temp = new TempFolder();
            string state = temp.Combine("state");
            var vars = new Dictionary<string, object> { ["state"] = state };
            ps.Run("Initialize-SecurityState -Path $state -NoGit | Out-Null\n" +
                   "Add-CveRecord -StatePath $state -CveId CVE-2026-5555 -Source oss-security | Out-Null\n" +
                   "Add-CveRecord -StatePath $state -CveId CVE-2026-6666 -Package dev-libs/openssl -Source manual | Out-Null", vars).AssertNoErrors();

            TeamReminder reminder = ps.Run("Send-TeamReminder -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<TeamReminder>().Single();
            ReminderItem item = Assert.Single(reminder.Items, i => i.Category == "cve-triage");
            Assert.Equal("CVE-2026-5555", item.Subject);
            Assert.Contains("names no package (from oss-security)", item.Detail);
            Assert.Contains("| cve-triage | Open | CVE-2026-5555 |", reminder.Markdown);

            ps.Run("Set-CveRecord -StatePath $state -CveId CVE-2026-5555 -Status not-affected -Confirm:$false", vars).AssertNoErrors();
            reminder = ps.Run("Send-TeamReminder -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<TeamReminder>().Single();
            Assert.DoesNotContain(reminder.Items, i => i.Category == "cve-triage");
        }

        [Fact]
        public void APrivatePlaceThatIsAlsoAPublicChannelIsRefusedAndNothingIsDelivered()
        {
            using var temp = new TempFolder();
            using var slack = new LoopbackServer((context, request) => System.Threading.Tasks.Task.CompletedTask);
            string state = temp.Combine("state");
            var vars = new Dictionary<string, object> { ["state"] = state, ["hook"] = slack.Url("hook").ToString() };
            ps.At("2026-01-05T10:00:00Z", "Initialize-SecurityState -Path $state -NoGit | Out-Null; New-VulnerabilityReport -StatePath $state -Summary 'Secret bypass' -Component c | Out-Null", vars).AssertNoErrors();
            string config = System.IO.Path.Combine(state, "securityops.yaml");
            string text = System.IO.File.ReadAllText(config);

            // The announce list slipped into the reminder recipients.
            System.IO.File.WriteAllText(config, text.Replace("  mailingList:\n", "  mailingList: announce@example.org\n").Replace("  mailTo: []", "  mailTo: [team@example.org, Announce@example.org]").Replace("    host:\n", "    host: 127.0.0.1\n"));
            var mail = ps.At("2026-01-07T10:00:00Z", "Send-TeamReminder -StatePath $state -Confirm:$false", vars);
            Assert.Equal("PrivateChannelIsPublic,SecurityOps.Commands.SendTeamReminderCommand", Assert.Single(mail.ErrorIds));
            Assert.Empty(mail.Objects<TeamReminder>().Single().Delivered);

            // The reminders' Slack webhook is the public announcement channel's URL under another variable name.
            System.IO.File.WriteAllText(config, text
                .Replace("  slack: []", "  slack:\n    - name: community\n      urlVariable: SECOPS_TEST_PUBLIC_HOOK")
                .Replace("  slack:\n  # Membership", "  slack:\n    name: team\n    urlVariable: SECOPS_TEST_PRIVATE_HOOK\n  # Membership"));
            var posted = ps.At("2026-01-07T10:00:00Z", "$env:SECOPS_TEST_PUBLIC_HOOK = $hook; $env:SECOPS_TEST_PRIVATE_HOOK = $hook\ntry { Send-TeamReminder -StatePath $state -Confirm:$false } finally { $env:SECOPS_TEST_PUBLIC_HOOK = $null; $env:SECOPS_TEST_PRIVATE_HOOK = $null }", vars);
            Assert.Equal("PrivateChannelIsPublic,SecurityOps.Commands.SendTeamReminderCommand", Assert.Single(posted.ErrorIds));
            Assert.Empty(slack.Requests);
            Assert.DoesNotContain(slack.Url("hook").ToString(), posted.Errors.Single().ToString());
        }

        [Fact]
        public void DistributorReviewsAreRecordedWithTheMemberAndBadInputIsRefused()
        {
            using var temp = new TempFolder();
            string state = EmbargoTestState.NewState(ps, temp, null, 4, MessagingKeys.Member("a-rsa", keys.Rsa));
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            var note = ps.At("2026-03-08T10:00:00Z", "Add-CaseNote $id -Kind distributor-review -Member a-rsa -Text 'Tested the patch on 1.2.1: fixes the PoC, no regressions.' -Actor alice -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<CaseEvent>().Single();
            Assert.Equal("a-rsa", note.Member);
            var e = EmbargoTestState.Case(state, id).Timeline.Last();
            Assert.Equal("distributor-review", e.Kind);
            Assert.Equal("a-rsa", e.Member);
            Assert.Equal("alice", e.Actor);
            Assert.Contains("no regressions", e.What);

            Assert.Contains("CaseNoteMemberRequired,SecurityOps.Commands.AddCaseNoteCommand",
                ps.At("2026-03-08T10:00:00Z", "Add-CaseNote $id -Kind distributor-review -Text 'x' -StatePath $state -Confirm:$false", vars).ErrorIds);
            Assert.Contains("DistributorMemberNotFound,SecurityOps.Commands.AddCaseNoteCommand",
                ps.At("2026-03-08T10:00:00Z", "Add-CaseNote $id -Kind distributor-review -Member nobody -Text 'x' -StatePath $state -Confirm:$false", vars).ErrorIds);
            Assert.Contains("VulnerabilityReportNotFound,SecurityOps.Commands.AddCaseNoteCommand",
                ps.At("2026-03-08T10:00:00Z", "Add-CaseNote SEC-2026-0999 -Text 'x' -StatePath $state -Confirm:$false", vars).ErrorIds);
            Assert.Equal(1, EmbargoTestState.Case(state, id).Timeline.Count(x => x.Kind == "distributor-review"));
        }

        [Fact]
        public void ALeakIsRecordedWithItsRetrospectiveAndTheSecondOffenseFlagsTheMemberWithTheRemovalNoticeReady()
        {
            using var temp = new TempFolder();
            string state = EmbargoTestState.NewState(ps, temp, null, 4, MessagingKeys.Member("a-rsa", keys.Rsa), MessagingKeys.Member("b-curve", keys.Curve));
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            string leak = "Register-EmbargoLeak -Id $id -Member b-curve -What 'The fixed version number and the component' -ToWhom 'a public mailing list' -When '2026-03-09T08:00:00Z' -Prevention 'Embargoed mail goes to a restricted folder.' -Primary alice -StatePath $state -Confirm:$false";

            var first = ps.At("2026-03-09T10:00:00Z", leak, vars).AssertNoErrors().Objects<EmbargoLeakResult>().Single();
            Assert.Equal(1, first.LeakNumber);
            Assert.Equal(1, first.Offenses);
            Assert.False(first.FlaggedForRemoval);
            Assert.Null(first.RemovalNotice);
            Assert.Equal($"retrospectives/{id}-leak-1.md", first.Retrospective);
            string draft = File.ReadAllText(Path.Combine(state, first.Retrospective));
            Assert.Contains("Status: draft", draft);
            Assert.Contains("a public mailing list", draft);
            Assert.Contains("restricted folder", draft);
            Assert.StartsWith("alice, an embargo leak was recorded.", first.Report.Body);
            Assert.Contains("b-curve", first.Report.Subject);

            var second = ps.At("2026-03-10T10:00:00Z", leak, vars);
            var result = second.Objects<EmbargoLeakResult>().Single();
            Assert.True(result.FlaggedForRemoval);
            Assert.Equal(2, result.Offenses);
            Assert.Contains(second.Warnings, w => w.Contains("flagged for removal"));
            Assert.Contains("Reason: Repeated embargo leaks (2; the latest on " + id + ").", result.RemovalNotice.Body);
            Assert.Equal(keys.Curve.Email, result.RemovalNotice.To);
            Assert.True(File.Exists(Path.Combine(state, $"retrospectives/{id}-leak-2.md")));

            var member = new StateRepository(state).Read<DistributorList>("distributors.yaml").Members.Single(m => m.Id == "b-curve");
            Assert.True(member.FlaggedForRemoval);
            Assert.Equal(2, member.Offenses.Count);
            Assert.All(member.Offenses, o => Assert.Equal(id, o.CaseId));
            var c = EmbargoTestState.Case(state, id);
            Assert.Equal(2, c.Leaks.Count);
            Assert.Equal(2, c.Timeline.Count(e => e.Kind == "leak" && e.Member == "b-curve"));

            var unknown = ps.At("2026-03-10T10:00:00Z", leak.Replace("b-curve", "nobody"), vars);
            Assert.Contains("DistributorMemberNotFound,SecurityOps.Commands.RegisterEmbargoLeakCommand", unknown.ErrorIds);
            Assert.Equal(2, EmbargoTestState.Case(state, id).Leaks.Count);
        }

        [Fact]
        public void TheReminderListsWhatIsDueAndGoesOnlyToThePrivatePlaces()
        {
            using var temp = new TempFolder();
            using var smtp = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            using var slack = new LoopbackServer((context, request) => Task.CompletedTask);
            string state = EmbargoTestState.NewState(ps, temp, smtp, 4, MessagingKeys.Member("a-rsa", keys.Rsa), MessagingKeys.Member("d-expired", keys.Expired));
            string secret = AnnouncementTests.Secret();
            string slackVar = "SO_TEST_TEAM_" + Guid.NewGuid().ToString("N");
            Environment.SetEnvironmentVariable(slackVar, slack.Url("services/team/" + secret).ToString());
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config)
                .Replace("  mailTo: []\n", "  mailTo: [security-team@example.org]\n")
                .Replace("  primary:\n", "  primary: carol@example.org\n")
                .Replace("reminders:\n", "reminders:\n  slack: { name: security-team, urlVariable: " + slackVar + " }\n")
                .Replace("  # A PRIVATE Slack channel's incoming webhook: { name: security-team, urlVariable: SLACK_TEAM_WEBHOOK }; empty: none.\n  slack:\n", string.Empty));
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            // A notice went out for the first date, then the date moved: a revised notice is due.
            var repo = new StateRepository(state);
            var c = EmbargoTestState.Case(state, id);
            c.Notices.Add(new EmbargoNoticeRecord { MemberId = "a-rsa", Kind = EmbargoNoticeKind.Initial, Revision = 1, Status = "Sent", PublicDate = c.PlannedPublicDate.Value, At = DateTimeOffset.Parse("2026-03-05T10:00:00Z") });
            repo.Write(c.RelativePath, c);
            ps.At("2026-03-06T10:00:00Z", "Set-VulnerabilityReport $id -PlannedPublicDate '2026-03-25T14:00:00Z' -Force -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            ps.At("2026-03-06T10:00:00Z", "Register-EmbargoLeak -Id $id -Member a-rsa -What 'the date' -ToWhom 'a customer' -When '2026-03-06T09:00:00Z' -Prevention 'training' -NoNotify -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            ps.At("2026-03-06T10:00:00Z", "New-MembershipRequest -Id newco -Organisation NewCo -SecurityAlias security@newco.example -StatePath $state -Confirm:$false", vars).AssertNoErrors();

            var run = ps.At("2026-03-06T11:00:00Z", EmbargoTestState.Credential + "Send-TeamReminder -Secondary dave -SmtpCredential $cred -StatePath $state -Confirm:$false", vars);
            Assert.Empty(run.Errors);
            TeamReminder reminder = run.Objects<TeamReminder>().Single();
            Assert.Equal("carol", reminder.Primary); // the template roster's week of 2026-03-02 (the rotation wins over reminders.primary)
            Assert.Equal("dave", reminder.Secondary);
            var categories = reminder.Items.Select(i => i.Category).Distinct().ToList();
            Assert.Contains("revised-notice", categories);
            Assert.Contains("key-expiry", categories);
            Assert.Contains("membership-request", categories);
            Assert.Contains("leak-follow-up", categories);
            Assert.Contains("| revised-notice | Overdue | " + id, reminder.Markdown);
            Assert.Contains("a-rsa still have an older date", reminder.Markdown);

            Assert.Equal(new[] { "carol@example.org", "security-team@example.org" }, smtp.Received().SelectMany(m => m.EnvelopeTo).OrderBy(x => x));
            Assert.All(smtp.Received(), m => Assert.True(m.Tls));
            Assert.Contains("leak-follow-up", smtp.Received().First().Raw);
            Assert.Single(slack.Requests);
            Assert.Contains("revised-notice", JsonDocument.Parse(slack.Requests.Single().Body).RootElement.GetProperty("text").GetString());
            Assert.Contains("slack:security-team", reminder.Delivered);
            Assert.DoesNotContain(secret, string.Join("\n", run.Verbose) + string.Join("\n", reminder.Delivered));

            // The retrospective held closes the leak follow-up.
            ps.At("2026-03-07T10:00:00Z", "Add-CaseNote $id -Kind leak-retrospective -Text 'Held; the member moved embargoed mail to a restricted list.' -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var after = ps.At("2026-03-07T11:00:00Z", "Send-TeamReminder -StatePath $state -WhatIf", vars).Objects<TeamReminder>().Single();
            Assert.DoesNotContain(after.Items, i => i.Category == "leak-follow-up");
            Assert.Empty(after.Delivered);
            Assert.Equal(2, smtp.Received().Count);
        }
    }
}
