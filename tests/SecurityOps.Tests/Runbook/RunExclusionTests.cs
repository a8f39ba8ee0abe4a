using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>Nothing lost between runs: an interrupted run's files are committed by the next, and runs of one state take turns.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class RunExclusionTests
    {
        private const string Invoke = "Invoke-SecurityRunbook -StatePath $state -Token $secure -Confirm:$false";
        private readonly PowerShellFixture ps;

        public RunExclusionTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>
        /// Without the mark a run leaves from its first write to its commit, nothing says a run was interrupted: an
        /// uncommitted record is a person's change, and the next run leaves it alone (and does not search the work tree).
        /// </summary>
        [Fact]
        public void APersonsUncommittedRecordIsNotTakenForAnInterruptedRunsWork()
        {
            using var bed = new RunbookBed(ps);
            bed.Run(Invoke).AssertNoErrors();
            string mark = bed.File(SecurityOps.Runbook.DailyRunbook.UnfinishedRunMark);
            Assert.False(File.Exists(mark)); // the run committed its work and cleared its mark

            string record = "cves/2026/CVE-2026-31338.yaml";
            Directory.CreateDirectory(bed.File("cves/2026"));
            File.WriteAllText(bed.File(record), "schemaVersion: 2\ncveId: CVE-2026-31338\nstatus: new\npackages:\n- name: dev-libs/person\n");
            var result = bed.Run(Invoke).AssertNoErrors().Objects<SecurityRunbookResult>().Single();
            Assert.True(result.Recovered == null || result.Recovered.Count == 0);
            Assert.Contains(record, bed.Git("status", "--porcelain", "--untracked-files=all"));
            Assert.False(File.Exists(mark));
        }

        [Fact]
        public void WhatAnInterruptedRunWroteIsCommittedByTheNextRunBeforeItReadsAnything()
        {
            using var bed = new RunbookBed(ps);
            bed.Run(Invoke).AssertNoErrors();
            // An interrupted run: it wrote a record and the feed state that marks its advisory seen, then was killed.
            string record = "cves/2026/CVE-2026-31337.yaml";
            Directory.CreateDirectory(bed.File("cves/2026"));
            File.WriteAllText(bed.File(record), "schemaVersion: 2\ncveId: CVE-2026-31337\nstatus: new\npackages:\n- name: dev-libs/openssl\n");
            File.AppendAllText(bed.File("feeds/gentoo.yaml"), "# touched by the interrupted run\n");
            File.WriteAllText(bed.File("cves/2026/CVE-2026-40000.yaml"), string.Empty); // truncated: left for a person

            // A killed run leaves its mark: then the next run commits what it wrote before reading anything.
            File.WriteAllText(bed.File(SecurityOps.Runbook.DailyRunbook.UnfinishedRunMark), "started by a run that was killed\n");

            var run = bed.Run(Invoke + " -ErrorAction SilentlyContinue");
            var result = run.Objects<SecurityRunbookResult>().Single();

            Assert.Equal(new[] { "cves/2026/CVE-2026-31337.yaml", "feeds/gentoo.yaml" }, result.Recovered.OrderBy(p => p));
            Assert.Contains(run.Warnings, w => w.Contains("interrupted before its commit"));
            Assert.Contains("interrupted before its commit", result.Markdown);
            string log = bed.Git("log", "--format=%s", "--name-only");
            Assert.Contains("Recover 2 file(s) an interrupted run wrote and did not commit", log);
            Assert.Equal(string.Empty, bed.Git("status", "--porcelain", "--", record, "feeds").Trim());
            Assert.Contains(result.Problems, p => p.Step == "recovery" && p.Target == "cves/2026/CVE-2026-40000.yaml" && p.ErrorId == "StateFileEmpty");
            Assert.Contains("CVE-2026-40000.yaml", bed.Git("status", "--porcelain")); // never committed, never rewritten
            Assert.Equal(string.Empty, File.ReadAllText(bed.File("cves/2026/CVE-2026-40000.yaml")));
        }

        [Fact]
        public async Task ASecondRunWaitsForTheFirstAndFailsWithStateLockedWhenItTakesTooLong()
        {
            using var bed = new RunbookBed(ps);
            File.WriteAllText(bed.File("securityops.yaml"), File.ReadAllText(bed.File("securityops.yaml")).Replace("runLockWaitSeconds: 600", "runLockWaitSeconds: 1"));

            // Another run holds the state: this one waits a second, then gives up and files nothing.
            using (StateRunLock other = StateRunLock.Acquire(bed.StatePath, TimeSpan.Zero))
            {
                var locked = bed.Run(Invoke + " -ErrorAction SilentlyContinue");
                var error = locked.Errors.FirstOrDefault() ?? locked.Terminating?.ErrorRecord;
                Assert.NotNull(error);
                Assert.StartsWith("StateLocked,", error.FullyQualifiedErrorId);
                Assert.Contains($"pid {Environment.ProcessId}", error.Exception.Message);
                Assert.Empty(bed.GitHub.Writes);
            }

            // The first run ends while the second waits: the second goes on, once.
            File.WriteAllText(bed.File("securityops.yaml"), File.ReadAllText(bed.File("securityops.yaml")).Replace("runLockWaitSeconds: 1", "runLockWaitSeconds: 30"));
            var holder = StateRunLock.Acquire(bed.StatePath, TimeSpan.Zero);
            var release = Task.Run(async () => { await Task.Delay(700); holder.Dispose(); });
            var waited = bed.Run(Invoke).AssertNoErrors();
            await release;
            Assert.Contains(waited.Warnings, w => w.Contains("Another run holds the state") && w.Contains("waiting"));
            Assert.True(waited.Objects<SecurityRunbookResult>().Single().Succeeded);
        }

        [Fact]
        public void ALockLeftByARunThatDiedIsTakenOverWithAWarning()
        {
            using var bed = new RunbookBed(ps);
            // A killed run: the system released its file lock, but its owner note is still there.
            File.WriteAllText(Path.Combine(bed.StatePath, ".git", StateRunLock.OwnerFileName), "pid 999999 on ci-runner-7, started 2026-12-01T06:00:00Z");
            var run = bed.Run(Invoke).AssertNoErrors();
            Assert.Contains(run.Warnings, w => w.Contains("pid 999999 on ci-runner-7") && w.Contains("taken over"));
            Assert.False(File.Exists(Path.Combine(bed.StatePath, ".git", StateRunLock.OwnerFileName)));
        }
    }
}
