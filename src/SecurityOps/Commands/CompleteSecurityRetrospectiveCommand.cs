using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Complete-SecurityRetrospective: marks a case's retrospective done (status retrospective-done, which stops the
    /// SLA clock's reminder). The retrospective must exist and must have been edited beyond the generated draft.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Complete, "SecurityRetrospective", SupportsShouldProcess = true)]
    [OutputType(typeof(SecurityRetrospective))]
    public sealed class CompleteSecurityRetrospectiveCommand : StateCmdlet
    {
        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>Who held it (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }

        /// <summary>Emit the completed retrospective.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                string relative = RetrospectiveBuilder.RelativePathFor(id);
                using (Session.State.Files.AcquireLock())
                {
                    VulnerabilityCase current = Session.Cases.GetRequired(id);
                    string text = Session.State.Files.ReadText(relative);
                    if (text == null)
                    {
                        throw new SecurityOpsException("RetrospectiveNotFound", FailureKind.ObjectNotFound, relative,
                            $"{id} has no retrospective ({relative}); run New-SecurityRetrospective -Id {id} first.");
                    }

                    if (RetrospectiveBuilder.IsUntouchedDraft(text))
                    {
                        throw new SecurityOpsException("RetrospectiveNotWritten", FailureKind.InvalidOperation, relative,
                            $"{relative} is still the generated draft: fill in what went well, what did not and the follow-ups first.");
                    }

                    var change = new CaseChange { Status = CaseStatus.RetrospectiveDone, Note = $"Retrospective held: {relative}." };
                    VulnerabilityCase updated = CaseWorkflow.Apply(current, change, Session.Actor(Actor), Session.Now);
                    if (ShouldProcess(id, $"Mark the retrospective done ({current.Status} -> {CaseStatus.RetrospectiveDone})"))
                    {
                        Session.Cases.Save(updated);
                        WriteVerbose($"{id}: retrospective done; the SLA reminder stops." + (Session.PolicyFor(updated)?.Retrospective?.Publish == true
                            ? $" The policy publishes retrospectives: Publish-SecurityRetrospective -Id {id} posts its public sections to the announcement channels (after the public date)."
                            : " The policy keeps retrospectives private."));
                        current = updated;
                    }

                    if (PassThru)
                    {
                        WriteObject(new SecurityRetrospective
                        {
                            CaseId = id,
                            RelativePath = relative,
                            Path = Session.State.Files.FullPath(relative),
                            Status = current.Status == CaseStatus.RetrospectiveDone ? "done" : "edited",
                            Markdown = text,
                        });
                    }
                }
            });
        }
    }
}
