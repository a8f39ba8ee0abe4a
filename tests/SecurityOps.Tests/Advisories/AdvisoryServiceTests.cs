using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using SecurityOps.Advisories;
using SecurityOps.Disclosure;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Tests.GitHub;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Advisories
{
    /// <summary>The advisory service against the loopback GitHub emulator: exact REST calls and bodies, the policy, the gate.</summary>
    public sealed class AdvisoryServiceTests : IDisposable
    {
        private const string Repo = "flatcar/Flatcar";
        private readonly GitHubTestBed bed = new GitHubTestBed();
        private readonly CaseStore cases;
        private readonly GitHubGateway gateway;
        private readonly AdvisorySettings settings = new AdvisorySettings { Ecosystem = "go", ForkPollSeconds = 5 };

        public AdvisoryServiceTests()
        {
            cases = new CaseStore(bed.State.Files);
            gateway = bed.Gateway();
        }

        private AdvisoryService Service => new AdvisoryService(cases, new AdvisoryApi(gateway), settings, NullEventSink.Instance, bed.Clock, (t, c) =>
        {
            bed.Waits.Add(t);
            bed.Clock.Advance(t);
            return Task.CompletedTask;
        });

        public void Dispose()
        {
            gateway.Dispose();
            bed.Dispose();
        }

        [Fact]
        public async Task ListSendsTheStateAndFollowsTheCursorThenFiltersSeverityAndCve()
        {
            for (int i = 0; i < 3; i++)
            {
                bed.Emulator.AddReport(Repo, $"Report {i}", "reporter" + i, createdAt: $"2026-01-0{i + 1}T08:00:00Z", cvssVector: i == 1 ? "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" : null);
            }

            bed.Emulator.AddReport(Repo, "Other", "x");
            string withCve = bed.Emulator.Advisories(Repo)[0]["ghsa_id"].ToString();
            bed.Emulator.AssignCve(Repo, withCve, "CVE-2026-4242");

            var all = await Service.ListAsync(GitHubRepositoryName.Parse(Repo), "triage", pageSize: 2);
            Assert.Equal(4, all.Count);
            var calls = bed.Emulator.Server.Requests.Select(r => r.ToString()).ToList();
            Assert.Equal("GET /repos/flatcar/Flatcar/security-advisories?per_page=2&state=triage", calls[0]);
            Assert.StartsWith("GET /repos/flatcar/Flatcar/security-advisories?per_page=2&state=triage&after=GHSA-", calls[1]);
            Assert.Equal(2, calls.Count);

            var high = await Service.ListAsync(GitHubRepositoryName.Parse(Repo), "triage", severity: "HIGH");
            Assert.Equal(new[] { "Report 1" }, high.Select(a => a.Summary));
            Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", high[0].CvssVector);
            var cve = await Service.ListAsync(GitHubRepositoryName.Parse(Repo), cveId: "CVE-2026-4242");
            Assert.Equal(withCve, Assert.Single(cve).GhsaId);
        }

        [Fact]
        public async Task ImportingAReportTwiceMakesOneCaseWithTheReportsFields()
        {
            string ghsa = bed.Emulator.AddReport(Repo, "SSRF in fetch", "finder-jane", cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", range: "< 1.4.2", package: "github.com/StacklokLabs/fetch");
            var report = Assert.Single(await Service.ReportsAsync(GitHubRepositoryName.Parse(Repo)));

            var (first, created) = Service.Import(report, "flatcar", "lead");
            Assert.True(created);
            var c = cases.GetRequired(first.Id);
            Assert.Equal("github", c.Channel);
            Assert.Equal("finder-jane", c.Reporter);
            Assert.Equal(DateTimeOffset.Parse("2026-01-04T08:30:00Z"), c.ReceivedAt);
            Assert.Equal("SSRF in fetch", c.Summary);
            Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", c.CvssVector);
            Assert.Equal("HIGH", c.Severity);
            Assert.Equal(new[] { "< 1.4.2" }, c.AffectedVersions);
            Assert.Equal("github.com/StacklokLabs/fetch", c.Component);
            Assert.Equal(ghsa, c.GhsaId);
            Assert.Equal("Steps to reproduce.", c.Advisory.Description);
            Assert.Contains(c.Timeline, e => e.Kind == "advisory" && e.What.Contains(ghsa));

            var (second, createdAgain) = Service.Import(report, "flatcar", "lead");
            Assert.False(createdAgain);
            Assert.Equal(first.Id, second.Id);
            Assert.Single(cases.All());
            Assert.Equal(c.Timeline.Count, cases.GetRequired(first.Id).Timeline.Count);
            Assert.Empty(bed.Emulator.Writes);
        }

        [Fact]
        public async Task CreateSendsTheCaseAsOneDraftAndUpdateFollowsTheCase()
        {
            var c = NewCase();
            var call = Service.PlanCreate(c, GitHubRepositoryName.Parse(Repo), new CaseAdvisory { CweIds = { "918" }, VulnerableFunctions = { "Fetch" } });
            Assert.Equal("POST /repos/flatcar/Flatcar/security-advisories", call.Request.Substring(0, call.Request.IndexOf(' ', 5)));
            Assert.Empty(bed.Emulator.Server.Requests); // planning sends nothing

            var created = (SecurityAdvisory)await Service.ExecuteAsync(call, "lead");
            var post = Assert.Single(bed.Emulator.Writes);
            Assert.Equal(("POST", "/repos/flatcar/Flatcar/security-advisories"), (post.Method, post.Path));
            var expected = JsonNode.Parse(@"{
                ""summary"": ""SSRF in the fetch tool"",
                ""description"": ""SSRF in the fetch tool\n\n### Impact\nReads internal services.\n\n### Patches\nFixed in 1.4.2.\n\n### Workarounds\nBlock link-local addresses.\n\n### References\n- https://github.com/StacklokLabs/fetch/pull/9\n\n<!-- securityops-case: SEC-2026-0001 -->\n"",
                ""vulnerabilities"": [
                  { ""package"": { ""ecosystem"": ""go"", ""name"": ""github.com/StacklokLabs/fetch"" }, ""vulnerable_version_range"": ""< 1.4.2"", ""patched_versions"": ""1.4.2"", ""vulnerable_functions"": [""Fetch""] },
                  { ""package"": { ""ecosystem"": ""go"", ""name"": ""github.com/StacklokLabs/fetch"" }, ""vulnerable_version_range"": ""= 1.0.0-rc1"", ""patched_versions"": ""1.4.2"", ""vulnerable_functions"": [""Fetch""] }
                ],
                ""cwe_ids"": [""CWE-918""],
                ""credits"": [ { ""login"": ""alice"", ""type"": ""finder"" }, { ""login"": ""bob"", ""type"": ""remediation_developer"" } ],
                ""cvss_vector_string"": ""CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N""
            }");
            Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(post.Body)), post.Body);

            var saved = cases.GetRequired(c.Id);
            Assert.Equal(created.GhsaId, saved.GhsaId);
            Assert.Equal("draft", saved.Advisory.State);
            Assert.Equal($"https://github.example/{Repo}/security/advisories/{created.GhsaId}", saved.AdvisoryUrl);
            Assert.Contains(saved.Timeline, e => e.Kind == "advisory" && e.What.StartsWith("Drafted GitHub advisory " + created.GhsaId, StringComparison.Ordinal));

            Assert.Null(Service.PlanCreate(saved, GitHubRepositoryName.Parse(Repo), null)); // one advisory per case
            Assert.Single(bed.Emulator.Advisories(Repo));

            var changed = CaseWorkflow.Apply(saved, new CaseChange { Impact = "Reads cloud metadata.", CveId = "CVE-2026-1111" }, "lead", bed.Clock.GetUtcNow());
            cases.Save(changed);
            await Service.ExecuteAsync(Service.PlanUpdate(changed, null), "lead");
            var patch = bed.Emulator.Writes.Last();
            Assert.Equal(("PATCH", $"/repos/flatcar/Flatcar/security-advisories/{created.GhsaId}"), (patch.Method, patch.Path));
            var body = JsonNode.Parse(patch.Body).AsObject();
            Assert.Equal("CVE-2026-1111", (string)body["cve_id"]);
            Assert.Contains("Reads cloud metadata.", (string)body["description"]);
            Assert.Equal("[\"CWE-918\"]", body["cwe_ids"].ToJsonString());
            Assert.False(body.ContainsKey("state"));
            Assert.Equal("CVE-2026-1111", (string)bed.Emulator.Advisory(Repo, created.GhsaId)["cve_id"]);
        }

        [Fact]
        public async Task CollaboratorsFollowThePolicyAndOutsidersNeedAnApprover()
        {
            var c = await WithAdvisory(NewCase(channel: "other", reporter: "finder-jane"));
            bed.Emulator.SetFile(Repo, ".github/CODEOWNERS", "# owners\n* @alice @flatcar/security-team\n/docs/ docs@example.com @bob\n");
            settings.Team.Add("carol");

            var refused = await Assert.ThrowsAsync<SecurityOpsException>(() => Service.PlanCollaboratorsAsync(c, new[] { "alice", "mallory" }, null, null, "lead"));
            Assert.Equal("CollaboratorNotAllowed", refused.ErrorId);
            Assert.Equal("mallory", refused.Target);
            var reporter = await Assert.ThrowsAsync<SecurityOpsException>(() => Service.PlanCollaboratorsAsync(c, new[] { "finder-jane" }, null, "carol", "lead"));
            Assert.Contains("not a private channel", reporter.Message);
            var outsider = await Assert.ThrowsAsync<SecurityOpsException>(() => Service.PlanCollaboratorsAsync(c, new[] { "mallory" }, null, "dave", "lead"));
            Assert.Equal(("ApproverNotOnSecurityTeam", "dave"), (outsider.ErrorId, (string)outsider.Target));
            Assert.DoesNotContain(bed.Emulator.Writes, w => w.Method == "PATCH");
            Assert.Contains(bed.Emulator.Calls, x => x == "GET /repos/flatcar/Flatcar/contents/.github/CODEOWNERS");

            var call = await Service.PlanCollaboratorsAsync(c, new[] { "@alice", "bob", "carol", "mallory" }, new[] { "flatcar/security-team" }, "carol", "lead");
            await Service.ExecuteAsync(call, "lead");
            var patch = bed.Emulator.Writes.Last();
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(@"{""collaborating_users"":[""alice"",""bob"",""carol"",""mallory""],""collaborating_teams"":[""security-team""]}"), JsonNode.Parse(patch.Body)), patch.Body);
            var saved = cases.GetRequired(c.Id).Advisory.Collaborators;
            Assert.Equal(new[] { ("alice", "codeowners", (string)null), ("bob", "codeowners", null), ("carol", "team", null), ("mallory", "approved", "carol"), ("security-team", "codeowners", null) },
                saved.Select(x => (x.Login, x.Source, x.ApprovedBy)));
            Assert.Contains(cases.GetRequired(c.Id).Timeline, e => e.What.Contains("mallory (approved by carol)"));

            // A second call keeps GitHub's current collaborators.
            await Service.ExecuteAsync(await Service.PlanCollaboratorsAsync(c, new[] { "erin" }, null, "carol", "lead"), "lead");
            Assert.Equal("{\"collaborating_users\":[\"alice\",\"bob\",\"carol\",\"mallory\",\"erin\"]}", bed.Emulator.Writes.Last().Body);
        }

        [Fact]
        public async Task TheReporterOfAPrivateReportMayCollaborate()
        {
            var c = await WithAdvisory(NewCase(channel: "github", reporter: "finder-jane"));
            await Service.ExecuteAsync(await Service.PlanCollaboratorsAsync(c, new[] { "finder-jane" }, null, null, "lead"), "lead");
            Assert.Equal("reporter", cases.GetRequired(c.Id).Advisory.Collaborators.Single().Source);
        }

        [Fact]
        public async Task CveRequestIsRecordedAndTheAssignedIdLandsOnTheCase()
        {
            var c = await WithAdvisory(NewCase());
            var call = Service.PlanCveRequest(c);
            await Service.ExecuteAsync(call, "lead");
            var post = bed.Emulator.Writes.Last();
            Assert.Equal(("POST", $"/repos/flatcar/Flatcar/security-advisories/{c.GhsaId}/cve", ""), (post.Method, post.Path, post.Body == "{}" ? "" : post.Body));
            var pending = cases.GetRequired(c.Id);
            Assert.Equal("pending", pending.Advisory.CveRequestState);
            Assert.Null(Service.PlanCveRequest(pending)); // asked once

            Assert.Empty(await Service.RefreshPendingCveRequestsAsync("runbook"));
            bed.Emulator.AssignCve(Repo, c.GhsaId, "CVE-2026-7777");
            var updated = Assert.Single(await Service.RefreshPendingCveRequestsAsync("runbook"));
            Assert.Equal("CVE-2026-7777", updated.CveId);
            var saved = cases.GetRequired(c.Id);
            Assert.Equal(("CVE-2026-7777", "assigned"), (saved.CveId, saved.Advisory.CveRequestState));
            Assert.Contains(saved.Timeline, e => e.Kind == "cve" && e.Actor == "runbook");
            Assert.Empty(await Service.RefreshPendingCveRequestsAsync("runbook"));
        }

        [Fact]
        public async Task TheForkIsNotReadyAtFirstAndIsWaitedFor()
        {
            var c = await WithAdvisory(NewCase());
            bed.Emulator.ForkReadyAfterPolls = 3;
            var progress = new List<ProgressInfo>();
            var service = new AdvisoryService(cases, new AdvisoryApi(gateway), settings, new ProgressSink(progress), bed.Clock, (t, _) =>
            {
                bed.Clock.Advance(t);
                return Task.CompletedTask;
            });
            await service.ExecuteAsync(service.PlanFork(c), "lead");
            string fork = $"{Repo}-{c.GhsaId.ToLowerInvariant()}";
            Assert.Equal(("POST", $"/repos/flatcar/Flatcar/security-advisories/{c.GhsaId}/forks"), (bed.Emulator.Writes.Last().Method, bed.Emulator.Writes.Last().Path));
            Assert.Equal(fork, cases.GetRequired(c.Id).Advisory.PrivateFork);
            Assert.Null(service.PlanFork(cases.GetRequired(c.Id))); // never forked twice

            var start = bed.Clock.GetUtcNow();
            var ready = await service.WaitForForkAsync(c.Id, "lead", TimeSpan.FromMinutes(5));
            Assert.Equal(4, bed.Emulator.Calls.Count(x => x == "GET /repos/" + fork));
            Assert.Equal(start.AddSeconds(15), ready.ForkReadyAt);
            Assert.Equal(3, progress.Count(p => !p.Completed));
            Assert.True(progress.Last().Completed);
            Assert.Contains(cases.GetRequired(c.Id).Timeline, e => e.What.Contains("is ready (after 15 s, 4 poll(s))"));
        }

        [Fact]
        public async Task WithoutATimeoutTheWaitLastsAsLongAsGitHubTakes()
        {
            var c = await WithAdvisory(NewCase());
            bed.Emulator.ForkReadyAfterPolls = 300; // 25 minutes of polls on the test clock
            await Service.ExecuteAsync(Service.PlanFork(c), "lead");
            var start = bed.Clock.GetUtcNow();
            var ready = await Service.WaitForForkAsync(c.Id, "lead", TimeSpan.Zero);
            Assert.True(ready.ForkReadyAt - start > TimeSpan.FromMinutes(20), $"ready after {ready.ForkReadyAt - start}");
        }

        [Fact]
        public async Task AForkThatNeverAnswersTimesOut()
        {
            var c = await WithAdvisory(NewCase());
            bed.Emulator.ForkReadyAfterPolls = 1000;
            await Service.ExecuteAsync(Service.PlanFork(c), "lead");
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => Service.WaitForForkAsync(c.Id, "lead", TimeSpan.FromSeconds(30)));
            Assert.Equal(("ForkNotReady", FailureKind.OperationTimeout), (ex.ErrorId, ex.Kind));
            Assert.Null(cases.GetRequired(c.Id).Advisory.ForkReadyAt);
        }

        [Fact]
        public async Task PublishIsRefusedBeforeThePublicDateThenSendsStatePublished()
        {
            var c = await WithAdvisory(NewCase());
            c = CaseWorkflow.Apply(c, new CaseChange { PlannedPublicDate = GitHubTestBed.T0.AddDays(3) }, "lead", bed.Clock.GetUtcNow());
            cases.Save(c);

            var refused = Assert.Throws<SecurityOpsException>(() => Service.PlanPublish(c));
            Assert.Equal("EmbargoActive", refused.ErrorId);
            bed.Clock.Set(GitHubTestBed.T0.AddDays(3).AddSeconds(-1));
            Assert.Throws<SecurityOpsException>(() => Service.PlanPublish(c));
            Assert.DoesNotContain(bed.Emulator.Writes, w => w.Body.Contains("published"));

            bed.Clock.Set(GitHubTestBed.T0.AddDays(3));
            var published = (SecurityAdvisory)await Service.ExecuteAsync(Service.PlanPublish(c), "lead");
            var patch = bed.Emulator.Writes.Last();
            Assert.Equal(("PATCH", $"/repos/flatcar/Flatcar/security-advisories/{c.GhsaId}", "{\"state\":\"published\"}"), (patch.Method, patch.Path, patch.Body));
            Assert.Equal("published", published.State);
            var saved = cases.GetRequired(c.Id);
            Assert.Equal(("published", GitHubTestBed.T0.AddDays(3)), (saved.Advisory.State, saved.Advisory.PublishedAt));
            Assert.Null(Service.PlanPublish(saved));
        }

        [Fact]
        public async Task SecondaryLimitsAndTooManyRequestsAreWaitedOutAndServerErrorsRetried()
        {
            var c = NewCase();
            bed.Emulator.Inject(GitHubFault.SecondaryLimit, GitHubEmulator.On("POST", "/security-advisories"), retryAfterSeconds: 7);
            var created = (SecurityAdvisory)await Service.ExecuteAsync(Service.PlanCreate(c, GitHubRepositoryName.Parse(Repo), null), "lead");
            Assert.Equal(TimeSpan.FromSeconds(7), TimeSpan.FromTicks(bed.Waits.Sum(w => w.Ticks)));
            Assert.Single(bed.Emulator.Advisories(Repo));

            c = cases.GetRequired(c.Id);
            bed.Waits.Clear();
            bed.Emulator.Inject(GitHubFault.TooManyRequests, GitHubEmulator.On("PATCH", created.GhsaId), retryAfterSeconds: 11);
            await Service.ExecuteAsync(Service.PlanUpdate(c, null), "lead");
            Assert.Equal(TimeSpan.FromSeconds(11), TimeSpan.FromTicks(bed.Waits.Sum(w => w.Ticks)));
            Assert.Equal(2, bed.Emulator.Calls.Count(x => x == $"PATCH /repos/flatcar/Flatcar/security-advisories/{created.GhsaId}"));

            bed.Waits.Clear();
            bed.Emulator.Inject(GitHubFault.ServerError, GitHubEmulator.On("GET", "/security-advisories"));
            bed.Emulator.Inject(GitHubFault.ServerError, GitHubEmulator.On("GET", "/security-advisories"));
            var list = await Service.ListAsync(GitHubRepositoryName.Parse(Repo));
            Assert.Single(list);
            Assert.Equal(c.Id, list[0].CaseId);
            // The listing before the create (looking for the case's marker), then this list: two failed attempts and the answered one.
            Assert.Equal(4, bed.Emulator.Calls.Count(x => x == "GET /repos/flatcar/Flatcar/security-advisories"));
            Assert.Equal(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }, bed.Waits);
        }

        [Fact]
        public async Task CloseSendsStateClosedOnce()
        {
            var c = await WithAdvisory(NewCase());
            await Service.ExecuteAsync(Service.PlanClose(c), "lead");
            var patch = bed.Emulator.Writes.Last();
            Assert.Equal(("PATCH", $"/repos/flatcar/Flatcar/security-advisories/{c.GhsaId}", "{\"state\":\"closed\"}"), (patch.Method, patch.Path, patch.Body));
            var saved = cases.GetRequired(c.Id);
            Assert.Equal("closed", saved.Advisory.State);
            Assert.Equal("Closed GitHub advisory " + c.GhsaId + ".", saved.Timeline.Last().What);
            Assert.Null(Service.PlanClose(saved));
        }

        [Fact]
        public async Task ALostCreateAnswerIsFoundAmongTheDraftsNotSentAgain()
        {
            var c = NewCase();
            bed.Emulator.Inject(GitHubFault.DropAfterApply, GitHubEmulator.On("POST", "/security-advisories"));
            var created = (SecurityAdvisory)await Service.ExecuteAsync(Service.PlanCreate(c, GitHubRepositoryName.Parse(Repo), null), "lead");
            var only = Assert.Single(bed.Emulator.Advisories(Repo));
            Assert.Equal((string)only["ghsa_id"], created.GhsaId);
            Assert.Equal(created.GhsaId, cases.GetRequired(c.Id).GhsaId);
            Assert.Equal(1, bed.Emulator.Calls.Count(x => x == "POST /repos/flatcar/Flatcar/security-advisories"));
            Assert.Contains("GET /repos/flatcar/Flatcar/security-advisories", bed.Emulator.Calls);
        }

        [Fact]
        public async Task TheJournalRecordsEachWriteAndItsAnswer()
        {
            var c = await WithAdvisory(NewCase());
            var journal = new AdvisoryJournal(bed.State.Files);
            var create = journal.Get(c.Id, AdvisoryJournal.Create);
            Assert.Equal((AdvisoryJournalEntry.Answered, c.GhsaId, Repo), (create.Outcome, create.GhsaId, create.Repository));
            Assert.Equal("POST /repos/flatcar/Flatcar/security-advisories", create.Request);
            Assert.Equal(AdvisoryService.CaseMarker(c.Id), create.Marker);

            await Service.ExecuteAsync(Service.PlanFork(c), "lead");
            var fork = journal.Get(c.Id, AdvisoryJournal.Fork);
            Assert.Equal((AdvisoryJournalEntry.Answered, $"{Repo}-{c.GhsaId.ToLowerInvariant()}"), (fork.Outcome, fork.PrivateFork));
        }

        [Fact]
        public async Task ACreateSentToAnotherRepositoryByAnEarlierRunIsFoundThereNotMadeAgain()
        {
            const string Other = "flatcar/scripts";
            bed.Emulator.Repo(Other);
            var c = NewCase();
            // An earlier run drafted it in flatcar/scripts and died before the case (or the journal's answer) was written.
            await Service.ExecuteAsync(Service.PlanCreate(c, GitHubRepositoryName.Parse(Other), null), "lead");
            string ghsa = cases.GetRequired(c.Id).GhsaId;
            var journal = new AdvisoryJournal(bed.State.Files);
            var entry = journal.Get(c.Id, AdvisoryJournal.Create);
            (entry.Outcome, entry.GhsaId, entry.AnsweredAt) = (AdvisoryJournalEntry.Sent, null, null);
            journal.Write(entry);
            var lost = cases.GetRequired(c.Id);
            lost.Advisory = null;
            cases.Save(lost);

            // This run is pointed at flatcar/Flatcar: the journal says where the draft went.
            var found = (SecurityAdvisory)await Service.ExecuteAsync(Service.PlanCreate(lost, GitHubRepositoryName.Parse(Repo), null), "lead");
            Assert.Equal(ghsa, found.GhsaId);
            Assert.Empty(bed.Emulator.Advisories(Repo));
            Assert.Single(bed.Emulator.Advisories(Other));
            var saved = cases.GetRequired(c.Id);
            Assert.Equal((ghsa, Other), (saved.GhsaId, saved.Advisory.Repository));
            Assert.Equal((AdvisoryJournalEntry.Adopted, ghsa), (journal.Get(c.Id, AdvisoryJournal.Create).Outcome, journal.Get(c.Id, AdvisoryJournal.Create).GhsaId));
        }

        [Fact]
        public async Task ALostCveRequestAnswerIsTakenAsMadeAndAJournalledRequestIsNotSentAgain()
        {
            var c = await WithAdvisory(NewCase());
            bed.Emulator.Inject(GitHubFault.DropAfterApply, GitHubEmulator.On("POST", "/cve"));
            await Service.ExecuteAsync(Service.PlanCveRequest(c), "lead");
            Assert.Single(bed.Emulator.CveRequests); // GitHub shows no pending request: a lost answer is not a reason to ask twice
            var journal = new AdvisoryJournal(bed.State.Files);
            Assert.Equal(AdvisoryJournalEntry.Unconfirmed, journal.Get(c.Id, AdvisoryJournal.Cve).Outcome);
            Assert.Equal("pending", cases.GetRequired(c.Id).Advisory.CveRequestState);

            // The case lost the request (a run killed before it wrote the case): the journal still has it.
            var lost = cases.GetRequired(c.Id);
            (lost.Advisory.CveRequestState, lost.Advisory.CveRequestedAt) = (null, null);
            cases.Save(lost);
            await Service.ExecuteAsync(Service.PlanCveRequest(lost), "lead");
            Assert.Single(bed.Emulator.CveRequests);
            var pending = cases.GetRequired(c.Id);
            Assert.Equal("pending", pending.Advisory.CveRequestState);
            Assert.Equal(journal.Get(c.Id, AdvisoryJournal.Cve).SentAt, pending.Advisory.CveRequestedAt);
            Assert.Contains("earlier run", pending.Timeline.Last().What);

            // -Force asks again while it is pending; never once GitHub has assigned the id.
            Assert.Null(Service.PlanCveRequest(pending));
            await Service.ExecuteAsync(Service.PlanCveRequest(pending, force: true), "lead");
            Assert.Equal(2, bed.Emulator.CveRequests.Count);
        }

        [Fact]
        public async Task ACveIdAlreadyOnGitHubGoesOnTheCaseInsteadOfARequest()
        {
            var c = await WithAdvisory(NewCase());
            bed.Emulator.AssignCve(Repo, c.GhsaId, "CVE-2026-5151");
            await Service.ExecuteAsync(Service.PlanCveRequest(c), "lead");
            Assert.Empty(bed.Emulator.CveRequests);
            var saved = cases.GetRequired(c.Id);
            Assert.Equal(("CVE-2026-5151", "assigned"), (saved.CveId, saved.Advisory.CveRequestState));
            Assert.Null(Service.PlanCveRequest(saved, force: true));
        }

        [Fact]
        public void CodeownersNamesUsersAndTheOrganizationsTeams()
        {
            var owners = Codeowners.Parse("# top\n*.go @alice @Flatcar/Core other@example.com\n/docs @bob @elsewhere/team # trailing @notme\n", "flatcar");
            Assert.Equal(new[] { "alice", "bob" }, owners.Users.OrderBy(u => u));
            Assert.Equal(new[] { "Core" }, owners.Teams);
        }

        private VulnerabilityCase NewCase(string channel = "email", string reporter = "someone@example.org")
        {
            var c = new VulnerabilityCase
            {
                ReceivedAt = GitHubTestBed.T0.AddDays(-2),
                Channel = channel,
                Reporter = reporter,
                Summary = "SSRF in the fetch tool",
                Component = "github.com/StacklokLabs/fetch",
                AffectedVersions = { "< 1.4.2", "1.0.0-rc1" },
                FixedVersions = { "1.4.2" },
                FixedBy = { "https://github.com/StacklokLabs/fetch/pull/9" },
                Impact = "Reads internal services.",
                Mitigation = "Block link-local addresses.",
                Credits = { "alice", "bob:remediation_developer", "Jane Doe" },
                Policy = "flatcar",
            };
            CaseWorkflow.ApplySeverity(c, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", null);
            c.Timeline.Add(CaseWorkflow.Created(c, "lead", GitHubTestBed.T0.AddDays(-2)));
            return cases.Create(c);
        }

        private async Task<VulnerabilityCase> WithAdvisory(VulnerabilityCase c)
        {
            await Service.ExecuteAsync(Service.PlanCreate(c, GitHubRepositoryName.Parse(Repo), null), "lead");
            return cases.GetRequired(c.Id);
        }

        private sealed class ProgressSink : IEventSink
        {
            private readonly List<ProgressInfo> progress;

            public ProgressSink(List<ProgressInfo> progress) => this.progress = progress;

            public void Verbose(string message)
            {
            }

            public void Warning(string message)
            {
            }

            public void Progress(ProgressInfo p) => progress.Add(p);
        }
    }
}
