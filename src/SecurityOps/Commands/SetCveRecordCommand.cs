using System;
using System.Management.Automation;
using SecurityOps.Database;
using SecurityOps.Inventory;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Set-CveRecord: a person's change to a record (status, fixing release, notes, embargo, linked issue, CVSS vector,
    /// relevance override); the rules and the write, the filing queue included, are <see cref="CveRecordEditor"/>'s.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "CveRecord", SupportsShouldProcess = true)]
    [OutputType(typeof(CveRecord))]
    public sealed class SetCveRecordCommand : StateCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        public string CveId { get; set; }

        [Parameter]
        [ValidateSet("new", "triaged", "tracked", "fixed", "not-affected", "rejected")]
        public string Status { get; set; }

        /// <summary>The release that fixed it (e.g. 4152.2.1).</summary>
        [Parameter]
        [Alias("Release")]
        public string FixedIn { get; set; }

        /// <summary>Replaces the notes.</summary>
        [Parameter]
        public string Notes { get; set; }

        /// <summary>Keeps the record out of every public output (public issues, release notes, OSV) until then (UTC).</summary>
        [Parameter]
        public DateTimeOffset? EmbargoedUntil { get; set; }

        /// <summary>Lifts the record's own embargo (a case's embargo over its CVE still holds).</summary>
        [Parameter]
        public SwitchParameter LiftEmbargo { get; set; }

        /// <summary>Appends a line to the notes, keeping what is there.</summary>
        [Parameter]
        public string AddNote { get; set; }

        /// <summary>The GitHub issue that tracks it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Number")]
        public int? IssueNumber { get; set; }

        /// <summary>The repository (owner/name) of that issue.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Repository { get; set; }

        [Parameter]
        public string IssueUrl { get; set; }

        /// <summary>A CVSS 3.x or 4.0 vector set by hand (scored; no feed replaces it); '' clears the vector and score.</summary>
        [Parameter]
        [AllowEmptyString]
        [Alias("Vector")]
        public string CvssVector { get; set; }

        /// <summary>Overrule the inventories: affected, not-affected or unknown (with -RelevanceReason); auto hands it back.</summary>
        [Parameter]
        [ValidateSet("affected", "not-affected", "unknown", "auto")]
        public string Relevance { get; set; }

        /// <summary>Why the relevance is overruled; kept on the record.</summary>
        [Parameter]
        public string RelevanceReason { get; set; }

        /// <summary>Who decides (default: $env:USER or git's user.name); kept with a relevance override.</summary>
        [Parameter]
        public string Actor { get; set; }

        /// <summary>Emit the changed record.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                CveRecordEdit edit = new CveRecordEditor(Session.State.Files, () => new RelevanceService(Session.State.Files, Session.Config)).Edit(CveId, new CveRecordChange
                {
                    Status = Status, FixedIn = FixedIn, Notes = Notes, AddNote = AddNote, EmbargoedUntil = EmbargoedUntil, LiftEmbargo = LiftEmbargo,
                    IssueNumber = IssueNumber, IssueRepository = Repository, IssueUrl = IssueUrl, CvssVector = CvssVector,
                    Relevance = Relevance, RelevanceReason = RelevanceReason, Actor = Relevance == null ? null : Session.Actor(Actor),
                }, (target, action) => ShouldProcess(target, action), Session.Events);

                if (PassThru)
                {
                    WriteObject(edit.Record);
                }
            });
        }
    }
}
