using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Database;
using SecurityOps.Inventory;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Add-CveRecord: records CVEs in the team's database from the pipeline (feed items, or any object with CveId/CveIds,
    /// Package/Packages, Source, Link, Title/Summary). New records are created, known ones merged; each is emitted with
    /// IsNew so that "| Where-Object IsNew" picks what to file.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "CveRecord", SupportsShouldProcess = true)]
    [OutputType(typeof(CveRecord))]
    public sealed class AddCveRecordCommand : StateCmdlet
    {
        private CveDatabase database;
        private int added;
        private int merged;
        private int unchanged;

        /// <summary>The CVE ids (CVE-YYYY-NNNN, four or more digits).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("CveIds", "Cve")]
        public string[] CveId { get; set; }

        /// <summary>Affected packages: names, "name@ecosystem", or objects with Name and Ecosystem.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Packages")]
        public object[] Package { get; set; }

        /// <summary>The source that reported the CVE (a feed name, "manual"...).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Source { get; set; }

        /// <summary>The upstream advisory id (GLSA, RUSTSEC, GO id); bound from a feed item's Id.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        public string AdvisoryId { get; set; }

        /// <summary>A link to the upstream advisory.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Url")]
        public string Link { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Title { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Description")]
        public string Summary { get; set; }

        /// <summary>A known CVSS base score, 0.0 to 10.0.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0.0, 10.0)]
        [Alias("Score", "BaseScore")]
        public double? CvssScore { get; set; }

        /// <summary>A CVSS 3.x or 4.0 vector: scored by the module and kept with its source (a feed item's, else "manual").</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Vector")]
        public string CvssVector { get; set; }

        /// <summary>Further reference URLs.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[] References { get; set; }

        private readonly List<CveRecord> newRecords = new List<CveRecord>();

        // Items are recorded in runs of this many: the run's known records are read on every core first, then merged in
        // order, and what changed is written several files at a time. A run is small enough that output still streams,
        // large enough to keep the cores busy.
        private const int ReadAheadRun = 256;

        private readonly List<CveObservation> pending = new List<CveObservation>();

        private IDisposable batch;

        // Whether a record's file exists picks the words of the ShouldProcess action, at a file lookup per item: looked
        // up only when someone reads them (-WhatIf, -Confirm or a prompt its preference asks for, -Verbose).
        private bool describeAction;

        protected override void BeginProcessing()
        {
            database = new CveDatabase(Session.State.Files);
            describeAction = ShouldProcessIsShown(ConfirmImpact.Medium);
            // One lock for the whole pipeline; known records the observation index shows unchanged are not read.
            batch = database.BeginBatch();
        }

        protected override void ReleaseResources()
        {
            batch?.Dispose();
            batch = null;
        }

        protected override void ProcessRecord()
        {
            // Output as soon as a run's writes are done, not only when the next run is full.
            if (unreported.Count > 0)
            {
                ReportWritten(waitForAll: false);
            }

            if (CveId == null || CveId.Length == 0)
            {
                WriteVerbose($"Skipped {AdvisoryId ?? Title ?? "an input object"}: it names no CVE id.");
                return;
            }

            List<PackageRef> packages = PackageBinding.ToPackages(Package);
            string vector = string.IsNullOrWhiteSpace(CvssVector) ? null : CvssVector.Trim();
            if (vector != null && !Scoring.Cvss.TryScore(vector, out _, out string cvssError))
            {
                // The record is still added (nothing else is lost); the vector is not, and the error names it.
                WriteFailure(new SecurityOpsException("InvalidCvssVector", FailureKind.InvalidArgument, vector,
                    $"'{vector}' is not a valid CVSS vector ({cvssError}); {string.Join(", ", CveId)} recorded without it."));
                vector = null;
            }

            foreach (string raw in CveId.Distinct())
            {
                string id = CveRecord.NormalizeId(raw);
                if (id == null)
                {
                    WriteFailure(CveIdentifier.Invalid(raw));
                    continue;
                }

                string action = !describeAction ? "Create or merge the CVE record" : database.Exists(id) ? "Merge into the CVE record" : "Create the CVE record";
                if (!ShouldProcess($"{id} in {Session.State.Root}", action))
                {
                    continue;
                }

                var observation = new CveObservation
                {
                    CveId = id,
                    Packages = packages,
                    Source = Source,
                    AdvisoryId = AdvisoryId,
                    Link = Link,
                    Title = Title,
                    Summary = Summary,
                    CvssScore = CvssScore,
                    CvssVector = vector,
                    References = References?.ToList() ?? new List<string>(),
                };

                pending.Add(observation);
            }

            if (pending.Count >= ReadAheadRun)
            {
                RecordPending();
            }
        }

        private void RecordPending()
        {
            if (pending.Count == 0)
            {
                return;
            }

            var observations = pending.ToList();
            pending.Clear();

            // A record an earlier run wrote and has not yet output is output first, with everything before it: what the
            // pipeline after this command does with it (Set-CveRecord...) is on disk before this run reads the record.
            int lastSharing = -1, position = 0;
            if (unreported.Count > 0)
            {
                var ids = new HashSet<string>(observations.Select(o => o.CveId), StringComparer.Ordinal);
                foreach (var earlier in unreported)
                {
                    if (earlier.Recorded.Any(r => ids.Contains(r.Record.CveId)))
                    {
                        lastSharing = position;
                    }

                    position++;
                }
            }

            for (; lastSharing >= 0; lastSharing--)
            {
                ReportOldest();
            }

            CveDatabase.RecordRun run = null;
            TryRun(() => run = database.ReadAhead(observations));
            var recorded = new List<(CveObservation Observation, CveRecord Record)>(observations.Count);
            System.Threading.Tasks.Task<IReadOnlyDictionary<string, SecurityOpsException>> written = null;
            using (run)
            {
                foreach (CveObservation observation in observations)
                {
                    TryRunItem(() => recorded.Add((observation, database.Record(observation))));
                }

                // The writes go on while the next items are bound, read and merged.
                TryRun(() => written = run?.BeginWrite());
            }

            unreported.Enqueue((recorded, written));
            ReportWritten(waitForAll: false);
            while (unreported.Count > RunsWritingAtOnce)
            {
                // Writing falls behind reading: the oldest run is waited for, so memory and threads stay bounded.
                ReportOldest();
            }
        }

        // Runs whose writes may go on at once: one written while the next is read, and one more to even out the disk.
        private const int RunsWritingAtOnce = 2;

        // Runs recorded and not yet reported, in order, each with its writes.
        private readonly Queue<(List<(CveObservation Observation, CveRecord Record)> Recorded, System.Threading.Tasks.Task<IReadOnlyDictionary<string, SecurityOpsException>> Written)> unreported =
            new Queue<(List<(CveObservation Observation, CveRecord Record)>, System.Threading.Tasks.Task<IReadOnlyDictionary<string, SecurityOpsException>>)>();

        /// <summary>Reports each run whose writes are done (all of them, waiting, at the end): a record in the output is on disk.</summary>
        private void ReportWritten(bool waitForAll)
        {
            while (unreported.Count > 0 && (waitForAll || unreported.Peek().Written == null || unreported.Peek().Written.IsCompleted))
            {
                ReportOldest();
            }
        }

        /// <summary>Reports the oldest run not yet reported, once its writes are done.</summary>
        private void ReportOldest()
        {
            var (recorded, written) = unreported.Dequeue();
            IReadOnlyDictionary<string, SecurityOpsException> failed = null;
            Exception whole = null;
            try
            {
                failed = written?.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                whole = ex; // the run's writes failed as a whole: none of its records is known to be on disk
            }

            foreach (var (observation, record) in recorded)
            {
                if (whole != null && record.Changed)
                {
                    WriteFailure(StateRepository.WriteFailed(Session.State.Files.FullPath(record.RelativePath), whole));
                    continue;
                }

                if (failed != null && failed.TryGetValue(record.CveId, out SecurityOpsException failure))
                {
                    WriteFailure(failure);
                    continue;
                }

                Report(observation, record);
            }
        }

        private void Report(CveObservation observation, CveRecord record)
        {
            string id = record.CveId;
            string source = observation.Source ?? "input";
            if (record.IsNew)
            {
                added++;
                newRecords.Add(record);
                WriteVerbose($"{id}: new record ({string.Join(", ", record.Packages)}) from {source}.");
            }
            else if (record.Changed)
            {
                merged++;
                WriteVerbose($"{id}: merged what {source} adds.");
            }
            else
            {
                unchanged++;
            }

            WriteObject(record);
        }

        protected override void EndProcessing()
        {
            RecordPending();
            ReportWritten(waitForAll: true);
            ReleaseResources();
            if (newRecords.Count > 0)
            {
                // A record that names no package waits for a person: it joins the triage list the runbook and the
                // reminder read (they re-check it; nothing here decides).
                TryRun(() =>
                {
                    RelevanceService relevance;
                    try
                    {
                        relevance = new RelevanceService(Session.State.Files, Session.Config);
                    }
                    catch (SecurityOpsException)
                    {
                        relevance = null;
                    }

                    new CveTriageList(Session.State.Files, relevance).Add(database, newRecords);
                });
            }

            WriteVerbose($"CVE records: {added} new, {merged} merged, {unchanged} unchanged" +
                (database.AnsweredFromIndex > 0 ? $" ({database.AnsweredFromIndex} of them answered from {CveObservationIndex.RelativePath} without reading their files)." : "."));
        }
    }
}
