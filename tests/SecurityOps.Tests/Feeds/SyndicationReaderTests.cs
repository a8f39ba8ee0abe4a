using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SecurityOps.Feeds.Readers;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Feeds
{
    /// <summary>The generic rss/atom reader: one safe parse handed to FeedReader's feed classes, a cap of its own, nesting refused while reading.</summary>
    public sealed class SyndicationReaderTests
    {
        private const string Item = "<item><title>GLSA 202601-05: x CVE-2025-48734</title><link>https://security.gentoo.org/glsa/202601-05</link><pubDate>Mon, 26 Jan 2026 00:00:00 +0000</pubDate></item>";

        public static TheoryData<string> Feeds => new TheoryData<string>
        {
            FeedFixtures.Folder("gentoo", "feed.rss"),
            FeedFixtures.Folder("oss-security", "oss-sec.rss"),
            FeedFixtures.Folder("rustsec", "feed-2025-02.xml"),
            FeedFixtures.Folder("rustsec", "feed-2023-06.xml"),
        };

        [Theory]
        [MemberData(nameof(Feeds))]
        public void TheOneSafeParseGivesWhatFeedReaderItselfGivesOnTheSameFeed(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            var ours = SyndicationReader.Parse(bytes, path);
            var theirs = CodeHollow.FeedReader.FeedReader.ReadFromByteArray(bytes);

            Assert.Equal(theirs.Type, ours.Type);
            Assert.Equal(theirs.Title, ours.Title);
            Assert.Equal(theirs.Items.Count, ours.Items.Count);
            Assert.NotEmpty(ours.Items);
            for (int i = 0; i < ours.Items.Count; i++)
            {
                Assert.Equal(theirs.Items[i].Id, ours.Items[i].Id);
                Assert.Equal(theirs.Items[i].Title, ours.Items[i].Title);
                Assert.Equal(theirs.Items[i].Link, ours.Items[i].Link);
                // An unreadable date is cleared on purpose (a warning for its item), the rest are as FeedReader reads them.
                string date = theirs.Items[i].PublishingDateString;
                Assert.Equal(SecurityOps.Feeds.FeedText.Date(date) == null && !string.IsNullOrWhiteSpace(date) ? null : date, ours.Items[i].PublishingDateString);
                Assert.Equal(theirs.Items[i].Description, ours.Items[i].Description);
                Assert.Equal(theirs.Items[i].Content, ours.Items[i].Content);
            }

            // No text copy of the feed is kept beside the tree.
            Assert.Null(ours.OriginalDocument);
        }

        [Theory]
        [InlineData("<rss version=\"0.91\"><channel><title>t</title><item><title>a CVE-2024-0001</title><link>https://x/a</link></item></channel></rss>", CodeHollow.FeedReader.FeedType.Rss_0_91)]
        [InlineData("<rss version=\"0.92\"><channel><title>t</title><item><title>a CVE-2024-0001</title><link>https://x/a</link></item></channel></rss>", CodeHollow.FeedReader.FeedType.Rss_0_92)]
        [InlineData("<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>t</title><item><title>a CVE-2024-0001</title><link>https://x/a</link></item></channel></rss>", CodeHollow.FeedReader.FeedType.MediaRss)]
        [InlineData("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel><title>t</title></channel><item><title>a CVE-2024-0001</title><link>https://x/a</link></item></rdf:RDF>", CodeHollow.FeedReader.FeedType.Rss_1_0)]
        [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title><entry><id>a</id><title>a CVE-2024-0001</title></entry></feed>", CodeHollow.FeedReader.FeedType.Atom)]
        public void EveryDialectFeedReaderKnowsIsReadByItsOwnFeedClass(string xml, CodeHollow.FeedReader.FeedType type)
        {
            var feed = SyndicationReader.Parse(Encoding.UTF8.GetBytes(xml), "doc");
            Assert.Equal(type, feed.Type);
            Assert.Equal(CodeHollow.FeedReader.FeedReader.ReadFromString(xml).Items.Single().Title, feed.Items.Single().Title);
            Assert.Contains("CVE-2024-0001", feed.Items.Single().Title);
        }

        [Fact]
        public void AFeedInALegacyEncodingIsDecodedOnceNotTwice()
        {
            byte[] bytes = Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>t</title><item><title>Sécurité CVE-2024-0001 – ü</title></item></channel></rss>"
                .Replace("–", "-"));
            var feed = SyndicationReader.Parse(bytes, "doc");
            Assert.Equal("Sécurité CVE-2024-0001 - ü", feed.Items.Single().Title);
        }

        [Fact]
        public void NotAFeedAndAFeedWithoutChannelAreClearErrors()
        {
            var html = Assert.Throws<SecurityOpsException>(() => SyndicationReader.Parse(Encoding.UTF8.GetBytes("<html><body>x</body></html>"), "page"));
            Assert.Equal("FeedParseFailed", html.ErrorId);
            Assert.Contains("<html>", html.Message);
            var empty = Assert.Throws<SecurityOpsException>(() => SyndicationReader.Parse(Encoding.UTF8.GetBytes("<rss version=\"2.0\"></rss>"), "doc"));
            Assert.Equal("FeedParseFailed", empty.ErrorId);
            Assert.Contains("no <channel>", empty.Message);
        }

        [Fact]
        public void TheDefaultCapIsInTheShippedConfigAndDocumented()
        {
            Assert.Equal(16L * 1024 * 1024, new FeedSettings().MaxRssAtomBytes);
            string shipped = EmbeddedResources.ReadText("securityops.yaml");
            var config = YamlFormat.Deserialize<SecurityConfig>(shipped, "securityops.yaml");
            Assert.Equal(FeedSettings.DefaultMaxRssAtomBytes, config.Feeds.MaxRssAtomBytes);
            int at = shipped.IndexOf("  maxRssAtomBytes:", StringComparison.Ordinal);
            string comment = shipped.Substring(0, at).Split('\n').Reverse().Skip(1).TakeWhile(l => l.TrimStart().StartsWith("#")).Aggregate(string.Empty, (a, l) => l + a);
            Assert.Contains("FeedTooLarge", comment);
            Assert.Contains("before it is parsed", comment);
            Assert.Contains("feeds.maxRssAtomBytes", File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "en-US", "Get-SecurityFeed.md")));
        }

        [Fact]
        public void AFeedOverTheCapIsRefusedBeforeParsingWithFeedTooLargeNamingTheCapAndTheSetting()
        {
            using var site = new TempFolder();
            // Not even XML: it is refused by its size, never parsed.
            File.WriteAllText(site.Combine("big.xml"), "<rss version=\"2.0\"><channel>" + new string('x', 200_000));
            var (items, result, _) = FeedFixtures.Read("rss", site.Combine("big.xml"), settings: new FeedSettings { MaxRssAtomBytes = 100_000 });
            Assert.Equal("FeedTooLarge", result.Error?.ErrorId);
            Assert.Contains("100000 bytes", result.Error.Message);
            Assert.Contains("feeds.maxRssAtomBytes", result.Error.Message);
            Assert.Contains("before parsing", result.Error.Message);
            Assert.Contains("test-rss", result.Error.Message);
            Assert.Empty(items);

            // Under the cap, the same setting reads it (here a real feed).
            var fine = FeedFixtures.Read("rss", FeedFixtures.Folder("gentoo", "feed.rss"), settings: new FeedSettings { MaxRssAtomBytes = 100_000 });
            Assert.Null(fine.Result.Error);
            Assert.NotEmpty(fine.Items);

            // Parse itself refuses by the default cap.
            var ex = Assert.Throws<SecurityOpsException>(() => SyndicationReader.Parse(new byte[FeedSettings.DefaultMaxRssAtomBytes + 1], "huge"));
            Assert.Equal("FeedTooLarge", ex.ErrorId);
            Assert.Contains("16 MiB", ex.Message);
        }

        [Fact]
        public async Task OverHttpTheCapStopsTheDownloadAndIsStillFeedTooLarge()
        {
            string big = "<rss version=\"2.0\"><channel>" + string.Concat(Enumerable.Repeat(Item, 2000)) + "</channel></rss>";
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                ctx.Response.ContentType = "application/rss+xml";
                await ctx.Response.WriteAsync(big);
            });
            var (items, result, _) = FeedFixtures.Read("rss", server.Url("feed.xml").ToString(), settings: new FeedSettings { MaxRssAtomBytes = 50_000 });
            Assert.Equal("FeedTooLarge", result.Error?.ErrorId);
            Assert.Contains("feeds.maxRssAtomBytes", result.Error.Message);
            Assert.Contains("50000 bytes", result.Error.Message);
            Assert.Empty(items);

            // The general cap, when it is the smaller one, keeps its own error.
            var general = FeedFixtures.Read("rss", server.Url("feed.xml").ToString(), settings: new FeedSettings { MaxResponseBytes = 40_000, MaxRssAtomBytes = 50_000 });
            Assert.Equal("ResponseTooLarge", general.Result.Error?.ErrorId);
        }

        [Theory]
        [InlineData("rss")]
        [InlineData("atom")]
        public void AHundredThousandNestedElementsAreRefusedWhileReadingInUnderASecond(string type)
        {
            using var site = new TempFolder();
            var deep = new StringBuilder("<rss version=\"2.0\"><channel><title>t</title><item><title>a CVE-2024-0001</title><description>");
            deep.Insert(0, string.Empty);
            for (int i = 0; i < 100_000; i++)
            {
                deep.Append("<b>");
            }

            deep.Append("deep");
            for (int i = 0; i < 100_000; i++)
            {
                deep.Append("</b>");
            }

            deep.Append("</description></item></channel></rss>");
            File.WriteAllText(site.Combine("deep.xml"), deep.ToString());

            var watch = Stopwatch.StartNew();
            var (items, result, _) = FeedFixtures.Read(type, site.Combine("deep.xml"));
            watch.Stop();
            Assert.Equal("FeedParseFailed", result.Error?.ErrorId);
            Assert.Contains("deeper than 64 levels", result.Error.Message);
            Assert.Contains("while being read", result.Error.Message);
            Assert.Empty(items);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"100,000 nested elements took {watch.Elapsed}");

            // A feed nested as deep as a real one reads.
            var shallow = new StringBuilder("<rss version=\"2.0\"><channel><title>t</title><item><title>a CVE-2024-0001</title><description>");
            shallow.Append(string.Concat(Enumerable.Repeat("<b>", 50))).Append("ok").Append(string.Concat(Enumerable.Repeat("</b>", 50)));
            shallow.Append("</description></item></channel></rss>");
            File.WriteAllText(site.Combine("ok.xml"), shallow.ToString());
            var ok = FeedFixtures.Read(type, site.Combine("ok.xml"));
            Assert.Null(ok.Result.Error);
            Assert.Equal(new[] { "CVE-2024-0001" }, Assert.Single(ok.Items).CveIds);
        }
    }
}
