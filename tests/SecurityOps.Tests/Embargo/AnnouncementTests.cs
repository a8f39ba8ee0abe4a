using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Send-SecurityAnnouncement against webhook receivers on loopback and a real SMTP server.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class AnnouncementTests
    {
        private const string Cmd = "SecurityOps.Commands.SendSecurityAnnouncementCommand";
        private const string PublicDate = "2026-03-20T14:00:00Z";
        private readonly PowerShellFixture ps;

        public AnnouncementTests(PowerShellFixture ps) => this.ps = ps;

        internal static string Secret() => "T0KEN" + Guid.NewGuid().ToString("N");

        /// <summary>Adds Slack and Discord channels (URLs in environment variables) and the mailing list to the config.</summary>
        internal static (string SlackVar, string DiscordVar) Channels(string state, LoopbackServer slack, LoopbackServer discord, string slackSecret, string discordSecret, bool mailingList)
        {
            string slackVar = "SO_TEST_SLACK_" + Guid.NewGuid().ToString("N");
            string discordVar = "SO_TEST_DISCORD_" + Guid.NewGuid().ToString("N");
            Environment.SetEnvironmentVariable(slackVar, slack.Url("services/T000/B000/" + slackSecret).ToString());
            Environment.SetEnvironmentVariable(discordVar, discord.Url("api/webhooks/123/" + discordSecret).ToString());
            string path = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(path, File.ReadAllText(path)
                .Replace("  slack: []\n", $"  slack: [{{ name: announcements, urlVariable: {slackVar} }}]\n")
                .Replace("  discord: []\n", $"  discord: [{{ name: mcp-servers, urlVariable: {discordVar} }}]\n")
                .Replace("  mailingList:\n", mailingList ? "  mailingList: announce@lists.example.org\n" : "  mailingList:\n")
                .Replace("  retryDelaySeconds: 2\n", "  retryDelaySeconds: 0.05\n"));
            return (slackVar, discordVar);
        }

        internal static Func<HttpContext, RecordedRequest, Task> Ok => (context, request) =>
        {
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        };

        [Fact]
        public void RefusedBeforeThePublicDateThenPostedSplitWithoutMassMentionsAndTheUrlsNeverShown()
        {
            using var temp = new TempFolder();
            using var smtp = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            using var slack = new LoopbackServer(Ok);
            using var discord = new LoopbackServer(Ok);
            string slackSecret = Secret();
            string discordSecret = Secret();
            string state = EmbargoTestState.NewState(ps, temp, smtp);
            Channels(state, slack, discord, slackSecret, discordSecret, mailingList: true);
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            string longMitigations = string.Join("\n", Enumerable.Range(1, 60).Select(i => $"- Step {i}: set option number {i} to a safe value before the upgrade."));
            vars["mit"] = longMitigations;
            ps.At("2026-03-10T10:00:00Z", "Set-VulnerabilityReport $id -Impact 'Hey @everyone and <!channel> <!here|here> @here: remote code execution.' -Mitigations $mit -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            string send = EmbargoTestState.Credential + "Send-SecurityAnnouncement -Id $id -SmtpCredential $cred -StatePath $state -Confirm:$false -Verbose";

            var early = ps.At("2026-03-20T13:59:59Z", send, vars);
            Assert.Equal(new[] { "EmbargoActive," + Cmd }, early.ErrorIds);
            Assert.Empty(slack.Requests);
            Assert.Empty(discord.Requests);
            Assert.Empty(smtp.Received());

            var posted = ps.At("2026-03-20T14:00:00Z", send, vars);
            Assert.Empty(posted.Errors);
            var results = posted.Objects<AnnouncementResult>().ToList();
            Assert.Equal(new[] { "Posted", "Posted", "Posted" }, results.Select(r => r.Status));
            Assert.Equal(new[] { "slack", "discord", "mail" }, results.Select(r => r.Type));

            var slackPost = slack.Requests.Single();
            Assert.EndsWith(slackSecret, slackPost.Path);
            string slackText = JsonDocument.Parse(slackPost.Body).RootElement.GetProperty("text").GetString();
            Assert.Contains("CVE-2026-1234", slackText);
            Assert.DoesNotContain("<!channel>", slackText);
            Assert.DoesNotContain("<!here", slackText);
            Assert.Contains("&lt;!channel&gt;", slackText);
            Assert.False(slackText.Contains("@everyone", StringComparison.Ordinal));
            Assert.False(slackText.Contains("@here", StringComparison.Ordinal));
            Assert.Contains("@\u200Beveryone", slackText);

            Assert.True(discord.Requests.Count >= 2, "the long announcement is split");
            var contents = new List<string>();
            foreach (var post in discord.Requests)
            {
                using var doc = JsonDocument.Parse(post.Body);
                string content = doc.RootElement.GetProperty("content").GetString();
                Assert.True(content.Length <= 2000, $"{content.Length} characters");
                Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("allowed_mentions").GetProperty("parse").ValueKind);
                Assert.Equal(0, doc.RootElement.GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
                contents.Add(content);
            }

            string joined = string.Join("\n", contents);
            Assert.Contains("- Step 60: set option number 60", joined);
            Assert.Equal(Enumerable.Range(1, 60).Select(i => $"- Step {i}:"), joined.Split('\n').Where(l => l.StartsWith("- Step ")).Select(l => l.Substring(0, l.IndexOf(':') + 1)));

            var mail = smtp.Received().Single();
            Assert.Equal(new[] { "announce@lists.example.org" }, mail.EnvelopeTo);
            Assert.Contains("CVE-2026-1234", mail.Raw);
            Assert.DoesNotContain("BEGIN PGP", mail.Raw);
            Assert.True(mail.Tls);

            string everything = string.Join("\n", posted.Verbose.Concat(posted.Output.Select(o => o.ToString())).Concat(posted.Warnings)
                .Concat(results.Select(r => r.Channel + r.Error))) + File.ReadAllText(Path.Combine(state, "cases", id + ".yaml")) + File.ReadAllText(Path.Combine(state, "securityops.yaml"));
            Assert.DoesNotContain(slackSecret, everything);
            Assert.DoesNotContain(discordSecret, everything);

            var rerun = ps.At("2026-03-20T15:00:00Z", send, vars);
            Assert.Equal(new[] { "Skipped", "Skipped", "Skipped" }, rerun.Objects<AnnouncementResult>().Select(r => r.Status));
            Assert.Single(slack.Requests);
            Assert.Contains(EmbargoTestState.Case(state, id).Timeline, e => e.Kind == "announcement" && e.What.Contains("discord mcp-servers"));
        }

        [Fact]
        public async Task RetryAfterIsHonouredServerErrorsRetriedAndAFailureNamesTheChannelNotTheUrl()
        {
            int calls = 0;
            await using var limited = new LoopbackServer((context, request) =>
            {
                if (System.Threading.Interlocked.Increment(ref calls) == 1)
                {
                    context.Response.StatusCode = 429;
                    context.Response.Headers["Retry-After"] = "1";
                }
                else if (calls == 2)
                {
                    context.Response.StatusCode = 503;
                }
                else
                {
                    context.Response.StatusCode = 200;
                }

                return Task.CompletedTask;
            });
            using var client = new WebhookClient(maxAttempts: 4, retryDelaySeconds: 0.05);
            string secret = Secret();
            var ok = await client.PostAsync(limited.Url("hook/" + secret).ToString(), "team", "{\"text\":\"hi\"}", null, default);
            Assert.True(ok.Posted);
            Assert.Equal(3, ok.Attempts);
            var times = limited.Requests.Select(r => r.At).ToList();
            Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(0.95), $"waited {(times[1] - times[0]).TotalSeconds} s after Retry-After: 1");
            Assert.True(times[2] - times[1] < TimeSpan.FromSeconds(0.9));

            await using var broken = new LoopbackServer((context, request) =>
            {
                context.Response.StatusCode = 500;
                return Task.CompletedTask;
            });
            var verbose = new List<string>();
            var failed = await client.PostAsync(broken.Url("hook/" + secret).ToString(), "team", "{}", new ListSink(verbose), default);
            Assert.False(failed.Posted);
            Assert.Equal(4, broken.Requests.Count);
            Assert.Equal("WebhookServerError", failed.ErrorId);
            Assert.Contains("'team'", failed.Error);
            Assert.DoesNotContain(secret, failed.Error + string.Join("\n", verbose));

            await using var rejecting = new LoopbackServer((context, request) =>
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            });
            var notFound = await client.PostAsync(rejecting.Url("hook/" + secret).ToString(), "team", "{}", null, default);
            Assert.Equal("WebhookRejected", notFound.ErrorId);
            Assert.Single(rejecting.Requests);

            var refused = await client.PostAsync("http://127.0.0.1:1/hook/" + secret, "team", "{}", new ListSink(verbose), default);
            Assert.Equal("WebhookConnectionFailed", refused.ErrorId);
            Assert.DoesNotContain(secret, refused.Error + string.Join("\n", verbose));
        }

        [Fact]
        public void DiscordSplittingKeepsEveryLineInOrderUnderTheLimit()
        {
            var random = new Random(6);
            for (int round = 0; round < 200; round++)
            {
                var lines = Enumerable.Range(0, random.Next(1, 120)).Select(_ => new string('x', random.Next(0, random.Next(2) == 0 ? 300 : 2600))).ToList();
                string text = string.Join("\n", lines);
                var parts = WebhookClient.SplitAtLines(text, WebhookClient.DiscordLimit);
                Assert.All(parts, p => Assert.True(p.Length <= WebhookClient.DiscordLimit));
                Assert.Equal(text.TrimEnd('\n').Replace("\n", string.Empty), string.Concat(parts).Replace("\n", string.Empty).Replace(" ", string.Empty));
                if (lines.All(l => l.Length <= WebhookClient.DiscordLimit))
                {
                    Assert.Equal(text.TrimEnd('\n'), string.Join("\n", parts));
                }
            }
        }

        internal sealed class ListSink : IEventSink
        {
            private readonly List<string> lines;

            public ListSink(List<string> lines) => this.lines = lines;

            public void Verbose(string message) => lines.Add(message);

            public void Warning(string message) => lines.Add(message);

            public void Progress(ProgressInfo progress)
            {
            }
        }
    }
}
