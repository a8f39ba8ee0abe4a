using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Import-DistributorList: adds the members of a list the project already keeps (YAML, CSV or a markdown table) to
    /// distributors.yaml, as active members who joined today. Every row is checked first; a file with a bad row adds
    /// no one, and each bad row is an error naming the file and the line.
    /// </summary>
    [Cmdlet(VerbsData.Import, "DistributorList", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(DistributorMember))]
    public sealed class ImportDistributorListCommand : StateCmdlet
    {
        /// <summary>The list file.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>yaml, csv or markdown; default: from the file's extension (then its first line).</summary>
        [Parameter]
        [ValidateSet("yaml", "csv", "markdown")]
        public string Format { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                if (!File.Exists(path))
                {
                    throw new SecurityOpsException("DistributorListFileNotFound", FailureKind.ObjectNotFound, path, $"{path} does not exist.");
                }

                DistributorImportPlan plan = DistributorListImporter.Plan(path, Format, Session.Distributors.Load(), Session.Now);
                foreach (string warning in plan.Warnings)
                {
                    WriteWarning(warning);
                }

                if (plan.Errors.Count > 0)
                {
                    foreach (SecurityOpsException error in plan.Errors)
                    {
                        WriteFailure(error);
                    }

                    WriteWarning($"{path}: {plan.Errors.Count} row(s) cannot be imported; nothing was written. Fix them and import the file again.");
                    return;
                }

                WriteVerbose($"{path} ({plan.Format}): {plan.Members.Count} member(s) to add.");
                var chosen = new List<ImportedMember>();
                foreach (ImportedMember imported in plan.Members)
                {
                    DistributorMember m = imported.Member;
                    string people = m.People.Count == 0 ? "no people" : string.Join("; ", m.People);
                    if (ShouldProcess($"member '{m.Id}' ({m.Organisation}, {m.SecurityAlias}; {people}; key {m.Fingerprint ?? "none"}) from {path}:{imported.Line}", "Add to the distributors list"))
                    {
                        chosen.Add(imported);
                    }
                }

                if (chosen.Count == 0)
                {
                    return;
                }

                Session.Distributors.Update(list =>
                {
                    // Checked again under the lock: a member added since the file was read is not added twice.
                    foreach (ImportedMember imported in chosen)
                    {
                        string duplicate = DistributorListImporter.Duplicate(imported.Member, list);
                        if (duplicate != null)
                        {
                            throw new SecurityOpsException("DistributorImportDuplicate", FailureKind.ResourceExists, $"{path}:{imported.Line}",
                                $"{path}:{imported.Line}: {duplicate}; nothing was written.");
                        }
                    }

                    list.Members.AddRange(chosen.Select(c => c.Member));
                    return true;
                });
                WriteObject(chosen.Select(c => c.Member), true);
            });
        }
    }
}
