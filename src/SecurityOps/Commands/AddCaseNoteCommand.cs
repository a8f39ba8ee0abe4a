using System;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Add-CaseNote: records a note on a case's timeline: distributors' feedback (who reviewed or tested the patch and
    /// what they found, as OCI's "contributing back" asks), a leak retrospective held, or a plain note.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "CaseNote", SupportsShouldProcess = true)]
    [OutputType(typeof(CaseEvent))]
    public sealed class AddCaseNoteCommand : StateCmdlet
    {
        public static readonly string[] Kinds = { "distributor-review", "note", "leak-retrospective", "decision" };

        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>distributor-review (needs -Member), note, leak-retrospective (closes the open leak follow-ups), decision.</summary>
        [Parameter]
        [ValidateSet("distributor-review", "note", "leak-retrospective", "decision")]
        public string Kind { get; set; } = "note";

        /// <summary>What was found or decided.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Text { get; set; }

        /// <summary>The distributor member the note is about (required for distributor-review).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(DistributorMemberCompleter))]
        [Alias("MemberId")]
        public string Member { get; set; }

        /// <summary>Who records it (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string id = VulnerabilityCase.NormalizeId(Id) ?? throw CaseStore.InvalidId(Id);
                string member = null;
                if (!string.IsNullOrWhiteSpace(Member))
                {
                    member = Session.Distributors.Get(Member.Trim()).Id;
                }
                else if (Kind == "distributor-review")
                {
                    throw new SecurityOpsException("CaseNoteMemberRequired", FailureKind.InvalidArgument, Kind,
                        "A distributor review needs -Member: who reviewed or tested the patch.");
                }

                using (Session.State.Files.AcquireLock())
                {
                    VulnerabilityCase c = CaseStore.Clone(Session.Cases.GetRequired(id));
                    DateTimeOffset now = Session.Now;
                    var e = new CaseEvent { At = now, Actor = Session.Actor(Actor), Kind = Kind, Member = member, What = Text.Trim() };
                    if (!ShouldProcess(id, $"Add a {Kind} note{(member != null ? " about " + member : string.Empty)}: {e.What}"))
                    {
                        return;
                    }

                    c.Timeline.Add(e);
                    if (Kind == "leak-retrospective")
                    {
                        foreach (EmbargoLeak leak in c.Leaks.Where(l => l.FollowUpDone == null && (member == null || string.Equals(l.MemberId, member, StringComparison.OrdinalIgnoreCase))))
                        {
                            leak.FollowUpDone = now;
                            WriteVerbose($"{id}: leak #{leak.Number} ({leak.MemberId}) followed up.");
                        }
                    }

                    Session.Cases.Save(c);
                    WriteVerbose($"{id}: {Kind} recorded.");
                    WriteObject(e);
                }
            });
        }
    }
}
