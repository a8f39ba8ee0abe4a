using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// Relevance over the state: the inventories of inventory/ and the alias map of the config make one
    /// <see cref="RelevanceEvaluator"/>; records are decided as they arrive (the runbook, Add-CveRecord) and all again
    /// when an inventory changes. A record that becomes affected without an issue goes on the filing list, so the next
    /// filing files it (once: a record with an issue is never listed again).
    /// </summary>
    internal sealed class RelevanceService : IRecordRelevance
    {
        private readonly StateRepository files;

        public RelevanceService(StateRepository files, SecurityConfig config)
        {
            this.files = files;
            Config = config?.Inventory ?? new InventorySettings();
            Evaluator = new RelevanceEvaluator(new InventoryStore(files).All(), Config.Aliases);
        }

        public InventorySettings Config { get; }

        public RelevanceEvaluator Evaluator { get; }

        public bool Enabled => Evaluator.HasInventory;

        /// <summary>Would a record with this relevance be filed (affected; unknown only when the config says so)?</summary>
        public bool ShouldFile(CveRecord record) =>
            !Enabled
                ? !string.IsNullOrWhiteSpace(record.Package)
                : record.Relevance?.State == CveRelevance.Affected ||
                  (Config.FileUnknown && record.Relevance?.State == CveRelevance.Unknown && !string.IsNullOrWhiteSpace(record.Package));

        /// <summary>
        /// New records without an issue that will not be filed as they are: package-less ones (oss-security and the like)
        /// and, with inventories, those whose relevance is unknown. A person decides them (Set-CveRecord -Status, -Package
        /// or -Relevance); until then the runbook's summary and the team reminder list them. <paramref name="relevance"/>
        /// null: no inventory could be read, so only package-less records are listed.
        /// </summary>
        public static List<CveRecord> AwaitingTriage(CveDatabase database, RelevanceService relevance) =>
            database.Query(new CveQuery { Statuses = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "new" } })
                .Where(r => r.Issue == null && (relevance == null || !relevance.Enabled
                    ? string.IsNullOrWhiteSpace(r.Package)
                    : !relevance.ShouldFile(r) && r.RelevanceState != CveRelevance.NotAffected))
                .ToList();

        /// <summary>Why a record awaits triage, in a few words.</summary>
        public static string TriageReason(CveRecord r) =>
            string.IsNullOrWhiteSpace(r.Package) ? $"names no package (from {r.SourceNames.FirstOrDefault() ?? "unknown"})" : "relevance unknown: " + (r.Relevance?.Reason ?? "no version data");

        /// <summary>Decides one record in memory; true when its relevance changed.</summary>
        public bool Apply(CveRecord record, DateTimeOffset now) => Enabled && Evaluator.Apply(record, now);

        /// <summary>
        /// Decides every record again (after an inventory changed); writes the changed ones and lists on the filing queue
        /// those that are now to be filed and have no issue. Returns the changed records.
        /// </summary>
        public IReadOnlyList<CveRecord> ReevaluateAll(CveDatabase database, CveFilingQueue queue, DateTimeOffset now, IProgress<int> progress = null)
        {
            var changed = new List<CveRecord>();
            int n = 0;
            foreach (CveRecord record in database.Query(new CveQuery()).ToList())
            {
                progress?.Report(++n);
                if (!Apply(record, now))
                {
                    continue;
                }

                database.Save(record);
                changed.Add(record);
            }

            var toFile = changed.Where(r => r.Issue == null && ShouldFile(r)).Select(r => r.CveId).ToList();
            if (toFile.Count > 0)
            {
                queue.Add(toFile);
            }

            return changed;
        }
    }
}
