using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Rotation;

namespace SecurityOps.Commands
{
    /// <summary>Set-RotationOverride: records a one-week swap or an absence in roster.yaml, refusing one that breaks the roster.</summary>
    [Cmdlet(VerbsCommon.Set, "RotationOverride", SupportsShouldProcess = true, DefaultParameterSetName = SwapSet)]
    [OutputType(typeof(RotationOverride))]
    public sealed class SetRotationOverrideCommand : StateCmdlet
    {
        public const string SwapSet = "Swap";
        public const string AbsenceSet = "Absence";

        /// <summary>Any day of the week whose duty two people trade.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SwapSet, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("WeekStart", "Date")]
        public DateTime Week { get; set; }

        /// <summary>The two handles that trade places that week.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SwapSet, Position = 1)]
        [ValidateCount(2, 2)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RosterMemberCompleter))]
        public string[] Swap { get; set; }

        /// <summary>The handle of the person who is away.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AbsenceSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RosterMemberCompleter))]
        [Alias("Handle", "Member")]
        [ValidateNotNullOrEmpty]
        public string Absent { get; set; }

        /// <summary>First day away.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AbsenceSet, ValueFromPipelineByPropertyName = true)]
        public DateTime From { get; set; }

        /// <summary>Last day away (included).</summary>
        [Parameter(Mandatory = true, ParameterSetName = AbsenceSet, ValueFromPipelineByPropertyName = true)]
        public DateTime To { get; set; }

        /// <summary>Why (kept in roster.yaml).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Reason { get; set; }

        /// <summary>Emit the recorded override.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var entry = new RotationOverride
            {
                Reason = string.IsNullOrWhiteSpace(Reason) ? null : Reason,
                Recorded = Session.Now,
            };
            if (ParameterSetName == SwapSet)
            {
                entry.Week = new DateTimeOffset(RotationDates.Day(Week), TimeSpan.Zero);
                entry.Swap = Swap.ToList();
            }
            else
            {
                entry.Absent = Absent;
                entry.From = new DateTimeOffset(RotationDates.Day(From), TimeSpan.Zero);
                entry.To = new DateTimeOffset(RotationDates.Day(To), TimeSpan.Zero);
            }

            var store = new RosterStore(Session.State.Files);
            bool written = false;
            TryRun(() =>
            {
                store.AddOverride(entry, (roster, schedule) =>
                {
                    string weeks = DescribeWeeks(schedule, entry);
                    if (!ShouldProcess(store.FilePath, $"Record override {entry.Id} ({entry.Description}){weeks}"))
                    {
                        return false;
                    }

                    WriteVerbose($"Recorded {entry.Id} in {store.FilePath}{weeks}.");
                    written = true;
                    return true;
                });
            });

            if (written && PassThru)
            {
                WriteObject(entry);
            }
        }

        /// <summary>": week of 2026-01-12 now Primary carol, Secondary bob" for the weeks the override changes.</summary>
        private static string DescribeWeeks(RotationSchedule schedule, RotationOverride entry)
        {
            IEnumerable<int> weeks = entry.Kind == RotationOverride.SwapKind
                ? new[] { schedule.WeekNumberOf(entry.Week.Value.UtcDateTime) }
                : Enumerable.Range(schedule.WeekNumberOf(entry.From.Value.UtcDateTime),
                    Math.Min(60, schedule.WeekNumberOf(entry.To.Value.UtcDateTime) - schedule.WeekNumberOf(entry.From.Value.UtcDateTime) + 1));
            var changed = weeks.Where(w => w >= 0)
                .Select(w => schedule.Slot(w, DateTimeOffset.MinValue))
                .Where(s => s.Overrides.Contains(entry.Id))
                .Select(s => $"week of {s.WeekStart:yyyy-MM-dd} now Primary {s.Primary}, Secondary {s.Secondary}")
                .ToList();
            return changed.Count == 0 ? ": no duty week changes" : ": " + string.Join("; ", changed);
        }
    }
}
