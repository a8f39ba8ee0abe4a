using System;
using System.Collections.Generic;
using System.Management.Automation;
using SecurityOps.Database;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Set-CveRecord: changes a record's status, fixing release, notes or linked issue.</summary>
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

        /// <summary>Emit the changed record.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var database = new CveDatabase(State.Files);
            TryRun(() =>
            {
                CveRecord record = database.Get(CveId);
                if (record == null)
                {
                    throw new SecurityOpsException("CveRecordNotFound", FailureKind.ObjectNotFound, CveId, $"No record for {CveId}; add it with Add-CveRecord first.");
                }

                var changes = new List<string>();
                if (Status != null && Status != record.Status)
                {
                    changes.Add($"status {record.Status} -> {Status}");
                    record.Status = Status;
                }

                if (FixedIn != null)
                {
                    changes.Add($"fixed in {FixedIn}");
                    record.FixedIn = FixedIn;
                }

                if (EmbargoedUntil != null && LiftEmbargo)
                {
                    throw new SecurityOpsException("ConflictingEmbargo", FailureKind.InvalidArgument, CveId, "-EmbargoedUntil and -LiftEmbargo contradict each other; give one.");
                }

                if (EmbargoedUntil != null)
                {
                    record.EmbargoedUntil = EmbargoedUntil.Value.ToUniversalTime();
                    changes.Add($"embargoed until {record.EmbargoedUntil.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
                }
                else if (LiftEmbargo && record.EmbargoedUntil != null)
                {
                    record.EmbargoedUntil = null;
                    changes.Add("embargo lifted");
                }

                if (Notes != null)
                {
                    changes.Add("notes replaced");
                    record.Notes = Notes;
                }

                if (!string.IsNullOrEmpty(AddNote))
                {
                    changes.Add("note added");
                    record.Notes = string.IsNullOrEmpty(record.Notes) ? AddNote : record.Notes.TrimEnd() + "\n" + AddNote;
                }

                if (IssueNumber != null)
                {
                    record.Issue ??= new IssueLink();
                    record.Issue.Number = IssueNumber.Value;
                    record.Issue.Repository = Repository ?? record.Issue.Repository;
                    record.Issue.Url = IssueUrl ?? record.Issue.Url;
                    changes.Add($"issue {record.Issue.Repository}#{IssueNumber}");
                }

                if (changes.Count == 0)
                {
                    WriteVerbose($"{record.CveId}: nothing to change.");
                }
                else if (ShouldProcess(record.CveId, "Set " + string.Join(", ", changes)))
                {
                    database.Save(record);
                    WriteVerbose($"{record.CveId}: {string.Join(", ", changes)}.");
                }

                if (PassThru)
                {
                    WriteObject(record);
                }
            });
        }
    }
}
