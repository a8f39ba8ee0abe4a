using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>
    /// Import-DistributorList: a list a project already keeps (CSV, markdown table, YAML) becomes distributors.yaml's
    /// members, keys checked, bad rows reported with their file and line and nothing half-written.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class DistributorImportTests : IClassFixture<MessagingKeys>
    {
        private const string Cmd = "SecurityOps.Commands.ImportDistributorListCommand";
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public DistributorImportTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        /// <summary>A fresh state: no distributors.yaml, no member, as a project adopting the module starts.</summary>
        private string NewState(TempFolder temp)
        {
            string state = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{state}' -Confirm:$false").AssertNoErrors();
            return state;
        }

        private static string ListText(string state)
        {
            string file = Path.Combine(state, "distributors.yaml");
            return File.Exists(file) ? File.ReadAllText(file) : null;
        }

        private static int LineOf(string text, string needle) =>
            text.Replace("\r\n", "\n").Substring(0, text.IndexOf(needle, StringComparison.Ordinal)).Count(c => c == '\n') + 1;

        [Fact]
        public void ACsvListIsImportedAsTheFirstMembersWithoutForceAndWhatIfWritesNothing()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            Directory.CreateDirectory(temp.Combine("list", "keys"));
            File.WriteAllText(temp.Combine("list", "keys", "kubeos.asc"), keys.Curve.PublicKey);
            string csv = "organisation,alias,people,fingerprint,key\n" +
                         $"Example Linux,security@example-linux.org,\"Jane Doe <jane@example-linux.org> (security lead); John Roe <john@example-linux.org>\",{keys.Rsa.Fingerprint},\"{keys.Rsa.PublicKey.Trim()}\"\n" +
                         "KubeOS,psirt@kubeos.example,Ann Lee <ann@kubeos.example>,,keys/kubeos.asc\n" +
                         "\"No Key, Inc.\",security@nokey.example,,,\n";
            string path = temp.Combine("list", "distributors.csv");
            File.WriteAllText(path, csv);
            var vars = new Dictionary<string, object> { ["state"] = state, ["path"] = path };
            string before = ListText(state);

            // -WhatIf: one line per member, nothing written.
            var whatIf = ps.Run("Import-DistributorList $path -StatePath $state -WhatIf", vars).AssertNoErrors();
            Assert.Empty(whatIf.Output);
            Assert.Equal(before, ListText(state));

            // The first members need no -Force: a list with no members is where a project starts.
            var imported = ps.At("2026-03-02T10:00:00Z", "Import-DistributorList -Path $path -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var members = imported.Objects<DistributorMember>().ToList();
            Assert.Equal(new[] { "example-linux", "kubeos", "no-key-inc" }, members.Select(m => m.Id));
            Assert.All(members, m => Assert.Equal("active", m.Status));
            Assert.All(members, m => Assert.Equal(DateTimeOffset.Parse("2026-03-02T10:00:00Z"), m.Joined));
            string warning = Assert.Single(imported.Warnings);
            Assert.Contains($"{path}:{LineOf(csv, "\"No Key")}: 'no-key-inc' has no OpenPGP key", warning);
            Assert.True(LineOf(csv, "\"No Key") > 10); // the armored key in a quoted cell spans lines
            Assert.Contains("Update-DistributorKey", warning);

            var stored = ps.Run("Get-DistributorMember -StatePath $state", vars).AssertNoErrors().Objects<DistributorMember>().ToDictionary(m => m.Id);
            Assert.Equal(3, stored.Count);
            DistributorMember example = stored["example-linux"];
            Assert.Equal("Example Linux", example.Organisation);
            Assert.Equal("security@example-linux.org", example.SecurityAlias);
            Assert.Equal(keys.Rsa.Fingerprint, example.Fingerprint);
            Assert.Equal(new[] { "Jane Doe <jane@example-linux.org> (security lead)", "John Roe <john@example-linux.org>" }, example.People.Select(p => p.ToString()));
            Assert.Equal(keys.Curve.Fingerprint, stored["kubeos"].Fingerprint); // read from the key file beside the list
            Assert.Equal("No Key, Inc.", stored["no-key-inc"].Organisation);
            Assert.Null(stored["no-key-inc"].PublicKey);
            Assert.Contains("people:", ListText(state));
            Assert.Contains("NoUsableKey", ps.Run("Test-DistributorList -StatePath $state", vars).AssertNoErrors()
                .Objects<DistributorHealthFinding>().Where(f => f.MemberId == "no-key-inc").Select(f => f.Finding));

            // The imported people can vouch at once.
            vars["key"] = keys.Curve.PublicKey;
            var request = ps.Run("New-MembershipRequest -Id newco -Organisation NewCo -SecurityAlias security@newco.example -VouchedBy 'ann@kubeos.example' -PublicKey $key -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<MembershipRequest>().Single();
            Assert.Equal(("kubeos", "Ann Lee"), (request.VouchedBy, request.VouchedByPerson));

            // Importing the same file again: every row is a duplicate, named by file and line; nothing changes.
            string after = ListText(state);
            var again = ps.Run("Import-DistributorList $path -StatePath $state -Confirm:$false", vars);
            Assert.Equal(Enumerable.Repeat("DistributorImportDuplicate," + Cmd, 3), again.ErrorIds);
            Assert.Equal(new object[] { $"{path}:2", $"{path}:{LineOf(csv, "KubeOS")}", $"{path}:{LineOf(csv, "\"No Key")}" }, again.Errors.Select(e => e.TargetObject));
            Assert.Contains("'example-linux' is already on the distributors list", again.Errors[0].ToString());
            Assert.Equal(after, ListText(state));
        }

        [Fact]
        public void AMarkdownTableWithBadRowsAddsNoOneAndNamesEachRowsLine()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            File.WriteAllText(temp.Combine("rsa.asc"), keys.Rsa.PublicKey);
            File.WriteAllText(temp.Combine("curve.asc"), keys.Curve.PublicKey);
            File.WriteAllText(temp.Combine("expired.asc"), keys.Expired.PublicKey);
            string good = "| Example Linux | [security@example-linux.org](mailto:security@example-linux.org) | Jane Doe <jane@example-linux.org> (security lead) | `" + keys.Rsa.Fingerprint + "` | rsa.asc |\n";
            string table = "# Distributors\n\nThe vetted distributors of the project.\n\n" +
                           "| Organisation | Security alias | People | Fingerprint | Key file |\n" +
                           "|---|---|:---|---|---|\n" +
                           good +
                           "| Swapped OS | security@swapped.example | Sam Poe <sam@swapped.example> | " + keys.Rsa.Fingerprint + " | curve.asc |\n" +
                           "| Personal Distro | jane | Jane Roe | | |\n" +
                           "| Old Key Linux | security@oldkey.example | Bob <not an address> | | expired.asc |\n" +
                           "| Twice Linux | security@example-linux.org | | | |\n" +
                           "| Plain BSD | security@plainbsd.example | Kim Moe &lt;kim@plainbsd.example&gt; (maintainer) | | |\n";
            string path = temp.Combine("DISTRIBUTORS.md");
            File.WriteAllText(path, table);
            var vars = new Dictionary<string, object> { ["state"] = state, ["path"] = path };
            string before = ListText(state);

            var bad = ps.Run("Import-DistributorList $path -StatePath $state -Confirm:$false", vars);
            Assert.Empty(bad.Output);
            Assert.Equal(before, ListText(state)); // nothing half-written
            var errors = bad.Errors.ToDictionary(e => (string)e.TargetObject);
            Assert.Equal(4, errors.Count);
            string swapped = errors[$"{path}:{LineOf(table, "| Swapped OS")}"].ToString();
            Assert.Contains($"{path}:{LineOf(table, "| Swapped OS")}: the key's fingerprint is {keys.Curve.Fingerprint}, not the {keys.Rsa.Fingerprint} the list gives", swapped);
            string personal = errors[$"{path}:{LineOf(table, "| Personal")}"].ToString();
            Assert.Contains("the alias 'jane' is not a mail address", personal);
            string oldKey = errors[$"{path}:{LineOf(table, "| Old Key")}"].ToString();
            Assert.Contains("'not an address', which is not a mail address", oldKey);
            var twice = errors[$"{path}:{LineOf(table, "| Twice")}"];
            Assert.Equal("DistributorImportDuplicate," + Cmd, twice.FullyQualifiedErrorId);
            Assert.Contains($"the alias security@example-linux.org is also on line {LineOf(table, good)}", twice.ToString());
            Assert.All(errors.Values.Where(e => e != twice), e => Assert.Equal("DistributorImportRowInvalid," + Cmd, e.FullyQualifiedErrorId));
            Assert.Contains(bad.Warnings, w => w.Contains("nothing was written"));

            // The expired key alone: the key check of every notice refuses it too.
            File.WriteAllText(path, table.Replace("Bob <not an address>", "Bob <bob@oldkey.example>"));
            var expired = ps.Run("Import-DistributorList $path -StatePath $state -Confirm:$false", vars);
            Assert.Contains(expired.Errors, e => (string)e.TargetObject == $"{path}:{LineOf(table, "| Old Key")}" && e.ToString().Contains("PgpKeyExpired"));
            Assert.Equal(before, ListText(state));

            // The bad rows taken out: the rest is imported, markup taken off the cells.
            File.WriteAllText(path, string.Join("\n", table.Split('\n').Where(l => !l.StartsWith("| Swapped") && !l.StartsWith("| Personal") && !l.StartsWith("| Old Key") && !l.StartsWith("| Twice"))));
            var members = ps.Run("Import-DistributorList $path -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<DistributorMember>().ToList();
            Assert.Equal(new[] { "example-linux", "plain-bsd" }, members.Select(m => m.Id));
            Assert.Equal("security@example-linux.org", members[0].SecurityAlias);
            Assert.Equal(keys.Rsa.Fingerprint, members[0].Fingerprint);
            Assert.Equal("Kim Moe <kim@plainbsd.example> (maintainer)", members[1].People.Single().ToString());
        }

        [Fact]
        public void AYamlListOfMembersIsImportedAndABrokenOneIsAnErrorWithItsLine()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            // A distributors.yaml written before members had people still loads; the import adds to it.
            File.WriteAllText(Path.Combine(state, "distributors.yaml"), "schemaVersion: 2\nmembers:\n  - id: legacy\n    organisation: Legacy OS\n    securityAlias: security@legacy.example\n    vouchedBy: someone\n    status: active\n");
            string yaml = "# our list\n" +
                          "- organisation: Example Linux\n" +
                          "  securityAlias: security@example-linux.org\n" +
                          "  people:\n" +
                          "    - name: Jane Doe\n" +
                          "      email: jane@example-linux.org\n" +
                          "      role: security lead\n" +
                          "    - John Roe <john@example-linux.org>\n" +
                          $"  fingerprint: {keys.Curve.Fingerprint}\n" +
                          "  publicKey: |\n" + string.Join("\n", keys.Curve.PublicKey.Trim().Split('\n').Select(l => "    " + l)) + "\n" +
                          "- id: kos\n" +
                          "  organisation: KubeOS\n" +
                          "  alias: psirt@kubeos.example\n" +
                          "  people: Ann Lee <ann@kubeos.example>\n";
            string path = temp.Combine("distributors.yml");
            File.WriteAllText(path, yaml);
            var vars = new Dictionary<string, object> { ["state"] = state, ["path"] = path };

            var imported = ps.Run("Import-DistributorList $path -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var members = imported.Objects<DistributorMember>().ToList();
            Assert.Equal(new[] { "example-linux", "kos" }, members.Select(m => m.Id));
            Assert.Equal(keys.Curve.Fingerprint, members[0].Fingerprint);
            Assert.Equal(new[] { "Jane Doe <jane@example-linux.org> (security lead)", "John Roe <john@example-linux.org>" }, members[0].People.Select(p => p.ToString()));
            Assert.Contains(imported.Warnings, w => w.Contains($"{path}:{LineOf(yaml, "- id: kos")}: 'kos' has no OpenPGP key"));
            var all = ps.Run("Get-DistributorMember -StatePath $state", vars).AssertNoErrors().Objects<DistributorMember>().ToList();
            Assert.Equal(new[] { "legacy", "example-linux", "kos" }, all.Select(m => m.Id));
            Assert.Empty(all[0].People);
            Assert.Equal("someone", all[0].VouchedBy);

            File.WriteAllText(path, "- organisation: A\n  alias: [security@a.example\n");
            string before = ListText(state);
            var broken = ps.Run("Import-DistributorList $path -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "DistributorImportInvalid," + Cmd }, broken.ErrorIds);
            Assert.StartsWith(path + ":", (string)broken.Errors.Single().TargetObject);
            Assert.Equal(before, ListText(state));
        }
    }
}
