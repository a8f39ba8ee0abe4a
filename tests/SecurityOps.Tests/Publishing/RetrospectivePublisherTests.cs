using System;
using System.IO;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;
using static SecurityOps.Tests.Disclosure.CaseWorkflowTests;

namespace SecurityOps.Tests.Publishing
{
    /// <summary>
    /// The retrospective walk without PowerShell (plan the rules, approve each channel, post, record), against a
    /// webhook receiver on loopback; and the announcement walk it shares.
    /// </summary>
    public sealed class RetrospectivePublisherTests : IDisposable
    {
        private static readonly DateTimeOffset Now = T0.AddDays(40);
        private static readonly DisclosurePolicy Publishes = new DisclosurePolicy { Name = "publishes", Retrospective = new RetrospectiveRule { Publish = true } };
        private static readonly DisclosurePolicy KeepsPrivate = new DisclosurePolicy { Name = "private", Retrospective = new RetrospectiveRule() };
        private readonly TempFolder folder = new TempFolder();
        private readonly LoopbackServer slack = new LoopbackServer(AnnouncementTests.Ok);
        private readonly string slackVariable = "SO_TEST_SLACK_" + Guid.NewGuid().ToString("N");
        private readonly StateRepository files;
        private readonly CaseStore cases;
        private readonly SecurityConfig config;
        private readonly string id;

        public RetrospectivePublisherTests()
        {
            SecurityState.Initialize(folder.Path, initGit: false);
            files = new StateRepository(folder.Path);
            cases = new CaseStore(files);
            Environment.SetEnvironmentVariable(slackVariable, slack.Url("services/T000/B000/" + AnnouncementTests.Secret()).ToString());
            config = new SecurityConfig
            {
                Project = new ProjectSettings { Name = "Example", SecurityContact = "security@example.org" },
                Announcements = new AnnouncementSettings { Slack = { new WebhookChannel { Name = "announcements", UrlVariable = slackVariable } }, RetryDelaySeconds = 0.05 },
            };
            VulnerabilityCase c = NewCase();
            c.FixTeam.Add("mallory");
            c.CveId = "CVE-2026-4321";
            c.CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
            c.AffectedVersions.Add("1.0.0");
            c.FixedVersions.Add("1.0.1");
            c.Impact = "impact";
            c.Mitigation = "none";
            c.BinariesUrl = "https://example.org/r";
            c.ReleaseNotesUrl = "https://example.org/n";
            foreach (string status in new[] { CaseStatus.Acknowledged, CaseStatus.Triaged, CaseStatus.Fixing, CaseStatus.Released, CaseStatus.RetrospectiveDone })
            {
                c = Move(c, status, T0.AddDays(1));
            }

            c.PlannedPublicDate = T0.AddDays(10);
            cases.Save(c);
            id = c.Id;
            WriteRetrospective("The fix shipped within the week.");
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable(slackVariable, null);
            slack.Dispose();
            folder.Dispose();
        }

        private string CaseFile => File.ReadAllText(files.FullPath(VulnerabilityCase.PathFor(id)));

        private void WriteRetrospective(string wentWell) =>
            files.WriteTextAtomic(RetrospectiveBuilder.RelativePathFor(id), $"# Retrospective\n\n## What went well\n\n- {wentWell}\n\n## Private notes\n\nNot for the public.\n");

        private PostingWalk Publish(Func<string, string, bool> approve, DisclosurePolicy policy = null, bool force = false, bool resend = false, DateTimeOffset? at = null) =>
            new RetrospectivePublisher(cases, config, new TemplateRenderer(files), new FixedClock(at ?? Now)).Publish(id, force, new PostingRequest
            {
                Actor = "carol", Policy = _ => policy ?? Publishes, Approve = approve, Resend = resend,
            });

        [Fact]
        public void DeclinedChannelsGetNothingAndTheCaseStaysAsItWasThenApprovedOnesArePostedOnceAndRecorded()
        {
            string before = CaseFile;
            string asked = null;
            PostingWalk declined = Publish((posting, channel) =>
            {
                asked = posting;
                Assert.Equal("slack 'announcements'", channel);
                return false;
            });

            Assert.Contains("The fix shipped within the week.", asked);
            Assert.DoesNotContain("Not for the public", asked);
            Assert.Equal("WhatIf", Assert.Single(declined.Results).Status);
            Assert.Empty(slack.Requests);
            Assert.Equal(before, CaseFile);

            PostingWalk posted = Publish((posting, channel) => true);
            Assert.Equal("Posted", Assert.Single(posted.Results).Status);
            Assert.Contains("The fix shipped within the week.", Assert.Single(slack.Requests).Body);
            VulnerabilityCase c = cases.GetRequired(id);
            Assert.Equal("Posted", Assert.Single(c.RetrospectivePosts).Status);
            Assert.Contains(c.Timeline, e => e.Kind == "retrospective-published" && e.Actor == "carol" && e.What == "Retrospective posted to slack announcements.");

            // A channel that has it is skipped unless resent.
            Assert.Equal("Skipped", Assert.Single(Publish((posting, channel) => true).Results).Status);
            Assert.Single(slack.Requests);
        }

        [Fact]
        public void TheRulesRefuseBeforeAnythingIsAskedOrPosted()
        {
            bool asked = false;
            Func<string, string, bool> approve = (posting, channel) => asked = true;

            Assert.Equal("EmbargoActive", Assert.Throws<SecurityOpsException>(() => Publish(approve, at: T0.AddDays(9))).ErrorId);
            Assert.Equal("RetrospectiveNotPublic", Assert.Throws<SecurityOpsException>(() => Publish(approve, KeepsPrivate)).ErrorId);
            WriteRetrospective("mallory fixed it fast.");
            Assert.Equal("RetrospectiveNamesPeople", Assert.Throws<SecurityOpsException>(() => Publish(approve)).ErrorId);
            Assert.False(asked);
            Assert.Empty(slack.Requests);
            Assert.Empty(cases.GetRequired(id).RetrospectivePosts);

            // Forced past a policy that keeps retrospectives private: posted, and the case says so.
            WriteRetrospective("The fix shipped within the week.");
            Publish((posting, channel) => true, KeepsPrivate, force: true);
            Assert.Contains(cases.GetRequired(id).Timeline, e => e.Kind == "retrospective-published" && e.What.Contains("(-Force: the policy 'private' does not publish retrospectives)"));
        }

        [Fact]
        public void TheAnnouncementWalkAsksTheGateThenPostsAndRecordsLikeTheRetrospective()
        {
            var service = new AnnouncementService(config, new TemplateRenderer(files), cases, new FixedClock(T0.AddDays(9)));
            Assert.Equal("EmbargoActive", Assert.Throws<SecurityOpsException>(() => service.Announce(id, new PostingRequest())).ErrorId);

            service = new AnnouncementService(config, new TemplateRenderer(files), cases, new FixedClock(Now));
            Assert.Equal("WhatIf", Assert.Single(service.Announce(id, new PostingRequest { Approve = (posting, channel) => false }).Results).Status);
            Assert.Empty(slack.Requests);
            Assert.Empty(cases.GetRequired(id).Announcements);

            Assert.Equal("Posted", Assert.Single(service.Announce(id, new PostingRequest { Actor = "carol" }).Results).Status);
            Assert.Single(slack.Requests);
            Assert.Equal("Posted", Assert.Single(cases.GetRequired(id).Announcements).Status);
        }
    }
}
