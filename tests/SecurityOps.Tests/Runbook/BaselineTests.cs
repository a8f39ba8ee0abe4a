using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>A first week that cannot flood: the first run is a baseline, and a run never opens more than the cap.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class BaselineTests
    {
        private const string Invoke = "Invoke-SecurityRunbook -StatePath $state -Token $secure -Confirm:$false";
        private readonly PowerShellFixture ps;

        public BaselineTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>A copy of the sample feeds whose Gentoo feed lacks its newest GLSA (202601-05), which arrives "the next day".</summary>
        internal static TempFolder FeedsWithoutNewestGlsa(out string gentooFeed, out string fullFeed)
        {
            var temp = new TempFolder("baseline-feeds");
            string source = Path.Combine(RepoPaths.Root, "examples", "feeds");
            foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(temp.Path, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                File.Copy(file, target);
            }

            gentooFeed = Path.Combine(temp.Path, "gentoo", "feed.rss");
            fullFeed = File.ReadAllText(gentooFeed);
            File.WriteAllText(gentooFeed, Regex.Replace(fullFeed, @"(?s)\s*<item>(?:(?!</item>).)*202601-05(?:(?!</item>).)*</item>", string.Empty));
            return temp;
        }

        [Fact]
        public void TheFirstRunIsABaselineTheNextNewAdvisoryIsFiledOnceAndASourceAddedLaterGetsItsOwnBaseline()
        {
            using var feeds = FeedsWithoutNewestGlsa(out string gentooFeed, out string fullFeed);
            using var bed = new RunbookBed(ps, baseline: true, feedsFolder: feeds.Path);

            var first = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.Equal(new[] { "gentoo", "rust" }, first.BaselineSources);
            Assert.NotEmpty(first.NewCves);
            Assert.Empty(bed.GitHub.Writes);
            Assert.Empty(bed.GitHub.Repo(RunbookBed.Repository).Issues);
            Assert.Contains("**Baseline** for gentoo, rust", first.Markdown);
            Assert.True(!File.Exists(bed.File("runbook/pending-issues.yaml")) || !File.ReadAllText(bed.File("runbook/pending-issues.yaml")).Contains("CVE-"), "the baseline queued CVEs for filing");

            // The next day Gentoo publishes one new GLSA: exactly one issue, for it.
            File.WriteAllText(gentooFeed, fullFeed);
            var second = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.Empty(second.BaselineSources);
            Assert.Equal(new[] { "CVE-2025-48734" }, second.NewCves);
            var issue = Assert.Single(bed.GitHub.Repo(RunbookBed.Repository).Issues);
            Assert.Equal("update: dev-java/commons-beanutils", issue.Title);

            // A source added later: its back catalogue is its own baseline, and nothing more is filed.
            string goOsv = Path.Combine(feeds.Path, "osv-go");
            File.AppendAllText(bed.File("securityops.yaml"), $"\n  - name: go\n    type: osv\n    url: {goOsv}\n");
            var third = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.Equal(new[] { "go" }, third.BaselineSources);
            Assert.Contains("CVE-2020-8555", third.NewCves);
            Assert.Single(bed.GitHub.Repo(RunbookBed.Repository).Issues);
        }

        [Fact]
        public void ARunThatWouldOpenMoreThanTheCapOpensNoneAndTheNextRunAfterRaisingItFilesEachOnce()
        {
            using var bed = new RunbookBed(ps); // files from the first run: seven CVEs, several packages
            File.WriteAllText(bed.File("securityops.yaml"), File.ReadAllText(bed.File("securityops.yaml")).Replace("maxNewIssuesPerRun: 25", "maxNewIssuesPerRun: 2"));

            var capped = bed.Run(Invoke + " -ErrorAction Continue");
            var result = capped.Objects<SecurityRunbookResult>().Single();
            Assert.False(result.Succeeded);
            Assert.Contains(capped.Errors, e => e.FullyQualifiedErrorId.StartsWith("NewIssueCapExceeded,") && e.Exception.Message.Contains("github.maxNewIssuesPerRun (2)"));
            Assert.Empty(bed.GitHub.Repo(RunbookBed.Repository).Issues);
            Assert.Equal(result.NewCves.OrderBy(c => c), result.HeldByCap.OrderBy(c => c));
            Assert.Contains("**Not filed:**", result.Markdown);
            string pending = File.ReadAllText(bed.File("runbook/pending-issues.yaml"));
            Assert.All(result.NewCves, cve => Assert.Contains(cve, pending));

            File.WriteAllText(bed.File("securityops.yaml"), File.ReadAllText(bed.File("securityops.yaml")).Replace("maxNewIssuesPerRun: 2", "maxNewIssuesPerRun: 25"));
            var filed = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            var issues = bed.GitHub.Repo(RunbookBed.Repository).Issues;
            Assert.True(issues.Count > 2);
            Assert.Equal(issues.Count, issues.Select(i => i.Title).Distinct().Count());
            Assert.Empty(filed.PendingFiling);

            var quiet = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.Equal(issues.Count, bed.GitHub.Repo(RunbookBed.Repository).Issues.Count);
        }
    }
}
