using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using SecurityOps.Model;
using SecurityOps.Scoring;
using SecurityOps.State;

namespace SecurityOps.Database
{
    /// <summary>
    /// The team's CVE database: one YAML file per CVE under cves/&lt;year&gt;/, so a record is found from its id
    /// without reading any other. Merging only ever adds: sources, packages and references accumulate, and text a
    /// person wrote (title, summary, notes, status) is never replaced by what a feed says.
    /// </summary>
    internal sealed class CveDatabase
    {
        private readonly StateRepository files;
        private Batch batch;

        public CveDatabase(StateRepository files) => this.files = files;

        /// <summary>
        /// Starts a batch of <see cref="Record"/> calls (a feed's thousands of items). The state's lock file is held once
        /// for the whole batch (other processes wait for it as a whole); within this process each record still takes its
        /// turn, since a batch lives across a pipeline whose upstream cmdlets write the state from their own threads.
        /// The batch's runs (<see cref="ReadAhead"/>) answer known records from the observation index where they can,
        /// and read the others with the hand-written record reader (State's CveRecordYaml). Dispose ends it and saves
        /// what the index learned.
        /// </summary>
        public IDisposable BeginBatch()
        {
            if (batch != null)
            {
                throw new InvalidOperationException("A batch is already open on this database.");
            }

            IDisposable held = files.HoldLockForBatch();
            // Read while the first items are bound: the pipeline's thread is busy, and the other cores are not.
            string root = files.Root;
            batch = new Batch(this, held, System.Threading.Tasks.Task.Run(() => CveObservationIndex.Load(root)));
            return batch;
        }

        /// <summary>Known records this database answered from the observation index without reading their files.</summary>
        public int AnsweredFromIndex => answeredFromIndex;

        private int answeredFromIndex;

        /// <summary>
        /// Reads ahead for a run of <see cref="Record"/> calls. A known record whose file the observation index shows to
        /// hold every one of the run's observations of it is answered without reading its file (it cannot change). The
        /// other files are read and parsed on every core, and each following Record of one of them takes what was read
        /// instead of reading it again (a feed's items are mostly known records).
        /// Until Dispose, this thread holds the state's lock: no other thread of this process writes a record between
        /// the read-ahead and the merge. The run's Records keep what they would write, and <see cref="RecordRun.BeginWrite"/>
        /// writes it all, several files at a time (a durable write mostly waits for the disk, and the disk takes
        /// concurrent flushes together), while the caller goes on to its next run: a later run that reads one of those
        /// records waits for the writes first, and so does any other thread that takes the lock. What a run did not
        /// take, or did not write, is dropped at Dispose.
        /// </summary>
        public RecordRun ReadAhead(IReadOnlyList<CveObservation> observations)
        {
            // The batch's earlier writes may still go on: this run waits for them only if it reads a record they write.
            IDisposable held = files.AcquireLockBesideWritesInFlight(this);
            try
            {
                CveObservationIndex index = batch?.Index;
                var byId = new Dictionary<string, List<CveObservation>>(StringComparer.Ordinal);
                var ids = new List<string>();
                foreach (CveObservation observation in observations)
                {
                    string id = CveRecord.NormalizeId(observation.CveId);
                    if (id == null)
                    {
                        continue;
                    }

                    if (!byId.TryGetValue(id, out List<CveObservation> same))
                    {
                        byId[id] = same = new List<CveObservation>(1);
                        ids.Add(id);
                    }

                    same.Add(observation);
                }

                WaitForWritesOf(ids);

                // Parallel.For over an array: nothing generic to compile in a fresh process, where PLINQ's would cost more
                // than it saves.
                var reads = new ReadAheadEntry[ids.Count];
                System.Threading.Tasks.Parallel.For(0, ids.Count, i => reads[i] = ReadForMerge(ids[i], byId[ids[i]], index));
                var opened = new RecordRun(this, held, index);
                for (int i = 0; i < ids.Count; i++)
                {
                    if (reads[i] != null && reads[i].Answered)
                    {
                        opened.Answered.Add(ids[i]);
                    }
                    else
                    {
                        opened.Read[ids[i]] = reads[i];
                    }
                }

                return opened;
            }
            catch
            {
                held.Dispose();
                throw;
            }
        }

