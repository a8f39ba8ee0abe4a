using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using SecurityOps.Feeds;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Feed readers against the floor: a 3,800-item RSS feed (made from the real Gentoo items) and 14,000 OSV files
    /// (made from the 32 real records), each read through FeedService (the cmdlet's path: pipeline, safe parser,
    /// extraction, items) and by a bare XmlReader / Utf8JsonReader pass over the same bytes.
    /// </summary>
    internal static class FeedBenchmark
    {
        public static int Run(string[] args)
        {
            string feeds = args.Length > 0 ? args[0] : FindFeeds();
            string work = Path.Combine(Path.GetTempPath(), "secops-feedbench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                string rss = MakeRss(Path.Combine(feeds, "gentoo", "feed.rss"), Path.Combine(work, "feed.rss"), 3800);
                string osv = MakeOsv(Path.Combine(feeds, "osv"), Path.Combine(work, "osv"), 14000);
                Console.WriteLine($"RSS: 3,800 items, {new FileInfo(rss).Length / 1024} KB; OSV: 14,000 files, {Directory.GetFiles(osv).Sum(f => new FileInfo(f).Length) / 1024} KB");

                Report("RSS oss-security reader (streaming)", 3800, () => ReadItems("oss-security", rss), () => XmlFloor(rss));
                Report("RSS generic rss reader (FeedReader)", 3800, () => ReadItems("rss", rss), () => XmlFloor(rss));
                Report("RSS generic rss reader vs FeedReader alone", 3800, () => ReadItems("rss", rss), () => FeedReaderFloor(rss));
                Report("OSV folder reader", 14000, () => ReadItems("osv", osv), () => JsonFloor(osv));
                Bounds(rss, work);
                Console.WriteLine($"Peak working set of the process: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
                return 0;
            }
            finally
            {
                Directory.Delete(work, true);
            }
        }

        private static void Report(string name, int expected, Func<int> reader, Func<int> floor)
        {
            reader();
            floor(); // warm up
            var (readerMs, count, readerAlloc) = Best(reader);
            var (floorMs, _, floorAlloc) = Best(floor);
            if (count != expected)
            {
                Console.WriteLine($"  !! {name}: {count} items, expected {expected}");
            }

            Console.WriteLine($"{name}: {count} items in {readerMs:0} ms = {count / (readerMs / 1000):0} items/s, allocated {readerAlloc / (1024 * 1024)} MB; " +
                              $"floor {floorMs:0} ms (allocated {floorAlloc / (1024 * 1024)} MB); ratio {readerMs / floorMs:0.00}x");
        }

        private static (double Ms, int Count, long Allocated) Best(Func<int> work)
        {
            double best = double.MaxValue;
            int count = 0;
            long allocated = 0;
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                long before = GC.GetTotalAllocatedBytes(true);
                var watch = Stopwatch.StartNew();
                count = work();
                watch.Stop();
                allocated = GC.GetTotalAllocatedBytes(true) - before;
                best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            }

            return (best, count, allocated);
        }

        /// <summary>
        /// The bounds: a valid 50 MB feed at the default cap (refused before parsing) and with the cap raised to 64 MB
        /// (memory it takes beyond the bytes), and a description nesting 100,000 elements (refused while reading).
        /// </summary>
        private static void Bounds(string rss, string work)
        {
            string big = Path.Combine(work, "big.rss");
            string text = File.ReadAllText(rss);
            int open = text.IndexOf("<item>", StringComparison.Ordinal);
            int close = text.LastIndexOf("</item>", StringComparison.Ordinal) + "</item>".Length;
            var builder = new StringBuilder(text.Substring(0, open));
            while (builder.Length < 50L * 1024 * 1024)
            {
                builder.Append(text, open, close - open);
            }

            File.WriteAllText(big, builder.Append(text.Substring(close)).ToString());
            builder = null;
            text = null;
            var watch = Stopwatch.StartNew();
            string refusal = Refusal(() => ReadItems("rss", big));
            Console.WriteLine($"50 MB feed at the default cap ({FeedSettings.DefaultMaxRssAtomBytes / (1024 * 1024)} MiB): {refusal} in {watch.ElapsedMilliseconds} ms");

            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = GC.GetTotalMemory(true);
            long peak = before;
            using (var sampler = new System.Threading.Timer(_ => peak = Math.Max(peak, GC.GetTotalMemory(false)), null, 0, 5))
            {
                watch.Restart();
                int items = ReadItems("rss", big, maxRssAtomBytes: 64L * 1024 * 1024);
                Console.WriteLine($"50 MB feed with the cap at 64 MiB: {items:N0} items in {watch.ElapsedMilliseconds} ms; managed memory at its peak {(peak - before) / (1024 * 1024)} MB above the start (sampled every 5 ms)");
            }

            string nested = Path.Combine(work, "nested.rss");
            var deep = new StringBuilder("<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description>");
            for (int i = 0; i < 100_000; i++)
            {
                deep.Append("<a>");
            }

            for (int i = 0; i < 100_000; i++)
            {
                deep.Append("</a>");
            }

            File.WriteAllText(nested, deep.Append("</description></item></channel></rss>").ToString());
            watch.Restart();
            refusal = Refusal(() => ReadItems("rss", nested));
            Console.WriteLine($"100,000 nested elements: {refusal} in {watch.ElapsedMilliseconds} ms");
        }

        private static string Refusal(Func<int> read)
        {
            try
            {
                return $"read {read()} items (not refused!)";
            }
            catch (SecurityOps.SecurityOpsException ex)
            {
                return $"refused with {ex.ErrorId}";
            }
        }

        private static int ReadItems(string type, string location, long? maxRssAtomBytes = null)
        {
            var config = new SecurityConfig();
            if (maxRssAtomBytes != null)
            {
                config.Feeds.MaxRssAtomBytes = maxRssAtomBytes.Value;
            }

            var service = new FeedService(config, null, new HttpPipeline(new HttpPipelineOptions { MaxResponseBytes = 256L * 1024 * 1024 }));
            int n = 0;
            var source = new SecuritySource { Name = type, Type = type, Url = location };
            var result = service.ReadSourceAsync(source, null, item => n += item.CveIds.Length >= 0 ? 1 : 0, null, default).GetAwaiter().GetResult();
            if (result.Error != null)
            {
                throw result.Error;
            }

            return n;
        }

        /// <summary>The floor: read the file and walk every node with a bare XmlReader, touching text values.</summary>
        /// <summary>CodeHollow.FeedReader on its own over the same bytes: the floor of the generic reader, which uses it.</summary>
        private static int FeedReaderFloor(string path) =>
            CodeHollow.FeedReader.FeedReader.ReadFromByteArray(File.ReadAllBytes(path)).Items.Count;

        private static int XmlFloor(string path)
        {
            int items = 0;
            long chars = 0;
            using (var reader = XmlReader.Create(new MemoryStream(File.ReadAllBytes(path)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore }))
            {
                while (reader.Read())
                {
                    if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "item")
                    {
                        items++;
                    }
                    else if (reader.NodeType == XmlNodeType.Text)
                    {
                        chars += reader.Value.Length;
                    }
                }
            }

            return chars > 0 ? items : 0;
        }

        /// <summary>The floor: read each file and walk every token with Utf8JsonReader.</summary>
        private static int JsonFloor(string folder)
        {
            int files = 0;
            foreach (string file in Directory.EnumerateFiles(folder, "*.json"))
            {
                var reader = new Utf8JsonReader(File.ReadAllBytes(file));
                while (reader.Read())
                {
                }

                files++;
            }

            return files;
        }

        private static string MakeRss(string realFeed, string target, int count)
        {
            string text = File.ReadAllText(realFeed);
            var items = Regex.Matches(text, "<item>.*?</item>", RegexOptions.Singleline).Select(m => m.Value).ToList();
            var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>bench</title>\n");
            for (int i = 0; i < count; i++)
            {
                string item = items[i % items.Count];
                item = Regex.Replace(item, @"glsa/(\d{6}-\d{2})", m => $"glsa/{m.Groups[1].Value}-{i}");
                item = item.Replace("</title>", $" CVE-2025-{10000 + i}</title>");
                sb.Append(item).Append('\n');
            }

            sb.Append("</channel></rss>");
            File.WriteAllText(target, sb.ToString());
            return target;
        }

        private static string MakeOsv(string realFolder, string target, int count)
        {
            Directory.CreateDirectory(target);
            var records = Directory.GetFiles(realFolder, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
            for (int i = 0; i < count; i++)
            {
                string record = records[i % records.Count];
                string text = Regex.Replace(record, "\"id\"\\s*:\\s*\"([^\"]+)\"", m => $"\"id\": \"{m.Groups[1].Value}-{i}\"", RegexOptions.None, TimeSpan.FromSeconds(1));
                File.WriteAllText(Path.Combine(target, $"rec-{i:D5}.json"), text);
            }

            return target;
        }

        /// <summary>The real feed captures the tests use (tests/SecurityOps.Tests/Fixtures/feeds): the repository stands alone.</summary>
        private static string FindFeeds()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "SecurityOps.Tests", "Fixtures", "feeds");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("tests/SecurityOps.Tests/Fixtures/feeds not found above " + AppContext.BaseDirectory + "; pass its path.");
        }
    }
}
