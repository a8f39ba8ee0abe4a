using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Get-ReleaseWindow: release times a case's policy allows; when none fits, which rule removed which day.</summary>
    [Cmdlet(VerbsCommon.Get, "ReleaseWindow")]
    [OutputType(typeof(ReleaseCandidate))]
    public sealed class GetReleaseWindowCommand : StateCmdlet
    {
        /// <summary>The case id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>How many candidates to return (default 5).</summary>
        [Parameter]
        [ValidateRange(1, 366)]
        public int Count { get; set; } = 5;

        /// <summary>How many days to search when the policy has no release deadline (default 30).</summary>
        [Parameter]
        [ValidateRange(1, 366)]
        public int HorizonDays { get; set; } = 30;

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                VulnerabilityCase c = Session.Cases.GetRequired(id);
                DisclosurePolicy policy = Session.PolicyFor(c);
                var holidays = ReleaseWindowPlanner.ParseHolidays(Session.Config.Disclosure?.Holidays);
                ReleaseWindowPlan plan = ReleaseWindowPlanner.Plan(c, policy, Session.Now, holidays, Count, HorizonDays);
                WriteVerbose($"{id} ({policy.Name}): {plan.Explain()}");
                foreach (string note in plan.Notes)
                {
                    WriteVerbose($"{id}: {note}.");
                }

                if (plan.Candidates.Count == 0)
                {
                    throw new SecurityOpsException("NoReleaseWindow", FailureKind.InvalidOperation, id,
                        $"{id}: no release time satisfies the {policy.Name} policy. {plan.Explain()}");
                }

                WriteObject(plan.Candidates, enumerateCollection: true);
            });
        }
    }
}
