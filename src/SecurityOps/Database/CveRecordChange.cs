using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Scoring;
using SecurityOps.State;

namespace SecurityOps.Database
{
    /// <summary>What a person changes on a CVE record (Set-CveRecord); null fields stay as they are.</summary>
    internal sealed class CveRecordChange
    {
        /// <summary>The word that hands the relevance back to the inventories.</summary>
        public const string AutomaticRelevance = "auto";

        public string Status { get; set; }

        public string FixedIn { get; set; }

        public string Notes { get; set; }

        public string AddNote { get; set; }

        public DateTimeOffset? EmbargoedUntil { get; set; }

        public bool LiftEmbargo { get; set; }

        public int? IssueNumber { get; set; }

        public string IssueRepository { get; set; }

        public string IssueUrl { get; set; }

        /// <summary>A CVSS vector set by hand ("manual": no feed replaces it); empty clears the vector and its score.</summary>
        public string CvssVector { get; set; }

        /// <summary>affected, not-affected or unknown to overrule the inventories (with <see cref="RelevanceReason"/>); "auto" hands it back.</summary>
        public string Relevance { get; set; }

        public string RelevanceReason { get; set; }

        /// <summary>Who decides (kept with a relevance override).</summary>
        public string Actor { get; set; }
    }

    /// <summary>
    /// The inventories' say on a record, handed to the editor (Inventory's RelevanceService: Database may not use
    /// Inventory, which builds on it).
    /// </summary>
    internal interface IRecordRelevance
    {
        /// <summary>Decides the record again, in memory; true when its relevance changed.</summary>
        bool Apply(CveRecord record, DateTimeOffset now);

        /// <summary>Would the record be filed as it now stands?</summary>
        bool ShouldFile(CveRecord record);
    }

    /// <summary>What a person's change to a record came to: the record (changed in memory), the changes in words, and what was written.</summary>
    internal sealed class CveRecordEdit
    {
        public CveRecord Record { get; set; }

        public List<string> Changes { get; set; } = new List<string>();

        /// <summary>The record was written (the change was approved).</summary>
        public bool Saved { get; set; }

        /// <summary>The record went onto the filing queue.</summary>
        public bool Queued { get; set; }
    }

    /// <summary>
    /// The rules of a person's change to a CVE record, in one place: contradictions refused, a vector scored, a
    /// relevance override kept with its reason and who made it (<see cref="Apply"/>); and Set-CveRecord's walk
    /// (<see cref="Edit"/>: plan, approve, write), where a relevance handed back is decided by the inventories again
    /// and a record that is now to be filed, without an issue, goes onto the filing queue.
    /// </summary>
    internal sealed class CveRecordEditor
    {
        private readonly StateRepository files;
        private readonly CveDatabase database;
        private readonly Func<IRecordRelevance> relevance;
        private readonly TimeProvider clock;

        /// <param name="relevance">Made only when a change touches the relevance and is approved (it reads every inventory).</param>
        /// <param name="clock">Null: the module's clock, read at each use.</param>
        public CveRecordEditor(StateRepository files, Func<IRecordRelevance> relevance, TimeProvider clock = null)
        {
            this.files = files ?? throw new ArgumentNullException(nameof(files));
            database = new CveDatabase(files);
            this.relevance = relevance ?? throw new ArgumentNullException(nameof(relevance));
            this.clock = clock;
        }

        /// <summary>
        /// Reads the record and applies the change in memory (a rule broken throws, nothing written); when something
        /// changes and <paramref name="approve"/> (target, action) agrees, writes it. The record comes back changed in
        /// memory either way, as the caller may show it.
        /// </summary>
        public CveRecordEdit Edit(string cveId, CveRecordChange change, Func<string, string, bool> approve, IEventSink events = null)
        {
            events ??= NullEventSink.Instance;
            CveRecord record = database.Get(cveId) ?? throw new SecurityOpsException("CveRecordNotFound", FailureKind.ObjectNotFound, cveId,
                $"No record for {cveId}; add it with Add-CveRecord first.");
            DateTimeOffset now = clock?.GetUtcNow() ?? ModuleContext.UtcNow;
            var edit = new CveRecordEdit { Record = record, Changes = Apply(record, change, now) };
            if (edit.Changes.Count == 0)
            {
                events.Verbose($"{record.CveId}: nothing to change.");
                return edit;
            }

            if (!approve(record.CveId, "Set " + string.Join(", ", edit.Changes)))
            {
                return edit;
            }

            IRecordRelevance judge = change.Relevance == null ? null : relevance();
            using (files.AcquireLock())
            {
                // Read again and changed again under one hold of the lock (approval may have taken a person's time):
                // what another run wrote meanwhile, or is still writing, is kept, not overwritten with what was read first.
                record = database.Get(cveId) ?? throw new SecurityOpsException("CveRecordNotFound", FailureKind.ObjectNotFound, cveId,
                    $"No record for {cveId}; it was removed while the change waited for approval.");
                edit.Record = record;
                edit.Changes = Apply(record, change, now);
                if (edit.Changes.Count == 0)
                {
                    events.Verbose($"{record.CveId}: nothing to change.");
                    return edit;
                }

                if (IsAutomatic(change.Relevance) && judge.Apply(record, now))
                {
                    events.Verbose($"{record.CveId}: the inventories decide: {record.Relevance}.");
                }

                database.Save(record);
            }

            edit.Saved = true;
            events.Verbose($"{record.CveId}: {string.Join(", ", edit.Changes)}.");
            if (judge != null && record.Issue == null && judge.ShouldFile(record) && new CveFilingQueue(files).Add(new[] { record.CveId }))
            {
                edit.Queued = true;
                events.Verbose($"{record.CveId}: now to be filed; listed on {CveFilingQueue.RelativePath} for the next filing (Invoke-SecurityRunbook or New-CveIssue).");
            }

            return edit;
        }

