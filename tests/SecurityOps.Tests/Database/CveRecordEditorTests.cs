using System;
using System.IO;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Database
{
    /// <summary>Set-CveRecord's walk without PowerShell: plan the change, approve, write (and the filing queue).</summary>
    public sealed class CveRecordEditorTests : IDisposable
    {
        private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-05-04T10:00:00Z");
        private readonly TempFolder folder = new TempFolder();
        private readonly StateRepository files;
        private readonly FakeRelevance judge = new FakeRelevance();
        private int judgesMade;

        public CveRecordEditorTests()
        {
            SecurityState.Initialize(folder.Path, initGit: false);
            files = new StateRepository(folder.Path);
            new CveDatabase(files).Save(new CveRecord
            {
                CveId = "CVE-2026-7001", Status = "new", Packages = { new PackageRef("app-misc/thing") },
                Relevance = new CveRelevance { State = CveRelevance.NotAffected, Reason = "we ship 2.x", Manual = true, DecidedBy = "alice" },
            });
        }

        public void Dispose() => folder.Dispose();

        private string RecordFile => File.ReadAllText(files.FullPath(CveRecord.PathFor("CVE-2026-7001")));

        private CveRecordEditor Editor => new CveRecordEditor(files, () =>
        {
            judgesMade++;
            return judge;
        }, new FixedClock(Now));

        [Fact]
        public void ADeclinedChangeWritesNothingAndAnApprovedOneIsWrittenAndQueuedForFiling()
        {
            string before = RecordFile;
            var change = new CveRecordChange { Status = "triaged", Relevance = "auto", Actor = "bob" };
            string asked = null;
            CveRecordEdit declined = Editor.Edit("CVE-2026-7001", change, (target, action) =>
            {
                asked = target + ": " + action;
                return false;
            });

            Assert.Equal("CVE-2026-7001: Set status new -> triaged, relevance handed back to the inventories", asked);
            Assert.False(declined.Saved);
            Assert.Equal("triaged", declined.Record.Status); // changed in memory, as -WhatIf -PassThru shows it
            Assert.Equal(before, RecordFile);
            Assert.Equal(0, judgesMade); // the inventories are not read for a change that is not made
            Assert.Empty(new CveFilingQueue(files).Pending);

            CveRecordEdit approved = Editor.Edit("CVE-2026-7001", change, (target, action) => true);
            Assert.True(approved.Saved);
            Assert.True(approved.Queued);
            CveRecord saved = new CveDatabase(files).Get("CVE-2026-7001");
            Assert.Equal("triaged", saved.Status);
            Assert.Equal(CveRelevance.Affected, saved.Relevance.State); // decided by the inventories again
            Assert.Equal(new[] { "CVE-2026-7001" }, new CveFilingQueue(files).Pending);
        }

        [Fact]
        public void ABrokenRuleOrAMissingRecordThrowsBeforeAnythingIsAsked()
        {
            Func<string, string, bool> approve = (target, action) => throw new InvalidOperationException("asked");
            Assert.Equal("CveRecordNotFound", Assert.Throws<SecurityOpsException>(() => Editor.Edit("CVE-2026-9999", new CveRecordChange { Status = "fixed" }, approve)).ErrorId);
            Assert.Equal("ConflictingEmbargo", Assert.Throws<SecurityOpsException>(() =>
                Editor.Edit("CVE-2026-7001", new CveRecordChange { EmbargoedUntil = Now.AddDays(1), LiftEmbargo = true }, approve)).ErrorId);
            Assert.Equal("RelevanceReasonRequired", Assert.Throws<SecurityOpsException>(() =>
                Editor.Edit("CVE-2026-7001", new CveRecordChange { Relevance = "affected" }, approve)).ErrorId);

            // Nothing to change: nothing asked, nothing written.
            Assert.False(Editor.Edit("CVE-2026-7001", new CveRecordChange { Status = "new" }, approve).Saved);
        }

        private sealed class FakeRelevance : IRecordRelevance
        {
            public bool Apply(CveRecord record, DateTimeOffset now)
            {
                record.Relevance = new CveRelevance { State = CveRelevance.Affected, Reason = "app-misc/thing 1.0 is in the inventory", DecidedAt = now };
                return true;
            }

            public bool ShouldFile(CveRecord record) => record.Relevance?.State == CveRelevance.Affected;
        }
    }
}
