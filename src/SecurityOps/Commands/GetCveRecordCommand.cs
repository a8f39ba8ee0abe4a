using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using SecurityOps.Database;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Get-CveRecord: reads CVE records from the database, by id (wildcards), package, status or date.</summary>
    [Cmdlet(VerbsCommon.Get, "CveRecord")]
    [OutputType(typeof(CveRecord))]
    public sealed class GetCveRecordCommand : StateCmdlet
    {
        private static readonly Regex YearInPattern = new Regex(@"^CVE-(\d{4})-", RegexOptions.IgnoreCase);

        /// <summary>CVE ids; wildcards allowed (CVE-2024-*). Without it, all records.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CveId", "CveIds")]
        [SupportsWildcards]
        public string[] Id { get; set; }

        /// <summary>Only records affecting a package whose name matches (wildcards allowed).</summary>
        [Parameter]
        [SupportsWildcards]
        public string Package { get; set; }

        /// <summary>Only records in these statuses.</summary>
        [Parameter]
        [ValidateSet("new", "triaged", "tracked", "fixed", "not-affected", "rejected")]
        public string[] Status { get; set; }

        /// <summary>Only records whose relevance is one of these (decided from the inventories; "none": not decided).</summary>
        [Parameter]
        [ValidateSet("affected", "not-affected", "unknown", "none")]
        public string[] Relevance { get; set; }

        /// <summary>Only records added or changed at or after this time.</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        protected override void ProcessRecord()
        {
            var database = new CveDatabase(Session.State.Files);

            // Exact ids are looked up by file name: no other record is read.
            if (Id != null && Id.All(i => !WildcardPattern.ContainsWildcardCharacters(i)))
            {
                foreach (string raw in Id)
                {
                    string id = CveRecord.NormalizeId(raw);
                    if (id == null)
                    {
                        WriteFailure(CveIdentifier.Invalid(raw));
                        continue;
                    }

                    TryRunItem(() =>
                    {
                        CveRecord record = database.Get(id);
                        if (record == null)
                        {
                            WriteFailure(new SecurityOpsException("CveRecordNotFound", FailureKind.ObjectNotFound, id, $"No record for {id} in {Session.State.Root}."));
                        }
                        else if (Matches(record))
                        {
                            WriteObject(record);
                        }
                    });
                }

                return;
            }

            var query = BuildQuery();
            foreach (CveRecord record in database.Query(query, error => WriteFailure(error)))
            {
                if (Stopping)
                {
                    return;
                }

                WriteObject(record);
            }
        }

        private CveQuery BuildQuery()
        {
            var query = new CveQuery
            {
                Statuses = Status == null ? null : new HashSet<string>(Status, StringComparer.OrdinalIgnoreCase),
                Since = Since == null ? (DateTimeOffset?)null : new DateTimeOffset(Since.Value.ToUniversalTime(), TimeSpan.Zero),
                Relevance = Relevance == null ? null : new HashSet<string>(Relevance, StringComparer.OrdinalIgnoreCase),
            };

            if (Id != null)
            {
                var patterns = Id.Select(i => new WildcardPattern(i, WildcardOptions.IgnoreCase)).ToList();
                query.IdFilter = id => patterns.Any(p => p.IsMatch(id));
                var years = Id.Select(i => YearInPattern.Match(i)).ToList();
                if (years.All(m => m.Success))
                {
                    query.Years = new HashSet<string>(years.Select(m => m.Groups[1].Value));
                }
            }

            if (!string.IsNullOrEmpty(Package))
            {
                var pattern = new WildcardPattern(Package, WildcardOptions.IgnoreCase);
                query.PackageFilter = pattern.IsMatch;
            }

            return query;
        }

        private bool Matches(CveRecord record)
        {
            if (Relevance != null && !Relevance.Contains(record.RelevanceState ?? "none", StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            if (Status != null && !Status.Contains(record.Status ?? "new", StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            if (!string.IsNullOrEmpty(Package))
            {
                var pattern = new WildcardPattern(Package, WildcardOptions.IgnoreCase);
                if (!record.Packages.Any(p => p?.Name != null && pattern.IsMatch(p.Name)))
                {
                    return false;
                }
            }

            return Since == null || (record.LastUpdated ?? record.FirstSeen) >= new DateTimeOffset(Since.Value.ToUniversalTime(), TimeSpan.Zero);
        }
    }
}