        /// <summary>
        /// A record's file as <see cref="Record"/> needs it: answered by the index, or its text (null when absent) and what
        /// it parses to, or the failure; with the file's size, time and content hash for the index to learn from.
        /// </summary>
        private ReadAheadEntry ReadForMerge(string id, List<CveObservation> observations, CveObservationIndex index)
        {
            string path = files.FullPath(CveRecord.PathFor(id));
            CveObservationIndex.Entry known = index?.Find(id);
            bool holdsAll = known != null;
            foreach (CveObservation observation in observations)
            {
                // Every observation of the run gets its fingerprint here, on the run's cores.
                observation.Fingerprint = observation.ComputeFingerprint();
                holdsAll = holdsAll && known.Holds(observation.Fingerprint.Value);
            }

            // The file's size and time before its bytes: a change after this shows as a stamp that no longer matches.
            var info = new FileInfo(path);
            DateTime statAt = DateTime.UtcNow;
            long size, ticks;
            try
            {
                if (!info.Exists)
                {
                    return new ReadAheadEntry();
                }

                size = info.Length;
                ticks = info.LastWriteTimeUtc.Ticks;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return null;
            }

            if (holdsAll && known.StampMatches(size, ticks))
            {
                return new ReadAheadEntry { Answered = true };
            }

            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return new ReadAheadEntry();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Left for Record to read itself, which reports the failure for that item alone.
                return null;
            }

            Hash128 content = Hash128.Of(bytes);
            if (holdsAll && known.Content == content)
            {
                // The same bytes under a new time (a fresh checkout): answered, and the time noted for next time.
                index.Learn(id, size, ticks, statAt, content, null);
                return new ReadAheadEntry { Answered = true };
            }

            string text = StateRepository.DecodeText(bytes);
            try
            {
                return new ReadAheadEntry { Text = text, Record = files.Parse<CveRecord>(text, path), Size = size, ModifiedTicks = ticks, ReadAt = statAt, Content = content };
            }
            catch (SecurityOpsException ex)
            {
                return new ReadAheadEntry { Error = ExceptionDispatchInfo.Capture(ex) };
            }
        }

        public CveRecord Get(string cveId)
        {
            string id = CveRecord.NormalizeId(cveId) ?? throw InvalidId(cveId);
            return files.Read<CveRecord>(CveRecord.PathFor(id));
        }

        public bool Exists(string cveId) => files.Exists(CveRecord.PathFor(cveId));

