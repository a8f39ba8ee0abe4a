using System.IO;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Runbook;
using Xunit;

namespace SecurityOps.Tests.Inventory
{
    /// <summary>
    /// A CVE first seen without a package (oss-security style) is listed for triage, not filed; on the day a second
    /// source names it with a package the inventory ships at a vulnerable version, it is filed, exactly once.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class PackageArrivesLaterTests
    {
        private const string Invoke = "Invoke-SecurityRunbook -StatePath $state -Token $secure -Confirm:$false";
        private readonly PowerShellFixture ps;

        public PackageArrivesLaterTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void ACveWithoutAPackageIsFiledOnTheDayAShippedPackageArrivesAndOnlyOnce()
        {
            using var feeds = BaselineTests.FeedsWithoutNewestGlsa(out string gentooFeed, out string fullFeed);
            using var bed = new RunbookBed(ps, baseline: true, feedsFolder: feeds.Path);
            var baseline = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.NotEmpty(baseline.BaselineSources);

            // The team ships commons-beanutils 1.10.0 (GLSA 202601-05: vulnerable below 1.11.0); oss-security mentions
            // the CVE first, without a package.
            File.WriteAllText(bed.Combine("stable.txt"), "dev-java/commons-beanutils 1.10.0 Gentoo\nsys-libs/glibc 2.41 Gentoo\n");
            bed.Run($"Import-PackageInventory -Path '{bed.Combine("stable.txt")}' -Name stable -StatePath $state -Confirm:$false | Out-Null").AssertNoErrors();
            bed.Run("Add-CveRecord -CveId CVE-2025-48734 -Source oss-security -StatePath $state -Confirm:$false | Out-Null").AssertNoErrors();

            var quiet = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.Empty(bed.GitHub.Repo(RunbookBed.Repository).Issues);
            Assert.Equal(new[] { "CVE-2025-48734" }, quiet.ForTriage);
            Assert.Contains("**For triage:** 1 CVE(s)", quiet.Markdown);

            // Gentoo publishes the GLSA: the record gets its package, becomes affected, and is filed that day.
            File.WriteAllText(gentooFeed, fullFeed);
            var arrival = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            var issue = Assert.Single(bed.GitHub.Repo(RunbookBed.Repository).Issues);
            Assert.Equal("update: dev-java/commons-beanutils", issue.Title);
            Assert.Contains("**Shipped**: dev-java/commons-beanutils 1.10.0 (stable)", issue.Body);
            Assert.Empty(arrival.ForTriage);
            Assert.Equal(1, arrival.IssuesOpened);
            CveRecord record = new CveDatabase(new StateRepository(bed.StatePath)).Get("CVE-2025-48734");
            Assert.Equal((CveRelevance.Affected, issue.Number), (record.RelevanceState, record.Issue.Number));

            // The next days: nothing more.
            bed.Run(Invoke).AssertNoErrors();
            bed.Run(Invoke).AssertNoErrors();
            Assert.Single(bed.GitHub.Repo(RunbookBed.Repository).Issues);
        }
    }
}
