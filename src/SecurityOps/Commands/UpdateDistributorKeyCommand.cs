using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Update-DistributorKey: records a member's new (or changed) key once a person has confirmed its fingerprint.</summary>
    [Cmdlet(VerbsData.Update, "DistributorKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(DistributorMember))]
    public sealed class UpdateDistributorKeyCommand : StateCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("MemberId", "Member")]
        public string Id { get; set; }

        /// <summary>The new armored key; omitted: confirm the key already stored in distributors.yaml.</summary>
        [Parameter]
        public string PublicKey { get; set; }

        /// <summary>The fingerprint a person confirmed with the member out of band; the key must have exactly it.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Fingerprint { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"member '{Id}'", $"Trust OpenPGP key {Fingerprint}"))
            {
                return;
            }

            TryRun(() => WriteObject(Session.Membership.ConfirmKey(Id, PublicKey, Fingerprint)));
        }
    }
}
