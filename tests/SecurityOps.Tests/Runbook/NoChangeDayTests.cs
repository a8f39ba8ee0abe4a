using System;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>A day with nothing new upstream: no commit, no GitHub call, and the check times only in .cache/.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class NoChangeDayTests
    {
        private const string Invoke = "Invoke-SecurityRunbook -StatePath $state -Token $secure -Confirm:$false";
        private readonly PowerShellFixture ps;

        public NoChangeDayTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void TheSecondRunOnUnchangedFileFeedsMakesNoCommitAndNoGitHubCall()
        {
            using var bed = new RunbookBed(ps, fileFeeds: true);
            var first = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.True(first.Succeeded, string.Join("\n", first.Problems));
            Assert.NotEmpty(first.NewCves);
            Assert.NotNull(first.StateCommit);
            Assert.Contains(first.StateCommit.Files, f => f == FeedStateStore.RelativePath("gentoo"));
            Assert.Equal(string.Empty, bed.Git("status", "--porcelain"));
            string head = bed.Git("rev-parse", "HEAD").Trim();
            string committedFeedState = bed.Git("show", "HEAD:" + FeedStateStore.RelativePath("gentoo"));
            DateTimeOffset firstCheck = new FeedStateStore(new StateRepository(bed.StatePath)).Load("gentoo").LastChecked.Value;

            int githubRequests = bed.GitHub.Server.Requests.Count;
            var sources = bed.Run("Get-SecuritySource -StatePath $state").AssertNoErrors().Objects<SecuritySource>().ToList();
            Assert.All(sources, s => Assert.NotNull(s.LastChecked));

            var second = bed.Run(Invoke + " -Verbose").AssertNoErrors();
            var result = second.Objects<SecurityRunbookResult>().Single();
            Assert.True(result.Succeeded, string.Join("\n", result.Problems));
            Assert.All(result.Sources, s => Assert.True(s.NotModified && s.Requests == 1, s.Source));
            Assert.Empty(result.NewCves);
            Assert.Empty(result.Issues);
            Assert.Null(result.StateCommit);
            Assert.Contains(second.Verbose, v => v.StartsWith("Step 4: nothing to commit"));
            Assert.Equal(head, bed.Git("rev-parse", "HEAD").Trim());
            Assert.Equal(string.Empty, bed.Git("status", "--porcelain"));
            Assert.Equal(githubRequests, bed.GitHub.Server.Requests.Count);

            // The committed feed state is untouched; the check time moved on in .cache/ (ignored by git), and readers see it.
            Assert.Equal(committedFeedState, File.ReadAllText(bed.File(FeedStateStore.RelativePath("gentoo"))).Replace("\r\n", "\n"));
            Assert.True(File.Exists(bed.File(FeedStateStore.CachePath("gentoo"))));
            Assert.Equal(string.Empty, bed.Git("ls-files", ".cache").Trim());
            FeedSourceState loaded = new FeedStateStore(new StateRepository(bed.StatePath)).Load("gentoo");
            Assert.True(loaded.LastChecked >= firstCheck);
        }

        [Fact]
        public void TheCheckTimeIsCommittedWithRealChangesAndTheLaterOfTheTwoIsRead()
        {
            using var folder = new TempFolder();
            var files = new StateRepository(folder.Path);
            var store = new FeedStateStore(files);
            var monday = new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero);
            var state = new FeedSourceState { Source = "gentoo", Url = "https://example.org/feed", ETag = "\"a\"", LastChecked = monday };
            state.Seen["GLSA-1"] = "1";
            store.Save(state);
            string committed = files.ReadText(FeedStateStore.RelativePath("gentoo"));
            Assert.Contains("lastChecked: 2026-03-02T06:00:00", committed);

            // Tuesday: nothing changed, only the time: the committed file is not written at all.
            DateTime written = File.GetLastWriteTimeUtc(files.FullPath(FeedStateStore.RelativePath("gentoo")));
            FeedSourceState tuesday = new FeedStateStore(files).Load("gentoo");
            tuesday.LastChecked = monday.AddDays(1);
            new FeedStateStore(files).Save(tuesday);
            Assert.Equal(committed, files.ReadText(FeedStateStore.RelativePath("gentoo")));
            Assert.Equal(written, File.GetLastWriteTimeUtc(files.FullPath(FeedStateStore.RelativePath("gentoo"))));
            Assert.Equal(monday.AddDays(1), new FeedStateStore(files).Load("gentoo").LastChecked);

            // A fresh clone has no .cache/: the committed time is read.
            File.Delete(files.FullPath(FeedStateStore.CachePath("gentoo")));
            Assert.Equal(monday, new FeedStateStore(files).Load("gentoo").LastChecked);

            // A broken cache is ignored, never an error.
            Directory.CreateDirectory(Path.GetDirectoryName(files.FullPath(FeedStateStore.CachePath("gentoo"))));
            File.WriteAllText(files.FullPath(FeedStateStore.CachePath("gentoo")), "lastChecked: [unclosed");
            Assert.Equal(monday, new FeedStateStore(files).Load("gentoo").LastChecked);

            // Wednesday: a new advisory: the committed file is written, with the time.
            FeedSourceState wednesday = new FeedStateStore(files).Load("gentoo");
            wednesday.LastChecked = monday.AddDays(2);
            wednesday.Seen["GLSA-2"] = "1";
            new FeedStateStore(files).Save(wednesday);
            Assert.Contains("GLSA-2", files.ReadText(FeedStateStore.RelativePath("gentoo")));
            Assert.Contains("lastChecked: 2026-03-04T06:00:00", files.ReadText(FeedStateStore.RelativePath("gentoo")));

            // A new ETag alone is a real change too.
            FeedSourceState thursday = new FeedStateStore(files).Load("gentoo");
            thursday.LastChecked = monday.AddDays(3);
            thursday.ETag = "\"b\"";
            new FeedStateStore(files).Save(thursday);
            Assert.Contains("lastChecked: 2026-03-05T06:00:00", files.ReadText(FeedStateStore.RelativePath("gentoo")));
        }
    }
}
