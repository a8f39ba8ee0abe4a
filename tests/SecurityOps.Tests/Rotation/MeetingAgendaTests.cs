using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Rotation
{
    /// <summary>Get-SecurityMeetingAgenda on a state with cases, CVEs and embargoes, field by field.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class MeetingAgendaTests
    {
        private readonly PowerShellFixture ps;

        public MeetingAgendaTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>
        /// Meetings every 14 days from 2026-01-08 16:00 UTC (the embedded default): the one of 2026-03-05 follows the one
        /// of 2026-02-19 and precedes the one of 2026-03-19.
        /// </summary>
        private string NewState(TempFolder temp, Dictionary<string, object> vars)
        {
            string state = temp.Combine("state");
            vars["state"] = state;
            ps.Run("Initialize-SecurityState -Path $state -NoGit | Out-Null", vars).AssertNoErrors();
            StateScope.WritePolicy(state, StateScope.FullProcessPolicy);

            // An unanswered report from 2026-02-25 (its acknowledgement is overdue), a case in fixing whose embargo ends
            // on 2026-03-12, and a rejected one (closed: not on the agenda).
            ps.At("2026-02-25T09:00:00Z", "New-VulnerabilityReport 'Crash in the config parser' -Component example/runtime -StatePath $state -Confirm:$false | Out-Null", vars).AssertNoErrors();
            string embargoed = EmbargoTestState.NewCase(ps, state, "2026-03-12T14:00:00Z");
            Assert.Equal("SEC-2026-0002", embargoed);
            ps.At("2026-03-01T10:00:00Z", "$r = New-VulnerabilityReport 'Not a bug' -Component example/runtime -StatePath $state -Confirm:$false\n" +
                  "Set-VulnerabilityReport $r.Id -Status triaged -Resolution rejected -Reason 'Works as documented.' -StatePath $state -Confirm:$false | Out-Null", vars).AssertNoErrors();

            // CVEs: before the previous meeting, since it (one affected, one package-less, one under its own embargo),
            // and one after this meeting's start.
            void Add(string at, string args) => ps.At(at, $"Add-CveRecord {args} -StatePath $state -Confirm:$false | Out-Null", vars).AssertNoErrors();
            Add("2026-02-10T08:00:00Z", "-CveId CVE-2026-1002 -Package dev-libs/expat -Source manual");
            Add("2026-02-20T08:00:00Z", "-CveId CVE-2026-1001 -Package dev-libs/openssl -Source manual");
            Add("2026-02-21T08:00:00Z", "-CveId CVE-2026-1005 -Package app-misc/screen -Source manual");
            Add("2026-03-01T08:00:00Z", "-CveId CVE-2026-1004 -Source oss-security");
            Add("2026-03-06T08:00:00Z", "-CveId CVE-2026-1003 -Package sys-libs/zlib -Source manual");
            ps.At("2026-02-21T09:00:00Z", "Set-CveRecord -CveId CVE-2026-1005 -EmbargoedUntil '2026-03-10T12:00:00Z' -StatePath $state -Confirm:$false | Out-Null", vars).AssertNoErrors();
            var database = new CveDatabase(new StateRepository(state));
            CveRecord affected = database.Get("CVE-2026-1001");
            affected.Relevance = new CveRelevance { State = CveRelevance.Affected, Reason = "stable ships 3.0.13" };
            database.Save(affected);
            return state;
        }

        [Fact]
        public void TheAgendaHasTheOpenCasesNewCvesEndingEmbargoesRemindersAndRotation()
        {
            using var temp = new TempFolder();
            var vars = new Dictionary<string, object>();
            string state = NewState(temp, vars);

            var run = ps.At("2026-03-03T10:00:00Z", "Get-SecurityMeetingAgenda -StatePath $state -Verbose", vars).AssertNoErrors();
            SecurityMeetingAgenda agenda = run.Objects<SecurityMeetingAgenda>().Single();
            Assert.Equal(DateTimeOffset.Parse("2026-03-05T16:00:00Z"), agenda.Meeting.Start);
            Assert.Equal(DateTimeOffset.Parse("2026-02-19T16:00:00Z"), agenda.Since);
            Assert.Equal(DateTimeOffset.Parse("2026-03-19T16:00:00Z"), agenda.Until);

            Assert.Equal(new[] { "SEC-2026-0001", "SEC-2026-0002" }, agenda.OpenCases.Select(c => c.Id));
            AgendaCase unanswered = agenda.OpenCases[0];
            Assert.Equal(("Crash in the config parser", "received", "Overdue"), (unanswered.Summary, unanswered.Status, unanswered.Clock));
            Assert.Equal("Acknowledge the report", unanswered.NextMilestone); // the earliest of the overdue ones
            Assert.Equal(new[] { "Acknowledge the report", "Form the fix team", "Develop the fix" }, unanswered.Overdue);
            Assert.True(unanswered.NextDue < agenda.Meeting.Start);
            AgendaCase fixing = agenda.OpenCases[1];
            Assert.True(fixing.Embargoed);
            Assert.Equal(("fixing", "CRITICAL"), (fixing.Status, fixing.Severity));
            Assert.Equal(DateTimeOffset.Parse("2026-03-12T14:00:00Z"), fixing.PlannedPublicDate);
            // Its distributor notice is due 7 days before the public date, 2026-03-05 14:00, so it is late by the meeting.
            Assert.Equal(("Notify the distributors (embargoed)", "Overdue", DateTimeOffset.Parse("2026-03-05T14:00:00Z")), (fixing.NextMilestone, fixing.Clock, fixing.NextDue));

            // Affected first, then unknown; not the CVE from before the previous meeting nor the one after this one's start.
            Assert.Equal(new[] { "CVE-2026-1001", "CVE-2026-1004", "CVE-2026-1005" }, agenda.NewCves.Select(v => v.CveId));
            Assert.Equal(new[] { "affected", "unknown", "unknown" }, agenda.NewCves.Select(v => v.Relevance));
            Assert.Equal(new[] { "dev-libs/openssl", null, "app-misc/screen" }, agenda.NewCves.Select(v => v.Package));
            Assert.All(agenda.NewCves, v => Assert.Equal("new", v.Status));

            Assert.Equal(new[] { "CVE-2026-1005", "SEC-2026-0002" }, agenda.EmbargoesEnding.Select(e => e.Id));
            Assert.Equal(new[] { DateTimeOffset.Parse("2026-03-10T12:00:00Z"), DateTimeOffset.Parse("2026-03-12T14:00:00Z") }, agenda.EmbargoesEnding.Select(e => e.Ends));
            Assert.Contains("CVE-2026-1234", agenda.EmbargoesEnding[1].What);

            ReminderItem triage = Assert.Single(agenda.Reminders);
            Assert.Equal(("cve-triage", "CVE-2026-1004"), (triage.Category, triage.Subject));

            Assert.Equal(4, agenda.Rotation.Count);
            Assert.Equal(("2026-W10", new DateTime(2026, 3, 2), "carol", "alice"), (agenda.Rotation[0].IsoWeek, agenda.Rotation[0].WeekStart, agenda.Rotation[0].Primary, agenda.Rotation[0].Secondary));
            Assert.Equal("2026-W11", agenda.Rotation[1].IsoWeek);

            string md = agenda.Markdown;
            Assert.Contains("## Security team meeting, 2026-03-05 16:00 UTC", md);
            Assert.Contains("### Open cases (2)", md);
            Assert.Contains("| SEC-2026-0001 | Crash in the config parser | received | - | Acknowledge the report (Overdue); 3 overdue |", md);
            Assert.Contains("2026-03-12 14:00 UTC (embargoed)", md);
            Assert.Contains("### New CVEs since the previous meeting (3)", md);
            Assert.Contains("affected: 1, unknown: 2", md);
            Assert.Contains("| CVE-2026-1001 | dev-libs/openssl | affected | new | - |", md);
            Assert.Contains("| CVE-2026-1005: CVE record under embargo (app-misc/screen) | 2026-03-10 12:00 UTC |", md);
            Assert.Contains("| 2026-W10 | 2026-03-02 | carol | alice |", md);
            Assert.DoesNotContain("CVE-2026-1002", md);
            Assert.DoesNotContain("CVE-2026-1003", md);
            Assert.DoesNotContain("Not a bug", md);

            // -AsMarkdown and a given day: the meeting of 2026-03-19 (no case CVE since 03-05 but CVE-2026-1003).
            string later = (string)ps.At("2026-03-03T10:00:00Z", "Get-SecurityMeetingAgenda -Meeting 2026-03-19 -AsMarkdown -StatePath $state", vars).AssertNoErrors().Output.Single().BaseObject;
            Assert.Contains("## Security team meeting, 2026-03-19 16:00 UTC", later);
            Assert.Contains("| CVE-2026-1003 | sys-libs/zlib |", later);
            Assert.DoesNotContain("| CVE-2026-1001 |", later);
        }

        [Fact]
        public void TheCalendarCarriesTheNextMeetingsAgendaOnlyWhenAsked()
        {
            using var temp = new TempFolder();
            var vars = new Dictionary<string, object>();
            string state = NewState(temp, vars);
            vars["plain"] = temp.Combine("team.ics");
            vars["private"] = temp.Combine("team-private.ics");

            ps.At("2026-03-03T10:00:00Z", "Export-SecurityCalendar -Path $plain -Weeks 0 -Meetings 2 -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.DoesNotContain("SEC-2026-0002", File.ReadAllText((string)vars["plain"]));

            var run = ps.At("2026-03-03T10:00:00Z", "Export-SecurityCalendar -Path $private -Weeks 0 -Meetings 2 -IncludeAgenda -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Contains(run.Warnings, w => w.Contains("embargoed detail"));
            string ics = File.ReadAllText((string)vars["private"]).Replace("\r\n ", string.Empty);
            var events = ics.Split("BEGIN:VEVENT").Skip(1).ToList();
            Assert.Equal(2, events.Count);
            Assert.Contains("DESCRIPTION:## Security team meeting\\, 2026-03-05 16:00 UTC", events[0]);
            Assert.Contains("SEC-2026-0002", events[0]);
            Assert.DoesNotContain("DESCRIPTION", events[1]);
        }
    }
}
