using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Get-DisclosureTimeline: every milestone of a case's policy with its due time, when it was met and its state.</summary>
    [Cmdlet(VerbsCommon.Get, "DisclosureTimeline")]
    [OutputType(typeof(DisclosureMilestone))]
    public sealed class GetDisclosureTimelineCommand : StateCmdlet
    {
        /// <summary>The case ids; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        [SupportsWildcards]
        public string[] Id { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string raw in Id)
            {
                TryRun(() =>
                {
                    string id = WildcardPattern.ContainsWildcardCharacters(raw) ? raw : VulnerabilityCase.NormalizeId(raw) ?? throw CaseStore.InvalidId(raw);
                    foreach (VulnerabilityCase c in Session.FindCases(new[] { id }))
                    {
                        DisclosurePolicy policy = Session.PolicyFor(c);
                        WriteVerbose($"{c.Id}: '{c.Status}' under the {policy.Name} policy; severity {c.Severity ?? "unknown"}{(c.PubliclyDisclosed ? "; publicly disclosed" : string.Empty)}.");
                        WriteObject(TimelineCalculator.Compute(c, policy, Session.Now, Session.DueSoonWindow), enumerateCollection: true);
                    }
                });
            }
        }
    }
}
