using System;
using System.IO;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Database
{
    public sealed class CveDatabaseTests
    {
        private static CveDatabase Seed(TempFolder temp, int count, StateRepository files = null)
        {
            files ??= new StateRepository(temp.Path);
            var db = new CveDatabase(files);
            for (int i = 0; i < count; i++)
            {
                db.Record(new CveObservation { CveId = $"CVE-2024-{1000 + i}", Source = "seed", Packages = { new PackageRef("pkg" + (i % 7)) } });
            }

            return db;
        }

        [Fact]
        public void TheParsedRecordCacheNeverHidesAHandEdit()
        {
            using var temp = new TempFolder();
            var db = Seed(temp, 300);
            Assert.Equal(300, db.Query(null).Count());
            string cachePath = Path.Combine(temp.Path, CveIndexCache.RelativePath);
            Assert.True(File.Exists(cachePath));

            // A person edits one record by hand (the size changes too, but the time alone must be enough).
            string edited = Path.Combine(temp.Path, "cves", "2024", "CVE-2024-1005.yaml");
            File.WriteAllText(edited, File.ReadAllText(edited).Replace("status: new", "status: fixed"));
            File.SetLastWriteTimeUtc(edited, DateTime.UtcNow.AddMinutes(1));
            File.Delete(Path.Combine(temp.Path, "cves", "2024", "CVE-2024-1006.yaml"));

            var all = db.Query(null).ToList();
            Assert.Equal(299, all.Count);
            Assert.Equal("fixed", all.Single(r => r.CveId == "CVE-2024-1005").Status);
            Assert.DoesNotContain(all, r => r.CveId == "CVE-2024-1006");

            File.WriteAllText(cachePath, "{ not json");
            Assert.Equal(299, db.Query(null).Count());
            Assert.Equal(new[] { "CVE-2024-1005" }, db.Query(new CveQuery { Statuses = new System.Collections.Generic.HashSet<string> { "fixed" } }).Select(r => r.CveId));
        }

        [Fact]
        public void FilesWithTheSameBytesUnderNewTimesAreAnsweredFromTheCacheAndChangedBytesAreReadAgain()
        {
            using var temp = new TempFolder();
            var db = Seed(temp, 300);
            Assert.Equal(300, db.Query(null).Count());
            string cachePath = Path.Combine(temp.Path, CveIndexCache.RelativePath);

            // Mark the summaries the cache holds, so an answer from it can be told from one parsed from the YAML file.
            File.WriteAllText(cachePath, File.ReadAllText(cachePath).Replace("\tnew\t", "\tmarked\t"));

            // A checkout writes every file again: the same bytes under new times; one file's bytes differ at the same size.
            foreach (string file in Directory.GetFiles(Path.Combine(temp.Path, "cves", "2024")))
            {
                string text = File.ReadAllText(file);
                File.WriteAllText(file, file.EndsWith("CVE-2024-1005.yaml", StringComparison.Ordinal) ? text.Replace("status: new", "status: fix") : text);
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-5));
            }

            // A query the summaries answer: the unchanged bytes are answered by the (marked) cache, not parsed; the
            // changed file is parsed.
            var news = new CveQuery { Statuses = new System.Collections.Generic.HashSet<string> { "new" } };
            Assert.Empty(db.Query(news));
            Assert.Equal(new[] { "CVE-2024-1005" }, db.Query(new CveQuery { Statuses = new System.Collections.Generic.HashSet<string> { "fix" } }).Select(r => r.CveId));

            // The cache now holds the files' new times (the next query answers without hashing), and a full read
            // returns every record, the changed one as its file says.
            string stamp = File.GetLastWriteTimeUtc(Path.Combine(temp.Path, "cves", "2024", "CVE-2024-1007.yaml")).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains("\t" + stamp + "\t", File.ReadAllText(cachePath));
            var all = db.Query(null).ToList();
            Assert.Equal(300, all.Count);
            Assert.Equal("fix", all.Single(r => r.CveId == "CVE-2024-1005").Status);
        }

        [Fact]
        public void FilteredQueriesAnswerTheSameFromTheCacheAsFromTheFiles()
        {
            using var temp = new TempFolder();
            var files = new StateRepository(temp.Path);
            var db = Seed(temp, 300, files);
            foreach (int i in new[] { 3, 40, 41, 250 })
            {
                CveRecord r = db.Get($"CVE-2024-{1000 + i}");
                r.Status = "fixed";
                r.Relevance = new CveRelevance { State = CveRelevance.Affected };
                db.Save(r);
            }

            var since = DateTimeOffset.UtcNow.AddMinutes(-5);
            foreach (int i in new[] { 7, 8 })
            {
                CveRecord r = db.Get($"CVE-2024-{1000 + i}");
                r.FirstSeen = r.LastUpdated = DateTimeOffset.UtcNow.AddDays(-40);
                files.Write(r.RelativePath, r);
            }

            var queries = new[]
            {
                new CveQuery { Statuses = new System.Collections.Generic.HashSet<string> { "fixed" } },
                new CveQuery { Relevance = new System.Collections.Generic.HashSet<string> { CveRelevance.Affected } },
                new CveQuery { Relevance = new System.Collections.Generic.HashSet<string> { "none" } },
                new CveQuery { PackageFilter = name => name == "pkg3" },
                new CveQuery { Since = since },
            };
            string cachePath = Path.Combine(temp.Path, CveIndexCache.RelativePath);
            Assert.False(File.Exists(cachePath)); // no full read yet: every answer below comes from the YAML files
            var fromFiles = queries.Select(q => string.Join(",", db.Query(q).Select(r => r.CveId))).ToList();
            Assert.Equal(4, fromFiles[0].Split(',').Length);
            Assert.Equal(298, fromFiles[4].Split(',').Length);

            Assert.Equal(300, db.Query(null).Count()); // a full read writes the cache
            Assert.True(File.Exists(cachePath));
            Assert.Equal(fromFiles, queries.Select(q => string.Join(",", db.Query(q).Select(r => r.CveId))).ToList());

            // A damaged line (a record's JSON cut short) costs a YAML parse, never a wrong or missing answer.
            string[] lines = File.ReadAllLines(cachePath);
            int damaged = Array.FindIndex(lines, l => l.StartsWith("2024/CVE-2024-1040.yaml\t", StringComparison.Ordinal));
            lines[damaged] = lines[damaged].Replace("\"Status\":\"fixed\"", "\"Status\":}");
            Assert.Contains("\"Status\":}", lines[damaged]);
            File.WriteAllLines(cachePath, lines);
            Assert.Equal(fromFiles, queries.Select(q => string.Join(",", db.Query(q).Select(r => r.CveId))).ToList());
        }

        /// <summary>
        /// A FileFilter is asked about every file with its size and time before it is read; a file it passes over is
        /// neither read nor returned, the rest come back in id order (from the cache when enough are left to read), and
        /// such a read leaves the cache as it was; one that passes over nothing refreshes it like any full read.
        /// </summary>
        [Fact]
        public void AFileFilterPassesOverFilesUnreadAndLeavesTheCacheAlone()
        {
            using var temp = new TempFolder();
            var db = Seed(temp, 300);
            string cachePath = Path.Combine(temp.Path, CveIndexCache.RelativePath);
            var all = db.Query(null).Select(r => r.CveId).ToList();
            DateTime cacheTime = File.GetLastWriteTimeUtc(cachePath);

            foreach (int keep in new[] { 3, 290 }) // a few left to read (from their YAML), and most (from the cache)
            {
                var asked = new System.Collections.Concurrent.ConcurrentDictionary<string, (long Size, long Ticks)>();
                var read = db.Query(new CveQuery
                {
                    FileFilter = (path, size, ticks) =>
                    {
                        asked[path] = (size, ticks);
                        return int.Parse(path.Substring("2024/CVE-2024-".Length, 4), System.Globalization.CultureInfo.InvariantCulture) - 1000 < keep;
                    },
                }).Select(r => r.CveId).ToList();

                Assert.Equal(all.Take(keep), read);
                Assert.Equal(300, asked.Count);
                var one = new FileInfo(Path.Combine(temp.Path, "cves", "2024", "CVE-2024-1007.yaml"));
                Assert.Equal((one.Length, one.LastWriteTimeUtc.Ticks), asked["2024/CVE-2024-1007.yaml"]);
            }

            // A file changed since the cache was written is read again; the cache is not refreshed by a filtered read.
            string edited = Path.Combine(temp.Path, "cves", "2024", "CVE-2024-1001.yaml");
            File.WriteAllText(edited, File.ReadAllText(edited).Replace("status: new", "status: fixed"));
            File.SetLastWriteTimeUtc(edited, DateTime.UtcNow.AddMinutes(1));
            Assert.Equal("fixed", db.Query(new CveQuery { FileFilter = (path, size, ticks) => path.EndsWith("CVE-2024-1001.yaml", StringComparison.Ordinal) }).Single().Status);
            Assert.Equal(cacheTime, File.GetLastWriteTimeUtc(cachePath));

            // One that passes over no file is a full read: it writes the cache, as any full read does.
            File.Delete(cachePath);
            Assert.Equal(all, db.Query(new CveQuery { FileFilter = (path, size, ticks) => true }).Select(r => r.CveId));
            Assert.True(File.Exists(cachePath));
        }

        [Fact]
        public void ABatchReadsKnownRecordsWithTheHandWrittenReaderAndNeverMissesAnEditOnDisk()
        {
            using var temp = new TempFolder();
            var files = new StateRepository(temp.Path);
            var db = Seed(temp, 300, files);
            Assert.Equal(300, db.Query(null).Count()); // a full read writes the cache

            // After the cache was written, a person marks one record fixed and another gets a new source on disk.
            string edited = Path.Combine(temp.Path, "cves", "2024", "CVE-2024-1200.yaml");
            File.WriteAllText(edited, File.ReadAllText(edited).Replace("status: new", "status: fixed"));
            File.SetLastWriteTimeUtc(edited, DateTime.UtcNow.AddMinutes(1));

            long before = SecurityOps.State.CveRecordYaml.Taken;
            using (db.BeginBatch())
            {
                for (int i = 0; i < 300; i++)
                {
                    CveRecord same = db.Record(new CveObservation { CveId = $"CVE-2024-{1000 + i}", Source = "seed", Packages = { new PackageRef("pkg" + (i % 7)) } });
                    Assert.False(same.Changed, same.CveId);
                }

                // A record seen twice in one batch: the first adds a source, the second finds it there.
                Assert.True(db.Record(new CveObservation { CveId = "CVE-2024-1250", Source = "other" }).Changed);
                Assert.False(db.Record(new CveObservation { CveId = "CVE-2024-1250", Source = "other" }).Changed);
                Assert.True(db.Record(new CveObservation { CveId = "CVE-2024-1200", Source = "other" }).Changed);
            }

            // Every known record went through the hand-written reader (the general YAML reader is the fallback only).
            long fastReads = SecurityOps.State.CveRecordYaml.Taken - before;
            Assert.True(fastReads >= 303, $"only {fastReads} of 303 known records read by the hand-written reader");
            CveRecord kept = db.Get("CVE-2024-1200");
            Assert.Equal("fixed", kept.Status); // the edit on disk was merged into, not overwritten from the cache
            Assert.Equal(new[] { "other", "seed" }, kept.Sources.Select(x => x.Source).OrderBy(x => x));
            Assert.Equal(new[] { "other", "seed" }, db.Get("CVE-2024-1250").Sources.Select(x => x.Source).OrderBy(x => x));
        }

        [Fact]
        public void RecordingAnObservationReadsOnlyThatRecord()
        {
            using var temp = new TempFolder();
            var files = new StateRepository(temp.Path);
            var db = Seed(temp, 50, files);
            long before = files.DocumentsRead;
            var record = db.Record(new CveObservation { CveId = "CVE-2024-1010", Source = "seed", Packages = { new PackageRef("pkg3") } });
            Assert.False(record.IsNew);
            Assert.False(record.Changed);
            Assert.Equal(1, files.DocumentsRead - before);
        }

        [Fact]
        public void IdsSortByYearThenNumber()
        {
            var ids = new[] { "CVE-2024-10000", "CVE-2023-99999", "CVE-2024-9999", "CVE-202-5", "CVE-2024-9998", "CVE-2024", null }.OrderBy(i => i, CveIdComparer.Instance);
            Assert.Equal(new[] { null, "CVE-202-5", "CVE-2023-99999", "CVE-2024", "CVE-2024-9998", "CVE-2024-9999", "CVE-2024-10000" }, ids);
        }
    }
}
