using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Register-EmbargoLeak and Send-TeamReminder tell the people the rotation in roster.yaml puts on duty.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class OnDutyTests : IClassFixture<MessagingKeys>
    {
        private const string Roster = @"schemaVersion: 1
start: 2026-03-02T00:00:00Z
members:
  - { handle: dana, name: Dana, email: dana@team.example }
  - { handle: erik, name: Erik, email: erik@team.example }
  - { handle: fay, name: Fay, email: fay@team.example }
order: [dana, erik, fay]
overrides:
  - { id: absence-erik-2026-03-09, absent: erik, from: 2026-03-09, to: 2026-03-15, reason: holiday }
";

        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public OnDutyTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        [Fact]
        public void TheLeakReportAndTheReminderGoToTheRotationsPrimaryAndSecondaryAtTheClocksTime()
        {
            using var temp = new TempFolder();
            using var smtp = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            string state = EmbargoTestState.NewState(ps, temp, smtp, 4, MessagingKeys.Member("a-rsa", keys.Rsa));
            File.WriteAllText(Path.Combine(state, "roster.yaml"), Roster);
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace("  primary:\n", "  primary: configured@example.org\n"));
            string id = EmbargoTestState.NewCase(ps, state, "2026-03-20T14:00:00Z");
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id };

            // Week 1 (from 2026-03-09): erik would be Primary but is away, so the next in turn takes it.
            var rotation = ps.At("2026-03-10T09:00:00Z", "Get-Rotation -StatePath $state", vars).AssertNoErrors().Objects<RotationSlot>().Single();
            Assert.Equal("erik", rotation.ScheduledPrimary);
            Assert.NotEqual("erik", rotation.Primary);
            Assert.NotEqual("erik", rotation.Secondary);

            var leak = ps.At("2026-03-10T10:00:00Z", EmbargoTestState.Credential + "Register-EmbargoLeak -Id $id -Member a-rsa -What 'the date' -ToWhom 'a customer' -When '2026-03-10T08:00:00Z' -Prevention 'training' -SmtpCredential $cred -StatePath $state -Confirm:$false -Verbose", vars);
            leak.AssertNoErrors();
            Assert.Empty(leak.Warnings);
            EmbargoLeakResult result = leak.Objects<EmbargoLeakResult>().Single();
            Assert.Equal(rotation.Primary, result.Primary);
            Assert.Equal(rotation.Secondary, result.Secondary);
            Assert.Equal(rotation.PrimaryEmail, result.Report.To);
            Assert.Contains(leak.Verbose, v => v.Contains("on-duty Primary " + rotation.Primary) && v.Contains("rotation, week of 2026-03-09"));

            // The leak report itself is mailed to the rotation's Primary and Secondary (not to reminders.primary).
            Assert.Equal(new[] { rotation.PrimaryEmail, rotation.SecondaryEmail }.OrderBy(a => a), smtp.Received().SelectMany(m => m.EnvelopeTo).OrderBy(a => a));
            Assert.Equal(new[] { "mail:" + rotation.PrimaryEmail, "mail:" + rotation.SecondaryEmail }.OrderBy(a => a), result.Delivered.OrderBy(a => a));
            int leakMails = smtp.Received().Count;

            var reminder = ps.At("2026-03-10T11:00:00Z", EmbargoTestState.Credential + "Send-TeamReminder -Always -SmtpCredential $cred -StatePath $state -Confirm:$false", vars);
            Assert.Empty(reminder.Errors);
            TeamReminder told = reminder.Objects<TeamReminder>().Single();
            Assert.Equal(rotation.Primary, told.Primary);
            Assert.Equal(rotation.Secondary, told.Secondary);
            Assert.Equal(new[] { rotation.PrimaryEmail, rotation.SecondaryEmail }.OrderBy(a => a), smtp.Received().Skip(leakMails).SelectMany(m => m.EnvelopeTo).OrderBy(a => a));
            Assert.DoesNotContain(smtp.Received(), m => m.EnvelopeTo.Contains("configured@example.org"));

            // Two weeks later the turn has moved on: week 3 is dana's, with erik (back) as Secondary.
            var later = ps.At("2026-03-24T11:00:00Z", "Send-TeamReminder -StatePath $state -WhatIf", vars).Objects<TeamReminder>().Single();
            Assert.Equal("dana", later.Primary);
            Assert.Equal("erik", later.Secondary);

            // A parameter wins; a roster handle given as a parameter still gets its mail.
            int before = smtp.Received().Count;
            ps.At("2026-03-24T11:00:00Z", EmbargoTestState.Credential + "Send-TeamReminder -Always -Primary fay -Secondary oncall@elsewhere.example -SmtpCredential $cred -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal(new[] { "fay@team.example", "oncall@elsewhere.example" }, smtp.Received().Skip(before).SelectMany(m => m.EnvelopeTo).OrderBy(a => a));
        }

        [Fact]
        public void WithoutAUsableRotationTheConfigNamesThePrimaryAndABrokenRosterIsAWarning()
        {
            using var temp = new TempFolder();
            string state = EmbargoTestState.NewState(ps, temp, null, 4, MessagingKeys.Member("a-rsa", keys.Rsa));
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config).Replace("  primary:\n", "  primary: configured@example.org\n"));
            var vars = new Dictionary<string, object> { ["state"] = state };

            // Before the rotation's start there is no duty week.
            File.WriteAllText(Path.Combine(state, "roster.yaml"), Roster);
            var early = ps.At("2026-02-20T10:00:00Z", "Send-TeamReminder -StatePath $state -WhatIf -Verbose", vars);
            Assert.Equal("configured@example.org", early.Objects<TeamReminder>().Single().Primary);
            Assert.Contains(early.Verbose, v => v.Contains("No rotation week is available"));

            // A roster that does not validate: a warning that names the problem, and the command still works.
            File.WriteAllText(Path.Combine(state, "roster.yaml"), Roster.Replace("order: [dana, erik, fay]", "order: [dana, nobody]"));
            var broken = ps.At("2026-03-10T10:00:00Z", "Send-TeamReminder -StatePath $state -WhatIf", vars);
            Assert.Empty(broken.Errors);
            Assert.Contains(broken.Warnings, w => w.Contains("rotation could not be read") && w.Contains("nobody"));
            Assert.Equal("configured@example.org", broken.Objects<TeamReminder>().Single().Primary);

            File.Delete(Path.Combine(state, "roster.yaml"));
            Assert.Equal("configured@example.org", ps.At("2026-03-10T10:00:00Z", "Send-TeamReminder -StatePath $state -WhatIf", vars).Objects<TeamReminder>().Single().Primary);
        }
    }
}
