using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Runbook;
using SecurityOps.State;
using SecurityOps.Tests.Feeds;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>Nothing is dropped silently: every item a run leaves out is counted per source with the reason.</summary>
    public sealed class SkippedItemsTests
    {
        private const string Feed = @"<?xml version=""1.0""?>
<rss version=""2.0""><channel><title>t</title><link>https://lists.example/</link><description>d</description>
<item><title>openssl: CVE-2026-31001 heap overflow</title><link>https://lists.example/1</link><guid>https://lists.example/1</guid></item>
<item><title>A hardening release, no CVE</title><link>https://lists.example/2</link><guid>https://lists.example/2</guid></item>
<item><title>Another note without an id</title><link>https://lists.example/3</link><guid>https://lists.example/3</guid></item>
<item><description>nothing to name it by</description></item>
</channel></rss>";

        [Fact]
        public async Task ItemsWithoutACveIdOrWithoutAnIdAreCountedInTheResultAndTheSummary()
        {
            using var folder = new TempFolder();
            SecurityState.Initialize(folder.Path, initGit: false);
            string feed = folder.Combine("list.rss");
            File.WriteAllText(feed, Feed);
            string config = File.ReadAllText(Path.Combine(folder.Path, "securityops.yaml"))
                .Replace("useDefaults: true", "useDefaults: false")
                .Replace("baselineNewSources: true", "baselineNewSources: false")
                .Replace("sources: []", $"sources:\n  - name: list\n    type: rss\n    url: {new Uri(feed).AbsoluteUri}\n");
            File.WriteAllText(Path.Combine(folder.Path, "securityops.yaml"), config);

            SecurityRunbookResult run = await new DailyRunbook(SecurityState.Open(folder.Path), new RecordingSink()).RunAsync(new RunbookOptions { Environment = _ => null });
            RunbookSourceResult list = run.Sources.Single();
            Assert.Equal(new[] { "CVE-2026-31001" }, run.NewCves);
            Assert.Equal(2, list.Skipped["no CVE id"]);
            Assert.Equal(1, list.Skipped["no id, link or title"]);
            Assert.Equal(3, list.SkippedCount);
            Assert.Contains("| 3 (no CVE id: 2, no id, link or title: 1) |", run.Markdown);
        }
    }
}
