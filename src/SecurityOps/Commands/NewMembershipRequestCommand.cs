using System.Collections;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>New-MembershipRequest: records a request to join the distributors list, from parameters or a request mail.</summary>
    [Cmdlet(VerbsCommon.New, "MembershipRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(MembershipRequest))]
    public sealed class NewMembershipRequestCommand : StateCmdlet
    {
        /// <summary>The request's id, which becomes the member's handle; default: from the organisation.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Id { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Organisation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Distribution { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string SecurityAlias { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Requester { get; set; }

        /// <summary>Who vouches: a person of an active member, by name, address or "Name of Organisation".</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string VouchedBy { get; set; }

        /// <summary>The applicant's armored OpenPGP public key.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string PublicKey { get; set; }

        /// <summary>Answers by criterion id: @{ 'user-base' = '...'; embargo = 'We accept.' }.</summary>
        [Parameter]
        public Hashtable Answer { get; set; }

        /// <summary>The request mail's text; answers, alias, key and voucher are read from it.</summary>
        [Parameter(ValueFromPipeline = true)]
        public string MailText { get; set; }

        /// <summary>The criteria to test against: a policy's distributors.membershipCriteria (oci, kubeedge, or the state's own policy's name); default: messaging.membershipCriteria.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Criteria { get; set; }

        protected override void ProcessRecord()
        {
            var request = new MembershipRequest
            {
                Id = Id,
                Organisation = Organisation,
                Distribution = Distribution,
                SecurityAlias = SecurityAlias,
                Requester = Requester,
                Vouch = VouchedBy,
                PublicKey = PublicKey,
                Criteria = Criteria,
            };
            if (Answer != null)
            {
                foreach (DictionaryEntry entry in Answer)
                {
                    request.Answers.Add(new CriterionAnswer { Criterion = entry.Key?.ToString(), Answer = entry.Value?.ToString() });
                }
            }

            if (!ShouldProcess($"membership/{Id ?? Organisation ?? "(from the mail)"}.yaml in {Session.State.Root}", "Record the membership request"))
            {
                return;
            }

            TryRun(() =>
            {
                MembershipRequest saved = Session.Membership.CreateRequest(request, MailText);
                string voucher = saved.VouchedByPerson == null && saved.VouchedByEmail == null ? "nobody found" : $"{Messaging.Vouchers.Format(new MemberPerson { Name = saved.VouchedByPerson, Email = saved.VouchedByEmail })} of {saved.VouchedBy} (to be confirmed: Confirm-MembershipVouch)";
                WriteVerbose($"Recorded request '{saved.Id}' from {saved.Organisation}: {saved.Answers.Count} answer(s), key {(saved.PublicKey == null ? "missing" : "attached")}, vouched by {voucher}.");
                if (saved.VouchedBy == null && saved.Vouch != null)
                {
                    WriteWarning($"Request '{saved.Id}': {Messaging.MembershipService.Voucher(saved, Session.Distributors.Load()).Problem}");
                }

                WriteObject(saved);
            });
        }
    }
}
