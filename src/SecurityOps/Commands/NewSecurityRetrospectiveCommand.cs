using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// New-SecurityRetrospective: a blameless retrospective draft (retrospectives/SEC-YYYY-NNNN.md in the private state)
    /// from the case: timeline, every SLA milestone met or missed and by how much, people, links, and sections to fill
    /// in. A draft a person has edited is never overwritten without -Force.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SecurityRetrospective", SupportsShouldProcess = true)]
    [OutputType(typeof(SecurityRetrospective))]
    public sealed class NewSecurityRetrospectiveCommand : StateCmdlet
    {
        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>Overwrite a retrospective a person has edited.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                VulnerabilityCase c = Session.Cases.GetRequired(VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id));
                DisclosurePolicy policy = Session.PolicyFor(c);
                var milestones = TimelineCalculator.Compute(c, policy, Session.Now, Session.DueSoonWindow);
                string markdown = RetrospectiveBuilder.Build(c, policy, milestones, Session.Now, out int met, out int missed);
                string relative = RetrospectiveBuilder.RelativePathFor(c.Id);
                string existing = Session.State.Files.ReadText(relative);
                if (existing != null && !RetrospectiveBuilder.IsUntouchedDraft(existing) && !Force)
                {
                    throw new SecurityOpsException("RetrospectiveEdited", FailureKind.ResourceExists, relative,
                        $"{relative} has been edited by a person; it was not overwritten. Use -Force to replace it with a new draft.");
                }

                var result = new SecurityRetrospective
                {
                    CaseId = c.Id,
                    RelativePath = relative,
                    Path = Session.State.Files.FullPath(relative),
                    Status = c.Status == CaseStatus.RetrospectiveDone ? "done" : "draft",
                    MilestonesMet = met,
                    MilestonesMissed = missed,
                    Markdown = markdown,
                };
                string action = existing == null ? "Write the retrospective draft" : "Replace the retrospective draft";
                if (ShouldProcess(relative, $"{action} for {c.Id} ({met} milestone(s) met, {missed} missed)"))
                {
                    Session.State.Files.WriteTextAtomic(relative, markdown);
                    WriteVerbose($"{c.Id}: wrote {relative}. Fill in what went well, what did not and the follow-ups, then run Complete-SecurityRetrospective.");
                }

                WriteObject(result);
            });
        }
    }
}
