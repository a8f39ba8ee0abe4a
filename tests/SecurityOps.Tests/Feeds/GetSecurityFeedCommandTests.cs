using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Feeds
{
    [Collection(PowerShellCollection.Name)]
    public sealed class GetSecurityFeedCommandTests
    {
        private readonly PowerShellFixture ps;

        public GetSecurityFeedCommandTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public async Task GentooFeedPipesIntoAddCveRecord()
        {
            using var state = new TempFolder();
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(FeedFixtures.Folder("gentoo")));
            var result = ps.Run($@"
                Initialize-SecurityState -Path '{state.Path}' | Out-Null
                Get-SecurityFeed -Uri '{server.Url("feed.rss")}' -Type gentoo-glsa -WarningAction SilentlyContinue |
                    Add-CveRecord -StatePath '{state.Path}' | Where-Object IsNew");
            result.AssertNoErrors();
            var records = result.Objects<CveRecord>().ToList();
            Assert.True(records.Count > 100);
            var beanutils = records.Single(r => r.CveId == "CVE-2025-48734");
            Assert.Contains(beanutils.Packages, p => p.Name == "dev-java/commons-beanutils" && p.Ecosystem == "Gentoo");
            Assert.False(Directory.Exists(Path.Combine(state.Path, "feeds"))); // a one-off read touches no feed state

            // The same items again: nothing is new.
            var again = ps.Run($@"Get-SecurityFeed -Uri '{server.Url("feed.rss")}' -Type gentoo-glsa -WarningAction SilentlyContinue |
                Add-CveRecord -StatePath '{state.Path}' | Where-Object IsNew");
            again.AssertNoErrors();
            Assert.Empty(again.Output);
        }

        [Fact]
        public async Task ConfiguredSourcesUseStateAndAFailingSourceIsANonTerminatingError()
        {
            using var state = new TempFolder();
            await using var feeds = new LoopbackServer(LoopbackServer.WithOsvRecords(LoopbackServer.StaticFiles(FeedFixtures.Folder("rustsec"))));
            await using var broken = new LoopbackServer((ctx, req) => { ctx.Response.StatusCode = 502; return Task.CompletedTask; });
            ps.Run($"Initialize-SecurityState -Path '{state.Path}' | Out-Null").AssertNoErrors();
            File.AppendAllText(Path.Combine(state.Path, "securityops.yaml"), $@"
  - name: rust
    type: rustsec
    url: {feeds.Url("feed-2025-02.xml")}{FeedFixtures.OsvUrlOption(feeds)}
  - name: down
    type: rss
    url: {broken.Url("feed.rss")}
  - name: off
    type: rss
    url: {broken.Url("never.rss")}
    enabled: false
".Replace("\r", string.Empty));
            string yaml = File.ReadAllText(Path.Combine(state.Path, "securityops.yaml")).Replace("sources: []", "sources:")
                .Replace("\n  retries: 3\n", "\n  retries: 1\n").Replace("useDefaults: true", "useDefaults: false");
            File.WriteAllText(Path.Combine(state.Path, "securityops.yaml"), yaml);

            var sources = ps.Run($"Get-SecuritySource -StatePath '{state.Path}'").AssertNoErrors().Objects<SecuritySource>().ToList();
            Assert.Equal(new[] { "rust", "down", "off" }, sources.Select(s => s.Name));
            Assert.False(sources.Single(s => s.Name == "off").Enabled);

            var first = ps.Run($"Get-SecurityFeed -StatePath '{state.Path}' -Verbose");
            Assert.Equal(10, first.Objects<SecurityFeedItem>().Count());
            Assert.Equal(new[] { "FeedDownloadFailed,SecurityOps.Commands.GetSecurityFeedCommand" }, first.ErrorIds);
            Assert.Contains("down", first.Errors[0].ToString());
            Assert.Contains("502", first.Errors[0].ToString());
            Assert.Equal("down", first.Errors[0].TargetObject);
            Assert.True(File.Exists(Path.Combine(state.Path, "feeds", "rust.yaml")));

            // Unchanged: one request, a 304, no items.
            int before = feeds.Requests.Count;
            var second = ps.Run($"Get-SecurityFeed -Source rust -StatePath '{state.Path}'");
            second.AssertNoErrors();
            Assert.Empty(second.Output);
            Assert.Equal(before + 1, feeds.Requests.Count);

            var forced = ps.Run($"Get-SecurityFeed -Source ru* -Force -Since '2025-01-20' -StatePath '{state.Path}'");
            forced.AssertNoErrors();
            Assert.NotEmpty(forced.Output);
            Assert.All(forced.Objects<SecurityFeedItem>(), i => Assert.True(i.Published >= new DateTimeOffset(2025, 1, 20, 0, 0, 0, TimeSpan.Zero)));

            var unknown = ps.Run($"Get-SecurityFeed -Source nope -StatePath '{state.Path}'");
            Assert.Contains("FeedSourceNotFound,SecurityOps.Commands.GetSecurityFeedCommand", unknown.ErrorIds);

            var listed = ps.Run($"Get-SecuritySource rust -StatePath '{state.Path}'").AssertNoErrors().Objects<SecuritySource>().Single();
            Assert.Equal(10, listed.SeenCount);
            Assert.NotNull(listed.LastChecked);
        }

        [Fact]
        public void DefaultsAreListedAndSourceNamesComplete()
        {
            using var state = new TempFolder();
            ps.Run($"Initialize-SecurityState -Path '{state.Path}' | Out-Null").AssertNoErrors();
            var sources = ps.Run($"Get-SecuritySource -StatePath '{state.Path}'").AssertNoErrors().Objects<SecuritySource>().ToList();
            Assert.Equal(new[] { "gentoo-glsa", "rustsec", "go-vulndb", "oss-security" }, sources.Select(s => s.Name));
            Assert.All(sources, s => Assert.Equal("default", s.Origin));

            string config = Path.Combine(state.Path, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace("sources: []", "sources:\n  - name: oss-security\n    enabled: false\n  - name: typo\n    url: x"));
            var changed = ps.Run($"Get-SecuritySource -StatePath '{state.Path}'");
            Assert.Equal(new[] { "InvalidFeedSource,SecurityOps.Commands.GetSecuritySourceCommand" }, changed.ErrorIds);
            Assert.Contains("'typo'", changed.Errors[0].ToString());
            File.WriteAllText(config, File.ReadAllText(config).Replace("  - name: typo\n    url: x", string.Empty));
            var oss = ps.Run($"Get-SecuritySource -StatePath '{state.Path}' -Name oss*").AssertNoErrors().Objects<SecuritySource>().Single();
            Assert.False(oss.Enabled);
            Assert.Equal("default+config", oss.Origin);
            Assert.Equal(3, ps.Run($"Get-SecuritySource -StatePath '{state.Path}' -Enabled").Output.Count);

            var completion = ps.Run($"(TabExpansion2 -inputScript \"Get-SecurityFeed -StatePath '{state.Path}' -Source go\" -cursorColumn {("Get-SecurityFeed -StatePath '" + state.Path + "' -Source go").Length}).CompletionMatches | ForEach-Object CompletionText");
            completion.AssertNoErrors();
            Assert.Equal(new[] { "go-vulndb" }, completion.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void BadInputIsAClearError()
        {
            var badType = ps.Run("Get-SecurityFeed -Uri 'https://example.org/feed' -Type nonsense");
            Assert.Contains("ParameterArgumentValidationError,SecurityOps.Commands.GetSecurityFeedCommand", badType.ErrorIds);
            var missing = ps.Run("Get-SecurityFeed -Uri '/nonexistent/feed.rss' -Type rss");
            Assert.Equal(new[] { "FeedDownloadFailed,SecurityOps.Commands.GetSecurityFeedCommand" }, missing.ErrorIds);
            Assert.Contains("/nonexistent/feed.rss", missing.Errors[0].ToString());
            var scheme = ps.Run("Get-SecurityFeed -Uri 'ftp://user:pw@example.org/feed' -Type rss");
            Assert.Single(scheme.Errors);
            Assert.DoesNotContain("pw@", scheme.Errors[0].ToString());
        }

        [Fact]
        public async Task ProgressIsWrittenWhileLinksAreFollowed()
        {
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(FeedFixtures.Folder("gentoo")));
            var result = ps.Run($"Get-SecurityFeed -Uri '{server.Url("feed.rss")}' -Type gentoo-glsa -WarningAction SilentlyContinue | ForEach-Object Id");
            result.AssertNoErrors();
            Assert.Equal(45, result.Output.Count);
            Assert.Contains(result.Progress, p => p.Activity.Contains("advisories") && p.StatusDescription.Contains("GLSA"));
        }
    }
}
