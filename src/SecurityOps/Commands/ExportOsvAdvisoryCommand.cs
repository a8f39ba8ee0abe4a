using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Export-OsvAdvisory: OSV JSON (schema 1.7) for the public cases and the tracked CVE records, one file per
    /// advisory, each validated against the unmodified official OSV schema shipped with the module. A case is named by
    /// its GitHub advisory's GHSA id, else by osv.idPrefix. An invalid document is an error and never a file; an
    /// embargoed case or record is refused through the public gate.
    /// </summary>
    [Cmdlet(VerbsData.Export, "OsvAdvisory", SupportsShouldProcess = true)]
    [OutputType(typeof(OsvAdvisoryFile))]
    public sealed class ExportOsvAdvisoryCommand : StateCmdlet
    {
        private static readonly HashSet<string> ExportedStatuses = new HashSet<string>(StringComparer.Ordinal) { "tracked", "fixed" };
        private readonly List<string> caseIds = new List<string>();
        private readonly List<string> cveIds = new List<string>();
        private int unnamed;
        private bool selectedOnly;

        /// <summary>The folder to write to (default: the state's osv/ folder, config osv.folder).</summary>
        [Parameter(Position = 0)]
        public string Path { get; set; }

        /// <summary>Only these CVE records (any status); without -CveId and -Id, every tracked or fixed record.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[] CveId { get; set; }

        /// <summary>Only these cases; without -CveId and -Id, every public case.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string[] Id { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                foreach (string id in Id ?? Array.Empty<string>())
                {
                    caseIds.Add(VulnerabilityCase.NormalizeId(id) ?? throw CaseStore.InvalidId(id));
                }

                foreach (string id in CveId ?? Array.Empty<string>())
                {
                    cveIds.Add(CveIdentifier.Require(id));
                }
            });
        }

        protected override void EndProcessing()
        {
            TryRun(() =>
            {
                var settings = Session.Config.Osv ?? new OsvSettings();
                OsvExporter exporter = RunOnWorkers(sink => Task.FromResult(new OsvExporter(settings, sink)));
                string folder = Path != null
                    ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path)
                    : Session.State.Files.FullPath(string.IsNullOrWhiteSpace(settings.Folder) ? "osv" : settings.Folder);
                bool chosen = caseIds.Count > 0 || cveIds.Count > 0;
                DateTimeOffset now = Session.Now;

                var documents = new List<OsvDocument>();
                int leftOut = 0;
                unnamed = 0;
                selectedOnly = chosen;
                List<VulnerabilityCase> allCases = Session.Cases.All().ToList();
                CveEmbargoes embargoes = PublicGate.Embargoes(allCases, now); // every case, also when only CVE ids were chosen
                List<VulnerabilityCase> selected = caseIds.Count > 0
                    ? caseIds.Distinct().Select(id => allCases.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase)) ?? Missing<VulnerabilityCase>("VulnerabilityReportNotFound", id)).Where(c => c != null).ToList()
                    : chosen ? new List<VulnerabilityCase>() : allCases;
                foreach (VulnerabilityCase c in selected)
                {
                    if (!PublicGate.IsPublic(c, now))
                    {
                        if (chosen)
                        {
                            Refuse(() => PublicGate.EnsurePublic(c, now, "export it as OSV"));
                        }
                        else if (c.Status != CaseStatus.Rejected)
                        {
                            leftOut++;
                        }

                        continue;
                    }

                    Build(documents, () => OsvDocumentBuilder.FromCase(c, settings, now));
                }

                // A case piped in also binds its CveId: that CVE is the case's own advisory (or its refusal), not a lookup.
                var selectedCaseCves = new HashSet<string>(selected.Where(c => c.CveId != null).Select(c => c.CveId), StringComparer.OrdinalIgnoreCase);
                var covered = new HashSet<string>(documents.SelectMany(d => d.CveIds), StringComparer.Ordinal);
                var database = new CveDatabase(Session.State.Files);
                IEnumerable<CveRecord> records = chosen
                    ? cveIds.Distinct().Where(id => !selectedCaseCves.Contains(id)).Select(id => database.Get(id) ?? Missing<CveRecord>("CveRecordNotFound", id)).Where(r => r != null)
                    : database.Query(new CveQuery { Statuses = ExportedStatuses }, ex => WriteFailure(ex));
                foreach (CveRecord r in records)
                {
                    if (covered.Contains(r.CveId))
                    {
                        WriteVerbose($"{r.CveId}: covered by the advisory of its case.");
                        continue;
                    }

                    if (!embargoes.IsPublic(r))
                    {
                        if (chosen)
                        {
                            Refuse(() => embargoes.EnsurePublic(r, "export it as OSV"));
                        }
                        else if (!embargoes.HeldByCase(r.CveId))
                        {
                            leftOut++; // a CVE held by a case is counted with its case
                        }

                        continue;
                    }

                    Build(documents, () => OsvDocumentBuilder.FromRecord(r, settings, now));
                }

                if (unnamed > 0)
                {
                    WriteWarning($"{unnamed} public case(s) or CVE record(s) were not exported: they have no GitHub advisory (GHSA id) and osv.idPrefix is not set. " +
                        "Set osv.idPrefix in securityops.yaml to the prefix the project registered with OSV.");
                }

                if (leftOut > 0)
                {
                    WriteWarning($"{leftOut} case(s) or CVE record(s) are still under embargo and were not exported.");
                }

                WriteVerbose($"{documents.Count} OSV document(s) to validate against the OSV schema {OsvSchemaValidator.SchemaVersion}; writing to {folder}.");
                foreach (OsvDocument doc in documents)
                {
                    OsvAdvisoryFile file;
                    try
                    {
                        file = exporter.Render(doc);
                    }
                    catch (SecurityOpsException ex) when (ex.ErrorId == "OsvIdPrefixNotAccepted" && !settings.StrictIdPrefix)
                    {
                        WriteWarning(ex.Message);
                        continue;
                    }
                    catch (SecurityOpsException ex)
                    {
                        WriteFailure(ex);
                        continue;
                    }

                    foreach (string note in doc.Notes)
                    {
                        WriteWarning(note);
                    }

                    string target = System.IO.Path.Combine(folder, doc.Id + ".json");
                    if (ShouldProcess(target, $"Write OSV advisory {doc.Id} ({string.Join(", ", doc.CveIds.DefaultIfEmpty(doc.CaseId))})"))
                    {
                        OsvExporter.Write(folder, file);
                        if (file.Unchanged)
                        {
                            WriteVerbose($"{target}: unchanged, left as it was.");
                        }

                        WriteObject(file);
                    }
                }
            });
        }

        private void Build(List<OsvDocument> documents, Func<OsvDocument> build)
        {
            try
            {
                documents.Add(build());
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "OsvIdUnavailable" && !selectedOnly)
            {
                unnamed++; // counted in one warning: without a prefix, only cases with an advisory can be named
            }
            catch (SecurityOpsException ex)
            {
                WriteFailure(ex); // no id to name it by, or a version its ranges cannot hold: this one only
            }
        }

        private T Missing<T>(string errorId, string id) where T : class
        {
            WriteFailure(new SecurityOpsException(errorId, FailureKind.ObjectNotFound, id, $"There is no {id} in {Session.State.Root}."));
            return null;
        }

        private void Refuse(Action gate)
        {
            try
            {
                gate();
            }
            catch (SecurityOpsException ex)
            {
                WriteFailure(ex);
            }
        }
    }
}
