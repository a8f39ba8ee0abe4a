using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Rotation
{
    /// <summary>A new state's roster is the example team until the real one is given, and says so; weeks are ISO weeks.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class TeamRosterTests
    {
        private const string At = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-12-03T10:00:00Z')\ntry {{\n{0}\n}} finally {{ [SecurityOps.ModuleContext]::UseSystemTime() }}";
        private readonly PowerShellFixture ps;

        public TeamRosterTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void TheExampleRosterWarnsAndTheWeekIsTheIsoWeekBesideTheRotationIndex()
        {
            using var state = new StateScope(ps, git: false);
            var result = state.Run(string.Format(At, "Get-Rotation -StatePath $state -Weeks 2")).AssertNoErrors();
            Assert.Contains(result.Warnings, w => w.Contains("example people") && w.Contains("Initialize-SecurityState -Member"));
            var slots = result.Objects<RotationSlot>().ToList();
            Assert.Equal(new[] { "2026-W49", "2026-W50" }, slots.Select(s => s.IsoWeek));
            Assert.Equal(47, slots[0].WeekNumber); // the example roster starts on 2026-01-05: 47 weeks before this one
            Assert.True(slots[0].ExampleRoster);

            // The table view shows both: the ISO week people and calendars use, and the rotation index.
            var view = System.Xml.Linq.XDocument.Load(System.IO.Path.Combine(RepoPaths.StagedModuleDir, "SecurityOps.Format.ps1xml")).Descendants("View")
                .Single(v => (string)v.Element("Name") == "SecurityOps.Model.RotationSlot");
            Assert.Equal(new[] { "Week", "Rotation" }, view.Descendants("Label").Select(l => l.Value).Take(2));
            Assert.Equal(new[] { "IsoWeek", "WeekNumber" }, view.Descendants("PropertyName").Select(p => p.Value).Take(2));
        }

        [Fact]
        public void InitializeWithTheRealTeamStartsTheRotationThisWeekAndNeverReplacesATeam()
        {
            using var folder = new TempFolder("team");
            var vars = new System.Collections.Generic.Dictionary<string, object> { ["p"] = folder.Combine("state") };
            ps.Run(string.Format(At, @"
Initialize-SecurityState -Path $p -NoGit -Confirm:$false -Member @(
    @{ Handle = 'tormath1'; Name = 'Mathieu'; Email = 'mathieu@flatcar.test'; TimeZone = 'Europe/Paris' }
    @{ Handle = 'jepio'; Name = 'Jeremi'; Email = 'jeremi@flatcar.test'; TimeZone = 'Europe/Warsaw' }
    @{ Handle = 'sayan'; Name = 'Sayan'; Email = 'sayan@flatcar.test'; TimeZone = 'Asia/Kolkata' }
) | Out-Null"), vars).AssertNoErrors();

            var result = ps.Run(string.Format(At, "Get-Rotation -StatePath $p -Weeks 2"), vars).AssertNoErrors();
            Assert.Empty(result.Warnings);
            var slots = result.Objects<RotationSlot>().ToList();
            Assert.Equal(("tormath1", "jepio", "2026-W49", 0), (slots[0].Primary, slots[0].Secondary, slots[0].IsoWeek, slots[0].WeekNumber));
            Assert.Equal(("jepio", "sayan"), (slots[1].Primary, slots[1].Secondary));
            Assert.False(slots[0].ExampleRoster);

            var again = ps.Run(string.Format(At, "Initialize-SecurityState -Path $p -NoGit -Confirm:$false -Member @{ Handle = 'x'; Name = 'X'; Email = 'x@flatcar.test'; TimeZone = 'UTC' }, @{ Handle = 'y'; Name = 'Y'; Email = 'y@flatcar.test'; TimeZone = 'UTC' }"), vars);
            var error = again.Errors.FirstOrDefault() ?? again.Terminating?.ErrorRecord;
            Assert.NotNull(error);
            Assert.StartsWith("RosterAlreadySet", error.FullyQualifiedErrorId);
            Assert.Equal("tormath1", ps.Run(string.Format(At, "(Get-Rotation -StatePath $p).Primary"), vars).AssertNoErrors().Output.Single().ToString());
        }
    }
}
