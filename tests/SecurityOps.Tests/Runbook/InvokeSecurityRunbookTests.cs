using System;
using System.IO;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>Invoke-SecurityRunbook from script text against feeds on loopback (ETag/304) and the GitHub emulator.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class InvokeSecurityRunbookTests
    {
        private const string Invoke = "Invoke-SecurityRunbook -StatePath $state -Token $secure -Confirm:$false";
        private readonly PowerShellFixture ps;

        public InvokeSecurityRunbookTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void FirstRunOpensIssuesAndCommitsThenAQuietDayCostsOneRequestPerSourceAndNoGitHubCall()
        {
            using var bed = new RunbookBed(ps);
            var first = bed.Run(Invoke + " -Verbose").AssertNoErrors();
            var result = first.Objects<SecurityRunbookResult>().Single();

            Assert.True(result.Succeeded);
            Assert.Equal(new[] { "gentoo", "rust" }, result.Sources.Select(s => s.Source));
            Assert.Contains("CVE-2025-48734", result.NewCves); // from the GLSA XML behind the first Gentoo item
            Assert.Contains("CVE-2025-48734", result.Sources[0].NewCves);
            Assert.True(result.IssuesOpened >= 2, result.ToString());
            Assert.Equal(result.NewCves.OrderBy(c => c), result.Issues.Select(i => i.CveId).OrderBy(c => c));
            Assert.All(result.Issues, i => Assert.True(i.Action == CveIssueAction.Opened || i.Action == CveIssueAction.Updated));
            Assert.Empty(result.PendingFiling);
            var database = new CveDatabase(new StateRepository(bed.StatePath));
            Assert.Equal(RunbookBed.Repository, database.Get("CVE-2025-48734").Issue.Repository);

            // One issue per package, each opened once.
            var issues = bed.GitHub.Repo(RunbookBed.Repository).Issues;
            Assert.Equal(issues.Count, issues.Select(i => i.Title).Distinct().Count());
            Assert.Equal(result.IssuesOpened, bed.GitHub.Writes.Count(w => w.Method == "POST" && w.Path.EndsWith("/issues")));

            // Committed: records, feed state and the (empty) pending list; the tree is clean.
            Assert.NotNull(result.StateCommit);
            Assert.Contains(result.StateCommit.Files, f => f.StartsWith("cves/2025/"));
            Assert.Equal(string.Empty, bed.Git("status", "--porcelain"));
            string primary = (string)bed.Run("Get-Rotation -StatePath $state | ForEach-Object Primary").AssertNoErrors().Output.Single().BaseObject;
            Assert.Equal(primary, result.Primary);
            Assert.Contains(first.Verbose, v => v.StartsWith("Step 1: reading 2 source(s)"));
            Assert.Contains(first.Verbose, v => v.StartsWith("Step 5: on duty"));
            Assert.Contains(first.Progress, p => p.Activity == "Daily security runbook" && p.StatusDescription.StartsWith("Step 2 of 6"));
            Assert.DoesNotContain(first.Verbose.Concat(new[] { result.Markdown }), t => t.Contains(bed.GitHub.Token));

            // The next day nothing changed upstream: one conditional request per source, all 304, no GitHub call.
            int feedRequests = bed.Feeds.Requests.Count;
            int githubRequests = bed.GitHub.Server.Requests.Count;
            var second = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.True(second.Succeeded);
            Assert.Empty(second.NewCves);
            Assert.Empty(second.Issues);
            Assert.All(second.Sources, s => Assert.True(s.NotModified && s.Requests == 1, s.Source));
            Assert.Equal(feedRequests + bed.SourceCount, bed.Feeds.Requests.Count);
            Assert.All(bed.Feeds.Requests.Skip(feedRequests), r => Assert.True(r.Headers.ContainsKey("If-None-Match"), r.Path));
            Assert.Equal(githubRequests, bed.GitHub.Server.Requests.Count);
        }

        [Fact]
        public void ACveIdGitHubAssignedToACasesAdvisoryLandsOnTheCaseAndInTheDaysCommit()
        {
            using var bed = new RunbookBed(ps);
            const string advisoryRepo = "example/app";
            bed.GitHub.Repo(advisoryRepo, isPrivate: false);
            string ghsa = bed.GitHub.AddReport(advisoryRepo, "SSRF through redirects", "finder-jane");
            string caseId = (string)bed.Run($@"
$gh = @{{ StatePath = $state; Token = $secure }}
$case = Get-SecurityAdvisory @gh -Repository {advisoryRepo} -State triage | Import-VulnerabilityReport @gh
Request-AdvisoryCve @gh -Id $case.Id -Confirm:$false | Out-Null
$case.Id").AssertNoErrors().Output.Last().BaseObject;
            bed.Git("add", "-A");
            bed.Git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "case imported");

            // GitHub has not answered yet: the request is listed as pending, the case is untouched.
            var waiting = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.Equal(new[] { caseId }, waiting.CveRequestsPending);
            Assert.Empty(waiting.CvesAssigned);
            Assert.Contains("Still waiting for GitHub: " + caseId, waiting.Markdown);

            bed.GitHub.AssignCve(advisoryRepo, ghsa, "CVE-2026-7777");
            var assigned = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            CveAssignment assignment = Assert.Single(assigned.CvesAssigned);
            Assert.Equal((caseId, "CVE-2026-7777", ghsa), (assignment.CaseId, assignment.CveId, assignment.GhsaId));
            Assert.Empty(assigned.CveRequestsPending);
            Assert.Contains($"{caseId}: GitHub assigned CVE-2026-7777", assigned.Markdown);
            Assert.Contains(assigned.StateCommit.Files, f => f == $"cases/{caseId}.yaml");
            Assert.Equal(string.Empty, bed.Git("status", "--porcelain"));
            Assert.Equal("CVE-2026-7777", (string)bed.Run($"Get-VulnerabilityReport -StatePath $state -Id {caseId} | ForEach-Object CveId").AssertNoErrors().Output.Single().BaseObject);

            // Under -WhatIf the requests are listed, not checked.
            int calls = bed.GitHub.Server.Requests.Count;
            var whatIf = bed.Run(Invoke + " -WhatIf").AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.Empty(whatIf.CvesAssigned);
            Assert.Equal(calls, bed.GitHub.Server.Requests.Count);
        }

        [Fact]
        public void GitHubDownLeavesCvesPendingAndTheNextRunFilesThemExactlyOnceDespiteA304()
        {
            using var bed = new RunbookBed(ps);
            // GitHub answers 502 to everything (one attempt per request): the records are saved, the ids stay pending.
            var failed = bed.Run(Invoke + $" -ApiUrl '{bed.Broken.BaseUri}' -ErrorAction Continue");
            var result = failed.Objects<SecurityRunbookResult>().Single();
            Assert.False(result.Succeeded);
            Assert.NotEmpty(result.NewCves);
            Assert.Equal(result.NewCves.OrderBy(c => c), result.PendingFiling.OrderBy(c => c));
            Assert.All(failed.ErrorIds, id => Assert.Equal("CveIssueFilingFailed,SecurityOps.Commands.InvokeSecurityRunbookCommand", id));
            Assert.Contains(failed.Errors, e => e.ToString().Contains("CVE-2025-48734") && e.ToString().Contains("502"));
            Assert.Contains("runbook/pending-issues.yaml", result.StateCommit.Files);
            Assert.Contains("CVE-2025-48734", bed.Git("show", "HEAD:runbook/pending-issues.yaml"));
            Assert.Empty(bed.GitHub.Repo(RunbookBed.Repository).Issues);

            // GitHub is back; the feeds answer 304, so only the pending list brings the CVEs to GitHub.
            var rerun = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.True(rerun.Succeeded);
            Assert.All(rerun.Sources, s => Assert.True(s.NotModified, s.Source));
            Assert.Empty(rerun.NewCves);
            Assert.Equal(result.NewCves.OrderBy(c => c), rerun.Issues.Select(i => i.CveId).OrderBy(c => c));
            Assert.Empty(rerun.PendingFiling);
            var issues = bed.GitHub.Repo(RunbookBed.Repository).Issues;
            Assert.Equal(issues.Count, issues.Select(i => i.Title).Distinct().Count());

            // A third run files nothing again.
            int writes = bed.GitHub.Writes.Count;
            Assert.Empty(bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single().Issues);
            Assert.Equal(writes, bed.GitHub.Writes.Count);
        }

        [Fact]
        public void AnIssueCreatedButItsAnswerLostIsLinkedByTheNextRunNotOpenedTwice()
        {
            using var bed = new RunbookBed(ps);
            // The first issue is created, then the connection drops: the run cannot know, like a crash after the POST.
            bed.GitHub.Inject(GitHubFault.DropAfterApply, r => r.Method == "POST" && r.Path.EndsWith("/issues"));
            bed.GitHub.Inject(GitHubFault.ServerError, r => r.Method == "GET" && r.Path.EndsWith("/issues"));
            var first = bed.Run(Invoke + " -ErrorAction Continue").Objects<SecurityRunbookResult>().Single();
            Assert.False(first.Succeeded);
            Assert.NotEmpty(first.PendingFiling);
            int created = bed.GitHub.Repo(RunbookBed.Repository).Issues.Count;
            Assert.True(created >= 1);

            var rerun = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.True(rerun.Succeeded);
            Assert.Empty(rerun.PendingFiling);
            var issues = bed.GitHub.Repo(RunbookBed.Repository).Issues;
            Assert.Equal(issues.Count, issues.Select(i => i.Title).Distinct().Count());
            var database = new CveDatabase(new StateRepository(bed.StatePath));
            Assert.All(first.NewCves, id => Assert.NotNull(database.Get(id).Issue));
        }

        [Fact]
        public void OneFailingSourceSavesTheOthersAndFailsTheStepAfterTheCommit()
        {
            using var bed = new RunbookBed(ps, failingSource: true);
            var run = bed.Run(Invoke + " -ErrorAction Continue");
            var result = run.Objects<SecurityRunbookResult>().Single();
            Assert.False(result.Succeeded);
            Assert.Equal(new[] { "FeedDownloadFailed,SecurityOps.Commands.InvokeSecurityRunbookCommand" }, run.ErrorIds);
            Assert.Equal("down", run.Errors[0].TargetObject);
            Assert.Contains("502", run.Errors[0].ToString());
            var down = result.Sources.Single(s => s.Source == "down");
            Assert.Equal("FeedDownloadFailed", down.ErrorId);
            Assert.True(result.Sources.Single(s => s.Source == "gentoo").Succeeded);
            Assert.Contains("CVE-2025-48734", result.NewCves);
            Assert.True(result.IssuesOpened >= 1);
            Assert.NotNull(result.StateCommit);
            Assert.Contains("**FeedDownloadFailed**", result.Markdown);

            // As a scheduled step runs it: $ErrorActionPreference = 'Stop' turns the error into a failure of the step,
            // after the state was committed.
            string head = bed.Git("rev-parse", "HEAD");
            // Something for this run to do: a CVE recorded by hand and put on the pending-filing list.
            bed.Run("Add-CveRecord -StatePath $state -CveId CVE-2026-0001 -Package demo -Source manual -Confirm:$false | Out-Null").AssertNoErrors();
            File.WriteAllText(bed.File("runbook/pending-issues.yaml"), "schemaVersion: 1\npending:\n- CVE-2026-0001\n");
            // (In a child scope: the engine's runspace is shared with the other tests.)
            var stop = bed.Run("& {\n$ErrorActionPreference = 'Stop'\n" + Invoke + "\n'not reached'\n}");
            Assert.NotNull(stop.Terminating);
            Assert.Equal("FeedDownloadFailed,SecurityOps.Commands.InvokeSecurityRunbookCommand", stop.Terminating.ErrorRecord.FullyQualifiedErrorId);
            Assert.DoesNotContain(stop.Output, o => o.BaseObject as string == "not reached");
            Assert.NotEqual(head, bed.Git("rev-parse", "HEAD")); // the run filed, linked and committed before it wrote the error
            Assert.Contains("cves/2026/CVE-2026-0001.yaml", bed.Git("show", "--name-only", "--format=", "HEAD"));
            Assert.Contains(bed.GitHub.Repo(RunbookBed.Repository).Issues, i => i.Title == "update: demo");
            Assert.Equal(string.Empty, bed.Git("status", "--porcelain"));

            // The documented alternative: -ErrorAction Continue and a check of Succeeded.
            var check = bed.Run(Invoke + " -ErrorAction SilentlyContinue | ForEach-Object { $_.Succeeded }");
            Assert.Equal(false, check.Output.Single().BaseObject);
        }

        [Fact]
        public void SummaryIsAppendedToTheStepSummaryAndWrittenToSummaryPath()
        {
            using var bed = new RunbookBed(ps);
            string stepSummary = bed.Combine("step-summary.md");
            string summaryPath = bed.Combine("summary.md");
            File.WriteAllText(stepSummary, "# Earlier step\n");
            var run = bed.Run($@"
$env:GITHUB_STEP_SUMMARY = '{stepSummary}'
try {{ {Invoke} -SummaryPath '{summaryPath}' }} finally {{ $env:GITHUB_STEP_SUMMARY = $null }}").AssertNoErrors();
            var result = run.Objects<SecurityRunbookResult>().Single();

            string appended = File.ReadAllText(stepSummary);
            Assert.StartsWith("# Earlier step\n## Daily security runbook", appended);
            Assert.Contains("succeeded", appended);
            Assert.Contains("| gentoo | gentoo-glsa |", appended);
            Assert.Contains("CVE-2025-48734", appended);
            Assert.Contains($"Primary **{result.Primary}**", appended);
            Assert.NotNull(result.Primary);
            // The state still has the example roster: the summary says nobody real is on duty, and the week is the ISO week.
            Assert.Contains("> **Warning:** roster.yaml still holds the example people", appended);
            Assert.Contains($"On duty, week {result.OnDuty.IsoWeek} (from ", appended);
            Assert.Contains(run.Warnings, w => w.Contains("example people"));
            Assert.Contains($"### Issues in {RunbookBed.Repository}", appended);
            Assert.Contains("| Opened |", appended.Replace("| Opened | [#", "| Opened |"));
            Assert.Equal(result.Markdown, File.ReadAllText(summaryPath));
            Assert.DoesNotContain(bed.GitHub.Token, appended);
        }

        [Fact]
        public void WhatIfReadsTheFeedsAndPlansButWritesNothingToGitHubOrTheState()
        {
            using var bed = new RunbookBed(ps);
            string head = bed.Git("rev-parse", "HEAD");
            string summaryPath = bed.Combine("summary.md");
            var run = bed.Run(Invoke.Replace(" -Confirm:$false", string.Empty) + $" -WhatIf -SummaryPath '{summaryPath}'").AssertNoErrors();
            var result = run.Objects<SecurityRunbookResult>().Single();

            Assert.True(result.WhatIf);
            Assert.Contains("CVE-2025-48734", result.NewCves);
            Assert.Equal(result.NewCves.Count, result.IssuesPlanned);
            Assert.All(result.Issues, i => Assert.Equal(CveIssueAction.WouldOpen, i.Action));
            Assert.Contains(run.Warnings, w => w.Contains("offline"));
            Assert.Empty(bed.GitHub.Server.Requests);
            Assert.Equal(string.Empty, bed.Git("status", "--porcelain", "--untracked-files=all"));
            Assert.Equal(head, bed.Git("rev-parse", "HEAD"));
            Assert.False(Directory.Exists(bed.File("feeds")));
            Assert.False(File.Exists(summaryPath));
            Assert.Contains("-WhatIf: a plan only", result.Markdown);
        }

        [Fact]
        public void WithoutATokenTheRecordsAreSavedAndStayPendingWithAWarning()
        {
            using var bed = new RunbookBed(ps);
            // A private report received long ago: its SLA milestones are overdue, so the summary gets a Reminders section.
            var report = bed.Run("New-VulnerabilityReport -StatePath $state -Summary 'Token leak in logs' -Component api -ReceivedAt '2025-01-02T08:00:00Z' -Severity HIGH -Actor alice -Confirm:$false | ForEach-Object Id").AssertNoErrors();
            string caseId = (string)report.Output.Single().BaseObject;
            var run = bed.Run("Invoke-SecurityRunbook -StatePath $state -Source gent* -Confirm:$false").AssertNoErrors();
            var result = run.Objects<SecurityRunbookResult>().Single();
            Assert.Contains(result.Reminders, r => r.Category == "sla" && r.State == "Overdue" && r.Subject == caseId);
            Assert.Null(result.DistributorHealth); // the state has no distributors list
            Assert.Contains("### Reminders", result.Markdown);
            Assert.Contains($"| sla | Overdue | {caseId} |", result.Markdown);
            Assert.True(result.Succeeded);
            Assert.Equal(new[] { "gentoo" }, result.Sources.Select(s => s.Source));
            Assert.Contains(run.Warnings, w => w.Contains("No GitHub token") && w.Contains("stay pending"));
            Assert.Equal(result.NewCves.OrderBy(c => c), result.PendingFiling.OrderBy(c => c));
            Assert.Empty(bed.GitHub.Server.Requests);
            Assert.True(File.Exists(bed.File("cves/2025/CVE-2025-48734.yaml")));

            var unknown = bed.Run("Invoke-SecurityRunbook -StatePath $state -Source nope -WhatIf");
            Assert.Contains("FeedSourceNotFound,SecurityOps.Commands.InvokeSecurityRunbookCommand", unknown.ErrorIds);
        }
    }
}