        /// <summary>
        /// Creates or merges the record for one observation. Reads only that CVE's file, and writes it only when
        /// something was added. The returned record says whether it <see cref="CveRecord.IsNew"/> or <see cref="CveRecord.Changed"/>.
        /// </summary>
        public CveRecord Record(CveObservation observation)
        {
            string id = CveRecord.NormalizeId(observation.CveId) ?? throw InvalidId(observation.CveId);
            DateTimeOffset now = ModuleContext.UtcNow;
            using (files.AcquireLock())
            {
                if (run != null && run.Answered.Contains(id))
                {
                    // The index showed the file holds what every observation of the run says: nothing to merge or write.
                    Interlocked.Increment(ref answeredFromIndex);
                    string relative = CveRecord.PathFor(id);
                    CveRecord answered = CveRecord.Deferred(id, () => files.Read<CveRecord>(relative) ?? throw RecordGone(id, relative));
                    answered.IsNew = false;
                    answered.Changed = false;
                    return answered;
                }

                // What a read-ahead run read is taken once: a second item for the same CVE reads the file it wrote.
                CveRecord record;
                string previous;
                string path = files.FullPath(CveRecord.PathFor(id));
                ReadAheadEntry fromDisk = null;
                if (run != null && run.Pending.TryGetValue(id, out PendingWrite written))
                {
                    // Merged earlier in this run and not yet on disk: what the run will write is the record's text (a
                    // record of its own, as the earlier item's output keeps what that item made of it).
                    previous = written.Text(files);
                    record = files.Parse<CveRecord>(previous, path);
                }
                else if (run != null && run.Read.TryGetValue(id, out ReadAheadEntry read) && run.Read.Remove(id) && read != null)
                {
                    read.Error?.Throw();
                    record = read.Record;
                    previous = read.Text;
                    fromDisk = read;
                }
                else
                {
                    previous = File.Exists(path) ? File.ReadAllText(path) : null;
                    record = previous == null ? null : files.Parse<CveRecord>(previous, path);
                }

                bool isNew = record == null;
                if (isNew)
                {
                    record = new CveRecord { CveId = id, FirstSeen = now };
                }

                bool changed = Merge(record, observation, now);
                if (isNew || changed)
                {
                    record.LastUpdated = now;
                    if (run != null)
                    {
                        // Written out (and serialized, on every core) when the run is written.
                        run.Pending[id] = new PendingWrite(record, previous);
                    }
                    else
                    {
                        files.Write(record.RelativePath, record, previous);
                    }
                }
                else if (fromDisk?.Record != null && observation.Fingerprint != null)
                {
                    // Merged into the file as read and changed nothing: the same observation on the same file is answered next time.
                    run.Index?.Learn(id, fromDisk.Size, fromDisk.ModifiedTicks, fromDisk.ReadAt, fromDisk.Content, observation.Fingerprint);
                }

                record.IsNew = isNew;
                record.Changed = isNew || changed;
                return record;
            }
        }

        public void Save(CveRecord record)
        {
            record.LastUpdated = ModuleContext.UtcNow;
            files.Write(record.RelativePath, record);
        }

        public bool Remove(string cveId)
        {
            string id = CveRecord.NormalizeId(cveId) ?? throw InvalidId(cveId);
            using (files.AcquireLock())
            {
                // Looked up under the lock: a record whose creation is still being written is found.
                if (!Exists(id))
                {
                    return false;
                }

                files.Delete(CveRecord.PathFor(id));
                return true;
            }
        }

