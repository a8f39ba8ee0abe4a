using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.Runbook;
using SecurityOps.State;
using SecurityOps.Tests.Feeds;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>The runbook service directly, on the sample feeds read through file:// paths.</summary>
    public sealed class DailyRunbookTests
    {
        private static SecurityState NewState(TempFolder folder)
        {
            SecurityState.Initialize(folder.Path, initGit: false);
            string feeds = Path.Combine(RepoPaths.Root, "examples", "feeds");
            string config = File.ReadAllText(Path.Combine(folder.Path, "securityops.yaml"))
                .Replace("useDefaults: true", "useDefaults: false")
                .Replace("baselineNewSources: true", "baselineNewSources: false") // filing from the first run; BaselineTests covers the default
                .Replace("  issueRepository:\n", "  issueRepository: example/project\n")
                .Replace("sources: []", "sources:\n" +
                    $"  - name: gentoo\n    type: gentoo-glsa\n    url: {new Uri(Path.Combine(feeds, "gentoo", "feed.rss")).AbsoluteUri}\n" +
                    $"  - name: go\n    type: osv\n    url: {Path.Combine(feeds, "osv-go")}\n");
            File.WriteAllText(Path.Combine(folder.Path, "securityops.yaml"), config);
            return SecurityState.Open(folder.Path);
        }

        [Fact]
        public async Task WithoutATokenNewCvesStayPendingAndAQuietRunReadsOnlyThePendingRecords()
        {
            using var folder = new TempFolder();
            var state = NewState(folder);
            var database = new CveDatabase(state.Files);
            for (int i = 0; i < 300; i++)
            {
                database.Record(new CveObservation { CveId = $"CVE-2019-{10000 + i}", Packages = { new PackageRef("pkg-" + i) }, Source = "old" });
            }

            var sink = new RecordingSink();
            var options = new RunbookOptions { Environment = _ => null };
            SecurityRunbookResult first = await new DailyRunbook(state, sink).RunAsync(options);
            Assert.True(first.Succeeded, string.Join("\n", first.Problems));
            Assert.Contains("CVE-2025-48734", first.NewCves);
            Assert.Contains("CVE-2020-8555", first.NewCves); // Go OSV: from aliases
            Assert.Equal(first.NewCves.OrderBy(c => c), first.PendingFiling.OrderBy(c => c));
            Assert.Equal(first.NewCves.Count, first.IssuesPlanned);
            Assert.Equal("example/project", first.Repository);
            Assert.Contains(sink.Warnings, w => w.Contains("No GitHub token"));
            Assert.Null(first.StateCommit); // not a git repository: saved on disk, not committed
            Assert.Contains(sink.Warnings, w => w.Contains("not a git repository"));
            Assert.Contains(sink.ProgressRecords, p => p.Id == DailyRunbook.ProgressId && p.Completed);

            // Nothing changed: both sources unchanged, no new CVE, and of the 307 records only the pending ones are read.
            var again = SecurityState.Open(folder.Path);
            SecurityRunbookResult second = await new DailyRunbook(again, new RecordingSink()).RunAsync(options);
            Assert.Empty(second.NewCves);
            Assert.True(second.Sources.Single(s => s.Source == "gentoo").NotModified);
            Assert.Equal(first.PendingFiling, second.PendingFiling);
            Assert.True(again.Files.DocumentsRead <= second.PendingFiling.Count + 8, $"{again.Files.DocumentsRead} documents read");
            Assert.Contains("Pending filing (the next run files them): ", second.Markdown);
        }

        [Fact]
        public async Task WhatIfLeavesNoTraceAndAMissingRepositoryIsAProblemNamingIt()
        {
            using var folder = new TempFolder();
            var state = NewState(folder);
            var before = Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();
            SecurityRunbookResult plan = await new DailyRunbook(state).RunAsync(new RunbookOptions { DryRun = true, Environment = _ => "ghp_notUsedInWhatIf" });
            Assert.True(plan.WhatIf);
            Assert.NotEmpty(plan.NewCves);
            Assert.All(plan.Issues, i => Assert.Equal(CveIssueAction.WouldOpen, i.Action));
            Assert.Equal(before, Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList());

            File.WriteAllText(Path.Combine(folder.Path, "securityops.yaml"),
                File.ReadAllText(Path.Combine(folder.Path, "securityops.yaml")).Replace("  issueRepository: example/project\n", "  issueRepository:\n"));
            var runbook = new DailyRunbook(SecurityState.Open(folder.Path));
            SecurityRunbookResult run = await runbook.RunAsync(new RunbookOptions { Environment = _ => null });
            Assert.False(run.Succeeded);
            Assert.Equal("GitHubRepositoryNotSet", runbook.Failures.Single().ErrorId);
            Assert.Equal("issues", run.Problems.Single().Step);
            Assert.Equal(run.NewCves.OrderBy(c => c), run.PendingFiling.OrderBy(c => c)); // recorded, kept for a configured run
        }
    }
}
