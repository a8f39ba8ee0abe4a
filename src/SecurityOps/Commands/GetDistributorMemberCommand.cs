using System;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Get-DistributorMember: lists the distributors list's members, filtered by id, status or organisation.</summary>
    [Cmdlet(VerbsCommon.Get, "DistributorMember")]
    [OutputType(typeof(DistributorMember))]
    public sealed class GetDistributorMemberCommand : StateCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("MemberId", "Member")]
        [SupportsWildcards]
        public string[] Id { get; set; }

        [Parameter]
        [ValidateSet("active", "suspended", "removed")]
        public string[] Status { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string Organisation { get; set; }

        /// <summary>Only members flagged for removal.</summary>
        [Parameter]
        public SwitchParameter FlaggedForRemoval { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var members = Session.Distributors.Load().Members;
                WriteVerbose($"distributors.yaml holds {members.Count} member(s).");
                var org = string.IsNullOrEmpty(Organisation) ? null : new WildcardPattern(Organisation, WildcardOptions.IgnoreCase);
                foreach (string id in Id ?? new[] { "*" })
                {
                    var pattern = new WildcardPattern(id, WildcardOptions.IgnoreCase);
                    var found = members.Where(m => pattern.IsMatch(m.Id)
                        && (Status == null || Status.Contains(m.Status ?? "active", StringComparer.OrdinalIgnoreCase))
                        && (org == null || org.IsMatch(m.Organisation ?? string.Empty))
                        && (!FlaggedForRemoval || m.FlaggedForRemoval)).ToList();
                    if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(id))
                    {
                        WriteFailure(new SecurityOpsException("DistributorMemberNotFound", FailureKind.ObjectNotFound, id, $"No member '{id}' on the distributors list (with the given filters)."));
                    }

                    foreach (var member in found)
                    {
                        WriteObject(member);
                    }
                }
            });
        }
    }
}
