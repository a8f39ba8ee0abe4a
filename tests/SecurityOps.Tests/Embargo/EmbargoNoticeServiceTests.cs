using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Embargo;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;
using static SecurityOps.Tests.Disclosure.CaseWorkflowTests;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>
    /// The notice walk without PowerShell or SMTP: plan, approve each notice, send through a transport the test
    /// plays, record on the case; and the journal that makes a killed run safe to run again.
    /// </summary>
    public sealed class EmbargoNoticeServiceTests : IDisposable
    {
        private static readonly DateTimeOffset Now = T0.AddDays(2);
        private readonly TempFolder folder = new TempFolder();
        private readonly SecurityState state;
        private readonly CaseStore cases;
        private readonly string id;

        public EmbargoNoticeServiceTests()
        {
            SecurityState.Initialize(folder.Path, initGit: false);
            state = SecurityState.Open(folder.Path);
            cases = new CaseStore(state.Files);
            state.Files.Write(DistributorStore.FileName, new DistributorList
            {
                Members = new[] { "a-distro", "b-distro", "c-distro" }.Select(m => new DistributorMember
                {
                    Id = m, Organisation = m + " Corp", Distribution = m + " Linux", SecurityAlias = $"security@{m}.example", Status = "active",
                    Joined = T0.AddDays(-300),
                }).ToList(),
            });
            VulnerabilityCase c = NewCase();
            foreach (string status in new[] { CaseStatus.Acknowledged, CaseStatus.Triaged, CaseStatus.Fixing })
            {
                c = Move(c, status, T0.AddHours(1));
            }

            c.CveId = "CVE-2026-1234";
            c.PlannedPublicDate = T0.AddDays(20);
            cases.Save(c);
            id = c.Id;
        }

        public void Dispose() => folder.Dispose();

        private EmbargoNoticeService Service =>
            new EmbargoNoticeService(new DistributorStore(state.Files), new TemplateRenderer(state.Files), state.Config, cases, new FixedClock(Now));

        private List<NoticeJournalEntry> Journal => new NoticeJournal(state.Files).Entries(id);

        private static MailDelivery Sent(DistributorMember m) => new MailDelivery
        {
            MemberId = m.Id, Recipient = m.SecurityAlias, MessageId = $"<{m.Id}.{Guid.NewGuid():N}@example>", Status = "Sent", SentAt = Now, Attempts = 1,
        };

        [Fact]
        public void DeclinedNoticesSendAndWriteNothingAndApprovedOnesAreSentJournalledAndRecorded()
        {
            string before = File.ReadAllText(Path.Combine(folder.Path, VulnerabilityCase.PathFor(id)));
            var asked = new List<string>();
            bool called = false;
            NoticeWalk declined = Service.Send(id, new NoticeRequest
            {
                Actor = "alice",
                ApproveNotice = notice =>
                {
                    asked.Add(notice);
                    return false;
                },
            }, (notices, accepted) =>
            {
                called = true;
                return new List<MailDelivery>();
            });

            Assert.Equal(3, asked.Count);
            Assert.All(asked, a => Assert.Contains("Subject: [EMBARGOED] CVE-2026-1234", a));
            Assert.False(called);
            Assert.Equal(3, declined.Results.Count);
            Assert.All(declined.Results, r => Assert.NotEqual("Sent", r.Status));
            Assert.All(declined.Results, r => Assert.Equal("PgpKeyMissing", r.ErrorId)); // shown as the real run would refuse them: no key
            Assert.Empty(declined.Errors);
            Assert.Equal(before, File.ReadAllText(Path.Combine(folder.Path, VulnerabilityCase.PathFor(id))));
            Assert.Empty(Journal);

            var journalledBeforeNext = new List<int>();
            NoticeWalk sent = Service.Send(id, new NoticeRequest { Actor = "alice" }, (notices, accepted) =>
            {
                var deliveries = new List<MailDelivery>();
                foreach (var (member, _) in notices)
                {
                    journalledBeforeNext.Add(Journal.Count);
                    MailDelivery d = Sent(member);
                    accepted(d);
                    deliveries.Add(d);
                }

                return deliveries;
            });

            Assert.Equal(new[] { 0, 1, 2 }, journalledBeforeNext); // each accepted message is written down before the next goes out
            Assert.Equal(new[] { "Sent", "Sent", "Sent" }, sent.Results.Select(r => r.Status));
            VulnerabilityCase c = cases.GetRequired(id);
            Assert.Equal(3, c.Notices.Count(n => n.Status == "Sent"));
            Assert.Equal(CaseStatus.DistributorsNotified, c.Status);
            Assert.Contains(c.Timeline, e => e.Kind == "embargo-notice" && e.Actor == "alice");
            Assert.Empty(Journal);
        }

        [Fact]
        public void AWalkKilledMidBatchLeavesItsJournalAndTheNextWalkRecordsItAndSendsOnlyToTheRest()
        {
            Assert.Throws<OperationCanceledException>(() => Service.Send(id, new NoticeRequest { Actor = "alice" }, (notices, accepted) =>
            {
                accepted(Sent(notices[0].Member));
                throw new OperationCanceledException(); // Ctrl+C while the second message is on the wire
            }));

            Assert.Empty(cases.GetRequired(id).Notices);
            Assert.Equal(new[] { "a-distro" }, Journal.Select(e => e.MemberId));

            // Declining the recovery leaves the case and the journal; the plan still knows who was told.
            NoticeWalk whatIf = Service.Send(id, new NoticeRequest { Approve = (target, action) => false, ApproveNotice = _ => false }, null);
            Assert.Equal(1, whatIf.Recovered);
            Assert.Equal("Skipped", whatIf.Results.Single(r => r.MemberId == "a-distro").Status);
            Assert.Empty(cases.GetRequired(id).Notices);
            Assert.Single(Journal);

            var sentTo = new List<string>();
            NoticeWalk rerun = Service.Send(id, new NoticeRequest { Actor = "bob" }, (notices, accepted) =>
                notices.Select(n =>
                {
                    sentTo.Add(n.Member.Id);
                    MailDelivery d = Sent(n.Member);
                    accepted(d);
                    return d;
                }).ToList());

            Assert.Equal(1, rerun.Recovered);
            Assert.Equal(new[] { "b-distro", "c-distro" }, sentTo);
            VulnerabilityCase c = cases.GetRequired(id);
            Assert.Equal(new[] { "a-distro", "b-distro", "c-distro" }, c.Notices.Where(n => n.Status == "Sent").Select(n => n.MemberId).OrderBy(m => m));
            Assert.Contains(c.Timeline, e => e.Kind == "embargo-notice" && e.What.Contains("recovered from the journal") && e.What.Contains("a-distro"));
            Assert.Empty(Journal);
        }

        [Fact]
        public void ANoticeTheServerDidNotTakeIsRecordedAsFailedWithItsError()
        {
            NoticeWalk walk = Service.Send(id, new NoticeRequest { Actor = "alice" }, (notices, accepted) => notices.Select(n => n.Member.Id == "b-distro"
                ? new MailDelivery { MemberId = n.Member.Id, Recipient = n.Member.SecurityAlias, Status = "Failed", ErrorId = "SmtpRecipientRejected", Error = "550 no such user", Attempts = 1 }
                : Sent(n.Member)).ToList());

            SecurityOpsException error = Assert.Single(walk.Errors);
            Assert.Equal("SmtpRecipientRejected", error.ErrorId);
            Assert.Equal("b-distro", error.Target);
            Assert.Equal(FailureKind.ConnectionError, error.Kind);
            Assert.Equal(2, cases.GetRequired(id).Notices.Count(n => n.Status == "Sent"));
        }
    }
}
