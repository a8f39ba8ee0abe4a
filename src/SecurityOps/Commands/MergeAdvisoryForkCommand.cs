using System.Linq;
using System.Management.Automation;
using SecurityOps.Advisories;
using SecurityOps.GitHub;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Merge-AdvisoryFork: after the public date, the fix in the advisory's temporary private fork: its merge is recorded
    /// on the case's timeline once GitHub shows it, else the command says exactly what to do in the advisory's page
    /// (GitHub's REST API cannot merge a private fork).
    /// </summary>
    [Cmdlet(VerbsData.Merge, "AdvisoryFork", SupportsShouldProcess = true)]
    [OutputType(typeof(ForkMergeResult))]
    public sealed class MergeAdvisoryForkCommand : CaseAdvisoryCmdlet
    {
        protected override void ProcessRecord()
        {
            VulnerabilityCase c = null;
            if (!TryRun(() => c = Session.Cases.GetRequired(VulnerabilityCase.NormalizeId(Id) ?? throw Disclosure.CaseStore.InvalidId(Id))))
            {
                return;
            }

            if (Gateway == null)
            {
                ThrowFailure(GitHubToken.NotFound());
            }

            if (!Run(_ => ForkMerge.CheckAsync(c, new PullRequestApi(Gateway), Session.Now, CancellationToken), out ForkMergeResult result))
            {
                return;
            }

            if (result.Action == "ActionRequired")
            {
                WriteWarning(result.Instructions);
            }
            else if (result.Action == "Recorded")
            {
                var merged = result.PullRequests.Where(p => p.EndsWith("(merged)", System.StringComparison.Ordinal)).ToList();
                if (ShouldProcess(c.Id, $"Record on the timeline that the fix was merged from {result.Fork} ({string.Join(", ", merged)})"))
                {
                    TryRun(() =>
                    {
                        VulnerabilityCase current = Session.Cases.GetRequired(c.Id);
                        current.Timeline.Add(ForkMerge.Event(result, merged, Session.Actor(Actor), Session.Now));
                        Session.Cases.Save(current);
                    });
                }
                else
                {
                    result.Action = "WhatIf";
                }
            }

            WriteObject(result);
        }
    }
}
