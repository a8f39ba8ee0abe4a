using System.Management.Automation;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Confirm-MembershipVouch: records that the person a membership request names as its voucher (a person of an active
    /// member) confirmed the vouch. Test-MembershipRequest's vouch passes, and Approve-MembershipRequest counts it, only
    /// once that very person has confirmed.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Confirm, "MembershipVouch", SupportsShouldProcess = true)]
    [OutputType(typeof(MembershipRequest))]
    public sealed class ConfirmMembershipVouchCommand : StateCmdlet
    {
        /// <summary>The membership request's id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id", "RequestId")]
        [ValidateNotNullOrEmpty]
        public string Request { get; set; }

        /// <summary>Who confirmed: the voucher's name or address as on the member's record ("Jane Doe", "jane@example-linux.org").</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ConfirmedBy", "Person")]
        [ValidateNotNullOrEmpty]
        public string By { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                MembershipRequest request = Session.Distributors.GetRequest(Request);
                VoucherResolution vouch = Session.Membership.CheckVouchConfirmation(request, By);
                if (!ShouldProcess($"request '{request.Id}'", $"Record that {vouch.Describe()} confirmed the vouch"))
                {
                    return;
                }

                MembershipRequest confirmed = Session.Membership.ConfirmVouch(request.Id, By);
                WriteVerbose($"{confirmed.VouchConfirmedBy} of {confirmed.VouchConfirmedMember} confirmed the vouch for '{confirmed.Id}' at {confirmed.VouchConfirmed:u}.");
                WriteObject(confirmed);
            });
        }
    }
}
