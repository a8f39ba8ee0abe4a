using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SecurityOps.Embargo;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Send-EmbargoNotice stopped mid-batch (Ctrl+C while the server hangs): who was told is on the case, and a rerun tells only the rest.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class EmbargoNoticeCrashTests : IClassFixture<MessagingKeys>
    {
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public EmbargoNoticeCrashTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        [Fact]
        public void EachAcceptedNoticeIsRecordedAtOnceSoARunStoppedMidBatchAndRerunSendsEachMemberExactlyOneMessage()
        {
            using var temp = new TempFolder();
            using var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456", hang: "third-distro");
            var members = new[]
            {
                MessagingKeys.Member("a-rsa", keys.Rsa),
                MessagingKeys.Member("b-curve", keys.Curve),
                MessagingKeys.Member("c-rsa", keys.Rsa, "security@third-distro.example"),
            };
            string state = EmbargoTestState.NewState(ps, temp, server, 1, members);
            string id = EmbargoTestState.NewCase(ps, state, "2026-03-20T14:00:00Z");

            // The server takes a-rsa's and b-curve's messages, then hangs on c-rsa's: the run is stopped there, as a
            // person pressing Ctrl+C (or a runner killing the job) would.
            ModuleContext.UseFixedTime(DateTimeOffset.Parse("2026-03-05T10:00:00Z"));
            try
            {
                using var pipeline = PowerShell.Create();
                pipeline.Runspace = ps.Runspace;
                pipeline.AddScript(EmbargoTestState.Credential + $"Send-EmbargoNotice -Id '{id}' -SmtpCredential $cred -StatePath '{state}' -Confirm:$false");
                IAsyncResult running = pipeline.BeginInvoke();
                var watch = Stopwatch.StartNew();
                while (server.Received().Count < 2 && watch.Elapsed < TimeSpan.FromSeconds(30))
                {
                    Thread.Sleep(20);
                }

                Assert.Equal(2, server.Received().Count);
                Thread.Sleep(300); // c-rsa's message is on the wire, unanswered
                pipeline.Stop();
                Assert.Throws<PipelineStoppedException>(() => pipeline.EndInvoke(running));
            }
            finally
            {
                ModuleContext.UseSystemTime();
            }

            // The case was never rewritten, but each accepted message was written down as it was accepted.
            Assert.Empty(EmbargoTestState.Case(state, id).Notices);
            var journal = new NoticeJournal(new StateRepository(state)).Entries(id);
            Assert.Equal(new[] { "a-rsa", "b-curve" }, journal.Select(e => e.MemberId).OrderBy(m => m));
            Assert.All(journal, e => Assert.False(string.IsNullOrEmpty(e.MessageId)));
            Assert.Equal(server.Received().Select(m => m.Raw).Select(raw => System.Text.RegularExpressions.Regex.Match(raw, @"(?im)^Message-Id:\s*<?([^>\r\n]+)>?").Groups[1].Value).OrderBy(x => x),
                journal.Select(e => e.MessageId).OrderBy(x => x));

            // Until the rerun, the team reminder says so.
            var reminder = ps.At("2026-03-05T10:10:00Z", "Send-TeamReminder -StatePath $state -WhatIf", new Dictionary<string, object> { ["state"] = state })
                .Objects<TeamReminder>().Single();
            Assert.Contains(reminder.Items, i => i.Category == "interrupted-notice" && i.Subject == id && i.Detail.Contains("a-rsa, b-curve"));

            var rerun = ps.At("2026-03-05T10:30:00Z", EmbargoTestState.Credential + "Send-EmbargoNotice -Id $id -SmtpCredential $cred -StatePath $state -Confirm:$false",
                new Dictionary<string, object> { ["state"] = state, ["id"] = id });
            Assert.Empty(rerun.Errors);
            Assert.Contains(rerun.Warnings, w => w.Contains("stopped mid-batch") && w.Contains("2 notice(s)"));
            var results = rerun.Objects<EmbargoNoticeResult>().ToList();
            Assert.Equal("c-rsa", results.Single(r => r.Status == "Sent").MemberId);
            Assert.Equal(new[] { "a-rsa", "b-curve" }, results.Where(r => r.Status == "Skipped").Select(r => r.MemberId).OrderBy(m => m));

            var received = server.Received();
            Assert.Equal(3, received.Count);
            foreach (DistributorMember m in members)
            {
                Assert.Single(received, mail => mail.EnvelopeTo.Contains(m.SecurityAlias));
            }

            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            Assert.Equal(3, c.Notices.Count(n => n.Status == "Sent"));
            Assert.Equal(3, c.Notices.Select(n => n.MemberId).Distinct().Count());
            Assert.Equal(CaseStatus.DistributorsNotified, c.Status);
            Assert.Contains(c.Timeline, e => e.Kind == "embargo-notice" && e.What.Contains("recovered from the journal") && e.What.Contains("a-rsa") && e.What.Contains("b-curve"));
            Assert.Empty(new NoticeJournal(new StateRepository(state)).Entries(id));
            Assert.False(Directory.Exists(Path.Combine(state, "journal", id)));
        }
    }
}