        /// <summary>
        /// Streams matching records in id order. File names are filtered before any file is parsed, and parsing runs
        /// on every core; a broken file is reported through <paramref name="onError"/> and skipped.
        /// </summary>
        public IEnumerable<CveRecord> Query(CveQuery query, Action<StateFileException> onError = null)
        {
            query ??= new CveQuery();
            string cvesRoot = files.FullPath("cves");

            // A record updated since then was written since then: older files are passed over unread. (Only for a
            // time the wall clock has reached: a test's clock set ahead could stamp records later than their files.)
            DateTime? writtenSince = query.Since != null && query.Since.Value <= DateTimeOffset.UtcNow ? query.Since.Value.UtcDateTime.AddMinutes(-1) : (DateTime?)null;
            // The cache is read while the folders are listed: both are I/O, and each takes a few hundred ms at 100,000.
            // With a FileFilter (a caller that passes over the files it knows) it is read only once the listing has
            // found enough files left to read to pay for it: a few are parsed from their YAML.
            var cache = new CveIndexCache(files.Root);
            bool haveCache = File.Exists(files.FullPath(CveIndexCache.RelativePath));
            const int CacheWorthFrom = 256;
            System.Threading.Tasks.Task<Dictionary<string, CveIndexCache.Entry>> cacheLoad = haveCache && query.FileFilter == null
                ? System.Threading.Tasks.Task.Run(cache.Load)
                : null;
            int toRead = 0, passedOver = 0;
            void Passed()
            {
                if (haveCache && Interlocked.Increment(ref toRead) == CacheWorthFrom + 1)
                {
                    Volatile.Write(ref cacheLoad, System.Threading.Tasks.Task.Run(cache.Load));
                }
            }

            // Each year folder is listed, its files' sizes and times read, and sorted on its own (in parallel); a record
            // lives in the folder of its year, so the folders in order give every record in id order.
            var found = EnumerateYearFolders(query.Years).ToList().AsParallel().AsOrdered().Select(dir =>
            {
                string year = Path.GetFileName(dir);
                var list = new List<(FileInfo File, string Key, string Id)>();
                foreach (FileInfo f in new DirectoryInfo(dir).EnumerateFiles("CVE-*.yaml"))
                {
                    if (writtenSince != null && f.LastWriteTimeUtc < writtenSince.Value)
                    {
                        continue;
                    }

                    string id = Path.GetFileNameWithoutExtension(f.Name);
                    if (query.IdFilter == null || query.IdFilter(id))
                    {
                        _ = f.Length; // the file's status, read here on this folder's thread
                        string key = year + "/" + f.Name;
                        if (query.FileFilter == null)
                        {
                            list.Add((f, key, id));
                        }
                        else if (query.FileFilter(key, f.Length, f.LastWriteTimeUtc.Ticks))
                        {
                            list.Add((f, key, id));
                            Passed();
                        }
                        else
                        {
                            Interlocked.Increment(ref passedOver);
                        }
                    }
                }

                list.Sort((a, b) => CveIdComparer.Instance.Compare(a.Id, b.Id));
                return list;
            }).SelectMany(list => list).ToList();

            // A full read refreshes the cache of parsed records; a filtered read only uses it. (A FileFilter that passed
            // over no file made no difference.)
            bool fullRead = query.Years == null && query.IdFilter == null && passedOver == 0 && writtenSince == null;
            Dictionary<string, CveIndexCache.Entry> cached = Volatile.Read(ref cacheLoad)?.GetAwaiter().GetResult() ?? new Dictionary<string, CveIndexCache.Entry>();
            var fresh = fullRead ? new List<CveIndexCache.Entry>(found.Count) : null;
            int parsed = 0, restamped = 0;

            // Parse in ordered chunks: bounded memory, all cores, output still in id order.
            const int chunk = 2048;
            for (int start = 0; start < found.Count; start += chunk)
            {
                var slice = found.Skip(start).Take(chunk).ToList();
                var loaded = slice.AsParallel().AsOrdered().Select(f =>
                {
                    long size = f.File.Length, ticks = f.File.LastWriteTimeUtc.Ticks;
                    cached.TryGetValue(f.Key, out var hit);
                    if (hit != null && hit.Size == size && hit.ModifiedTicks == ticks && FromCache(hit, query) is var same && same.Entry != null)
                    {
                        return same;
                    }

                    byte[] bytes = File.ReadAllBytes(f.File.FullName);
                    Hash128 content = Hash128.Of(bytes);
                    if (hit != null && hit.Size == size && hit.Content == content && !Matches(hit, query))
                    {
                        // The same bytes under a new time (a fresh checkout, a copy): the cached summary still says the
                        // record is not asked for, and the cache is written again with the file's new time. (A record
                        // that is asked for is parsed from the bytes at hand: as quick as its cached JSON.)
                        Interlocked.Increment(ref restamped);
                        return (Entry: hit.WithStamp(ticks), Error: (StateFileException)null, Parsed: false, Match: false);
                    }

                    var (record, error) = Load(bytes, f.File.FullName);
                    return (Entry: record == null ? null : CveIndexCache.Entry.For(f.Key, size, ticks, content, record), Error: error, Parsed: true, Match: record != null && Matches(record, query));
                }).ToList();

                foreach (var (entry, error, wasParsed, match) in loaded)
                {
                    if (error != null)
                    {
                        onError?.Invoke(error);
                        continue;
                    }

                    parsed += wasParsed ? 1 : 0;
                    fresh?.Add(entry);
                    if (match)
                    {
                        yield return entry.Record;
                    }
                }
            }

            if (fullRead && (parsed > 0 || restamped > 0 || fresh.Count != cached.Count) && found.Count > 256)
            {
                cache.Save(fresh);
            }
        }

