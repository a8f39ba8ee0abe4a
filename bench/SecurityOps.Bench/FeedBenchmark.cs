using System;
using System.Collections.Generic;
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
    /// Feed readers against the floor: a 3,800-item RSS feed (made from the real Gentoo items), the gentoo-glsa reader on
    /// a Gentoo feed of 3,817 items (Gentoo's GLSA count, made from the real items) with an advisory XML file beside it
    /// for each (the 45 real GLSA files, renamed to each item's id), the rustsec reader on a 1,000-entry Atom feed (made
    /// from the 20 real RustSec entries) and 14,000 OSV files (made from the 32 real records), each read through
    /// FeedService (the cmdlet's path: pipeline, safe parser, extraction, items; the Gentoo site and the RustSec feed
    /// from files, as a file:// source reads them) and by a bare XmlReader / Utf8JsonReader pass over the same
    /// bytes (for Gentoo: the feed and every advisory file): items/s, allocations and the ratio to the floor, each the
    /// best of 3 runs after <see cref="WarmUpRuns"/> runs of both (the steady state).
    /// </summary>
    internal static class FeedBenchmark
    {
        /// <summary>Gentoo's GLSA count (security.gentoo.org, January 2026): the feed a first read of every advisory meets.</summary>
        private const int GentooItems = 3817;

        /// <summary>A realistic RustSec feed: about the size of the whole advisory database, every entry at once.</summary>
        private const int RustSecEntries = 1000;

        public static int Run(string[] args)
        {
            string feeds = args.Length > 0 ? args[0] : FindFeeds();
            string work = Path.Combine(Path.GetTempPath(), "secops-feedbench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                string rss = MakeRss(Path.Combine(feeds, "gentoo", "feed.rss"), Path.Combine(work, "feed.rss"), 3800);
                string osv = MakeOsv(Path.Combine(feeds, "osv"), Path.Combine(work, "osv"), 14000);
                var (glsaFeed, glsaFiles) = MakeGentoo(Path.Combine(feeds, "gentoo"), Path.Combine(work, "gentoo"), GentooItems);
                string atom = MakeRustSec(Path.Combine(feeds, "rustsec"), Path.Combine(work, "rustsec.xml"), RustSecEntries);
                Console.WriteLine($"RSS: 3,800 items, {new FileInfo(rss).Length / 1024} KB; OSV: 14,000 files, {Directory.GetFiles(osv).Sum(f => new FileInfo(f).Length) / 1024} KB");
                Console.WriteLine($"Gentoo: {GentooItems:N0} items, feed {new FileInfo(glsaFeed).Length / 1024} KB + {glsaFiles.Count:N0} advisory files {glsaFiles.Sum(f => new FileInfo(f).Length) / 1024} KB; " +
                                  $"RustSec Atom: {RustSecEntries:N0} entries, {new FileInfo(atom).Length / 1024} KB");

                Report("RSS oss-security reader (streaming)", 3800, () => ReadItems("oss-security", rss), () => XmlFloor(rss));
                Report("RSS generic rss reader (FeedReader)", 3800, () => ReadItems("rss", rss), () => XmlFloor(rss));
                Report("RSS generic rss reader vs FeedReader alone", 3800, () => ReadItems("rss", rss), () => FeedReaderFloor(rss));
                Report("OSV folder reader", 14000, () => ReadItems("osv", osv), () => JsonFloor(osv));
                Report($"Gentoo gentoo-glsa reader (feed + {GentooItems:N0} advisory files)", GentooItems, () => ReadItems("gentoo-glsa", glsaFeed), () => XmlFloor(glsaFeed, glsaFiles));
                Report("Atom rustsec reader", RustSecEntries, () => ReadItems("rustsec", atom), () => XmlFloor(atom, "entry"));
                Bounds(rss, work);
                Console.WriteLine($"Peak working set of the process: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
                return 0;
            }
            finally
            {
                Directory.Delete(work, true);
            }
        }

        /// <summary>
        /// Runs of each before timing: the runtime compiles hot code again at higher tiers (tiered PGO: instrumented,
        /// then optimised) over its first several runs, so timing the first few measures the compiler, not the reader
        /// (the gentoo-glsa reader took 225-335 ms in runs 2-4 and 140 ms from about the 8th on, its floor 88 ms
        /// throughout). The figures are the steady state; the startup bench measures a fresh process.
        /// </summary>
        private const int WarmUpRuns = 8;

        private static void Report(string name, int expected, Func<int> reader, Func<int> floor)
        {
            for (int i = 0; i < WarmUpRuns; i++)
            {
                reader();
                floor();
            }

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

        /// <summary>CodeHollow.FeedReader on its own over the same bytes: the floor of the generic reader, which uses it.</summary>
        private static int FeedReaderFloor(string path) =>
            CodeHollow.FeedReader.FeedReader.ReadFromByteArray(File.ReadAllBytes(path)).Items.Count;

        /// <summary>The floor: read the file and walk every node with a bare XmlReader, touching text values; the items (or entries) it holds.</summary>
        private static int XmlFloor(string path, string element = "item")
        {
            long chars = 0;
            int items = XmlWalk(path, element, ref chars);
            return chars > 0 ? items : 0;
        }

        /// <summary>The floor of a feed whose items are each followed to a document: the feed's items, every document walked too.</summary>
        private static int XmlFloor(string feed, IReadOnlyList<string> documents)
        {
            long chars = 0;
            int items = XmlWalk(feed, "item", ref chars);
            foreach (string document in documents)
            {
                XmlWalk(document, null, ref chars);
            }

            return chars > 0 ? items : 0;
        }

        private static int XmlWalk(string path, string element, ref long chars)
        {
            int items = 0;
            using (var reader = XmlReader.Create(new MemoryStream(File.ReadAllBytes(path)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore }))
            {
                while (reader.Read())
                {
                    if (reader.NodeType == XmlNodeType.Element && reader.LocalName == element)
                    {
                        items++;
                    }
                    else if (reader.NodeType == XmlNodeType.Text)
                    {
                        chars += reader.Value.Length;
                    }
                }
            }

            return items;
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

        /// <summary>
        /// A Gentoo site in a folder: feed.rss of <paramref name="count"/> items made from the real items (each under a
        /// GLSA id of its own, YYYYMM-NN from 200401-01 on) and beside it &lt;id&gt;.xml for each, the real GLSA file of
        /// the item (or, for the 5 items without one, another real file) with its id rewritten: where a file feed's
        /// reader follows each item.
        /// </summary>
        private static (string Feed, List<string> Advisories) MakeGentoo(string realFolder, string target, int count)
        {
            Directory.CreateDirectory(target);
            string text = File.ReadAllText(Path.Combine(realFolder, "feed.rss"));
            var items = Regex.Matches(text, "<item>.*?</item>", RegexOptions.Singleline).Select(m => m.Value).ToList();
            var files = Directory.GetFiles(realFolder, "2*.xml").OrderBy(f => f, StringComparer.Ordinal).ToList();
            int open = text.IndexOf("<item>", StringComparison.Ordinal);
            int close = text.LastIndexOf("</item>", StringComparison.Ordinal) + "</item>".Length;
            var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").Append(text, 0, open);
            var advisories = new List<string>(count);
            for (int i = 0; i < count; i++)
            {
                string item = items[i % items.Count];
                string realId = Regex.Match(item, @"glsa/(\d{6}-\d{2})").Groups[1].Value;
                string id = $"{2004 + i / 240}{i / 20 % 12 + 1:D2}-{i % 20 + 1:D2}";
                sb.Append(item.Replace(realId, id)).Append("\n        ");
                string real = Path.Combine(realFolder, realId + ".xml");
                string xml = File.ReadAllText(File.Exists(real) ? real : files[i % files.Count]);
                string advisory = Path.Combine(target, id + ".xml");
                File.WriteAllText(advisory, Regex.Replace(xml, "<glsa id=\"[^\"]+\"", $"<glsa id=\"{id}\""));
                advisories.Add(advisory);
            }

            string feed = Path.Combine(target, "feed.rss");
            File.WriteAllText(feed, sb.Append(text, close, text.Length - close).ToString());
            return (feed, advisories);
        }

        /// <summary>
        /// A RustSec Atom feed of <paramref name="count"/> entries made from the 20 real entries of the two captures, each
        /// under a RUSTSEC id of its own (the id rewritten everywhere in the entry: title, id, link, content).
        /// </summary>
        private static string MakeRustSec(string realFolder, string target, int count)
        {
            var entries = new List<string>();
            string head = null;
            foreach (string file in Directory.GetFiles(realFolder, "feed-*.xml").OrderBy(f => f, StringComparer.Ordinal))
            {
                string text = File.ReadAllText(file);
                head = text.Substring(0, text.IndexOf("<entry>", StringComparison.Ordinal));
                entries.AddRange(Regex.Matches(text, "<entry>.*?</entry>", RegexOptions.Singleline).Select(m => m.Value));
            }

            var sb = new StringBuilder(head);
            for (int i = 0; i < count; i++)
            {
                string entry = entries[i % entries.Count];
                string realId = Regex.Match(entry, @"RUSTSEC-\d{4}-\d{4}").Value;
                sb.Append(entry.Replace(realId, $"RUSTSEC-{2016 + i / 110}-{i % 110 + 1:D4}"));
            }

            File.WriteAllText(target, sb.Append("</feed>").ToString());
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
