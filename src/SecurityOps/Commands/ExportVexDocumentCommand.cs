using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Inventory;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Export-VexDocument: an OpenVEX v0.2.0 JSON document from the relevance decisions, one statement per CVE record
    /// and product (inventory), through the public gate (an embargoed CVE is left out), checked against the OpenVEX
    /// 0.2.0 rules shipped with the module before it is written. A file that already holds the same statements is left
    /// as it is; changed statements raise the document's version.
    /// </summary>
    [Cmdlet(VerbsData.Export, "VexDocument", SupportsShouldProcess = true)]
    [OutputType(typeof(VexDocumentFile))]
    public sealed class ExportVexDocumentCommand : StateCmdlet
    {
        private readonly List<string> cveIds = new List<string>();

        /// <summary>The .json file to write.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>Only these CVE records (wildcards; by property name from Get-CveRecord); default: every record with a relevance.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string[] CveId { get; set; }

        /// <summary>Only these inventories (products); default: every inventory in the state.</summary>
        [Parameter]
        [SupportsWildcards]
        public string[] Inventory { get; set; }

        /// <summary>The document's author (default: "&lt;project name&gt; security team &lt;security contact&gt;").</summary>
        [Parameter]
        public string Author { get; set; }

        protected override void ProcessRecord()
        {
            cveIds.AddRange(CveId ?? Array.Empty<string>());
        }

        protected override void EndProcessing()
        {
            TryRun(() =>
            {
                DateTimeOffset now = Session.Now;
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                var inventories = new InventoryStore(Session.State.Files).All()
                    .Where(i => Inventory == null || Inventory.Any(p => new WildcardPattern(p, WildcardOptions.IgnoreCase).IsMatch(i.Name))).ToList();
                if (inventories.Count == 0)
                {
                    throw new SecurityOpsException("VexNoInventory", FailureKind.ObjectNotFound, Inventory == null ? "inventory/" : string.Join(", ", Inventory),
                        "No inventory to state anything about: a VEX statement is about a product. Import one first (Import-PackageInventory).");
                }

                var patterns = cveIds.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
                var records = new CveDatabase(Session.State.Files).Query(new CveQuery(), ex => WriteFailure(ex))
                    .Where(r => patterns.Count == 0 ? r.Relevance != null || r.Status == "fixed" || r.Status == "not-affected" : patterns.Any(p => p.IsMatch(r.CveId)))
                    .ToList();
                CveEmbargoes gate = PublicGate.Embargoes(new CaseStore(Session.State.Files).All(), now);
                string project = Session.Config.Project?.Name ?? "project";
                string author = Author ?? $"{project} security team" + (string.IsNullOrWhiteSpace(Session.Config.Project?.SecurityContact) ? string.Empty : $" <{Session.Config.Project.SecurityContact.Trim()}>");
                string previous = File.Exists(path) ? File.ReadAllText(path) : null;
                WriteVerbose($"{records.Count} CVE record(s) x {inventories.Count} product(s) ({string.Join(", ", inventories.Select(i => i.Name))}); products are {VexDocumentBuilder.ProductId(project, "<inventory>")}.");
                VexDocumentFile document = VexDocumentBuilder.Build(records, inventories, gate, project, author, now, previous);
                document.Path = path;
                if (document.LeftOut > 0)
                {
                    WriteVerbose($"{document.LeftOut} CVE record(s) left out: under embargo (their own, or a case's that names them).");
                }

                if (!document.Written)
                {
                    WriteVerbose($"{path} already holds these {document.Statements} statement(s) (version {document.Version}); not rewritten.");
                    WriteObject(document);
                    return;
                }

                if (!Directory.Exists(System.IO.Path.GetDirectoryName(path)))
                {
                    throw new SecurityOpsException("VexFolderNotFound", FailureKind.ObjectNotFound, path, $"The folder of {path} does not exist.");
                }

                document.Written = false;
                if (ShouldProcess(path, $"Write the OpenVEX document (version {document.Version}): {document.Statements} statement(s), {document.Affected} affected, {document.NotAffected} not affected, {document.Fixed} fixed, {document.UnderInvestigation} under investigation"))
                {
                    StateRepository.WriteFileAtomic(path, document.Text);
                    document.Written = true;
                    WriteVerbose($"Wrote {path}.");
                }

                WriteObject(document);
            });
        }
    }
}