        /// <summary>
        /// A cached record as a query's answer: its summary decides, and only a record that matches has its cached JSON
        /// parsed. No entry (Entry null) when that JSON is damaged: the YAML file answers instead.
        /// </summary>
        private static (CveIndexCache.Entry Entry, StateFileException Error, bool Parsed, bool Match) FromCache(CveIndexCache.Entry hit, CveQuery query)
        {
            if (!Matches(hit, query))
            {
                return (hit, null, false, false);
            }

            try
            {
                if (hit.Record != null)
                {
                    return (hit, null, false, true);
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }

            return (null, null, false, false);
        }

        private static (CveRecord, StateFileException) Load(byte[] bytes, string path)
        {
            try
            {
                return (YamlFormat.Deserialize<CveRecord>(StateRepository.DecodeText(bytes), path), null);
            }
            catch (StateFileException ex)
            {
                return (null, ex);
            }
        }

        private IEnumerable<string> EnumerateYearFolders(ISet<string> years)
        {
            string root = files.FullPath("cves");
            if (!Directory.Exists(root))
            {
                return Enumerable.Empty<string>();
            }

            return Directory.EnumerateDirectories(root)
                .Where(d => years == null || years.Contains(Path.GetFileName(d)))
                .OrderBy(d => d, StringComparer.Ordinal);
        }

        internal sealed class ReadAheadEntry
        {
            /// <summary>True when the observation index answered for the file (not read).</summary>
            public bool Answered;
            public string Text;
            public CveRecord Record;
            public ExceptionDispatchInfo Error;

            // The file as it was read, for the observation index.
            public long Size;
            public long ModifiedTicks;
            public DateTime ReadAt;
            public Hash128 Content;
        }

        /// <summary>A record a run changed or created, and the text its file held (kept: a person's keys and comments carry over).</summary>
        internal sealed class PendingWrite
        {
            private readonly CveRecord record;
            private readonly string previous;
            private string text;

            public PendingWrite(CveRecord record, string previous)
            {
                this.record = record;
                this.previous = previous;
            }

            /// <summary>The text the file will hold: serialized on first use (by the run's writers, on every core).</summary>
            public string Text(StateRepository files) => text ??= files.Serialize(record.RelativePath, record, previous);
        }

        private static SecurityOpsException RecordGone(string id, string relative) =>
            new SecurityOpsException("CveRecordGone", FailureKind.ObjectNotFound, id,
                $"{id}'s record file ({relative}) was removed after Add-CveRecord reported the record unchanged; its content can no longer be read.");

        private RecordRun run;

        // Write-behind: the runs' writes still going on (side by side), and the records they write.
        private System.Threading.Tasks.Task writesInFlight = System.Threading.Tasks.Task.CompletedTask;
        private readonly HashSet<string> idsInFlight = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Waits for the writes still going on when any of <paramref name="ids"/> is among their records.</summary>
        private void WaitForWritesOf(IEnumerable<string> ids)
        {
            if (writesInFlight.IsCompleted)
            {
                idsInFlight.Clear();
            }
            else if (ids.Any(idsInFlight.Contains))
            {
                WaitForWrites();
            }
        }

        /// <summary>Waits until every write a run started is done (their failures are the runs' to report).</summary>
        public void WaitForWrites()
        {
            try
            {
                writesInFlight.Wait();
            }
            catch (AggregateException)
            {
            }

            idsInFlight.Clear();
        }

        /// <summary>A run of <see cref="Record"/> calls opened by <see cref="ReadAhead"/>: it holds the lock and what the run will write.</summary>
        public sealed class RecordRun : IDisposable
        {
            // Durable writes at once: enough to keep the disk's flushes overlapping on a small machine.
            private const int ConcurrentWrites = 4;

            private readonly CveDatabase database;
            private IDisposable held;

            internal RecordRun(CveDatabase database, IDisposable held, CveObservationIndex index)
            {
                this.database = database;
                this.held = held;
                Index = index;
                database.run = this;
            }

            /// <summary>The batch's observation index (null outside a batch).</summary>
            internal CveObservationIndex Index { get; }

            /// <summary>CVE ids the index answered for: every observation of them in the run is already in their files.</summary>
            internal HashSet<string> Answered { get; } = new HashSet<string>(StringComparer.Ordinal);

            /// <summary>Per CVE id, what the read-ahead read (null: left for Record to read itself); taken once.</summary>
            internal Dictionary<string, ReadAheadEntry> Read { get; } = new Dictionary<string, ReadAheadEntry>(StringComparer.Ordinal);

            /// <summary>Per CVE id, what its file will hold.</summary>
            internal Dictionary<string, PendingWrite> Pending { get; } = new Dictionary<string, PendingWrite>(StringComparer.Ordinal);

            /// <summary>
            /// Starts writing every record the run changed or created, each atomically and durably, several at a time; the
            /// task gives the failures by CVE id (the others are written). The run then writes directly again. Until the
            /// task ends, a later run that reads one of these records waits for it, and so does every other holder of the lock.
            /// </summary>
            public System.Threading.Tasks.Task<IReadOnlyDictionary<string, SecurityOpsException>> BeginWrite()
            {
                var items = Pending.ToArray();
                Pending.Clear();
                database.run = null;
                if (items.Length == 0)
                {
                    return System.Threading.Tasks.Task.FromResult<IReadOnlyDictionary<string, SecurityOpsException>>(new Dictionary<string, SecurityOpsException>());
                }

                foreach (var item in items)
                {
                    database.idsInFlight.Add(item.Key);
                }

                // Threads of their own (LongRunning): a durable write blocks on the disk, and on the thread pool the writes
                // would hold the threads the next run's read-ahead needs.
                // At once, beside the writes of earlier runs: a record in both would have made this run wait for them.
                var task = System.Threading.Tasks.Task.Factory.StartNew(() => WriteAll(database.files, items), CancellationToken.None,
                    System.Threading.Tasks.TaskCreationOptions.DenyChildAttach | System.Threading.Tasks.TaskCreationOptions.LongRunning,
                    System.Threading.Tasks.TaskScheduler.Default);
                database.writesInFlight = database.writesInFlight.IsCompleted ? task : System.Threading.Tasks.Task.WhenAll(database.writesInFlight, task);
                database.files.AddWritesInFlight(database, task);
                return task;
            }

            private static IReadOnlyDictionary<string, SecurityOpsException> WriteAll(StateRepository files, KeyValuePair<string, PendingWrite>[] items)
            {
                var failures = new SecurityOpsException[items.Length];
                int next = -1;
                void Writer()
                {
                    for (int i = Interlocked.Increment(ref next); i < items.Length; i = Interlocked.Increment(ref next))
                    {
                        string path = files.FullPath(CveRecord.PathFor(items[i].Key));
                        try
                        {
                            // The static write: the run's lock covers the writers, which must not ask for it themselves.
                            string text = items[i].Value.Text(files);
                            StateRepository.WriteFileAtomic(path, text);
                        }
                        catch (SecurityOpsException ex)
                        {
                            failures[i] = ex;
                        }
                        catch (Exception ex)
                        {
                            // A record the YAML library cannot write (or no memory left to write it) is that record's
                            // error, not the end of the run; nothing may escape a writer thread, which would end the process.
                            failures[i] = StateRepository.WriteFailed(path, ex);
                        }
                    }
                }

                // This thread and a few more, each taking the next record: the disk takes concurrent flushes together.
                var others = new List<Thread>();
                for (int t = 1; t < Math.Min(ConcurrentWrites, items.Length); t++)
                {
                    try
                    {
                        var other = new Thread(Writer) { IsBackground = true, Name = "SecurityOps record writer" };
                        other.Start();
                        others.Add(other);
                    }
                    catch (Exception ex) when (ex is ThreadStartException || ex is OutOfMemoryException)
                    {
                        break; // fewer writers, the same writes: this thread writes whatever the others do not take
                    }
                }

                Writer();
                foreach (Thread other in others)
                {
                    other.Join();
                }

                var byId = new Dictionary<string, SecurityOpsException>(StringComparer.Ordinal);
                for (int i = 0; i < items.Length; i++)
                {
                    if (failures[i] != null)
                    {
                        byId[items[i].Key] = failures[i];
                    }
                }

                return byId;
            }

            public void Dispose()
            {
                IDisposable release = Interlocked.Exchange(ref held, null);
                if (release != null)
                {
                    Pending.Clear();
                    Read.Clear();
                    Answered.Clear();
                    if (database.run == this)
                    {
                        database.run = null;
                    }

                    release.Dispose();
                }
            }
        }

        /// <summary>A batch: the state's lock file held, and the observation index (loaded in the background).</summary>
        private sealed class Batch : IDisposable
        {
            private readonly CveDatabase database;
            private readonly System.Threading.Tasks.Task<CveObservationIndex> index;
            private IDisposable heldLock;

            public Batch(CveDatabase database, IDisposable heldLock, System.Threading.Tasks.Task<CveObservationIndex> index)
            {
                this.database = database;
                this.heldLock = heldLock;
                this.index = index;
            }

            /// <summary>The index; null when it could not be loaded (only more reading).</summary>
            public CveObservationIndex Index
            {
                get
                {
                    try
                    {
                        return index.GetAwaiter().GetResult();
                    }
                    catch (Exception ex) when (!(ex is OutOfMemoryException))
                    {
                        return null;
                    }
                }
            }

            public void Dispose()
            {
                database.batch = null;
                IDisposable release = Interlocked.Exchange(ref heldLock, null);
                if (release != null)
                {
                    // The lock file is let go only when every record the batch wrote is on disk.
                    database.WaitForWrites();
                    using (release)
                    using (database.files.AcquireLock())
                    {
                        Index?.Save();
                    }
                }
            }
        }

        /// <summary>The same test as <see cref="Matches(CveRecord, CveQuery)"/>, on a cached record's summary.</summary>
        private static bool Matches(CveIndexCache.Entry entry, CveQuery query) =>
            (query.Statuses == null || query.Statuses.Contains(entry.Status ?? "new")) &&
            (query.PackageFilter == null || entry.PackageNames.Any(query.PackageFilter)) &&
            (query.Relevance == null || query.Relevance.Contains(entry.Relevance ?? "none")) &&
            (query.Since == null || (entry.ChangedTicks ?? DateTimeOffset.MinValue.UtcTicks) >= query.Since.Value.UtcTicks);

        private static bool Matches(CveRecord record, CveQuery query)
        {
            if (query.Statuses != null && !query.Statuses.Contains(record.Status ?? "new"))
            {
                return false;
            }

            if (query.PackageFilter != null && !record.Packages.Any(p => p?.Name != null && query.PackageFilter(p.Name)))
            {
                return false;
            }

            if (query.Relevance != null && !query.Relevance.Contains(record.Relevance?.State ?? "none"))
            {
                return false;
            }

            if (query.Since != null && (record.LastUpdated ?? record.FirstSeen ?? DateTimeOffset.MinValue) < query.Since)
            {
                return false;
            }

            return true;
        }

        /// <summary>Adds what the observation knows and the record lacks. Returns true when anything was added.</summary>
        internal static bool Merge(CveRecord record, CveObservation observation, DateTimeOffset now)
        {
            bool changed = false;
            foreach (var package in observation.Packages ?? Enumerable.Empty<PackageRef>())
            {
                if (package?.Name != null && record.Packages.FirstOrDefault(p => p.Equals(package)) is PackageRef same)
                {
                    changed |= same.TakeVersionData(package);
                    continue;
                }

                if (package?.Name != null)
                {
                    // The same name without an ecosystem is the same package seen by a vaguer source.
                    var vague = record.Packages.FirstOrDefault(p => string.Equals(p.Name, package.Name, StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(p.Ecosystem));
                    if (vague != null && !string.IsNullOrEmpty(package.Ecosystem))
                    {
                        vague.Ecosystem = package.Ecosystem;
                        vague.TakeVersionData(package);
                    }
                    else if (!(string.IsNullOrEmpty(package.Ecosystem) && record.Packages.Any(p => string.Equals(p.Name, package.Name, StringComparison.OrdinalIgnoreCase))))
                    {
                        var added = new PackageRef(package.Name, package.Ecosystem);
                        added.TakeVersionData(package);
                        record.Packages.Add(added);
                    }
                    else
                    {
                        continue;
                    }

                    changed = true;
                }
            }

            if (!string.IsNullOrEmpty(observation.Source))
            {
                bool known = record.Sources.Any(s =>
                    string.Equals(s.Source, observation.Source, StringComparison.OrdinalIgnoreCase) &&
                    string.Equals(s.AdvisoryId ?? string.Empty, observation.AdvisoryId ?? string.Empty, StringComparison.OrdinalIgnoreCase));
                if (!known)
                {
                    record.Sources.Add(new CveSighting { Source = observation.Source, AdvisoryId = observation.AdvisoryId, Link = observation.Link, SeenAt = now });
                    changed = true;
                }
            }

            foreach (string reference in (observation.References ?? new List<string>()).Concat(new[] { observation.Link }))
            {
                if (!string.IsNullOrWhiteSpace(reference) && !record.References.Contains(reference, StringComparer.Ordinal))
                {
                    record.References.Add(reference);
                    changed = true;
                }
            }

            if (string.IsNullOrWhiteSpace(record.Title) && !string.IsNullOrWhiteSpace(observation.Title))
            {
                record.Title = observation.Title.Trim();
                changed = true;
            }

            if (string.IsNullOrWhiteSpace(record.Summary) && !string.IsNullOrWhiteSpace(observation.Summary))
            {
                record.Summary = observation.Summary.Trim();
                changed = true;
            }

            changed |= MergeCvss(record, observation, now);

            return changed;
        }

        /// <summary>Where a vector set by a person comes from; a feed never replaces it.</summary>
        public const string ManualCvssSource = "manual";

        /// <summary>
        /// A CVSS vector is scored with the module's scorer and kept with where it came from and when. The first vector
        /// known stays unless its own source corrects it, or a person sets one ("manual", which no feed replaces). A
        /// vector the scorer refuses is not stored (callers warn or fail before this). A score without a vector (an
        /// older caller) is kept only while the record has none.
        /// </summary>
        private static bool MergeCvss(CveRecord record, CveObservation observation, DateTimeOffset now)
        {
            string vector = observation.CvssVector?.Trim();
            if (!string.IsNullOrEmpty(vector) && Cvss.TryScore(vector, out CvssScore score, out _))
            {
                string source = string.IsNullOrEmpty(observation.Source) ? ManualCvssSource : observation.Source;
                bool replace = record.CvssVector == null
                    || (string.Equals(source, ManualCvssSource, StringComparison.OrdinalIgnoreCase) && !string.Equals(record.CvssSource, ManualCvssSource, StringComparison.OrdinalIgnoreCase))
                    || string.Equals(source, record.CvssSource, StringComparison.OrdinalIgnoreCase);
                if (!replace || (record.CvssVector == score.Vector && record.CvssScore == score.BaseScore))
                {
                    return false;
                }

                record.CvssVector = score.Vector;
                record.CvssScore = score.BaseScore;
                record.CvssSource = source;
                record.CvssSetAt = now;
                return true;
            }

            if (record.CvssScore == null && record.CvssVector == null && observation.CvssScore != null)
            {
                record.CvssScore = observation.CvssScore;
                record.CvssSource = observation.Source;
                record.CvssSetAt = now;
                return true;
            }

            return false;
        }

        private static SecurityOpsException InvalidId(string id) => CveIdentifier.Invalid(id);
    }
}
