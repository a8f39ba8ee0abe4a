using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SecurityOps.Feeds;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Feeds
{
    /// <summary>Every reader on the real shared data, served over loopback HTTP or read from files.</summary>
    public sealed class FeedReaderTests
    {
        [Fact]
        public async Task GentooFollowsEachItemToItsAdvisoryXml()
        {
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(FeedFixtures.Folder("gentoo")));
            var (items, result, warnings) = FeedFixtures.Read("gentoo-glsa", server.Url("feed.rss").ToString());

            Assert.Null(result.Error);
            Assert.Equal(45, items.Count); // 50 items, 45 advisory files: the 5 missing ones are problems, not items
            Assert.Equal(5, result.Problems.Count);
            Assert.All(result.Problems, p => Assert.Contains("404", p));
            Assert.Equal(51, server.Requests.Count);
            Assert.True(server.Requests.Skip(1).All(r => r.Path.EndsWith(".xml")));

            var beanutils = items.Single(i => i.Id == "GLSA-202601-05");
            Assert.Equal(new[] { "CVE-2025-48734" }, beanutils.CveIds);
            Assert.Equal("dev-java/commons-beanutils", beanutils.Packages.Single().Name);
            Assert.Equal("Gentoo", beanutils.Packages.Single().Ecosystem);
            Assert.Equal("https://security.gentoo.org/glsa/202601-05", beanutils.Link);
            Assert.Equal(new DateTimeOffset(2026, 1, 26, 0, 0, 0, TimeSpan.Zero), beanutils.Published);
            Assert.Equal("test-gentoo-glsa", beanutils.Source);
            Assert.True(items.Sum(i => i.CveIds.Length) > 100);
            // Items stream in feed order even though the advisories are fetched in parallel.
            Assert.Equal("GLSA-202601-05", items[0].Id);
        }

        [Fact]
        public async Task GentooFollowsOnlyNewItemsAndAnUnchangedFeedCostsOneRequest()
        {
            using var state = new TempFolder();
            using var site = new TempFolder();
            // The real feed, less the 5 items whose advisory XML is not in the fixtures (a complete read keeps the validators).
            string feed = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(FeedFixtures.Folder("gentoo", "feed.rss")),
                @"<item>(?:(?!</item>).)*glsa/(202511-0[4-7]|202512-01)</link>.*?</item>", string.Empty, System.Text.RegularExpressions.RegexOptions.Singleline);
            Assert.Equal(45, System.Text.RegularExpressions.Regex.Matches(feed, "<item>").Count);
            foreach (var file in Directory.GetFiles(FeedFixtures.Folder("gentoo"), "2*.xml"))
            {
                File.Copy(file, site.Combine(Path.GetFileName(file)));
            }

            // Day 1: the feed without its newest item.
            int cut = feed.IndexOf("<item>", StringComparison.Ordinal);
            int next = feed.IndexOf("<item>", cut + 1, StringComparison.Ordinal);
            File.WriteAllText(site.Combine("feed.rss"), feed.Remove(cut, next - cut));
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(site.Path));
            var day1 = FeedFixtures.Read("gentoo-glsa", server.Url("feed.rss").ToString(), state.Path);
            Assert.Equal(44, day1.Items.Count);
            int afterDay1 = server.Requests.Count;

            // Day 2: the same feed: one conditional request, a 304, nothing emitted.
            var day2 = FeedFixtures.Read("gentoo-glsa", server.Url("feed.rss").ToString(), state.Path);
            Assert.Empty(day2.Items);
            Assert.Equal(afterDay1 + 1, server.Requests.Count);
            Assert.True(day2.Result.NotModified);
            Assert.True(server.Requests.Last().Headers.ContainsKey("If-None-Match"));

            // Day 3: the newest item appears: the feed, then only that item's advisory.
            File.WriteAllText(site.Combine("feed.rss"), feed);
            File.SetLastWriteTimeUtc(site.Combine("feed.rss"), DateTime.UtcNow.AddMinutes(1));
            var day3 = FeedFixtures.Read("gentoo-glsa", server.Url("feed.rss").ToString(), state.Path);
            Assert.Equal("GLSA-202601-05", Assert.Single(day3.Items).Id);
            var followed = server.Requests.Skip(afterDay1 + 2).Select(r => r.Path).ToList();
            Assert.Equal(new[] { "/202601-05.xml" }, followed);
            Assert.True(File.Exists(Path.Combine(state.Path, "feeds", "test-gentoo-glsa.yaml")));
        }

        [Fact]
        public void GentooFromAFileFindsAdvisoriesBesideTheFeed()
        {
            var (items, result, _) = FeedFixtures.Read("gentoo-glsa", FeedFixtures.Folder("gentoo", "feed.rss"),
                options: new FeedReadOptions { Since = new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero) });
            Assert.Null(result.Error);
            Assert.NotEmpty(items);
            Assert.All(items, i => Assert.True(i.Published >= new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero)));
            Assert.Contains(items, i => i.Id == "GLSA-202511-01");
        }

        [Fact]
        public void GentooNeverFollowsALinkToAnotherHostOrAFile()
        {
            Uri feed = new Uri("http://127.0.0.1:9/mirror/feed.rss");
            var source = new Model.SecuritySource { Name = "g", Type = "gentoo-glsa", Url = feed.AbsoluteUri };
            Assert.Equal("http://127.0.0.1:9/mirror/202601-05.xml", SecurityOps.Feeds.Readers.GentooGlsaReader.AdvisoryUrl(source, feed, "https://security.gentoo.org/glsa/202601-05", "202601-05"));
            Assert.Equal("http://127.0.0.1:9/mirror/202601-05.xml", SecurityOps.Feeds.Readers.GentooGlsaReader.AdvisoryUrl(source, feed, "file:///etc/passwd", "202601-05"));
            var real = new Uri("https://security.gentoo.org/glsa/feed.rss");
            Assert.Equal("https://security.gentoo.org/glsa/202601-05.xml", SecurityOps.Feeds.Readers.GentooGlsaReader.AdvisoryUrl(source, real, "https://security.gentoo.org/glsa/202601-05", "202601-05"));
        }

        [Fact]
        public void AGlsaIsReadInOnePassAndGivesWhatItsTreeGave()
        {
            // The first <title>, <references> and <affected> count; one atom listed twice merges; a slot follows the
            // version; a <uri> gives the CVE it names (any case, CDATA too) or those in its text; elements deeper than a
            // package's own ranges, and prefixed ones, are not ranges; the DOCTYPE is skipped, never fetched.
            string xml = "<?xml version='1.0'?><!DOCTYPE glsa SYSTEM 'http://127.0.0.1:9/glsa.dtd'><glsa id='202601-99'>" +
                "<title>  Foo:\n  Two   flaws </title><title>second</title><synopsis/><announced>2024-01-02</announced><revised count='2'>2024-02-03</revised>" +
                "<references><uri link='https://nvd.nist.gov/vuln/detail/CVE-2024-1234'>cve-2024-1234</uri><uri>see CVE-2024-5555 and CVE-2024-5555, cve-2023-99999</uri>" +
                "<uri link=''> CVE-2024-7777 </uri><uri><![CDATA[CVE-2024-8888]]></uri></references><references><uri>CVE-2000-0001</uri></references>" +
                "<affected><package name=' a/b '><vulnerable range='lt' slot='2'>1.0</vulnerable><unaffected range=' ge '>1.0:2</unaffected>" +
                "<x><vulnerable range='lt'>9</vulnerable></x><vulnerable range='lt' slot='2'>1.0</vulnerable><vulnerable range='le'>2<i>.0</i></vulnerable></package>" +
                "<package name=''><vulnerable range='lt'>3</vulnerable></package><package name='a/b' arch='x'><vulnerable range='lt' slot='*'>1.5</vulnerable></package>" +
                "<package name='c/d'/></affected><affected><package name='e/f'><vulnerable range='lt'>1</vulnerable></package></affected></glsa>";
            var entry = new FeedEntry { Title = "GLSA 202601-99: from the feed", Link = "https://security.gentoo.org/glsa/202601-99", Summary = "<p>The feed's summary</p>" };

            var item = SecurityOps.Feeds.Readers.GentooGlsaReader.Parse(System.Text.Encoding.UTF8.GetBytes(xml), "test.xml", entry, "202601-99");

            Assert.Equal("GLSA-202601-99", item.Id);
            Assert.Equal("Foo: Two flaws", item.Title);
            Assert.Equal("The feed's summary", item.Summary); // the empty <synopsis> gives way to the feed's text
            Assert.Equal(new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero), item.Published);
            Assert.Equal(new DateTimeOffset(2024, 2, 3, 0, 0, 0, TimeSpan.Zero), item.Updated);
            Assert.Equal(new[] { "CVE-2024-1234", "CVE-2024-5555", "CVE-2023-99999", "CVE-2024-7777", "CVE-2024-8888" }, item.CveIds);
            Assert.Equal(new[] { "https://nvd.nist.gov/vuln/detail/CVE-2024-1234" }, item.References);
            Assert.Equal(new[] { "a/b", "c/d" }, item.Packages.Select(p => p.Name));
            Assert.Equal(new[] { "lt 1.0:2", "le 2.0", "lt 1.5" }, item.Packages[0].Vulnerable);
            Assert.Equal(new[] { "ge 1.0:2" }, item.Packages[0].Unaffected);
            Assert.Null(item.Packages[1].Vulnerable);

            var bare = SecurityOps.Feeds.Readers.GentooGlsaReader.Parse(System.Text.Encoding.UTF8.GetBytes("<glsa><title/></glsa>"), "bare.xml", entry, "202601-99");
            Assert.Equal("GLSA-202601-99", bare.Id);
            Assert.Equal("GLSA 202601-99: from the feed", bare.Title);
            var other = Assert.Throws<SecurityOpsException>(() => SecurityOps.Feeds.Readers.GentooGlsaReader.Parse(System.Text.Encoding.UTF8.GetBytes("<rss><channel/></rss>"), "other.xml", entry, "1"));
            Assert.Equal("FeedParseFailed", other.ErrorId);
            Assert.Contains("not a GLSA document", other.Message);
        }

        [Fact]
        public async Task FollowedWorkIsEmittedInOrderAndStartedOnlyAWindowAhead()
        {
            var source = new SecuritySource { Name = "w", Type = "test", Url = "file:///w" };
            var emitted = new List<string>();
            var context = new FeedReadContext(source, FeedFixtures.FastPipeline(), null, i => emitted.Add(i.Id)) { Parallelism = 3 };
            int window = 3 * FeedReadContext.WindowPerWorker;
            var inputs = Enumerable.Range(0, 200).ToList();
            int running = 0, most = 0;
            var startedAhead = new List<int>();

            // Work that ends at once (a file): each input starts only when the one a window before it was emitted.
            await context.ForEachBoundedAsync(inputs, "sync", i => i.ToString(), i =>
            {
                startedAhead.Add(i - emitted.Count);
                return Task.FromResult(new SecurityFeedItem { Id = "S" + i });
            }, null);
            Assert.Equal(inputs.Select(i => "S" + i), emitted);
            Assert.True(startedAhead.Max() < window, $"started {startedAhead.Max()} ahead");

            // Work that waits (HTTP), a slow one among it: still in input order, never more than Parallelism at once,
            // a failure is a problem for its input alone.
            emitted.Clear();
            await context.ForEachBoundedAsync(inputs, "async", i => "input " + i, async i =>
            {
                int now = Interlocked.Increment(ref running);
                lock (inputs)
                {
                    most = Math.Max(most, now);
                }

                await Task.Delay(i == 5 ? 200 : i % 3);
                Interlocked.Decrement(ref running);
                return i == 7 ? throw new SecurityOpsException("X", FailureKind.ConnectionError, "x", "broken") : new SecurityFeedItem { Id = "A" + i };
            }, null);
            Assert.Equal(inputs.Where(i => i != 7).Select(i => "A" + i), emitted);
            Assert.InRange(most, 1, 3);
            Assert.Equal("input 7: broken", Assert.Single(context.Problems));
        }

        [Theory]
        [InlineData("feed-2023-06.xml", "RUSTSEC-2023-0034", "h2", "CVE-2023-26964")]
        [InlineData("feed-2025-02.xml", "RUSTSEC-2025-0001", "gix-worktree-state", "CVE-2025-22620")]
        public async Task RustSecTakesIdCrateAndCvesFromTheEscapedContent(string file, string id, string crate, string cve)
        {
            await using var server = new LoopbackServer(RustSecSite(new Dictionary<string, string>()));
            var (items, result, _) = FeedFixtures.Read("rustsec", server.Url(file).ToString(), sourceOptions: new Dictionary<string, string> { ["osvUrl"] = server.Url("osv/{id}.json").ToString() });
            Assert.Null(result.Error);
            Assert.Equal(10, items.Count);
            var item = items.Single(i => i.Id == id);
            Assert.Equal(new[] { cve }, item.CveIds);
            Assert.Equal(crate, item.Packages.Single().Name);
            Assert.Equal("crates.io", item.Packages.Single().Ecosystem);
            Assert.NotNull(item.Published);
            Assert.Equal(items.Count, items.Select(i => i.Packages.Single().Name).Count());
            Assert.Contains(items, i => i.Id == "RUSTSEC-2025-0004" || i.Id == "RUSTSEC-2023-0040");
        }

        /// <summary>The RustSec fixtures over HTTP, and /osv/&lt;id&gt;.json answering an OSV record with the aliases given (404 for "missing").</summary>
        private static Func<Microsoft.AspNetCore.Http.HttpContext, RecordedRequest, Task> RustSecSite(Dictionary<string, string> aliases)
        {
            var files = LoopbackServer.StaticFiles(FeedFixtures.Folder("rustsec"));
            return async (context, request) =>
            {
                if (!request.Path.StartsWith("/osv/", StringComparison.Ordinal))
                {
                    await files(context, request);
                    return;
                }

                string id = request.Path.Substring(5).Replace(".json", string.Empty);
                aliases.TryGetValue(id, out string alias);
                if (alias == "missing")
                {
                    context.Response.StatusCode = 404;
                    return;
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync($"{{\"id\":\"{id}\",\"modified\":\"2025-02-03T00:00:00Z\",\"aliases\":[{(alias == null ? string.Empty : $"\"{alias}\", \"GHSA-xxxx-yyyy-zzzz\"")}]}}");
            };
        }

        [Fact]
        public async Task RustSecFollowsAnEntryWithoutACveToItsOsvRecordForTheAliasesAndRetriesOneThatCannotBeRead()
        {
            using var state = new TempFolder();
            var aliases = new Dictionary<string, string>();
            await using var server = new LoopbackServer(RustSecSite(aliases));
            var options = new Dictionary<string, string> { ["osvUrl"] = server.Url("osv/{id}.json").ToString() };
            string feed = server.Url("feed-2025-02.xml").ToString();

            // Which entries name no CVE in the feed's own text (reading the bytes alone, no OSV record).
            var inFeed = FeedFixtures.Read("rustsec", feed, sourceOptions: new Dictionary<string, string> { ["osvUrl"] = server.Url("osv/{id}.json").ToString() }).Items;
            var withoutCve = inFeed.Where(i => i.CveIds.Length == 0).Select(i => i.Id).ToList();
            Assert.True(withoutCve.Count >= 2, string.Join(", ", withoutCve));
            int before = server.Requests.Count;

            aliases[withoutCve[0]] = "CVE-2025-90001";
            aliases[withoutCve[1]] = "missing";
            var (items, result, warnings) = FeedFixtures.Read("rustsec", feed, state.Path, sourceOptions: options);
            Assert.Null(result.Error);
            Assert.Equal(new[] { "CVE-2025-90001" }, items.Single(i => i.Id == withoutCve[0]).CveIds);
            Assert.DoesNotContain(items, i => i.Id == withoutCve[1]);
            Assert.Contains(warnings, w => w.Contains(withoutCve[1]));
            var fetched = server.Requests.Skip(before).Where(r => r.Path.StartsWith("/osv/", StringComparison.Ordinal)).Select(r => r.Path).ToList();
            Assert.Equal(withoutCve.Select(id => $"/osv/{id}.json").OrderBy(x => x), fetched.OrderBy(x => x)); // entries with a CVE in the feed are not followed

            // The next run tries the unreadable one again (and only it), and now OSV.dev knows its alias.
            aliases[withoutCve[1]] = "CVE-2025-90002";
            var again = FeedFixtures.Read("rustsec", feed, state.Path, sourceOptions: options);
            Assert.Equal(new[] { "CVE-2025-90002" }, Assert.Single(again.Items).CveIds);
        }

        [Fact]
        public void ARustSecFeedReadFromAFileFollowsOnlyWhenOsvUrlIsSet()
        {
            var source = new SecuritySource { Name = "r", Type = "rustsec", Url = "file:///srv/rustsec/feed.xml" };
            Assert.Null(SecurityOps.Feeds.Readers.RustSecReader.OsvUrl(source));
            source.Url = "https://rustsec.org/feed.xml";
            Assert.Equal("https://api.osv.dev/v1/vulns/{id}", SecurityOps.Feeds.Readers.RustSecReader.OsvUrl(source));
            source.Options["osvUrl"] = "https://mirror.example/osv/{id}.json";
            Assert.Equal("https://mirror.example/osv/{id}.json", SecurityOps.Feeds.Readers.RustSecReader.OsvUrl(source));
        }

        [Fact]
        public void RustSecEmitsAnEntryAgainWhenItIsUpdated()
        {
            using var state = new TempFolder();
            using var site = new TempFolder();
            string text = File.ReadAllText(FeedFixtures.Folder("rustsec", "feed-2025-02.xml"));
            File.WriteAllText(site.Combine("feed.xml"), text);
            Assert.Equal(10, FeedFixtures.Read("rustsec", site.Combine("feed.xml"), state.Path).Items.Count);

            // An alias added later: the entry's <updated> moves; only it comes back.
            int at = text.IndexOf("<updated>2025-02-02T12:00:00+00:00</updated><category", StringComparison.Ordinal);
            File.WriteAllText(site.Combine("feed.xml"), text.Remove(at, 44).Insert(at, "<updated>2025-02-09T12:00:00+00:00</updated>"));
            File.SetLastWriteTimeUtc(site.Combine("feed.xml"), DateTime.UtcNow.AddMinutes(1));
            var again = FeedFixtures.Read("rustsec", site.Combine("feed.xml"), state.Path);
            Assert.Equal("RUSTSEC-2025-0004", Assert.Single(again.Items).Id);
        }

        [Fact]
        public async Task GoVulnDbReadsTheIndexThenOnlyNewRecords()
        {
            using var state = new TempFolder();
            using var site = new TempFolder();
            CopyFolder(FeedFixtures.Folder("go-vulndb"), site.Path);
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(site.Path));
            var first = FeedFixtures.Read("go-vulndb", server.BaseUri.ToString(), state.Path);
            Assert.Null(first.Result.Error);
            Assert.Equal(8, first.Items.Count);
            var k8s = first.Items.Single(i => i.Id == "GO-2022-0890");
            Assert.Equal(new[] { "CVE-2020-8555" }, k8s.CveIds);
            Assert.Equal("k8s.io/kubernetes", k8s.Packages.Single().Name);
            Assert.Equal("Go", k8s.Packages.Single().Ecosystem);
            Assert.Null(k8s.Published); // Go's placeholder 0001-01-01 is no date
            Assert.Equal("https://pkg.go.dev/vuln/GO-2022-0890", k8s.Link);
            Assert.Equal("/index/vulns.json", server.Requests[0].Path);
            Assert.Equal(9, server.Requests.Count);

            // One record changes in the index: the index, then that record only.
            string index = File.ReadAllText(site.Combine("index", "vulns.json"));
            int at = index.IndexOf("\"GO-2022-0890\"", StringComparison.Ordinal);
            int mod = index.IndexOf("\"modified\": \"", at, StringComparison.Ordinal) + 13;
            File.WriteAllText(site.Combine("index", "vulns.json"), index.Remove(mod, 20).Insert(mod, "2025-06-01T00:00:00Z"));
            File.SetLastWriteTimeUtc(site.Combine("index", "vulns.json"), DateTime.UtcNow.AddMinutes(1));
            var second = FeedFixtures.Read("go-vulndb", server.BaseUri.ToString(), state.Path);
            Assert.Equal("GO-2022-0890", Assert.Single(second.Items).Id);
            Assert.Equal("/ID/GO-2022-0890.json", server.Requests.Last().Path);
            Assert.Equal(11, server.Requests.Count);
        }

        [Fact]
        public void OsvFolderTakesCvesFromAliasesRelatedAndUpstream()
        {
            var (items, result, _) = FeedFixtures.Read("osv", FeedFixtures.Folder("osv"));
            Assert.Null(result.Error);
            Assert.Equal(32, items.Count);
            var alma = items.Single(i => i.Id == "ALSA-2025:10549");
            Assert.Equal(new[] { "CVE-2025-6032" }, alma.CveIds); // AlmaLinux: in related
            Assert.Equal("AlmaLinux:10", alma.Packages.First().Ecosystem);
            Assert.Contains(items, i => i.Id.StartsWith("PYSEC-") && i.CveIds.Length > 0 && i.Packages.Any(p => p.Ecosystem == "PyPI"));
            Assert.Contains(items, i => i.Id.StartsWith("RUSTSEC-") && i.Packages.Any(p => p.Ecosystem == "crates.io"));
            Assert.All(items, i => Assert.All(i.CveIds, c => Assert.Matches(@"^CVE-\d{4}-\d{4,}$", c)));
        }

        [Fact]
        public async Task OsvZipOverHttpAndSingleFiles()
        {
            using var site = new TempFolder();
            System.IO.Compression.ZipFile.CreateFromDirectory(FeedFixtures.Folder("osv", "pypi"), site.Combine("all.zip"));
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(site.Path, "application/zip"));
            var zip = FeedFixtures.Read("osv", server.Url("all.zip").ToString());
            Assert.Null(zip.Result.Error);
            Assert.Equal(8, zip.Items.Count);
            Assert.Single(server.Requests);

            var single = FeedFixtures.Read("osv", FeedFixtures.Folder("osv", "go", "GO-2022-0890.json"));
            Assert.Equal("CVE-2020-8555", Assert.Single(Assert.Single(single.Items).CveIds));
        }

        [Fact]
        public void OssSecurityTakesCvesFromSubjectAndBodyAndKeepsUndatedItems()
        {
            var (items, result, _) = FeedFixtures.Read("oss-security", FeedFixtures.Folder("oss-security", "oss-sec.rss"));
            Assert.Null(result.Error);
            Assert.Equal(3, items.Count);
            Assert.Equal(new[] { "CVE-2025-48734" }, items[0].CveIds);
            Assert.Equal(new[] { "CVE-2025-6032", "CVE-2024-9676" }, items[1].CveIds);
            Assert.Equal("oss-sec/2025/q2/181", items[1].Id);
            Assert.Null(items[2].Published); // "not a date": kept, without a date
            Assert.Empty(items[2].CveIds);
        }

        [Theory]
        [InlineData("rss", "gentoo/feed.rss", 50)]
        [InlineData("atom", "rustsec/feed-2023-06.xml", 10)]
        public void GenericReadersUseFeedReaderOnSanitisedXml(string type, string file, int count)
        {
            var (items, result, _) = FeedFixtures.Read(type, FeedFixtures.Folder(file.Split('/')));
            Assert.Null(result.Error);
            Assert.Equal(count, items.Count);
            Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.Title)));
            Assert.All(items, i => Assert.NotNull(i.Published));
            if (type == "atom")
            {
                Assert.Contains(items, i => i.CveIds.Contains("CVE-2023-26964"));
            }
        }

        [Fact]
        public async Task GitHubAdvisoriesThroughThePipelineWithFiltersAndPaging()
        {
            string page = File.ReadAllText(FeedFixtures.Folder("github", "advisories.json"));
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                ctx.Response.ContentType = "application/json";
                if (req.Query.Contains("page=2"))
                {
                    await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "[]");
                    return;
                }

                ctx.Response.Headers["Link"] = $"<http://127.0.0.1:{ctx.Connection.LocalPort}/advisories?page=2>; rel=\"next\", <https://evil.example/x>; rel=\"last\"";
                await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, page);
            });
            Environment.SetEnvironmentVariable("SECOPS_TEST_GH_TOKEN", "ghp_abcdefghijklmnopqrstuvwxyz0123456789");
            try
            {
                var (items, result, _) = FeedFixtures.Read("github-advisories", server.BaseUri.ToString(),
                    sourceOptions: new() { ["ecosystem"] = "go", ["type"] = "reviewed", ["tokenVariable"] = "SECOPS_TEST_GH_TOKEN" });
                Assert.Null(result.Error);
                Assert.Equal(2, items.Count);
                Assert.Equal(new[] { "CVE-2025-24898" }, items[0].CveIds);
                Assert.Equal("openssl", items[0].Packages.Single().Name);
                Assert.Equal(new[] { "CVE-2020-8555" }, items[1].CveIds);
                Assert.Equal(2, server.Requests.Count);
                Assert.Contains("ecosystem=go", server.Requests[0].Query);
                Assert.Contains("type=reviewed", server.Requests[0].Query);
                Assert.Equal("Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789", server.Requests[0].Headers["Authorization"]);
            }
            finally
            {
                Environment.SetEnvironmentVariable("SECOPS_TEST_GH_TOKEN", null);
            }
        }

        [Fact]
        public async Task AFailingSourceIsAResultNamingItWhileOthersStillRun()
        {
            await using var server = new LoopbackServer((ctx, req) => { ctx.Response.StatusCode = 500; return Task.CompletedTask; });
            var config = new Model.SecurityConfig { Feeds = new Model.FeedSettings { UseDefaults = false } };
            config.Sources.Add(new Model.FeedSourceConfig { Name = "broken", Type = "rss", Url = server.Url("feed.rss").ToString() });
            config.Sources.Add(new Model.FeedSourceConfig { Name = "local", Type = "rustsec", Url = FeedFixtures.Folder("rustsec", "feed-2025-02.xml") });
            var service = new FeedService(config, null, FeedFixtures.FastPipeline(retries: 1));
            int items = 0;
            var results = await service.ReadAllAsync(service.EnabledSources, null, _ => items++, null, default);
            Assert.Equal("FeedDownloadFailed", results[0].Error.ErrorId);
            Assert.Contains("broken", results[0].Error.Message);
            Assert.Contains("500", results[0].Error.Message);
            Assert.True(results[1].Succeeded);
            Assert.Equal(10, items);
        }

        private static void CopyFolder(string from, string to)
        {
            foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target));
                File.Copy(file, target);
            }
        }
    }
}
