using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>
    /// The state repository: a folder (a git work tree) of YAML documents. The only code that reads or writes state
    /// files. Writes are atomic (temp file, flush to disk, rename) and happen under a lock that keeps two runs apart.
    /// </summary>
    public sealed class StateRepository
    {
        public const string ConfigFileName = "securityops.yaml";
        public const string LockFileName = ".securityops.lock";
        public const int CurrentSchemaVersion = SchemaVersions.Current;

        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);
        private static readonly ConcurrentDictionary<string, LockHolder> Locks =
            new ConcurrentDictionary<string, LockHolder>(StringComparer.Ordinal);

        private static long readCount;

        /// <summary>Documents read by Read&lt;T&gt; in this process (benchmarks check what a command reads).</summary>
        public static long ReadCount => Interlocked.Read(ref readCount);

        public static void ResetReadCount() => Interlocked.Exchange(ref readCount, 0);

        private long documentsRead;

        /// <summary>Documents this instance has read.</summary>
        public long DocumentsRead => Interlocked.Read(ref documentsRead);

        public StateRepository(string root)
        {
            Root = Path.GetFullPath(root);
        }

        public string Root { get; }

        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

        public bool IsInitialized => File.Exists(FullPath(ConfigFileName));

        /// <summary>
        /// Where the state lives: the explicit path, else $env:SECURITYOPS_STATE, else the nearest folder at or above
        /// the current one that holds securityops.yaml. Null when none is found.
        /// </summary>
        public static string Locate(string explicitPath, string environmentValue, string currentDirectory)
        {
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                return Path.GetFullPath(explicitPath);
            }

            if (!string.IsNullOrWhiteSpace(environmentValue))
            {
                return Path.GetFullPath(environmentValue);
            }

            for (var dir = new DirectoryInfo(currentDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, ConfigFileName)))
                {
                    return dir.FullName;
                }
            }

            return null;
        }

        public string FullPath(string relativePath) =>
            Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

        public bool Exists(string relativePath) => File.Exists(FullPath(relativePath));

        /// <summary>Reads a document, or returns null when the file does not exist.</summary>
        public T Read<T>(string relativePath) where T : class
        {
            string path = FullPath(relativePath);
            string text;
            try
            {
                text = File.ReadAllText(path, Utf8NoBom);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }

            return Parse<T>(text, path);
        }

        /// <summary>A document's text already read from <paramref name="path"/>, parsed and checked as <see cref="Read{T}"/> does.</summary>
        public T Parse<T>(string text, string path) where T : class
        {
            Interlocked.Increment(ref readCount);
            Interlocked.Increment(ref documentsRead);
            T value = YamlFormat.Deserialize<T>(text, path);
            CheckSchemaVersion(value, path);
            return value;
        }

        /// <summary>
        /// A file's bytes as text, as File.ReadAllText reads them: UTF-8 unless a byte order mark says otherwise (for a
        /// caller that also needs the bytes, such as their hash).
        /// </summary>
        public static string DecodeText(byte[] bytes)
        {
            if (bytes.Length >= 2 && (bytes[0] == 0xEF || bytes[0] == 0xFE || bytes[0] == 0xFF || bytes[0] == 0x00))
            {
                using (var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
                {
                    return reader.ReadToEnd();
                }
            }

            return Encoding.UTF8.GetString(bytes);
        }

        public string ReadText(string relativePath)
        {
            string path = FullPath(relativePath);
            return File.Exists(path) ? File.ReadAllText(path, Utf8NoBom) : null;
        }

        /// <summary>
        /// Writes a document atomically, keeping any key a person added to the existing file. Fails (and writes
        /// nothing) when the existing file is not valid YAML: a broken hand edit is never overwritten.
        /// </summary>
        public void Write<T>(string relativePath, T value) where T : class
        {
            string path = FullPath(relativePath);
            string previous = File.Exists(path) ? File.ReadAllText(path, Utf8NoBom) : null;
            Write(relativePath, value, previous);
        }

        /// <summary>
        /// <see cref="Write{T}(string, T)"/> when the caller holds the lock and has just read the file's current text
        /// (<paramref name="previous"/>, null when there is no file): the file is not read a second time.
        /// </summary>
        public void Write<T>(string relativePath, T value, string previous) where T : class =>
            WriteTextAtomic(relativePath, Serialize(relativePath, value, previous));

        /// <summary>The text <see cref="Write{T}(string, T, string)"/> would write, for a caller that writes it later.</summary>
        public string Serialize<T>(string relativePath, T value, string previous) where T : class =>
            YamlFormat.Serialize(value, previous, FullPath(relativePath));

        /// <summary>Temp file in the same folder, flushed to disk, then renamed over the target.</summary>
        public void WriteTextAtomic(string relativePath, string text)
        {
            using (AcquireLock())
            {
                WriteFileAtomic(FullPath(relativePath), text);
            }
        }

        /// <summary>
        /// The atomic write itself, for any file (outputs outside the state, such as OSV files or release notes): a temp
        /// file in the same folder, flushed to disk, then renamed over the target. On failure nothing is left behind.
        /// <paramref name="durable"/> false skips the flush to disk (outputs that can be regenerated, written by the
        /// thousand): the rename still means a reader sees the old file or the new one, never half of one.
        /// </summary>
        public static void WriteFileAtomic(string path, string text, bool durable = true) =>
            WriteFileAtomic(path, stream =>
            {
                byte[] bytes = Utf8NoBom.GetBytes(text);
                stream.Write(bytes, 0, bytes.Length);
            }, durable);

        /// <summary>The one atomic write: <paramref name="write"/> fills a temp file beside <paramref name="path"/>, which then replaces it.</summary>
        public static void WriteFileAtomic(string path, Action<Stream> write, bool durable = true)
        {
            string dir = Path.GetDirectoryName(path);
            Directory.CreateDirectory(dir);
            string temp = TempBeside(path);
            try
            {
                // Durable by the one flush to disk before the rename (fsync: the bytes and the file's metadata). Write-through
                // on top made every write wait for the disk as well, a second wait for the same bytes (about 15% of a
                // batch of 550 record writes).
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    write(stream);
                    stream.Flush(durable);
                }

                if (File.Exists(path))
                {
                    File.Replace(temp, path, null);
                }
                else
                {
                    File.Move(temp, path);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                TryDelete(temp);
                throw WriteFailed(path, ex);
            }
        }

        /// <summary>
        /// <see cref="WriteFileAtomic(string, Action{Stream}, bool)"/> for bytes at hand, not flushed to disk, into a
        /// folder the caller knows exists: for outputs written by the thousand. The same temp file and rename; on .NET 8
        /// outside Windows with fewer system calls (no folder check, no stream, one rename(2) that replaces the old
        /// file), which a 10,000-file export otherwise pays for.
        /// </summary>
        public static void WriteOutputAtomic(string path, byte[] content)
        {
#if NET8_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
            {
                string temp = TempBeside(path);
                try
                {
                    using (Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    {
                        RandomAccess.Write(handle, content, 0);
                    }

                    File.Move(temp, path, overwrite: true);
                    return;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    TryDelete(temp);
                    throw WriteFailed(path, ex);
                }
            }
#endif
            WriteFileAtomic(path, stream => stream.Write(content, 0, content.Length), durable: false);
        }

        /// <summary>A new temp file's path beside <paramref name="path"/>: hidden, and ignored by the state's .gitignore (.*.tmp-*).</summary>
        private static string TempBeside(string path) =>
            Path.Combine(Path.GetDirectoryName(path), "." + Path.GetFileName(path) + ".tmp-" + Guid.NewGuid().ToString("N"));

        /// <summary>The one error for a state file that could not be written (StateWriteFailed, naming the file).</summary>
        internal static SecurityOpsException WriteFailed(string path, Exception ex) =>
            new SecurityOpsException("StateWriteFailed", FailureKind.WriteError, path, $"Could not write {path}: {ex.Message}", ex);

        public void Delete(string relativePath)
        {
            using (AcquireLock())
            {
                string path = FullPath(relativePath);
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
        }

        public IEnumerable<string> EnumerateFiles(string relativeFolder, string pattern, bool recursive)
        {
            string dir = FullPath(relativeFolder);
            if (!Directory.Exists(dir))
            {
                return Array.Empty<string>();
            }

            return Directory.EnumerateFiles(dir, pattern, recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly);
        }

        /// <summary>
        /// The write lock of this state. Re-entrant within the process (a cmdlet and the services it calls share one
        /// hold); another process waits up to <see cref="LockTimeout"/> and then gets a clear StateLocked error.
        /// </summary>
        public IDisposable AcquireLock()
        {
            LockHolder holder = Locks.GetOrAdd(Root, r => new LockHolder(r));
            holder.Enter(LockTimeout);
            return new Releaser(holder);
        }

        /// <summary>
        /// <see cref="AcquireLock"/> for a batch's next run while the batch's own earlier writes still go on (see
        /// <see cref="AddWritesInFlight"/>): it waits for everyone else's writes, not for <paramref name="owner"/>'s,
        /// whose files the caller keeps clear of itself.
        /// </summary>
        public IDisposable AcquireLockBesideWritesInFlight(object owner)
        {
            LockHolder holder = Locks.GetOrAdd(Root, r => new LockHolder(r));
            holder.Enter(LockTimeout, ownWritesNotWaitedFor: owner ?? throw new ArgumentNullException(nameof(owner)));
            return new Releaser(holder);
        }

        /// <summary>
        /// Writes that go on after the caller lets the lock go (a batch writes its records while it reads the next ones):
        /// until they end, every other holder of the lock in this process waits for them (see
        /// <see cref="AcquireLockBesideWritesInFlight"/> for their owner's), so no thread reads or writes a file half-way
        /// through being replaced by them, and the lock file is not let go before them. The caller holds the lock.
        /// </summary>
        public void AddWritesInFlight(object owner, System.Threading.Tasks.Task writes) =>
            Locks.GetOrAdd(Root, r => new LockHolder(r)).AddWritesInFlight(owner, writes);

        /// <summary>
        /// One lock for a batch (a pipeline of records): the state's lock file stays held from the first record to the
        /// last, so other processes wait for the batch as a whole and each record costs no file open. Threads of this
        /// process still take turns per write through <see cref="AcquireLock"/>: a batch that spans a pipeline whose
        /// upstream cmdlet writes the state from its workers (Get-SecurityFeed | Add-CveRecord) cannot deadlock.
        /// </summary>
        public IDisposable HoldLockForBatch()
        {
            LockHolder holder = Locks.GetOrAdd(Root, r => new LockHolder(r));
            holder.HoldFile(LockTimeout);
            return new BatchReleaser(holder);
        }

        private static void CheckSchemaVersion(object value, string path)
        {
            if (value is IVersionedDocument doc && doc.SchemaVersion > CurrentSchemaVersion)
            {
                throw new StateFileException("StateSchemaTooNew", path, 0, 0,
                    $"schemaVersion {doc.SchemaVersion} was written by a newer SecurityOps (this one reads up to {CurrentSchemaVersion}). Update the module; the file was not changed.");
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
        }

        private sealed class Releaser : IDisposable
        {
            private LockHolder holder;

            public Releaser(LockHolder holder) => this.holder = holder;

            public void Dispose()
            {
                Interlocked.Exchange(ref holder, null)?.Exit();
            }
        }

        private sealed class BatchReleaser : IDisposable
        {
            private LockHolder holder;

            public BatchReleaser(LockHolder holder) => this.holder = holder;

            public void Dispose()
            {
                Interlocked.Exchange(ref holder, null)?.ReleaseFile();
            }
        }

        /// <summary>
        /// An OS-level exclusive file lock plus an in-process monitor so one process can hold it re-entrantly. The file is
        /// open while a thread holds the monitor (<see cref="Enter"/>) or while a batch holds it (<see cref="HoldFile"/>).
        /// </summary>
        private sealed class LockHolder
        {
            private readonly string root;
            private readonly object gate = new object();
            private FileStream file;
            private int depth;
            private int batchHolds;
            // Writes going on outside the lock (AddWritesInFlight), by owner; read and changed under the monitor.
            private readonly List<(object Owner, System.Threading.Tasks.Task Writes)> writesInFlight = new List<(object, System.Threading.Tasks.Task)>();

            /// <summary>Adds writes to those a new holder waits for. The caller holds the monitor.</summary>
            public void AddWritesInFlight(object owner, System.Threading.Tasks.Task writes)
            {
                writesInFlight.RemoveAll(w => w.Writes.IsCompleted);
                writesInFlight.Add((owner, writes));
            }

            /// <summary>Waits (holding the monitor) for the writes in flight not of <paramref name="except"/>'s; false when the deadline passes first.</summary>
            private bool WaitForWritesInFlight(object except, DateTime deadline)
            {
                writesInFlight.RemoveAll(w => w.Writes.IsCompleted);
                var others = writesInFlight.Where(w => !ReferenceEquals(w.Owner, except)).Select(w => w.Writes).ToArray();
                if (others.Length == 0)
                {
                    return true;
                }

                try
                {
                    // They need nothing of any thread's, so the wait ends; their failures are reported by whoever started them.
                    TimeSpan left = deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : Max(deadline - DateTime.UtcNow, TimeSpan.Zero);
                    return System.Threading.Tasks.Task.WaitAll(others, left);
                }
                catch (AggregateException)
                {
                    return true;
                }
            }

            /// <summary>Opens the lock file for a batch (if it is not open already) without keeping the monitor.</summary>
            public void HoldFile(TimeSpan timeout)
            {
                Enter(timeout);
                batchHolds++;
                Exit();
            }

            public void ReleaseFile()
            {
                Monitor.Enter(gate);
                batchHolds--;
                if (depth == 0 && batchHolds == 0)
                {
                    CloseFile();
                }

                Monitor.Exit(gate);
            }

            public LockHolder(string root) => this.root = root;

            public void Enter(TimeSpan timeout, object ownWritesNotWaitedFor = null)
            {
                var deadline = DateTime.UtcNow + timeout; // wall time for waiting only; never stored
                if (!Monitor.TryEnter(gate, timeout))
                {
                    throw Locked(timeout);
                }

                try
                {
                    // A new holder (not a re-entry) waits for the writes still going on outside the lock.
                    if (depth == 0 && writesInFlight.Count > 0 && !WaitForWritesInFlight(ownWritesNotWaitedFor, deadline))
                    {
                        throw Locked(timeout);
                    }

                    if (depth == 0 && file == null)
                    {
                        string path = Path.Combine(root, LockFileName);
                        Directory.CreateDirectory(root);
                        while (true)
                        {
                            try
                            {
                                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                                break;
                            }
                            catch (IOException) when (DateTime.UtcNow < deadline)
                            {
                                Thread.Sleep(50);
                            }
                            catch (IOException ex)
                            {
                                throw Locked(timeout, ex);
                            }
                        }
                    }

                    depth++;
                }
                catch
                {
                    Monitor.Exit(gate);
                    throw;
                }
            }

            public void Exit()
            {
                if (--depth == 0 && batchHolds == 0)
                {
                    CloseFile();
                }

                Monitor.Exit(gate);
            }

            /// <summary>Lets the lock file go, once the writes still going on outside the lock are done. The caller holds the monitor.</summary>
            private void CloseFile()
            {
                WaitForWritesInFlight(null, DateTime.MaxValue);
                file?.Dispose();
                file = null;
            }

            private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

            private SecurityOpsException Locked(TimeSpan timeout, Exception inner = null) =>
                new SecurityOpsException("StateLocked", FailureKind.ResourceUnavailable, root,
                    $"The state at {root} is locked by another SecurityOps run; waited {timeout.TotalSeconds:0.#} s. " +
                    $"If no other run is active, delete {Path.Combine(root, LockFileName)}.", inner);
        }
    }
}
