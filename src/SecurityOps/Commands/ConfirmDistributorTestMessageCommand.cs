using System.Management.Automation;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Confirm-DistributorTestMessage: records that a member quoted back the confirmation code of its latest test message
    /// (Send-DistributorTestMessage), within 14 days of sending, so its key is known to work. A wrong, earlier or expired
    /// code is an error with the member as target; the expected code is never shown (only its hash is stored).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Confirm, "DistributorTestMessage", SupportsShouldProcess = true)]
    [OutputType(typeof(DistributorMember))]
    public sealed class ConfirmDistributorTestMessageCommand : StateCmdlet
    {
        /// <summary>The member id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("Id", "MemberId")]
        [ValidateNotNullOrEmpty]
        public string Member { get; set; }

        /// <summary>The code the member quoted back from the test message (spaces, dashes and case are ignored).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ConfirmationCode")]
        [ValidateNotNullOrEmpty]
        public string Code { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var codes = new TestMessageCodes(Session.Distributors);
                DistributorMember member = codes.Check(Member, Code, Session.Now);
                if (!ShouldProcess($"member '{member.Id}'", "Record that the member confirmed its latest test message's code"))
                {
                    return;
                }

                DistributorMember confirmed = codes.Confirm(member.Id, Code, Session.Now);
                WriteVerbose($"{confirmed.Id} confirmed the test message sent {confirmed.TestMessageSent:u}; recorded at {confirmed.LastConfirmed:u}.");
                WriteObject(confirmed);
            });
        }
    }
}
