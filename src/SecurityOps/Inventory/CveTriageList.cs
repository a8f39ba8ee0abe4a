using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Inventory
{
    /// <summary>The CVE ids waiting for a person's decision, as kept in runbook/triage.yaml.</summary>
    internal sealed class CveTriageDocument : IVersionedDocument
    {
        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        public List<string> Waiting { get; set; } = new List<string>();
    }

    /// <summary>
    /// The CVEs that wait for triage (see <see cref="RelevanceService.AwaitingTriage"/>), kept as a small list in the state
    /// so that a daily run or a reminder re-checks a handful of records instead of reading all of them: the first use
    /// on a state scans every record once and writes the list; after that, records that may start to wait (new ones,
    /// ones added by hand) join it, and every use re-checks each listed record and drops the decided ones. The file
    /// changes only when the set does, so a quiet day commits nothing.
    /// </summary>
    internal sealed class CveTriageList
    {
        public const string RelativePath = "runbook/triage.yaml";

        private readonly StateRepository files;
        private readonly RelevanceService relevance;
        private readonly bool readOnly;

        /// <param name="relevance">Null: no inventory could be read (only package-less records wait).</param>
        /// <param name="readOnly">Never write the list (reminders, -WhatIf).</param>
        public CveTriageList(StateRepository files, RelevanceService relevance, bool readOnly = false)
        {
            this.files = files;
            this.relevance = relevance;
            this.readOnly = readOnly;
        }

        /// <summary>True when the list changed on disk during the last <see cref="Current"/> or <see cref="Add"/>.</summary>
        public bool Written { get; private set; }

        /// <summary>Whether a record waits for a person: new, no issue, and not to be filed as it is.</summary>
        public bool Waits(CveRecord r) =>
            r != null && (r.Status ?? "new") == "new" && r.Issue == null &&
            (relevance == null || !relevance.Enabled
                ? string.IsNullOrWhiteSpace(r.Package)
                : !relevance.ShouldFile(r) && r.RelevanceState != CveRelevance.NotAffected);

        /// <summary>The records waiting now, in id order; <paramref name="candidates"/> are ids that may have started to wait.</summary>
        public List<CveRecord> Current(CveDatabase database, IEnumerable<string> candidates = null)
        {
            CveTriageDocument document = files.Read<CveTriageDocument>(RelativePath);
            IEnumerable<CveRecord> records = document == null
                ? RelevanceService.AwaitingTriage(database, relevance)
                : document.Waiting.Concat(candidates ?? Enumerable.Empty<string>()).Distinct(StringComparer.OrdinalIgnoreCase).Select(database.Get);
            var waiting = records.Where(Waits).OrderBy(r => r.CveId, CveIdComparer.Instance).ToList();
            Save(document, waiting.Select(r => r.CveId).ToList());
            return waiting;
        }

        /// <summary>Lists ids that now wait (a record added by hand), without re-checking the others.</summary>
        public void Add(CveDatabase database, IEnumerable<CveRecord> records)
        {
            var adding = records.Where(Waits).Select(r => r.CveId).ToList();
            CveTriageDocument document = files.Read<CveTriageDocument>(RelativePath);
            if (adding.Count == 0 || document == null)
            {
                return; // without a list, its first use scans every record anyway
            }

            Save(document, document.Waiting.Concat(adding).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(id => id, CveIdComparer.Instance).ToList());
        }

        private void Save(CveTriageDocument document, List<string> ids)
        {
            Written = false;
            if (readOnly || (document != null && document.Waiting.SequenceEqual(ids, StringComparer.OrdinalIgnoreCase)))
            {
                return;
            }

            files.Write(RelativePath, new CveTriageDocument { Waiting = ids });
            Written = true;
        }
    }
}
