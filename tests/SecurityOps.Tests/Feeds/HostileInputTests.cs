using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SecurityOps.Feeds;
using SecurityOps.Model;
using SecurityOps.Feeds.Readers;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Feeds
{
    /// <summary>Hostile and broken input: each case is refused clearly, reads nothing it should not, and never hangs.</summary>
    public sealed class HostileInputTests
    {
        private const string Item = "<item><title>GLSA 202601-05: x CVE-2025-48734</title><link>https://security.gentoo.org/glsa/202601-05</link><pubDate>Mon, 26 Jan 2026 00:00:00 +0000</pubDate></item>";

        /// <summary>A server that serves the given feed at /feed.xml and records everything else (the entity targets).</summary>
        private static LoopbackServer Serve(string body, string contentType = "application/xml") => new LoopbackServer(async (ctx, req) =>
        {
            if (req.Path == "/feed.xml")
            {
                ctx.Response.ContentType = contentType;
                await ctx.Response.WriteAsync(body);
                return;
            }

            ctx.Response.StatusCode = 200;
            await ctx.Response.WriteAsync("<!ENTITY leaked 'LEAKED-FROM-SERVER'>");
        });

        [Fact]
        public void WrongTypedOsvFieldsAreWarningsForTheirRecordAndHugeAliasListsAreCutInLinearTime()
        {
            using var folder = new TempFolder("osv-hostile");
            File.WriteAllText(folder.Combine("ONE.json"), "{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"modified\":\"2026-01-01T00:00:00Z\",\"aliases\":\"CVE-2026-0001\",\"published\":1764000000}");
            var many = string.Join(",", Enumerable.Range(0, 200_000).Select(n => $"\"CVE-2026-{n + 10000}\""));
            File.WriteAllText(folder.Combine("MANY.json"), "{\"id\":\"GHSA-mmmm-nnnn-oooo\",\"modified\":\"2026-01-01T00:00:00Z\",\"aliases\":[" + many + "],\"affected\":{\"package\":1}}");
            File.WriteAllText(folder.Combine("MIXED.json"), "{\"id\":\"GO-2026-0003\",\"modified\":\"2026-01-01T00:00:00Z\",\"aliases\":[\"CVE-2026-0003\",7,{\"x\":1}]}");

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var (items, result, warnings) = FeedFixtures.Read("osv", folder.Path);
            watch.Stop();

            Assert.Null(result.Error);
            Assert.Equal(new[] { "CVE-2026-0001" }, items.Single(i => i.Id == "GHSA-aaaa-bbbb-cccc").CveIds);
            Assert.Equal(OsvReader.MaxCvesPerRecord, items.Single(i => i.Id == "GHSA-mmmm-nnnn-oooo").CveIds.Length);
            Assert.Equal(new[] { "CVE-2026-0003" }, items.Single(i => i.Id == "GO-2026-0003").CveIds);
            Assert.Contains(warnings, w => w.Contains("GHSA-aaaa-bbbb-cccc: 'aliases' should be a list of ids, found a single value"));
            Assert.Contains(warnings, w => w.Contains("GHSA-aaaa-bbbb-cccc: 'published' should be text, found a number"));
            Assert.Contains(warnings, w => w.Contains("GHSA-mmmm-nnnn-oooo: 200000 distinct CVE ids") && w.Contains("199000 dropped"));
            Assert.Contains(warnings, w => w.Contains("GHSA-mmmm-nnnn-oooo: 'affected' should be a list, found an object"));
            Assert.Contains(warnings, w => w.Contains("GO-2026-0003: 2 entries of 'aliases' are not text"));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"200,000 aliases took {watch.Elapsed}"); // was about 70 s (quadratic)
        }

        [Theory]
        [InlineData("rss")]
        [InlineData("oss-security")]
        public async Task AnUnreadableDateIsAWarningForItsItemAndEveryCveOfTheFeedIsKept(string type)
        {
            string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>" +
                "<item><title>CVE-2026-1001 in foo</title><link>https://example.org/1</link><pubDate>yesterday</pubDate></item>" +
                "<item><title>CVE-2026-1002 in bar</title><link>https://example.org/2</link><pubDate>1764000000</pubDate></item>" +
                "<item><title>CVE-2026-1003 in baz</title><link>https://example.org/3</link><pubDate>2026-13-45</pubDate></item>" +
                "<item><title>CVE-2026-1004 fine</title><link>https://example.org/4</link><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>" +
                "</channel></rss>";
            await using var server = Serve(feed);
            var (items, result, warnings) = FeedFixtures.Read(type, server.Url("feed.xml").ToString());

            Assert.Null(result.Error);
            Assert.Equal(new[] { "CVE-2026-1001", "CVE-2026-1002", "CVE-2026-1003", "CVE-2026-1004" }, items.SelectMany(i => i.CveIds).OrderBy(c => c));
            Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), items.Single(i => i.CveIds.Contains("CVE-2026-1004")).Published);
            Assert.All(items.Where(i => !i.CveIds.Contains("CVE-2026-1004")), i => Assert.Null(i.Published));
            Assert.Equal(3, warnings.Count);
            Assert.Contains(warnings, w => w.Contains("'yesterday' is not a date") && w.Contains("CVE-2026-1001 in foo"));
            Assert.Contains(warnings, w => w.Contains("'1764000000' is not a date"));
            Assert.Contains(warnings, w => w.Contains("'2026-13-45' is not a date"));
            Assert.Equal(3, result.Problems.Count);
        }

        [Theory]
        [InlineData("rss")]
        [InlineData("atom")]
        [InlineData("oss-security")]
        [InlineData("gentoo-glsa")]
        public async Task ExternalEntitiesAreNeverResolved(string type)
        {
            string secret = Path.Combine(Path.GetTempPath(), "secops-xxe-" + Guid.NewGuid().ToString("N") + ".txt");
            File.WriteAllText(secret, "TOP-SECRET-FILE-CONTENT");
            try
            {
                int port = 0;
                await using var server = new LoopbackServer(async (ctx, req) =>
                {
                    port = ctx.Connection.LocalPort;
                    if (req.Path == "/feed.xml")
                    {
                        string doc = $"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n <!ENTITY % remote SYSTEM \"http://127.0.0.1:{port}/evil.dtd\">\n %remote;\n <!ENTITY file SYSTEM \"file://{secret}\">\n <!ENTITY web SYSTEM \"http://127.0.0.1:{port}/entity\">\n]>\n<rss version=\"2.0\"><channel><title>t</title>{Item.Replace("<title>GLSA", "<title>&file;&web; GLSA")}</channel></rss>";
                        await ctx.Response.WriteAsync(doc);
                        return;
                    }

                    await ctx.Response.WriteAsync("<!ENTITY leaked 'x'>");
                });
                // Learn the port with a first request, then read.
                using (var http = new System.Net.Http.HttpClient())
                {
                    await http.GetStringAsync(server.Url("feed.xml"));
                }

                var (items, result, _) = FeedFixtures.Read(type, server.Url("feed.xml").ToString());
                Assert.NotNull(result.Error);
                Assert.Equal("FeedParseFailed", result.Error.ErrorId);
                Assert.Contains("entit", result.Error.Message);
                Assert.DoesNotContain("TOP-SECRET", result.Error.ToString());
                Assert.Empty(items);
                Assert.All(server.Requests, r => Assert.Equal("/feed.xml", r.Path)); // no request for evil.dtd or /entity
            }
            finally
            {
                File.Delete(secret);
            }
        }

        [Fact]
        public void AHostileGentooAdvisoryIsAProblemForItsItemAndReadsNothingElse()
        {
            using var site = new TempFolder();
            string secret = site.Combine("secret.txt");
            File.WriteAllText(secret, "TOP-SECRET-FILE-CONTENT");
            string Items(params string[] ids) => string.Concat(ids.Select(id => $"<item><title>GLSA {id}: x</title><link>https://security.gentoo.org/glsa/{id}</link></item>"));
            File.WriteAllText(site.Combine("feed.rss"), $"<rss version=\"2.0\"><channel><title>t</title>{Items("202601-01", "202601-02", "202601-03", "202601-04")}</channel></rss>");
            File.WriteAllText(site.Combine("202601-01.xml"), $"<!DOCTYPE glsa [<!ENTITY file SYSTEM \"{new Uri(secret).AbsoluteUri}\">]><glsa id=\"202601-01\"><title>&file;</title></glsa>");
            File.WriteAllText(site.Combine("202601-02.xml"), "<glsa id=\"202601-02\"><description>" + string.Concat(Enumerable.Repeat("<p>", 100_000)) + "</description></glsa>");
            File.WriteAllText(site.Combine("202601-03.xml"), "<glsa id=\"202601-03\"><title>cut</title><references><uri>CVE-2026-0003</uri>");
            File.WriteAllText(site.Combine("202601-04.xml"), "<glsa id=\"202601-04\"><title>fine</title><references><uri>CVE-2026-0004</uri></references></glsa>");

            var watch = Stopwatch.StartNew();
            var (items, result, _) = FeedFixtures.Read("gentoo-glsa", site.Combine("feed.rss"));
            Assert.Null(result.Error);
            Assert.Equal(new[] { "CVE-2026-0004" }, Assert.Single(items).CveIds);
            Assert.Equal(3, result.Problems.Count);
            Assert.Contains(result.Problems, p => p.StartsWith("GLSA 202601-01:", StringComparison.Ordinal) && p.Contains("entit"));
            Assert.Contains(result.Problems, p => p.StartsWith("GLSA 202601-02:", StringComparison.Ordinal) && p.Contains("deeper than 64"));
            Assert.Contains(result.Problems, p => p.StartsWith("GLSA 202601-03:", StringComparison.Ordinal) && p.Contains("truncated"));
            Assert.DoesNotContain(result.Problems, p => p.Contains("TOP-SECRET"));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        }

        [Fact]
        public async Task ADoctypeWithoutEntityUseIsSkippedNotFollowed()
        {
            // Real GLSA files carry <!DOCTYPE glsa SYSTEM "http://www.gentoo.org/dtd/glsa.dtd">: it must parse, and fetch nothing.
            int port = 0;
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                port = ctx.Connection.LocalPort;
                await ctx.Response.WriteAsync($"<!DOCTYPE rss SYSTEM \"http://127.0.0.1:{port}/rss.dtd\"><rss version=\"2.0\"><channel>{Item}</channel></rss>");
            });
            var (items, result, _) = FeedFixtures.Read("oss-security", server.Url("feed.xml").ToString());
            Assert.Null(result.Error);
            Assert.Equal(new[] { "CVE-2025-48734" }, Assert.Single(items).CveIds);
            Assert.Single(server.Requests);
        }

        [Theory]
        [InlineData("rss")]
        [InlineData("rustsec")]
        public async Task BillionLaughsIsRefusedQuickly(string type)
        {
            var doc = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
            doc.Append(" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
            for (int i = 2; i <= 9; i++)
            {
                doc.Append($" <!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">\n");
            }

            doc.Append("]>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>RUSTSEC-2025-0001: &lol9;</title></entry></feed>");
            await using var server = Serve(doc.ToString());
            var watch = Stopwatch.StartNew();
            var (items, result, _) = FeedFixtures.Read(type, server.Url("feed.xml").ToString());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Equal("FeedParseFailed", result.Error?.ErrorId);
            Assert.Contains("entit", result.Error.Message);
            Assert.Empty(items);
        }

        [Fact]
        public void CodeHollowFeedReaderAloneWouldExpandInternalEntities()
        {
            // Why the generic readers never hand downloaded bytes to FeedReader: its XDocument.Parse processes DTDs.
            string doc = "<!DOCTYPE rss [<!ENTITY inj \"INJECTED\">]><rss version=\"2.0\"><channel><title>t</title><item><title>&inj;</title></item></channel></rss>";
            var raw = CodeHollow.FeedReader.FeedReader.ReadFromString(doc);
            Assert.Equal("INJECTED", raw.Items.Single().Title);
            var ex = Assert.Throws<SecurityOpsException>(() => SecurityOps.Feeds.Readers.SyndicationReader.Parse(Encoding.UTF8.GetBytes(doc), "doc"));
            Assert.Equal("FeedParseFailed", ex.ErrorId);
        }

        [Fact]
        public async Task ADocumentOverTheCapIsRefusedBeforeItIsReadWhole()
        {
            string big = "<rss version=\"2.0\"><channel>" + string.Concat(Enumerable.Repeat(Item, 20000)) + "</channel></rss>";
            await using var server = Serve(big);
            var (items, result, _) = FeedFixtures.Read("rss", server.Url("feed.xml").ToString(), settings: new FeedSettings { MaxResponseBytes = 100_000 });
            Assert.Equal("ResponseTooLarge", result.Error?.ErrorId);
            Assert.Contains("100000", result.Error.Message);
            Assert.Empty(items);
        }

        [Fact]
        public void AZipBombEntryIsRefusedWhileInflating()
        {
            using var site = new TempFolder();
            string zipPath = site.Combine("all.zip");
            using (var zip = System.IO.Compression.ZipFile.Open(zipPath, System.IO.Compression.ZipArchiveMode.Create))
            {
                using (var writer = new StreamWriter(zip.CreateEntry("GO-1.json").Open()))
                {
                    writer.Write("{\"id\":\"GO-1\",\"aliases\":[\"CVE-2020-8555\"]}");
                }

                using (var stream = zip.CreateEntry("bomb.json").Open())
                {
                    var zeros = new byte[1024 * 1024];
                    for (int i = 0; i < 50; i++)
                    {
                        stream.Write(zeros, 0, zeros.Length); // 50 MB of zeros, a few KB compressed
                    }
                }
            }

            var (items, result, warnings) = FeedFixtures.Read("osv", zipPath, settings: new FeedSettings { MaxResponseBytes = 1_000_000 });
            Assert.Null(result.Error);
            Assert.Equal("GO-1", Assert.Single(items).Id);
            Assert.Contains(result.Problems, p => p.Contains("bomb.json") && p.Contains("cap"));
        }

        [Theory]
        [InlineData("rss", "<rss version=\"2.0\"><channel><item><title>GLSA 202601-05</title><link>https://x/202601-05</link></item><item><title>cut he")]
        [InlineData("rustsec", "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>RUSTSEC-2025-0001: Vulnerability in x</title>")]
        [InlineData("gentoo-glsa", "<rss version=\"2.0\"><channel><item><title>GLSA 2026")]
        public async Task TruncatedXmlIsAClearError(string type, string body)
        {
            await using var server = Serve(body);
            var (_, result, _) = FeedFixtures.Read(type, server.Url("feed.xml").ToString());
            Assert.Equal("FeedParseFailed", result.Error?.ErrorId);
            Assert.Contains("truncated", result.Error.Message);
            Assert.Contains("test-" + type, result.Error.Message);
        }

        [Fact]
        public async Task TruncatedJsonIsAClearError()
        {
            string record = File.ReadAllText(FeedFixtures.Folder("osv", "go", "GO-2022-0890.json"));
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(req.Path == "/index/vulns.json" ? "[{\"id\":\"GO-2022-0890\",\"modified\":\"2024-01-01T00:00:00Z\"}]" : record.Substring(0, record.Length / 2));
            });
            var (items, result, warnings) = FeedFixtures.Read("go-vulndb", server.BaseUri.ToString());
            Assert.Null(result.Error); // the index is fine; the one record is a problem, retried next time
            Assert.Empty(items);
            Assert.Contains(result.Problems, p => p.Contains("truncated") && p.Contains("GO-2022-0890"));

            var index = FeedFixtures.Read("go-vulndb", "http://127.0.0.1:" + server.BaseUri.Port + "/cut/");
            Assert.Equal("FeedParseFailed", index.Result.Error?.ErrorId);
        }

        [Fact]
        public void DeeplyNestedJsonIsRefused()
        {
            using var site = new TempFolder();
            File.WriteAllText(site.Combine("deep.json"), new string('[', 10000) + new string(']', 10000));
            var (_, result, _) = FeedFixtures.Read("osv", site.Combine("deep.json"));
            Assert.Equal("FeedParseFailed", result.Error?.ErrorId);
            Assert.Contains("deeper than 64", result.Error.Message);
        }

        [Fact]
        public void BadDatesKeepTheItemWithNoDate()
        {
            using var site = new TempFolder();
            File.WriteAllText(site.Combine("feed.xml"),
                "<rss version=\"2.0\"><channel>" +
                "<item><title>a CVE-2024-0001</title><link>https://x/a</link><pubDate>Blursday, 99 Foo 2024</pubDate></item>" +
                "<item><title>b CVE-2024-0002</title><link>https://x/b</link><pubDate>Tue, 10 Jun 2025 08:00:00 GMT</pubDate></item>" +
                "<item><title>c CVE-2024-0003</title><link>https://x/c</link><pubDate></pubDate></item>" +
                "</channel></rss>");
            foreach (string type in new[] { "rss", "oss-security" })
            {
                var (items, result, _) = FeedFixtures.Read(type, site.Combine("feed.xml"));
                Assert.Null(result.Error);
                Assert.Equal(3, items.Count);
                Assert.Null(items[0].Published);
                Assert.Equal(new DateTimeOffset(2025, 6, 10, 8, 0, 0, TimeSpan.Zero), items[1].Published);
                Assert.Null(items[2].Published);
            }

            Assert.Null(FeedText.Date("0001-01-01T00:00:00Z"));
            Assert.Null(FeedText.Date("2024-13-45"));
        }

        [Fact]
        public async Task NothingHangsOnAServerThatNeverAnswers()
        {
            await using var server = new LoopbackServer(async (ctx, req) => await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted).ContinueWith(_ => { }));
            var watch = Stopwatch.StartNew();
            var (_, result, _) = FeedFixtures.Read("rss", server.Url("feed.xml").ToString(), http: FeedFixtures.FastPipeline(retries: 1, timeoutSeconds: 0.3));
            Assert.Equal("FeedDownloadFailed", result.Error?.ErrorId);
            Assert.Contains("within", result.Error.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        }

        [Fact]
        public void NotAFeedIsAClearError()
        {
            using var site = new TempFolder();
            File.WriteAllText(site.Combine("page.html"), "<html><body>hello</body></html>");
            var (_, result, _) = FeedFixtures.Read("rustsec", site.Combine("page.html"));
            Assert.Equal("FeedParseFailed", result.Error?.ErrorId);
            Assert.Contains("<html>", result.Error.Message);
        }
    }
}
