using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Rotation;

namespace SecurityOps.Commands
{
    /// <summary>Remove-RotationOverride: deletes a swap or absence from roster.yaml by id.</summary>
    [Cmdlet(VerbsCommon.Remove, "RotationOverride", SupportsShouldProcess = true)]
    [OutputType(typeof(RotationOverride))]
    public sealed class RemoveRotationOverrideCommand : StateCmdlet
    {
        /// <summary>The override ids (as Get-Rotation lists them in Overrides).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Overrides")]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; }

        /// <summary>Emit each removed override.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var store = new RosterStore(Session.State.Files);
            foreach (string id in Id)
            {
                RotationOverride removed = null;
                TryRun(() =>
                {
                    store.RemoveOverride(id, entry =>
                    {
                        if (!ShouldProcess(store.FilePath, $"Remove override {entry.Id} ({entry.Description})"))
                        {
                            return false;
                        }

                        removed = entry;
                        WriteVerbose($"Removed {entry.Id} from {store.FilePath}.");
                        return true;
                    });
                });

                if (removed != null && PassThru)
                {
                    WriteObject(removed);
                }
            }
        }
    }
}
