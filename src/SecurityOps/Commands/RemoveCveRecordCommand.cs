using System.Management.Automation;
using SecurityOps.Database;

namespace SecurityOps.Commands
{
    /// <summary>Remove-CveRecord: deletes a record from the database (git keeps its history).</summary>
    [Cmdlet(VerbsCommon.Remove, "CveRecord", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveCveRecordCommand : StateCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        public string[] CveId { get; set; }

        protected override void ProcessRecord()
        {
            var database = new CveDatabase(Session.State.Files);
            foreach (string id in CveId)
            {
                TryRun(() =>
                {
                    if (!database.Exists(Model.CveRecord.NormalizeId(id) ?? id) )
                    {
                        if (Model.CveRecord.NormalizeId(id) == null)
                        {
                            throw Model.CveIdentifier.Invalid(id);
                        }

                        throw new SecurityOpsException("CveRecordNotFound", FailureKind.ObjectNotFound, id, $"No record for {id}.");
                    }

                    if (ShouldProcess(id, "Remove the CVE record"))
                    {
                        database.Remove(id);
                        WriteVerbose($"Removed {id}.");
                    }
                });
            }
        }
    }
}
