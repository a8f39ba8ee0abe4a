using System;
using System.Collections.Generic;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Export-OsvAdvisory: OSV JSON (schema 1.7) for the public cases and the tracked CVE records, one file per
    /// advisory, each validated against the unmodified official OSV schema shipped with the module. A case is named by
    /// its GitHub advisory's GHSA id, else by osv.idPrefix. An invalid document is an error and never a file; an
    /// embargoed case or record is refused through the public gate. The selection and the gate are
    /// <see cref="OsvExportService"/>'s; the cmdlet gathers the ids, asks, and writes.
    /// </summary>
    [Cmdlet(VerbsData.Export, "OsvAdvisory", SupportsShouldProcess = true)]
    [OutputType(typeof(OsvAdvisoryFile))]
    public sealed class ExportOsvAdvisoryCommand : StateCmdlet
    {
        private readonly List<string> caseIds = new List<string>();
        private readonly List<string> cveIds = new List<string>();

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
            TryRun(() => new OsvExportService(Session.State.Files, Session.Config).Export(new OsvExportRequest
            {
                CaseIds = caseIds,
                CveIds = cveIds,
                Folder = Path == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path),
                Approve = (target, action) => ShouldProcess(target, action),
                Output = file => WriteObject(file),
                Error = WriteFailure,
                Events = Session.Events,
            }));
        }
    }
}
