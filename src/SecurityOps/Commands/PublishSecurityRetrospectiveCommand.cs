using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Publish-SecurityRetrospective: where the policy says so (retrospective.publish; Stacklok), posts the public sections
    /// of a finished retrospective to the announcement channels (Slack, Discord webhooks, the public mailing list), after
    /// the case's public date only (the public gate). Refused while the retrospective is not marked done, when the policy
    /// does not publish retrospectives (unless -Force), and when its public text names people. Channels that already
    /// have it are skipped unless -Resend. Every posting is recorded on the case.
    /// </summary>
    [Cmdlet(VerbsData.Publish, "SecurityRetrospective", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AnnouncementResult))]
    public sealed class PublishSecurityRetrospectiveCommand : PublicPostingCmdlet
    {
        /// <summary>Post even though the case's policy does not publish retrospectives (recorded as a policy exception).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            RefuseCredentialAsMailLogin(Credential);
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                var service = new AnnouncementService(Session.Config, Session.Templates);
                using (Session.State.Files.AcquireLock())
                {
                    VulnerabilityCase c = Session.Cases.GetRequired(id);

                    // The one gate first: before the public date nothing about the case is looked at further.
                    PublicGate.EnsurePublic(c, Session.Now, AnnouncementService.RetrospectiveAction);
                    string relative = RetrospectiveBuilder.RelativePathFor(id);
                    if (c.Status != CaseStatus.RetrospectiveDone)
                    {
                        throw new SecurityOpsException("RetrospectiveNotDone", FailureKind.InvalidOperation, id,
                            $"{id}'s retrospective is not marked done (the case is {c.Status}): hold it, then run Complete-SecurityRetrospective -Id {id}.");
                    }

                    DisclosurePolicy policy = Session.PolicyFor(c);
                    bool forced = false;
                    if (policy?.Retrospective?.Publish != true)
                    {
                        if (!Force)
                        {
                            throw new SecurityOpsException("RetrospectiveNotPublic", FailureKind.InvalidOperation, id,
                                $"{id} is handled under the policy '{policy?.Name ?? c.Policy}', which keeps retrospectives private (retrospective.publish is not true). Use -Force to post it anyway.");
                        }

                        forced = true;
                        WriteWarning($"The policy '{policy?.Name ?? c.Policy}' does not publish retrospectives: posting {id}'s anyway (-Force); the case records the exception.");
                    }

                    string text = Session.State.Files.ReadText(relative);
                    if (text == null)
                    {
                        throw new SecurityOpsException("RetrospectiveNotFound", FailureKind.ObjectNotFound, relative,
                            $"{id} has no retrospective ({relative}); run New-SecurityRetrospective -Id {id} first.");
                    }

                    Dictionary<string, string> sections = PublicRetrospective.Sections(text);
                    bool namesPeople = policy?.Retrospective?.NamesPeople == true;
                    List<string> named = PublicRetrospective.NamedPeople(sections, c, Session.Config.Project?.SecurityContact, namesPeople);
                    if (named.Count > 0)
                    {
                        throw new SecurityOpsException("RetrospectiveNamesPeople", FailureKind.InvalidData, relative,
                            $"The public sections of {relative} name {string.Join(", ", named)}: a public retrospective is blameless and names only the credited{(namesPeople ? " and those who agreed to be named (Set-VulnerabilityReport -NamingConsent)" : string.Empty)}. Reword them in the file.");
                    }

                    if (sections.Count == 0)
                    {
                        WriteWarning($"{relative} has nothing written under {string.Join(", ", PublicRetrospective.PublicSections.Select(x => "'## " + x + "'"))}: only the case's facts and milestones are posted.");
                    }

                    var milestones = TimelineCalculator.Compute(c, policy, Session.Now, Session.DueSoonWindow);
                    RenderedMessage message = service.RenderRetrospective(c, PublicRetrospective.Model(c, milestones, sections, Session.Now, namesPeople), Session.Now);
                    WriteVerbose($"{id}: the public retrospective takes {(sections.Count == 0 ? "no written section" : string.Join(", ", sections.Keys))} from {relative}, the milestones and links from the case; the people, the private timeline and other sections stay private.");
                    List<AnnouncementChannel> channels = PublicPosting.Select(service, Channel);
                    if (channels.Count == 0)
                    {
                        WriteWarning("No announcement channel is configured (announcements: slack, discord, mailingList in securityops.yaml): the retrospective was not posted.");
                        return;
                    }

                    List<AnnouncementRecord> records = PublicPosting.Post(this, Session.Config, service, c, message, channels, c.RetrospectivePosts, Resend, SmtpCredential,
                        "retrospective", AnnouncementService.RetrospectiveAction, Session.Now, CancellationToken);
                    if (records.Count > 0)
                    {
                        string note = forced ? $" (-Force: the policy '{policy?.Name ?? c.Policy}' does not publish retrospectives)" : null;
                        Session.Cases.Save(PublicPosting.Record(c, x => x.RetrospectivePosts, records, "retrospective-published", "Retrospective", note, Session.Actor(Actor), Session.Now));
                    }
                }
            });
        }
    }
}
