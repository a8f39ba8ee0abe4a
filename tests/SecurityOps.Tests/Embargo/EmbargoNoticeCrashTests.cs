using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using SecurityOps.Model;
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
                pipeline.AddScript(EmbargoTestState.Credential + $"Send-EmbargoNotice -Id '{id}' -Credential $cred -StatePath '{state}' -Confirm:$false");
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

            VulnerabilityCase stopped = EmbargoTestState.Case(state, id);
            Assert.Equal(new[] { "a-rsa", "b-curve" }, stopped.Notices.Where(n => n.Status == "Sent").Select(n => n.MemberId).OrderBy(m => m));
            Assert.All(stopped.Notices, n => Assert.False(string.IsNullOrEmpty(n.MessageId)));

            var rerun = ps.At("2026-03-05T10:30:00Z", EmbargoTestState.Credential + "Send-EmbargoNotice -Id $id -Credential $cred -StatePath $state -Confirm:$false",
                new Dictionary<string, object> { ["state"] = state, ["id"] = id });
            Assert.Empty(rerun.Errors);
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
        }
    }
}