        private static bool IsAutomatic(string relevance) => relevance?.Trim().ToLowerInvariant() == CveRecordChange.AutomaticRelevance;

        public static List<string> Apply(CveRecord record, CveRecordChange change, DateTimeOffset now)
        {
            var changes = new List<string>();
            if (change.Status != null && change.Status != record.Status)
            {
                if (!CveRecord.Statuses.Contains(change.Status))
                {
                    throw new SecurityOpsException("InvalidCveStatus", FailureKind.InvalidArgument, change.Status,
                        $"'{change.Status}' is not a record status; use one of {string.Join(", ", CveRecord.Statuses)}.");
                }

                changes.Add($"status {record.Status} -> {change.Status}");
                record.Status = change.Status;
            }

            if (change.FixedIn != null)
            {
                changes.Add($"fixed in {change.FixedIn}");
                record.FixedIn = change.FixedIn;
            }

            if (change.EmbargoedUntil != null && change.LiftEmbargo)
            {
                throw new SecurityOpsException("ConflictingEmbargo", FailureKind.InvalidArgument, record.CveId, "-EmbargoedUntil and -LiftEmbargo contradict each other; give one.");
            }

            if (change.EmbargoedUntil != null)
            {
                record.EmbargoedUntil = change.EmbargoedUntil.Value.ToUniversalTime();
                changes.Add($"embargoed until {record.EmbargoedUntil.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
            }
            else if (change.LiftEmbargo && record.EmbargoedUntil != null)
            {
                record.EmbargoedUntil = null;
                changes.Add("embargo lifted");
            }

            if (change.Notes != null)
            {
                changes.Add("notes replaced");
                record.Notes = change.Notes;
            }

            if (!string.IsNullOrEmpty(change.AddNote))
            {
                changes.Add("note added");
                record.Notes = string.IsNullOrEmpty(record.Notes) ? change.AddNote : record.Notes.TrimEnd() + "\n" + change.AddNote;
            }

            if (change.IssueNumber != null)
            {
                record.Issue ??= new IssueLink();
                record.Issue.Number = change.IssueNumber.Value;
                record.Issue.Repository = change.IssueRepository ?? record.Issue.Repository;
                record.Issue.Url = change.IssueUrl ?? record.Issue.Url;
                changes.Add($"issue {record.Issue.Repository}#{change.IssueNumber}");
            }

            ApplyCvss(record, change, now, changes);
            ApplyRelevance(record, change, now, changes);
            return changes;
        }

        private static void ApplyCvss(CveRecord record, CveRecordChange change, DateTimeOffset now, List<string> changes)
        {
            if (change.CvssVector == null)
            {
                return;
            }

            string vector = change.CvssVector.Trim();
            if (vector.Length == 0)
            {
                if (record.CvssVector != null || record.CvssScore != null)
                {
                    record.CvssVector = null;
                    record.CvssScore = null;
                    record.CvssSource = null;
                    record.CvssSetAt = null;
                    changes.Add("CVSS cleared");
                }

                return;
            }

            if (!Cvss.TryScore(vector, out CvssScore score, out string error))
            {
                throw new SecurityOpsException("InvalidCvssVector", FailureKind.InvalidArgument, vector, $"'{vector}' is not a valid CVSS vector: {error}");
            }

            if (record.CvssVector == score.Vector && record.CvssSource == CveDatabase.ManualCvssSource)
            {
                return;
            }

            record.CvssVector = score.Vector;
            record.CvssScore = score.BaseScore;
            record.CvssSource = CveDatabase.ManualCvssSource;
            record.CvssSetAt = now;
            changes.Add($"CVSS {score.BaseScore:0.0} ({score.Vector})");
        }

        private static void ApplyRelevance(CveRecord record, CveRecordChange change, DateTimeOffset now, List<string> changes)
        {
            if (change.Relevance == null)
            {
                if (change.RelevanceReason != null)
                {
                    throw new SecurityOpsException("RelevanceReasonWithoutRelevance", FailureKind.InvalidArgument, record.CveId, "-RelevanceReason goes with -Relevance.");
                }

                return;
            }

            string state = change.Relevance.Trim().ToLowerInvariant();
            if (IsAutomatic(state))
            {
                if (record.Relevance?.Manual == true)
                {
                    // The inventories decide again (the caller re-evaluates); until then the record is undecided.
                    record.Relevance = null;
                    changes.Add("relevance handed back to the inventories");
                }

                return;
            }

            if (!CveRelevance.States.Contains(state))
            {
                throw new SecurityOpsException("InvalidRelevance", FailureKind.InvalidArgument, change.Relevance,
                    $"'{change.Relevance}' is not a relevance; use {string.Join(", ", CveRelevance.States)} or {CveRecordChange.AutomaticRelevance}.");
            }

            if (string.IsNullOrWhiteSpace(change.RelevanceReason))
            {
                throw new SecurityOpsException("RelevanceReasonRequired", FailureKind.InvalidArgument, record.CveId,
                    $"Overruling the relevance of {record.CveId} needs a reason (-RelevanceReason), kept on the record for whoever looks next.");
            }

            record.Relevance = new CveRelevance
            {
                State = state,
                Reason = change.RelevanceReason.Trim(),
                Manual = true,
                DecidedBy = change.Actor,
                DecidedAt = now,
                Findings = record.Relevance?.Findings ?? new List<RelevanceFinding>(),
            };
            changes.Add($"relevance {state} ({record.Relevance.Reason}), decided by {change.Actor ?? "a person"}");
        }
    }
}
