using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace SecurityOps.State
{
    /// <summary>
    /// One run per state at a time: a run (the daily runbook, reading, filing, committing and pushing) holds this lock
    /// from start to end, so a second run in the same folder waits, then fails with StateLocked naming the owner. The
    /// lock is an exclusive OS file lock, which the system releases when its process dies (even by SIGKILL); the file
    /// keeps the owner's pid, host and start time, so a lock file left by a dead run is recognized and taken over.
    /// It is separate from the short write lock every state file write takes. The owner is written beside the lock
    /// (<see cref="OwnerFileName"/>): other processes cannot read a file the system has locked.
    /// </summary>
    internal sealed class StateRunLock : IDisposable
    {
        public const string FileName = ".securityops-run.lock";

        public const string OwnerFileName = ".securityops-run.owner";

        private readonly string ownerPath;
        private FileStream file;

        private StateRunLock(FileStream file, string ownerPath, string previousOwner)
        {
            this.file = file;
            this.ownerPath = ownerPath;
            PreviousOwner = previousOwner;
        }

        /// <summary>The owner a dead run left in the lock file (null when the file was new or released cleanly).</summary>
        public string PreviousOwner { get; }

        /// <summary>Takes the lock, waiting up to <paramref name="wait"/> for another run; StateLocked after that.</summary>
        public static StateRunLock Acquire(string root, TimeSpan wait, Action<string> waiting = null)
        {
            // Inside .git when there is one: never committed, whatever the state's .gitignore says.
            string folder = Directory.Exists(Path.Combine(root, ".git")) ? Path.Combine(root, ".git") : root;
            string path = Path.Combine(folder, FileName);
            string ownerPath = Path.Combine(folder, OwnerFileName);
            var deadline = DateTime.UtcNow + wait; // wall time for waiting only; never stored
            bool told = false;
            while (true)
            {
                FileStream stream = null;
                try
                {
                    stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    string previous = TryReadOwner(ownerPath); // left by a run that died holding the lock
                    File.WriteAllText(ownerPath, $"pid {Process.GetCurrentProcess().Id} on {Environment.MachineName}, started {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
                    return new StateRunLock(stream, ownerPath, string.IsNullOrWhiteSpace(previous) ? null : previous.Trim());
                }
                catch (IOException ex)
                {
                    stream?.Dispose();
                    if (DateTime.UtcNow >= deadline)
                    {
                        string owner = TryReadOwner(ownerPath);
                        throw new SecurityOpsException("StateLocked", FailureKind.ResourceUnavailable, root,
                            $"Another SecurityOps run holds the state at {root} ({(string.IsNullOrWhiteSpace(owner) ? "owner unknown" : owner.Replace('\n', ' ').Trim())}); waited {wait.TotalSeconds:0.#} s (state.runLockWaitSeconds). " +
                            "Runs of one state take turns: try again when it has finished.", ex);
                    }

                    if (!told)
                    {
                        waiting?.Invoke(TryReadOwner(ownerPath));
                        told = true;
                    }

                    Thread.Sleep(100);
                }
            }
        }

        public void Dispose()
        {
            FileStream stream = Interlocked.Exchange(ref file, null);
            if (stream != null)
            {
                // Removed before the lock is released: an owner file found by the next run means its owner died holding it.
                try
                {
                    File.Delete(ownerPath);
                }
                catch (IOException)
                {
                }

                stream.Dispose();
            }
        }

        private static string TryReadOwner(string path)
        {
            try
            {
                return File.Exists(path) ? File.ReadAllText(path) : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
