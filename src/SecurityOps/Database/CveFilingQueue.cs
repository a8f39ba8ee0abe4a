using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Database
{
    /// <summary>The pending-filing list as stored (runbook/pending-issues.yaml).</summary>
    internal sealed class CveFilingQueueDocument : IVersionedDocument
    {
        public int SchemaVersion { get; set; } = StateRepository.CurrentSchemaVersion;

        /// <summary>CVE ids recorded as new whose GitHub issue is not filed yet.</summary>
        public List<string> Pending { get; set; } = new List<string>();
    }

    /// <summary>
    /// The CVEs the daily runbook still has to file. An id is added BEFORE its new record is written and removed once
    /// its record is linked to an issue, so a run that crashed or met a GitHub failure leaves the id here and the next
    /// run files it, even when the feed then answers 304. A small file: the runbook never scans every record.
    /// </summary>
    internal sealed class CveFilingQueue
    {
        public const string RelativePath = "runbook/pending-issues.yaml";

        private readonly StateRepository files;
        private readonly bool readOnly;
        private List<string> pending;

        /// <param name="readOnly">-WhatIf: changes are kept in memory only.</param>
        public CveFilingQueue(StateRepository files, bool readOnly = false)
        {
            this.files = files;
            this.readOnly = readOnly;
        }

        public IReadOnlyList<string> Pending => Load();

        public bool Contains(string cveId) => Load().Contains(cveId, StringComparer.OrdinalIgnoreCase);

        /// <summary>Adds ids (written at once); returns true when any was new to the list.</summary>
        public bool Add(IEnumerable<string> cveIds)
        {
            var list = Load();
            var added = cveIds.Where(id => !list.Contains(id, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (added.Count == 0)
            {
                return false;
            }

            list.AddRange(added);
            Save();
            return true;
        }

        /// <summary>Removes ids (written at once when any was listed).</summary>
        public void Remove(IEnumerable<string> cveIds)
        {
            var gone = new HashSet<string>(cveIds, StringComparer.OrdinalIgnoreCase);
            if (Load().RemoveAll(gone.Contains) > 0)
            {
                Save();
            }
        }

        private List<string> Load()
        {
            if (pending == null)
            {
                var document = files.Read<CveFilingQueueDocument>(RelativePath);
                pending = (document?.Pending ?? new List<string>()).Where(id => !string.IsNullOrWhiteSpace(id)).ToList();
            }

            return pending;
        }

        private void Save()
        {
            if (!readOnly)
            {
                pending.Sort(CveIdComparer.Instance);
                files.Write(RelativePath, new CveFilingQueueDocument { Pending = pending.ToList() });
            }
        }
    }
}
