using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Register-EmbargoLeak tells the on-duty Primary in the team's private places (a real SMTP server, a Slack receiver on loopback).</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class LeakDeliveryTests : IClassFixture<MessagingKeys>
    {
        private const string Cmd = "SecurityOps.Commands.RegisterEmbargoLeakCommand";
        private const string PublicDate = "2026-03-20T14:00:00Z";
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public LeakDeliveryTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        /// <summary>A state with SMTP on loopback, reminders.mailTo and the private Slack webhook (its URL in a variable).</summary>
        private (string State, string Secret) PrivatePlaces(TempFolder temp, SmtpTestServer smtp, LoopbackServer slack)
        {
            string state = EmbargoTestState.NewState(ps, temp, smtp, 2, MessagingKeys.Member("a-rsa", keys.Rsa));
            string secret = AnnouncementTests.Secret();
            string slackVar = "SO_TEST_TEAM_" + Guid.NewGuid().ToString("N");
            Environment.SetEnvironmentVariable(slackVar, slack.Url("services/team/" + secret).ToString());
            string config = Path.Combine(state, "securityops.yaml");
            string text = File.ReadAllText(config);
            string slackLine = "  # A PRIVATE Slack channel's incoming webhook: { name: security-team, urlVariable: SLACK_TEAM_WEBHOOK }; empty: none.\n  slack:\n";
            Assert.Contains(slackLine, text);
            File.WriteAllText(config, text
                .Replace("  retryDelaySeconds: 2\n", "  retryDelaySeconds: 0.05\n")
                .Replace("  mailTo: []\n", "  mailTo: [security-team@example.org]\n")
                .Replace(slackLine, "  slack: { name: security-team, urlVariable: " + slackVar + " }\n"));
            return (state, secret);
        }

        private static string Leak(string extra) =>
            EmbargoTestState.Credential + "Register-EmbargoLeak -Id $id -Member a-rsa -What 'The fixed version number' -ToWhom 'a public forum' -When '2026-03-09T08:00:00Z' " +
            "-Prevention 'Embargoed mail goes to a restricted folder.' -SmtpCredential $cred -StatePath $state " + extra;

        [Fact]
        public void TheLeakReportIsMailedToThePrimaryAndPostedToThePrivateSlackAndRecordedOnTheCase()
        {
            using var temp = new TempFolder();
            using var smtp = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            using var slack = new LoopbackServer((context, request) => Task.CompletedTask);
            var (state, secret) = PrivatePlaces(temp, smtp, slack);
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            // -WhatIf: nothing recorded, nothing delivered.
            ps.At("2026-03-09T10:00:00Z", Leak("-WhatIf"), vars).AssertNoErrors();
            Assert.Empty(EmbargoTestState.Case(state, id).Leaks);
            Assert.Empty(smtp.Received());
            Assert.Empty(slack.Requests);

            // The rotation's week of 2026-03-09 (the template roster): Primary alice, Secondary bob (the backup), with addresses.
            var run = ps.At("2026-03-09T10:00:00Z", Leak("-Confirm:$false -Verbose"), vars);
            Assert.Empty(run.Errors);
            EmbargoLeakResult result = run.Objects<EmbargoLeakResult>().Single();
            Assert.Equal("alice", result.Primary);
            Assert.Equal("bob", result.Secondary);
            var mails = smtp.Received();
            Assert.Equal(new[] { "alice@example.org", "bob@example.org", "security-team@example.org" }, mails.SelectMany(m => m.EnvelopeTo).OrderBy(x => x));
            Assert.All(mails, m => Assert.True(m.Tls));
            Assert.All(mails, m => Assert.Contains("Embargo leak on " + id + " by a-rsa", m.Raw));
            Assert.All(mails, m => Assert.Contains("a public forum", m.Raw));
            Assert.DoesNotContain(mails, m => m.EnvelopeTo.Contains(keys.Rsa.Email)); // never the member, never a public list
            string posted = JsonDocument.Parse(slack.Requests.Single().Body).RootElement.GetProperty("text").GetString();
            Assert.Contains("alice, an embargo leak was recorded.", posted);
            Assert.EndsWith(secret, slack.Requests.Single().Path);

            Assert.Equal(new[] { "mail:alice@example.org", "mail:bob@example.org", "mail:security-team@example.org", "slack:security-team" }, result.Delivered.OrderBy(x => x, StringComparer.Ordinal));
            Assert.Empty(result.Failed);
            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            Assert.Equal(result.Delivered.OrderBy(x => x), c.Leaks.Single().ReportDelivered.OrderBy(x => x));
            CaseEvent e = c.Timeline.Single(x => x.Kind == "leak-report");
            Assert.Equal("a-rsa", e.Member);
            Assert.Contains("delivered to", e.What);
            Assert.Contains("slack:security-team", e.What);
            string everything = string.Join("\n", run.Verbose.Concat(run.Warnings)) + File.ReadAllText(Path.Combine(state, "cases", id + ".yaml"));
            Assert.DoesNotContain(secret, everything);

            // -NoNotify only records: no mail, no post, no leak-report event.
            var quiet = ps.At("2026-03-10T10:00:00Z", Leak("-NoNotify -Confirm:$false"), vars).AssertNoErrors().Objects<EmbargoLeakResult>().Single();
            Assert.Equal(2, quiet.LeakNumber);
            Assert.Empty(quiet.Delivered);
            Assert.Equal(3, smtp.Received().Count);
            Assert.Single(slack.Requests);
            c = EmbargoTestState.Case(state, id);
            Assert.Equal(2, c.Leaks.Count);
            Assert.Empty(c.Leaks[1].ReportDelivered);
            Assert.Single(c.Timeline, x => x.Kind == "leak-report");
        }

        [Fact]
        public void AFailingPlaceIsAnErrorNamingThePlaceTheLeakStaysRecordedAndTheFailureIsKept()
        {
            using var temp = new TempFolder();
            using var smtp = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            using var slack = new LoopbackServer((context, request) =>
            {
                context.Response.StatusCode = 500;
                return Task.CompletedTask;
            });
            var (state, secret) = PrivatePlaces(temp, smtp, slack);
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            var run = ps.At("2026-03-09T10:00:00Z", Leak("-Primary dana@example.org -Secondary erin@example.org -Confirm:$false"), vars);
            Assert.Equal(new[] { "WebhookServerError," + Cmd }, run.ErrorIds);
            Assert.DoesNotContain(secret, string.Join("\n", run.Errors.Select(x => x.ToString())));
            EmbargoLeakResult result = run.Objects<EmbargoLeakResult>().Single();
            Assert.Equal(new[] { "mail:dana@example.org", "mail:erin@example.org", "mail:security-team@example.org" }, result.Delivered.OrderBy(x => x, StringComparer.Ordinal));
            Assert.Equal(new[] { "slack:security-team" }, result.Failed);
            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            Assert.Single(c.Leaks);
            Assert.Equal(new[] { "slack:security-team" }, c.Leaks.Single().ReportFailed);
            Assert.Contains("failed on slack:security-team", c.Timeline.Single(x => x.Kind == "leak-report").What);
        }

        [Fact]
        public void WithoutAnyPrivatePlaceTheLeakIsRecordedWithAWarningAndNothingIsDelivered()
        {
            using var temp = new TempFolder();
            string state = EmbargoTestState.NewState(ps, temp, null, 2, MessagingKeys.Member("a-rsa", keys.Rsa));
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            var run = ps.At("2026-03-09T10:00:00Z", Leak("-Confirm:$false"), vars).AssertNoErrors();
            Assert.Contains(run.Warnings, w => w.Contains("No private place is configured for the leak report"));
            Assert.Empty(run.Objects<EmbargoLeakResult>().Single().Delivered);
            Assert.DoesNotContain(EmbargoTestState.Case(state, id).Timeline, x => x.Kind == "leak-report");
        }
    }
}
