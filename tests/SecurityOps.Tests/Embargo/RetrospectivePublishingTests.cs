using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Publish-SecurityRetrospective against webhook receivers on loopback and a real SMTP server, with the fixed clock.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class RetrospectivePublishingTests
    {
        private const string Cmd = "SecurityOps.Commands.PublishSecurityRetrospectiveCommand";
        private const string PublicDate = "2026-03-20T14:00:00Z";
        private readonly PowerShellFixture ps;

        public RetrospectivePublishingTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>Releases the case before its public date and writes its retrospective draft.</summary>
        private void ReleaseWithDraft(Dictionary<string, object> vars)
        {
            ps.At("2026-03-19T10:00:00Z",
                "Set-VulnerabilityReport $id -Status released -IntroducedBy https://github.com/example/runtime/pull/3 -FixedBy https://github.com/example/runtime/pull/9 -StatePath $state -Confirm:$false\n" +
                "New-SecurityRetrospective -Id $id -StatePath $state -Confirm:$false | Out-Null", vars).AssertNoErrors();
        }

        /// <summary>Fills in the three public sections (text given), adds a private section and an HTML comment.</summary>
        private static void Write(string state, string id, string wentWell, string didNot, string followUp)
        {
            string path = Path.Combine(state, "retrospectives", id + ".md");
            string text = File.ReadAllText(path)
                .Replace("## What went well\n\n- \n", $"## What went well\n\n- {wentWell}\n<!-- bob thinks alice should have answered sooner -->\n")
                .Replace("## What did not go well\n\n- \n", $"## What did not go well\n\n- {didNot}\n")
                .Replace("## Follow-ups\n\n- [ ] \n", $"## Follow-ups\n\n- [ ] {followUp}\n\n## Private notes\n\nThe on-call person was on holiday; HR knows.\n");
            File.WriteAllText(path, text);
        }

        /// <summary>
        /// Stacklok's retrospective has "details on everyone involved": under stacklok (retrospective.namesPeople) the
        /// people who agreed to be named are named with their part; everyone else stays anonymous, and a policy that does
        /// not name people refuses even those who agreed.
        /// </summary>
        [Theory]
        [InlineData("stacklok", true)]
        [InlineData("full-process", false)]
        public void PeopleAreNamedOnlyWithTheirConsentAndOnlyWhereThePolicyNamesPeople(string policy, bool namesPeople)
        {
            using var temp = new TempFolder();
            using var slack = new LoopbackServer(AnnouncementTests.Ok);
            using var discord = new LoopbackServer(AnnouncementTests.Ok);
            string state = EmbargoTestState.NewState(ps, temp, null);
            if (policy == "stacklok")
            {
                File.Delete(Path.Combine(state, "policy.yaml"));
                string config = Path.Combine(state, "securityops.yaml");
                File.WriteAllText(config, File.ReadAllText(config).Replace("  policy:\n", "  policy: stacklok\n"));
            }

            AnnouncementTests.Channels(state, slack, discord, AnnouncementTests.Secret(), AnnouncementTests.Secret(), mailingList: false);
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            Assert.Equal(policy, EmbargoTestState.Case(state, id).Policy);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            ps.At("2026-03-12T10:00:00Z", "Set-VulnerabilityReport $id -FixTeam alice,bob -NamingConsent alice -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Contains(EmbargoTestState.Case(state, id).Timeline, e => e.Kind == "consent" && e.What.Contains("alice"));
            ReleaseWithDraft(vars);
            Write(state, id, "alice had the fix ready within a day.", "bob was on holiday.", "Add a fuzzer for the unpacker.");
            ps.At("2026-03-20T15:00:00Z", "Complete-SecurityRetrospective -Id $id -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            string publish = "Publish-SecurityRetrospective -Id $id -Channel announcements -StatePath $state -Confirm:$false";

            // bob did not agree to be named: refused under every policy, and alice only where the policy names people.
            string why = ps.At("2026-03-20T15:10:00Z", publish, vars).Errors.Single().ToString();
            Assert.Contains("bob (What did not go well)", why);
            Assert.Equal(!namesPeople, why.Contains("alice ("));

            string file = Path.Combine(state, "retrospectives", id + ".md");
            File.WriteAllText(file, File.ReadAllText(file).Replace("- bob was on holiday.", "- A fix team member was away."));
            var posted = ps.At("2026-03-20T15:20:00Z", publish, vars);
            if (!namesPeople)
            {
                Assert.Equal(new[] { "RetrospectiveNamesPeople," + Cmd }, posted.ErrorIds);
                return;
            }

            posted.AssertNoErrors();
            string text = JsonDocument.Parse(slack.Requests.Single().Body).RootElement.GetProperty("text").GetString();
            Assert.Contains("alice had the fix ready within a day.", text);
            Assert.Contains("People involved (named with their consent; everyone else is not named)\nalice (fix team)", text);
            Assert.DoesNotContain("bob", text);
        }

        [Fact]
        public void PostedOnlyAfterThePublicDateWhenDoneBlamelessOnceAndOnlyItsPublicSections()
        {
            using var temp = new TempFolder();
            using var smtp = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            using var slack = new LoopbackServer(AnnouncementTests.Ok);
            using var discord = new LoopbackServer(AnnouncementTests.Ok);
            string slackSecret = AnnouncementTests.Secret();
            string discordSecret = AnnouncementTests.Secret();
            string state = EmbargoTestState.NewState(ps, temp, smtp);
            AnnouncementTests.Channels(state, slack, discord, slackSecret, discordSecret, mailingList: true);
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            Assert.Equal("full-process", EmbargoTestState.Case(state, id).Policy);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            ReleaseWithDraft(vars);
            string publish = EmbargoTestState.Credential + "Publish-SecurityRetrospective -Id $id -SmtpCredential $cred -StatePath $state -Actor carol ";
            int Posts() => slack.Requests.Count + discord.Requests.Count + smtp.Received().Count;

            // The public gate comes first: before the public date, even the other checks are not reached.
            var early = ps.At("2026-03-20T13:59:59Z", publish + "-Confirm:$false", vars);
            Assert.Equal(new[] { "EmbargoActive," + Cmd }, early.ErrorIds);

            // After the public date, but the retrospective is not marked done yet.
            var notDone = ps.At("2026-03-20T15:00:00Z", publish + "-Confirm:$false", vars);
            Assert.Equal(new[] { "RetrospectiveNotDone," + Cmd }, notDone.ErrorIds);

            // Done, but the public text blames a person of the case (alice is on the fix team; her address too).
            Write(state, id, "The fix landed within a day.", "alice answered the reporter late (alice@example.org).", "Add a fuzzer for the unpacker.");
            ps.At("2026-03-20T15:00:00Z", "Complete-SecurityRetrospective -Id $id -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var blaming = ps.At("2026-03-20T15:10:00Z", publish + "-Confirm:$false", vars);
            Assert.Equal(new[] { "RetrospectiveNamesPeople," + Cmd }, blaming.ErrorIds);
            string why = blaming.Errors.Single().ToString();
            Assert.Contains("alice (What did not go well)", why);
            Assert.Contains("alice@example.org", why);
            Assert.Equal(0, Posts());

            // Reworded, blameless: the credited reporter may be named. -WhatIf posts nothing and records nothing.
            string file = Path.Combine(state, "retrospectives", id + ".md");
            string edited = File.ReadAllText(file)
                .Replace("- The fix landed within a day.\n", "- The fix landed within a day; thanks to Jane Researcher for a clear report.\n")
                .Replace("- alice answered the reporter late (alice@example.org).\n", "- The reporter waited two days for the first answer.\n");
            Assert.Contains("two days", edited);
            File.WriteAllText(file, edited);
            var whatIf = ps.At("2026-03-20T15:20:00Z", publish + "-WhatIf", vars).AssertNoErrors();
            Assert.Equal(new[] { "WhatIf", "WhatIf", "WhatIf" }, whatIf.Objects<AnnouncementResult>().Select(r => r.Status));
            Assert.Equal(0, Posts());
            Assert.Empty(EmbargoTestState.Case(state, id).RetrospectivePosts);

            var posted = ps.At("2026-03-20T15:30:00Z", publish + "-Confirm:$false -Verbose", vars);
            Assert.Empty(posted.Errors);
            Assert.Equal(new[] { "Posted", "Posted", "Posted" }, posted.Objects<AnnouncementResult>().Select(r => r.Status));
            Assert.Equal(new[] { "slack", "discord", "mail" }, posted.Objects<AnnouncementResult>().Select(r => r.Type));

            string slackText = JsonDocument.Parse(slack.Requests.Single().Body).RootElement.GetProperty("text").GetString();
            string discordText = string.Join("\n", discord.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("content").GetString()));
            var mail = smtp.Received().Single();
            Assert.Equal(new[] { "announce@lists.example.org" }, mail.EnvelopeTo);
            foreach (string text in new[] { slackText, discordText, mail.Raw })
            {
                Assert.Contains("Retrospective: CVE-2026-1234", text);
                Assert.Contains("thanks to Jane Researcher", text);
                Assert.Contains("The reporter waited two days", text);
                Assert.Contains("Add a fuzzer for the unpacker.", text);
                Assert.Contains("https://github.com/example/runtime/pull/3", text);
                Assert.Contains("Credits: Jane Researcher", text);
                foreach (string secret in new[] { "alice", "bob", "holiday", "Private notes", "People involved", "carol", "| Who |" })
                {
                    Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
                }
            }

            Assert.Contains("- Acknowledge the report:", slackText);
            Assert.Contains("milestone(s) met", slackText);

            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            Assert.Equal(3, c.RetrospectivePosts.Count(p => p.Status == "Posted"));
            Assert.Empty(c.Announcements);
            CaseEvent e = c.Timeline.Single(x => x.Kind == "retrospective-published");
            Assert.Equal("carol", e.Actor);
            Assert.Contains("discord mcp-servers", e.What);
            string everything = string.Join("\n", posted.Verbose.Concat(posted.Warnings)) + File.ReadAllText(Path.Combine(state, "cases", id + ".yaml"));
            Assert.DoesNotContain(slackSecret, everything);
            Assert.DoesNotContain(discordSecret, everything);

            // Never twice unless -Resend; the announcement is tracked apart from the retrospective.
            var rerun = ps.At("2026-03-20T16:00:00Z", publish + "-Confirm:$false", vars).AssertNoErrors();
            Assert.Equal(new[] { "Skipped", "Skipped", "Skipped" }, rerun.Objects<AnnouncementResult>().Select(r => r.Status));
            var resend = ps.At("2026-03-20T16:00:00Z", publish + "-Channel announcements -Resend -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal("Posted", resend.Objects<AnnouncementResult>().Single().Status);
            Assert.Equal(2, slack.Requests.Count);
            Assert.Equal(1, smtp.Received().Count);
            var announced = ps.At("2026-03-20T16:10:00Z", "Send-SecurityAnnouncement -Id $id -Channel announcements -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal("Posted", announced.Objects<AnnouncementResult>().Single().Status);
        }

        [Fact]
        public void APolicyThatKeepsRetrospectivesPrivateRefusesUnlessForcedAndTheOverrideTemplateIsUsed()
        {
            using var temp = new TempFolder();
            using var slack = new LoopbackServer(AnnouncementTests.Ok);
            using var discord = new LoopbackServer(AnnouncementTests.Ok);
            string state = EmbargoTestState.NewState(ps, temp, null);
            AnnouncementTests.Channels(state, slack, discord, AnnouncementTests.Secret(), AnnouncementTests.Secret(), mailingList: false);
            string id = EmbargoTestState.NewCase(ps, state, PublicDate);
            var repo = new StateRepository(state);
            VulnerabilityCase c = EmbargoTestState.Case(state, id);
            c.Policy = "openssf";
            repo.Write(c.RelativePath, c);
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };
            ReleaseWithDraft(vars);
            Write(state, id, "Quick fix.", "Slow triage.", "Automate triage.");
            ps.At("2026-03-20T15:00:00Z", "Complete-SecurityRetrospective -Id $id -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            File.WriteAllText(Path.Combine(state, "templates", "public-retrospective.hbs"),
                "Subject: Looking back at {{retrospective.name}}\nOur own words. Went well: {{retrospective.wentWell}}\n");

            var refused = ps.At("2026-03-20T15:10:00Z", "Publish-SecurityRetrospective $id -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "RetrospectiveNotPublic," + Cmd }, refused.ErrorIds);
            Assert.Contains("openssf", refused.Errors.Single().ToString());
            Assert.Empty(slack.Requests);

            var forced = ps.At("2026-03-20T15:20:00Z", "Get-VulnerabilityReport -Id $id -StatePath $state | Publish-SecurityRetrospective -Channel announcements -Force -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Contains(forced.Warnings, w => w.Contains("does not publish retrospectives"));
            Assert.Equal("Posted", forced.Objects<AnnouncementResult>().Single().Status);
            Assert.Empty(discord.Requests);
            string text = JsonDocument.Parse(slack.Requests.Single().Body).RootElement.GetProperty("text").GetString();
            Assert.StartsWith("Looking back at CVE-2026-1234\n\nOur own words. Went well: - Quick fix.", text);
            Assert.Contains("-Force", EmbargoTestState.Case(state, id).Timeline.Single(x => x.Kind == "retrospective-published").What);
        }

        [Fact]
        public void OnlyTheWrittenPublicSectionsAreTakenAndPeopleAreFound()
        {
            string md = "# Retrospective\n\n## People involved\n\n- alice (fix team)\n\n## What went well\n\n- \n- Fast fix.\n<!-- private: bob -->\n```\n## What did not go well\n```\n\n" +
                        "## What did not go well\n\n- \n\n## Follow-ups\n\n- [ ] \n- [ ] Fuzz it, ask @Alice\n\n## Private notes\n\nbob@example.org\n";
            var sections = PublicRetrospective.Sections(md);
            Assert.Equal(new[] { PublicRetrospective.WentWell, PublicRetrospective.FollowUps }, sections.Keys);
            Assert.Equal("- Fast fix.\n\n```\n## What did not go well\n```", sections[PublicRetrospective.WentWell]);
            Assert.Equal("- [ ] Fuzz it, ask @Alice", sections[PublicRetrospective.FollowUps]);

            var c = new VulnerabilityCase { Id = "SEC-2026-0001", Reporter = "finder@example.net", FixTeam = { "alice" }, Credits = { "Jane Finder" } };
            c.Timeline.Add(new CaseEvent { Actor = "bob", What = "x" });
            c.Timeline.Add(new CaseEvent { Actor = "root", What = "y" }); // $env:USER in a container: an account, not a person
            Assert.Equal(new[] { "alice", "bob", "finder@example.net" }, PublicRetrospective.People(c));
            Assert.Equal(new[] { "alice (Follow-ups)" }, PublicRetrospective.NamedPeople(sections, c));
            var clean = new Dictionary<string, string> { ["What went well"] = "The root cause was found fast. Jane Finder's report was clear; the alicebot CI and bobcat tests helped. Write to security@example.org.", };
            Assert.Empty(PublicRetrospective.NamedPeople(clean, c, "security@example.org"));
            Assert.Equal(new[] { "finder@example.net (x)" }, PublicRetrospective.NamedPeople(new Dictionary<string, string> { ["x"] = "mail finder@example.net" }, c));
        }

        [Fact]
        public void ThePolicyFieldIsInTheStacklokPresetOnlyAndChecked()
        {
            Assert.True(PolicyCatalog.Preset("stacklok").Retrospective.Publish);
            Assert.Null(PolicyCatalog.Preset("kubeedge").Retrospective);
            Assert.False(PolicyCatalog.Preset("oci").Retrospective?.Publish ?? false);

            var (policy, problems) = PolicyValidator.Check("name: mine\nretrospective:\n  minDays: 1\n  maxDays: 3\n  publish: true\n", "mine.yaml");
            Assert.Empty(problems);
            Assert.True(policy.Retrospective.Publish);

            var (_, alone) = PolicyValidator.Check("name: mine\nretrospective:\n  publish: true\n", "mine.yaml");
            Assert.Contains(alone, p => p.Field == "retrospective.publish" && p.Line == 3);

            var (_, wrong) = PolicyValidator.Check("name: mine\nretrospective:\n  minDays: 1\n  maxDays: 3\n  publish: sometimes\n", "mine.yaml");
            Assert.Contains(wrong, p => p.Field == "retrospective.publish" && p.Line == 5);

            var (_, typo) = PolicyValidator.Check("name: mine\nretrospective:\n  minDays: 1\n  maxDays: 3\n  publsh: true\n", "mine.yaml");
            Assert.Contains(typo, p => p.Field == "retrospective.publsh" && p.Message.Contains("publish"));
        }
    }
}
