using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ical.Net;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Rotation
{
    /// <summary>The rotation cmdlets driven from script text in the real engine, on a fresh state with the template roster.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class RotationCmdletTests : IDisposable
    {
        private const string Clock = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-01-14T10:00:00Z')\n";
        private const string Reset = "\n[SecurityOps.ModuleContext]::UseSystemTime()";

        private readonly PowerShellFixture ps;
        private readonly TempFolder temp = new TempFolder("rotation");

        public RotationCmdletTests(PowerShellFixture ps)
        {
            this.ps = ps;
            ps.Run("Initialize-SecurityState -Path $p -NoGit | Out-Null", Vars()).AssertNoErrors();
        }

        private string Roster => Path.Combine(temp.Path, "roster.yaml");

        private Dictionary<string, object> Vars(object extra = null) => new Dictionary<string, object> { ["p"] = temp.Path, ["x"] = extra };

        /// <summary>Runs script with the fixed clock (reset afterwards, whatever happens).</summary>
        private ScriptResult Run(string script, object extra = null) =>
            ps.Run(Clock + "try {\n" + script + "\n} finally {" + Reset + " }", Vars(extra));

        public void Dispose() => temp.Dispose();

        /// <summary>The first error the script wrote or threw (a cmdlet's terminating error ends only its statement).</summary>
        private static System.Management.Automation.ErrorRecord FirstError(ScriptResult result) =>
            result.Errors.FirstOrDefault() ?? result.Terminating?.ErrorRecord ?? throw new Xunit.Sdk.XunitException("no error was written");

        [Fact]
        public void WithoutArgumentsItSaysWhoIsOnDutyNow()
        {
            var slot = Run("Get-Rotation -StatePath $p").AssertNoErrors().Objects<RotationSlot>().Single();
            Assert.Equal(new DateTime(2026, 1, 12), slot.WeekStart);
            Assert.Equal(("bob", "carol"), (slot.Primary, slot.Secondary));
            Assert.True(slot.IsCurrent);
            Assert.Equal("bob@example.org", slot.PrimaryEmail);
        }

        [Fact]
        public void WeeksFromADateAndTheStatePathFromTheEnvironment()
        {
            var result = Run("$env:SECURITYOPS_STATE = $p; try { Get-Rotation -Date 2026-01-07 -Weeks 4 -Verbose } finally { $env:SECURITYOPS_STATE = $null }").AssertNoErrors();
            var slots = result.Objects<RotationSlot>().ToList();
            Assert.Equal(new[] { "alice", "bob", "carol", "alice" }, slots.Select(s => s.Primary));
            Assert.Equal(new[] { "bob", "carol", "alice", "bob" }, slots.Select(s => s.Secondary));
            Assert.Contains(result.Verbose, v => v.Contains("order alice, bob, carol"));
        }

        [Fact]
        public void MemberGivesThatPersonsNextTurnOrTheirWeeksInAWindow()
        {
            var next = Run("Get-Rotation -StatePath $p -Member CAROL").AssertNoErrors().Objects<RotationSlot>().Single();
            Assert.Equal(new DateTime(2026, 1, 12), next.WeekStart); // Secondary this week

            var weeks = Run("Get-Rotation -StatePath $p -Member alice -Date 2026-01-19 -Weeks 6").AssertNoErrors().Objects<RotationSlot>();
            Assert.Equal(new[] { 2, 3, 5, 6 }, weeks.Select(s => s.WeekNumber));

            var unknown = Run("Get-Rotation -StatePath $p -Member mallory");
            Assert.Contains("RotationMemberNotFound,SecurityOps.Commands.GetRotationCommand", unknown.ErrorIds);
            Assert.Equal("mallory", FirstError(unknown).TargetObject);
        }

        [Fact]
        public void ADateBeforeTheStartWarnsAndBeginsAtTheStart()
        {
            var result = Run("Get-Rotation -StatePath $p -Date 2025-12-01 -Weeks 2").AssertNoErrors();
            Assert.Contains(result.Warnings, w => w.Contains("starts on 2026-01-05"));
            Assert.Equal(new DateTime(2026, 1, 5), result.Objects<RotationSlot>().First().WeekStart);
        }

        [Fact]
        public void AnInvalidRosterStopsTheCommandWithTheProblemNamed()
        {
            File.WriteAllText(Roster, File.ReadAllText(Roster).Replace("handle: carol", "handle: Bob"));
            var result = Run("Get-Rotation -StatePath $p");
            Assert.Contains("RosterDuplicateHandle,SecurityOps.Commands.GetRotationCommand", result.ErrorIds);
            Assert.Contains("roster.yaml: The handle 'Bob' is used by more than one member", FirstError(result).ToString());

            File.WriteAllText(Roster, "schemaVersion: 1\nstart: 2026-01-05\nmembers: []\n");
            Assert.Contains("RosterNoMembers,SecurityOps.Commands.GetRotationCommand", Run("Get-Rotation -StatePath $p").ErrorIds);

            File.WriteAllText(Roster, "schemaVersion: 1\nstart: 2026-01-05\nmembers:\n  - handle: a\n    timeZone: Moon/Base\n  - handle: b\n");
            var zone = Run("Get-Rotation -StatePath $p");
            Assert.Contains("RosterInvalidTimeZone,SecurityOps.Commands.GetRotationCommand", zone.ErrorIds);
            Assert.Equal("Moon/Base", FirstError(zone).TargetObject);
        }

        [Fact]
        public void ABrokenRosterFileIsReportedWithItsLine()
        {
            File.WriteAllText(Roster, "schemaVersion: 1\nstart: 2026-01-05\nmembers:\n  - handle: [unclosed\n");
            var result = Run("Get-Rotation -StatePath $p");
            Assert.Contains("StateFileInvalid,SecurityOps.Commands.GetRotationCommand", result.ErrorIds);
            Assert.Contains("roster.yaml:", FirstError(result).ToString());
        }

        [Fact]
        public void AnAbsenceIsRecordedKeepingHandAddedFieldsAndChangesTheRotation()
        {
            File.WriteAllText(Roster, File.ReadAllText(Roster)
                .Replace("    timeZone: America/New_York\n", "    timeZone: America/New_York\n    phone: +1 555 0100\n")
                + "escalation: security@example.org\n");

            var result = Run("Set-RotationOverride -StatePath $p -Absent bob -From 2026-01-12 -To 2026-01-16 -Reason 'FOSDEM, then leave' -PassThru -Verbose").AssertNoErrors();
            var entry = result.Objects<RotationOverride>().Single();
            Assert.Equal("absence-bob-2026-01-12", entry.Id);
            Assert.Contains(result.Verbose, v => v.Contains("week of 2026-01-12 now Primary carol, Secondary alice"));

            string text = File.ReadAllText(Roster);
            Assert.Contains("phone: +1 555 0100", text);
            Assert.Contains("escalation: security@example.org", text);
            Assert.Contains("absent: bob", text);
            Assert.Contains("reason: FOSDEM, then leave", text);
            Assert.Contains("recorded: 2026-01-14T10:00:00Z", text);

            var slot = Run("Get-Rotation -StatePath $p").AssertNoErrors().Objects<RotationSlot>().Single();
            Assert.Equal(("carol", "alice"), (slot.Primary, slot.Secondary));
            Assert.True(slot.OverrideApplied);
            Assert.Equal(new[] { "absence-bob-2026-01-12" }, slot.Overrides);
        }

        [Fact]
        public void OverridesThatWouldBreakTheRosterAreRefusedAndNothingIsWritten()
        {
            Run("Set-RotationOverride -StatePath $p -Absent alice -From 2026-01-19 -To 2026-01-25").AssertNoErrors();
            string before = File.ReadAllText(Roster);

            void Refused(string script, string errorId, object target)
            {
                var result = Run(script);
                Assert.Contains(errorId + ",SecurityOps.Commands.SetRotationOverrideCommand", result.ErrorIds);
                Assert.Equal(target, FirstError(result).TargetObject);
                Assert.Equal(before, File.ReadAllText(Roster));
            }

            Refused("Set-RotationOverride -StatePath $p -Absent carol -From 2026-01-20 -To 2026-01-21", "RosterUnstaffedWeek", "2026-01-19");
            Refused("Set-RotationOverride -StatePath $p -Absent mallory -From 2026-02-01 -To 2026-02-02", "RosterUnknownMember", "mallory");
            Refused("Set-RotationOverride -StatePath $p -Absent alice -From 2026-01-25 -To 2026-01-30", "RosterOverlappingAbsence", "absence-alice-2026-01-25");
            Refused("Set-RotationOverride -StatePath $p -Absent bob -From 2026-03-10 -To 2026-03-01", "RosterInvalidOverride", "absence-bob-2026-03-10");
            Refused("Set-RotationOverride -StatePath $p -Week 2026-01-21 -Swap carol,alice", "RosterSwapOntoAbsentMember", "swap-2026-01-19-alice-carol");
            Refused("Set-RotationOverride -StatePath $p -Week 2026-01-21 -Swap bob,trudy", "RosterUnknownMember", "trudy");
            Refused("Set-RotationOverride -StatePath $p -Week 2026-01-05 -Swap carol,carol", "RosterInvalidOverride", "swap-2026-01-05-carol-carol");
            Refused("Set-RotationOverride -StatePath $p -Absent alice -From 2026-01-19 -To 2026-01-25", "RotationOverrideExists", "absence-alice-2026-01-19");

            var bound = Run("Set-RotationOverride -StatePath $p -Week 2026-01-05 -Swap alice,bob,carol");
            Assert.Contains("ParameterArgumentValidationError,SecurityOps.Commands.SetRotationOverrideCommand", bound.ErrorIds);
        }

        [Fact]
        public void ASwapFromThePipelineAndWhatIf()
        {
            string before = File.ReadAllText(Roster);
            var whatIf = Run("Get-Rotation -StatePath $p -Date 2026-01-26 | Set-RotationOverride -StatePath $p -Swap alice,carol -WhatIf -PassThru").AssertNoErrors();
            Assert.Empty(whatIf.Output);
            Assert.Equal(before, File.ReadAllText(Roster));

            var swap = Run("Get-Rotation -StatePath $p -Date 2026-01-26 | Set-RotationOverride -StatePath $p -Swap alice,carol -PassThru").AssertNoErrors().Objects<RotationOverride>().Single();
            Assert.Equal("swap-2026-01-26-alice-carol", swap.Id);
            var slot = Run("Get-Rotation -StatePath $p -Date 2026-01-26").AssertNoErrors().Objects<RotationSlot>().Single();
            Assert.Equal(("carol", "bob"), (slot.Primary, slot.Secondary)); // alice/bob scheduled: carol takes alice's Primary
            Assert.Equal(("alice", "bob"), (slot.ScheduledPrimary, slot.ScheduledSecondary));
        }

        [Fact]
        public void ASwapOfPeopleOffDutyIsRefused()
        {
            var result = Run("Set-RotationOverride -StatePath $p -Week 2026-01-05 -Swap carol,Carol2");
            Assert.Contains("RosterUnknownMember,SecurityOps.Commands.SetRotationOverrideCommand", result.ErrorIds);

            File.WriteAllText(Roster, File.ReadAllText(Roster).Replace("order: [alice, bob, carol]", "order: [alice, bob, carol]\n").Replace("members:\n", "members:\n  - handle: dave\n    email: dave@example.org\n"));
            var noEffect = Run("Set-RotationOverride -StatePath $p -Week 2026-01-05 -Swap carol,dave");
            Assert.Contains("RotationSwapHasNoEffect,SecurityOps.Commands.SetRotationOverrideCommand", noEffect.ErrorIds);
            Assert.Contains("Neither carol nor dave is on duty in the week of 2026-01-05", noEffect.Errors.Single().ToString());
        }

        [Fact]
        public void OverridesAreRemovedByIdFromTheRotationsOwnOutput()
        {
            Run("Set-RotationOverride -StatePath $p -Absent bob -From 2026-01-12 -To 2026-01-13 | Out-Null").AssertNoErrors();
            var removed = Run("Get-Rotation -StatePath $p -Weeks 2 | Where-Object OverrideApplied | Remove-RotationOverride -StatePath $p -PassThru -Confirm:$false")
                .AssertNoErrors().Objects<RotationOverride>().Single();
            Assert.Equal("absence-bob-2026-01-12", removed.Id);
            Assert.DoesNotContain("absence-bob-2026-01-12", File.ReadAllText(Roster)); // the template's comments keep their example (2026-02-02)
            Assert.Equal("bob", Run("Get-Rotation -StatePath $p").Objects<RotationSlot>().Single().Primary);

            var missing = Run("Remove-RotationOverride -StatePath $p -Id nope");
            Assert.Contains("RotationOverrideNotFound,SecurityOps.Commands.RemoveRotationOverrideCommand", missing.ErrorIds);
        }

        [Fact]
        public void RemovingAnOverrideThatLeavesTheRosterInvalidIsRefused()
        {
            // Written by hand: in week 0 (alice/bob) bob and dave are away, and a swap bob<->dave does nothing while bob is away.
            File.WriteAllText(Roster, File.ReadAllText(Roster)
                .Replace("members:\n", "members:\n  - handle: dave\n    email: dave@example.org\n")
                .Replace("overrides: []", "overrides:\n  - { id: away-bob, absent: bob, from: 2026-01-05, to: 2026-01-09 }\n  - { id: away-dave, absent: dave, from: 2026-01-05, to: 2026-01-09 }\n  - { id: cover, week: 2026-01-05, swap: [bob, dave] }"));
            Assert.Equal(("alice", "carol"), Slot0());
            string before = File.ReadAllText(Roster);

            // Without bob's absence, bob is Secondary and the swap would put dave, who is away, on duty.
            var refused = Run("Remove-RotationOverride -StatePath $p -Id away-bob -Confirm:$false");
            Assert.Contains("RosterSwapOntoAbsentMember,SecurityOps.Commands.RemoveRotationOverrideCommand", refused.ErrorIds);
            Assert.Equal("cover", FirstError(refused).TargetObject);
            Assert.Equal(before, File.ReadAllText(Roster));

            // -WhatIf on an allowed removal writes nothing either; the real one does.
            Run("Remove-RotationOverride -StatePath $p -Id cover -WhatIf").AssertNoErrors();
            Assert.Equal(before, File.ReadAllText(Roster));
            Run("Remove-RotationOverride -StatePath $p -Id cover, away-bob -Confirm:$false").AssertNoErrors();
            Assert.Equal(("alice", "bob"), Slot0());
        }

        private (string, string) Slot0()
        {
            var slot = Run("Get-Rotation -StatePath $p -Date 2026-01-05").AssertNoErrors().Objects<RotationSlot>().Single();
            return (slot.Primary, slot.Secondary);
        }

        [Fact]
        public void MeetingsComeFromTheConfigAndSkipCancelledDates()
        {
            var meetings = Run("Get-SecurityMeeting -StatePath $p -Count 3").AssertNoErrors().Objects<SecurityMeeting>().ToList();
            Assert.Equal(new[] { "2026-01-22", "2026-02-05", "2026-02-19" }, meetings.Select(m => m.Start.UtcDateTime.ToString("yyyy-MM-dd")));
            Assert.All(meetings, m => Assert.Equal(16, m.Start.UtcDateTime.Hour));

            string config = Path.Combine(temp.Path, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace("cancelled: []", "cancelled: [2026-02-05]").Replace("timeZone:\n", "timeZone: Europe/Berlin\n"));
            var after = Run("Get-SecurityMeeting -StatePath $p -Count 2 -After 2026-01-23").AssertNoErrors().Objects<SecurityMeeting>();
            Assert.Equal(new[] { "2026-02-19", "2026-03-05" }, after.Select(m => m.Start.UtcDateTime.ToString("yyyy-MM-dd")));

            File.WriteAllText(config, File.ReadAllText(config).Replace("cadenceDays: 14", "cadenceDays: 0"));
            Assert.Contains("MeetingConfigInvalid,SecurityOps.Commands.GetSecurityMeetingCommand", Run("Get-SecurityMeeting -StatePath $p").ErrorIds);

            File.WriteAllText(config, File.ReadAllText(config).Replace("  first: 2026-01-08T16:00:00Z\n", string.Empty));
            Assert.Contains("MeetingsNotConfigured,SecurityOps.Commands.GetSecurityMeetingCommand", Run("Get-SecurityMeeting -StatePath $p").ErrorIds);
        }

        [Fact]
        public void TheExportedCalendarIsReadByACalendarClientAndUpdatesInPlace()
        {
            string ics = Path.Combine(temp.Path, "out", "team.ics");
            Directory.CreateDirectory(Path.GetDirectoryName(ics));
            var file = Run("Export-SecurityCalendar -StatePath $p -Path $x -Weeks 4 -Meetings 2 -PassThru", ics).AssertNoErrors().Objects<FileInfo>().Single();
            Assert.Equal(ics, file.FullName);

            byte[] bytes = File.ReadAllBytes(ics);
            Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB, "no BOM");
            Calendar calendar = Calendar.Load(File.ReadAllText(ics));
            var duty = calendar.Events.Where(e => !e.DtStart.HasTime).OrderBy(e => e.DtStart.Value).ToList();
            Assert.Equal(4, duty.Count);
            Assert.Equal("Security duty: Primary bob, Secondary carol", duty[0].Summary);
            Assert.Equal(new DateTime(2026, 1, 12), duty[0].DtStart.Value);
            Assert.All(calendar.Events, e => Assert.Equal(new DateTime(2026, 1, 14, 10, 0, 0), e.DtStamp.Value));
            var meetings = calendar.Events.Where(e => e.DtStart.HasTime).ToList();
            Assert.Equal(2, meetings.Count);
            Assert.Equal("Private video call", meetings[0].Location);

            Run("Set-RotationOverride -StatePath $p -Absent bob -From 2026-01-12 -To 2026-01-18 | Out-Null; Export-SecurityCalendar -StatePath $p -Path $x -Weeks 4 -Meetings 2", ics).AssertNoErrors();
            Calendar again = Calendar.Load(File.ReadAllText(ics));
            Assert.Equal(calendar.Events.Select(e => e.Uid).OrderBy(u => u), again.Events.Select(e => e.Uid).OrderBy(u => u));
            Assert.Equal("Security duty: Primary carol, Secondary alice", again.Events.Single(e => e.Uid == duty[0].Uid).Summary);
        }

        [Fact]
        public void ExportWithoutMeetingsWarnsAndABadFolderFails()
        {
            string config = Path.Combine(temp.Path, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace("  first: 2026-01-08T16:00:00Z\n", string.Empty));
            string ics = Path.Combine(temp.Path, "duty.ics");
            var result = Run("Export-SecurityCalendar -StatePath $p -Path $x -Weeks 2", ics).AssertNoErrors();
            Assert.Contains(result.Warnings, w => w.Contains("No meetings are configured"));
            Assert.Equal(2, Calendar.Load(File.ReadAllText(ics)).Events.Count);

            var whatIf = Run("Export-SecurityCalendar -StatePath $p -Path $x -WhatIf", Path.Combine(temp.Path, "never.ics")).AssertNoErrors();
            Assert.False(File.Exists(Path.Combine(temp.Path, "never.ics")));

            var bad = Run("Export-SecurityCalendar -StatePath $p -Path $x", Path.Combine(temp.Path, "no", "such", "dir.ics"));
            Assert.Contains("CalendarFolderNotFound,SecurityOps.Commands.ExportSecurityCalendarCommand", bad.ErrorIds);
        }
    }
}
