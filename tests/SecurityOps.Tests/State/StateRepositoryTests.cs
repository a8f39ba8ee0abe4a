using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.State
{
    public sealed class StateRepositoryTests
    {
        [Fact]
        public void UnknownKeysAPersonAddedSurviveARewrite()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            string path = CveRecord.PathFor("CVE-2024-0042");
            Directory.CreateDirectory(Path.GetDirectoryName(repo.FullPath(path)));
            File.WriteAllText(repo.FullPath(path),
                "schemaVersion: 1\ncveId: CVE-2024-0042\nstatus: triaged\ntriageOwner: alice\npackages:\n- name: openssl\n  ecosystem: Gentoo\n  ebuild: dev-libs/openssl-3.0.13\nissue:\n  repository: o/r\n  number: 7\n  milestone: beta\n");

            var record = repo.Read<CveRecord>(path);
            record.Packages.Add(new PackageRef("libssl", "Debian"));
            record.Notes = "checked";
            repo.Write(path, record);

            string text = File.ReadAllText(repo.FullPath(path));
            Assert.Contains("triageOwner: alice", text);
            Assert.Contains("ebuild: dev-libs/openssl-3.0.13", text);
            Assert.Contains("milestone: beta", text);
            Assert.Contains("libssl", text);
            Assert.Contains("notes: checked", text);
            var again = repo.Read<CveRecord>(path);
            Assert.Equal(2, again.Packages.Count);
            Assert.Equal(7, again.Issue.Number);
        }

        [Fact]
        public void CommentsAPersonWroteStayWithTheirKeysWhenTheModuleRewritesAFile()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            File.WriteAllText(repo.FullPath(Roster.FileName), string.Join("\n",
                "# Security team roster: reviewed by the steering committee.",
                "schemaVersion: 1",
                "start: 2026-01-05T00:00:00Z  # a Monday",
                "members:",
                "# Founding members first.",
                "- handle: alice",
                "  name: Alice   # team lead",
                "- handle: bob",
                "  # Bob is on the Berlin office's calendar.",
                "  timeZone: Europe/Berlin",
                "# Weeks where the plain order does not hold.",
                "overrides: []",
                "# end of roster",
                ""));

            var roster = repo.Read<Roster>(Roster.FileName);
            roster.Members.Insert(0, new RosterMember { Handle = "carol", Name = "Carol" });
            roster.Members.Single(m => m.Handle == "bob").Email = "bob@example.org";
            roster.Members.Single(m => m.Handle == "alice").Name = "Alice A.";
            repo.Write(Roster.FileName, roster);

            string written = File.ReadAllText(repo.FullPath(Roster.FileName));
            string[] lines = written.Split('\n');
            Assert.True(lines.Contains("start: 2026-01-05T00:00:00Z # a Monday"), written);
            Assert.Equal("# Security team roster: reviewed by the steering committee.", lines[0]);
            Assert.Contains("  name: Alice A. # team lead", lines); // the value changed, its comment stays
            int alice = Array.IndexOf(lines, "- handle: alice");
            Assert.Equal("# Founding members first.", lines[alice - 1]); // anchored to alice, not to the first item
            int zone = Array.IndexOf(lines, "  timeZone: Europe/Berlin");
            Assert.Equal("  # Bob is on the Berlin office's calendar.", lines[zone - 1]);
            Assert.Equal("# Weeks where the plain order does not hold.", lines[Array.FindIndex(lines, l => l.StartsWith("overrides:")) - 1]);
            Assert.Equal("# end of roster", lines.Last(l => l.Length > 0));
            Assert.Contains("- handle: carol", lines);

            // The rewritten file still reads back to the same roster, and a second rewrite changes nothing.
            string first = File.ReadAllText(repo.FullPath(Roster.FileName));
            repo.Write(Roster.FileName, repo.Read<Roster>(Roster.FileName));
            Assert.Equal(first, File.ReadAllText(repo.FullPath(Roster.FileName)));
        }

        [Fact]
        public void AReaderNeverSeesAHalfWrittenFile()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            var big = new CveRecord { CveId = "CVE-2024-9999", Summary = new string('x', 200_000) };
            repo.Write(big.RelativePath, big);
            using var stop = new CancellationTokenSource();
            int reads = 0;
            var reader = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var seen = repo.Read<CveRecord>(big.RelativePath);
                    Assert.Equal(200_000, seen.Summary.Length);
                    reads++;
                }
            });

            var until = Stopwatch.StartNew();
            for (int i = 0; (i < 30 || Volatile.Read(ref reads) < 30) && until.Elapsed < TimeSpan.FromSeconds(20); i++)
            {
                big.Notes = "write " + i;
                repo.Write(big.RelativePath, big);
            }

            stop.Cancel();
            reader.GetAwaiter().GetResult();
            Assert.True(reads > 0);
            Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp-*", SearchOption.AllDirectories));
        }

        [Fact]
        public void ABrokenFileIsNeverOverwritten()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            string path = CveRecord.PathFor("CVE-2024-0001");
            Directory.CreateDirectory(Path.GetDirectoryName(repo.FullPath(path)));
            File.WriteAllText(repo.FullPath(path), "cveId: CVE-2024-0001\nstatus: [\n");
            var error = Assert.Throws<StateFileException>(() => repo.Write(path, new CveRecord { CveId = "CVE-2024-0001" }));
            Assert.Equal("StateFileInvalid", error.ErrorId);
            Assert.True(error.Line >= 2, $"line {error.Line}");
            Assert.Equal("cveId: CVE-2024-0001\nstatus: [\n", File.ReadAllText(repo.FullPath(path)));
        }

        [Fact]
        public void WrongTypeNamesTheLine()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            File.WriteAllText(repo.FullPath("securityops.yaml"), "schemaVersion: 1\nstate:\n  lockTimeoutSeconds: soon\n");
            var error = Assert.Throws<StateFileException>(() => repo.Read<SecurityConfig>("securityops.yaml"));
            Assert.Equal(3, error.Line);
            Assert.Contains("securityops.yaml:3:", error.Message);
        }

        [Fact]
        public void ASecondWriterInTheProcessWaitsThenFailsClearly()
        {
            using var temp = new TempFolder();
            var holder = new StateRepository(temp.Path);
            var other = new StateRepository(temp.Path) { LockTimeout = TimeSpan.FromMilliseconds(300) };
            using var held = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            var owner = Task.Run(() =>
            {
                using (holder.AcquireLock())
                {
                    held.Set();
                    release.Wait();
                }
            });
            held.Wait();
            var sw = Stopwatch.StartNew();
            var error = Assert.Throws<SecurityOpsException>(() => other.WriteTextAtomic("x.yaml", "a: 1\n"));
            Assert.Equal("StateLocked", error.ErrorId);
            Assert.True(sw.ElapsedMilliseconds >= 250);
            Assert.False(File.Exists(Path.Combine(temp.Path, "x.yaml")));
            release.Set();
            owner.GetAwaiter().GetResult();
            other.WriteTextAtomic("x.yaml", "a: 1\n");
            Assert.True(File.Exists(Path.Combine(temp.Path, "x.yaml")));
        }

        /// <summary>
        /// One lock per batch: while a batch holds the state, another process cannot take the lock file, yet other threads
        /// of this process still write (one at a time), so a pipeline whose upstream writes from workers cannot deadlock.
        /// </summary>
        [Fact]
        public void ABatchHoldsTheLockFileForOtherProcessesWhileThisProcessKeepsWriting()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            string lockFile = Path.Combine(temp.Path, StateRepository.LockFileName);
            int OtherProcessTakesTheLock()
            {
                using var probe = Process.Start(new ProcessStartInfo("flock", $"-n -x \"{lockFile}\" true") { UseShellExecute = false });
                probe.WaitForExit();
                return probe.ExitCode;
            }

            using (repo.HoldLockForBatch())
            {
                Assert.NotEqual(0, OtherProcessTakesTheLock());

                // A worker thread writes while the pipeline thread's batch is open, as Get-SecurityFeed does upstream.
                Task.Run(() => repo.WriteTextAtomic("feeds/state.yaml", "a: 1\n")).Wait(TimeSpan.FromSeconds(5));
                Assert.True(File.Exists(Path.Combine(temp.Path, "feeds", "state.yaml")));
                repo.WriteTextAtomic("cves/x.yaml", "b: 2\n");

                // After the nested writes the batch still holds the file.
                Assert.NotEqual(0, OtherProcessTakesTheLock());
            }

            Assert.Equal(0, OtherProcessTakesTheLock());
        }

        /// <summary>
        /// Writes a batch leaves going on outside the lock (Add-CveRecord writes a run's records while it reads the next):
        /// every other holder of the lock in this process waits for them (another batch too, as in another runspace),
        /// the batch's own next run does not, a wait longer than the lock's timeout is a StateLocked error, not a hang,
        /// and the lock file is not let go before them.
        /// </summary>
        [Fact]
        public void WritesLeftGoingOnOutsideTheLockAreWaitedForByEveryOtherHolder()
        {
            using var temp = new TempFolder();
            var repo = new StateRepository(temp.Path);
            object batch = new object(), otherBatch = new object();
            var writes = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            // As Add-CveRecord does: writes are left going on only within a batch, which holds the lock file.
            IDisposable holding = repo.HoldLockForBatch();
            using (repo.AcquireLockBesideWritesInFlight(batch))
            {
                repo.AddWritesInFlight(batch, writes.Task);
            }

            // The batch's own next run takes the lock beside them.
            using (repo.AcquireLockBesideWritesInFlight(batch))
            {
            }

            // Another batch's run, and another thread's write, wait for them, then go ahead.
            var otherRun = Task.Run(() => repo.AcquireLockBesideWritesInFlight(otherBatch).Dispose());
            var other = Task.Run(() => repo.WriteTextAtomic("feeds/state.yaml", "a: 1\n"));
            Assert.False(otherRun.Wait(300));
            Assert.False(other.Wait(50));
            Assert.False(File.Exists(Path.Combine(temp.Path, "feeds", "state.yaml")));
            writes.SetResult(true);
            Assert.True(otherRun.Wait(TimeSpan.FromSeconds(10)));
            Assert.True(other.Wait(TimeSpan.FromSeconds(10)));
            Assert.True(File.Exists(Path.Combine(temp.Path, "feeds", "state.yaml")));

            // Writes that do not end within the lock's timeout: StateLocked, and the lock is free again after them.
            var stuck = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (repo.AcquireLock())
            {
                repo.AddWritesInFlight(batch, stuck.Task);
            }

            var impatient = new StateRepository(temp.Path) { LockTimeout = TimeSpan.FromMilliseconds(300) };
            var error = Assert.Throws<SecurityOpsException>(() => impatient.WriteTextAtomic("x.yaml", "b: 2\n"));
            Assert.Equal("StateLocked", error.ErrorId);
            stuck.SetResult(true);
            impatient.WriteTextAtomic("x.yaml", "b: 2\n");
            Assert.True(File.Exists(Path.Combine(temp.Path, "x.yaml")));
            holding.Dispose();

            // A batch's lock file stays held until the writes it left going on are done.
            string lockFile = Path.Combine(temp.Path, StateRepository.LockFileName);
            var late = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var held = repo.HoldLockForBatch();
            using (repo.AcquireLockBesideWritesInFlight(batch))
            {
                repo.AddWritesInFlight(batch, late.Task);
            }

            var release = Task.Run(() => held.Dispose());
            Assert.False(release.Wait(300));
            Assert.NotEqual(0, FlockExitCode(lockFile));
            late.SetResult(true);
            Assert.True(release.Wait(TimeSpan.FromSeconds(10)));
            Assert.Equal(0, FlockExitCode(lockFile));
        }

        private static int FlockExitCode(string lockFile)
        {
            using var probe = Process.Start(new ProcessStartInfo("flock", $"-n -x \"{lockFile}\" true") { UseShellExecute = false });
            probe.WaitForExit();
            return probe.ExitCode;
        }

        [Fact]
        public void AnotherProcessHoldingTheLockBlocksWrites()
        {
            using var temp = new TempFolder();
            string lockFile = Path.Combine(temp.Path, StateRepository.LockFileName);
            File.WriteAllText(lockFile, string.Empty);

            // flock(1) takes the same kind of lock .NET takes for FileShare.None on Unix.
            using var holder = Process.Start(new ProcessStartInfo("flock", $"-x \"{lockFile}\" sleep 3") { UseShellExecute = false });
            Thread.Sleep(400);
            var repo = new StateRepository(temp.Path) { LockTimeout = TimeSpan.FromMilliseconds(500) };
            var error = Assert.Throws<SecurityOpsException>(() => repo.WriteTextAtomic("y.yaml", "b: 2\n"));
            Assert.Equal("StateLocked", error.ErrorId);
            Assert.Contains(temp.Path, error.Message);
            holder.WaitForExit();
            repo.LockTimeout = TimeSpan.FromSeconds(5);
            repo.WriteTextAtomic("y.yaml", "b: 2\n");
        }

        [Fact]
        public void CommitMessageGroupsChangesByKind()
        {
            var message = CommitMessage.Describe(new List<GitChange>
            {
                new GitChange("??", "cves/2024/CVE-2024-0001.yaml"),
                new GitChange("M", "cves/2023/CVE-2023-0002.yaml"),
                new GitChange("M", "roster.yaml"),
                new GitChange("D", "cves/2020/CVE-2020-0003.yaml"),
            });
            Assert.StartsWith("securityops: add 1 CVE record, update 1 CVE record, remove 1 CVE record, update 1 file\n", message);
            Assert.Contains("- Updated file: roster.yaml", message);
        }
    }
}
