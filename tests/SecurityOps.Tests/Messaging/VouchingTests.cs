using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>
    /// A vouch is made by a named person of an active member (found by name, address or "Name of Organisation") and
    /// counts once that person confirmed it (Confirm-MembershipVouch): through the real cmdlets, on real state files.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class VouchingTests : IClassFixture<MessagingKeys>
    {
        private const string Approve = "SecurityOps.Commands.ApproveMembershipRequestCommand";
        private const string Confirm = "SecurityOps.Commands.ConfirmMembershipVouchCommand";

        /// <summary>KubeEdge's criteria, every one answered; the vouch is what the tests vary.</summary>
        private const string Answers = "-Criteria kubeedge -Answer @{ 'security-alias' = 'security@kubeco.example'; 'user-base' = 'Thousands of users.'; 'track-record' = 'Our advisories page.'; " +
            "'not-downstream' = 'We build from source.'; 'community-participant' = 'We maintain two SIGs.'; 'accept-embargo' = 'We accept.'; 'contribute-back' = 'Yes.'; vouched = 'See -VouchedBy.' }";

        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public VouchingTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        private string NewState(TempFolder temp, params DistributorMember[] members)
        {
            string state = temp.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{state}' -Confirm:$false").AssertNoErrors();
            new StateRepository(state).Write(DistributorStore.FileName, new DistributorList { Members = members.ToList() });
            return state;
        }

        /// <summary>Example Linux (Jane Doe, John Roe), Other OS (another Jane Doe), Old Distro (suspended; Sam Poe).</summary>
        private DistributorMember[] Members()
        {
            var example = MessagingKeys.Member("example-linux", keys.Rsa, people: "Jane Doe <jane@example-linux.org> (security lead); John Roe <john@example-linux.org>");
            example.Organisation = "Example Linux";
            var other = MessagingKeys.Member("other-os", keys.Rsa, "security@other-os.example", people: "Jane Doe <jane@other-os.example>");
            other.Organisation = "Other OS";
            var old = MessagingKeys.Member("old-distro", keys.Rsa, "security@old-distro.example", people: "Sam Poe <sam@old-distro.example>");
            old.Organisation = "Old Distro";
            old.Status = "suspended";
            return new[] { example, other, old };
        }

        [Fact]
        public void AVouchByANamedPersonOfAnActiveMemberIsConfirmedByThatPersonThenApproved()
        {
            using var temp = new TempFolder();
            string state = NewState(temp, Members());
            string mail = DistributorCommandTests.OciRequestMail(keys.Curve.PublicKey)
                .Replace("CrashOverride will vouch for Acidburn", "Jane Doe of Example Linux will vouch for Acidburn");
            var vars = new Dictionary<string, object> { ["state"] = state, ["mail"] = mail, ["key"] = keys.Curve.PublicKey };

            // From the mail: "Jane Doe of Example Linux" is Example Linux's Jane Doe, not Other OS's.
            var request = ps.Run("New-MembershipRequest -MailText $mail -Id seven -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipRequest>().Single();
            Assert.Equal("example-linux", request.VouchedBy);
            Assert.Equal("Jane Doe", request.VouchedByPerson);
            Assert.Equal("jane@example-linux.org", request.VouchedByEmail);
            Assert.StartsWith("Jane Doe of Example Linux will vouch", request.Vouch);

            // By address, and by name where the name is one person's only.
            var byMail = ps.Run("New-MembershipRequest -Id kube1 -Organisation KubeCo -SecurityAlias security@kubeco.example -VouchedBy 'jane@other-os.example' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<MembershipRequest>().Single();
            Assert.Equal(("other-os", "Jane Doe"), (byMail.VouchedBy, byMail.VouchedByPerson));
            var byName = ps.Run("New-MembershipRequest -Id kube2 -Organisation KubeCo2 -SecurityAlias security@kubeco2.example -VouchedBy 'john roe' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<MembershipRequest>().Single();
            Assert.Equal(("example-linux", "John Roe"), (byName.VouchedBy, byName.VouchedByPerson));
            // "Jane Doe" alone is two people: recorded, with a warning, and Test-MembershipRequest says so.
            var ambiguous = ps.Run("New-MembershipRequest -Id kube3 -Organisation KubeCo3 -SecurityAlias security@kubeco3.example -VouchedBy 'Jane Doe' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars);
            Assert.Empty(ambiguous.Errors);
            Assert.Null(ambiguous.Objects<MembershipRequest>().Single().VouchedBy);
            Assert.Contains(ambiguous.Warnings, w => w.Contains("more than one person") && w.Contains("jane@example-linux.org") && w.Contains("jane@other-os.example"));

            // Named, not confirmed: the vouch does not count yet, and the detail says who must confirm.
            var checks = ps.Run("Test-MembershipRequest seven -StatePath $state", vars).AssertNoErrors().Objects<MembershipCheckResult>().ToList();
            MembershipCheckResult named = checks.Single(c => c.Check == "VouchedByActiveMember");
            Assert.True(named.Passed, named.Detail);
            Assert.Contains("Jane Doe <jane@example-linux.org> of example-linux (Example Linux)", named.Detail);
            Assert.Equal(new[] { "VouchConfirmed" }, checks.Where(c => !c.Passed).Select(c => c.Check));

            // Someone else cannot confirm: not John Roe of the same member, not the other Jane Doe. Nothing is recorded.
            string file = Path.Combine(state, "membership", "seven.yaml");
            string before = File.ReadAllText(file);
            foreach (string who in new[] { "john@example-linux.org", "Jane Doe <jane@other-os.example>", "Crash Override" })
            {
                vars["who"] = who;
                var refused = ps.Run("Confirm-MembershipVouch -Request seven -By $who -StatePath $state -Confirm:$false", vars);
                Assert.Equal(new[] { "VouchConfirmerMismatch," + Confirm }, refused.ErrorIds);
                Assert.Equal("seven", refused.Errors.Single().TargetObject);
                Assert.Contains("Jane Doe <jane@example-linux.org> of example-linux", refused.Errors.Single().ToString());
            }

            ps.Run("Confirm-MembershipVouch seven 'Jane Doe' -StatePath $state -WhatIf", vars).AssertNoErrors();
            Assert.Equal(before, File.ReadAllText(file));

            // Jane Doe confirms (by property name, from a reply collected elsewhere).
            var confirmed = ps.At("2026-03-02T10:00:00Z", "[pscustomobject]@{ RequestId = 'seven'; By = 'JANE@example-linux.org' } | Confirm-MembershipVouch -StatePath $state -Confirm:$false", vars)
                .AssertNoErrors().Objects<MembershipRequest>().Single();
            Assert.Equal("Jane Doe <jane@example-linux.org>", confirmed.VouchConfirmedBy);
            Assert.Equal("example-linux", confirmed.VouchConfirmedMember);
            Assert.Equal(DateTimeOffset.Parse("2026-03-02T10:00:00Z"), confirmed.VouchConfirmed);
            Assert.Contains("vouchConfirmedBy: Jane Doe <jane@example-linux.org>", File.ReadAllText(file));

            checks = ps.Run("Test-MembershipRequest seven -StatePath $state", vars).AssertNoErrors().Objects<MembershipCheckResult>().ToList();
            Assert.All(checks, c => Assert.True(c.Passed, c.Check + " " + c.Criterion + ": " + c.Detail));
            Assert.Contains("Confirmed by Jane Doe <jane@example-linux.org> of example-linux on 2026-03-02", checks.Single(c => c.Check == "VouchConfirmed").Detail);

            var decision = ps.At("2026-03-02T11:00:00Z", "Approve-MembershipRequest seven -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Equal("approved", decision.Decision);
            Assert.Null(decision.Reason);
            var member = ps.Run("Get-DistributorMember seven -StatePath $state", vars).AssertNoErrors().Objects<DistributorMember>().Single();
            Assert.Equal("example-linux", member.VouchedBy);
            Assert.Equal("Jane Doe <jane@example-linux.org>", member.VouchedByPerson);
            Assert.Equal(DateTimeOffset.Parse("2026-03-02T10:00:00Z"), member.VouchConfirmed);
        }

        [Fact]
        public void AVouchNamingNoPersonOfAnActiveMemberFailsWithTheNamesTried()
        {
            using var temp = new TempFolder();
            string state = NewState(temp, Members());
            var vars = new Dictionary<string, object> { ["state"] = state, ["key"] = keys.Curve.PublicKey };

            var nowhere = ps.Run("New-MembershipRequest -Id nowhere -Organisation Nowhere -SecurityAlias security@nowhere.example -VouchedBy 'Jane Roe of Nowhere Linux' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars);
            Assert.Empty(nowhere.Errors);
            Assert.Contains(nowhere.Warnings, w => w.Contains("'Jane Roe'"));
            Assert.Null(nowhere.Objects<MembershipRequest>().Single().VouchedBy);
            ps.Run("New-MembershipRequest -Id suspended -Organisation Susp -SecurityAlias security@susp.example -VouchedBy 'Sam Poe' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            ps.Run("New-MembershipRequest -Id bob -Organisation Bob -SecurityAlias security@bob.example -VouchedBy 'Bob of Example Linux' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            ps.Run("New-MembershipRequest -Id memberonly -Organisation MemberOnly -SecurityAlias security@memberonly.example -VouchedBy 'other-os' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars).AssertNoErrors();

            string Detail(string id) => ps.Run($"Test-MembershipRequest {id} -StatePath $state", vars).AssertNoErrors()
                .Objects<MembershipCheckResult>().Single(c => c.Check == "VouchedByActiveMember" && !c.Passed).Detail;

            string d = Detail("nowhere");
            Assert.Contains("No person of an active member is named in 'Jane Roe of Nowhere Linux'", d);
            Assert.Contains("tried the person 'Jane Roe', the member 'Nowhere Linux'", d);
            Assert.Contains("On the list: no person of an active member has that name or address (2 active member(s), 3 person(s) on record)", d);

            d = Detail("suspended");
            Assert.Contains("Sam Poe <sam@old-distro.example> is a person of old-distro, which is suspended, not active", d);

            d = Detail("bob");
            Assert.Contains("the person 'Bob'", d);
            Assert.Contains("example-linux is an active member, but no person of it is named: its people are Jane Doe <jane@example-linux.org>, John Roe <john@example-linux.org>", d);

            d = Detail("memberonly");
            Assert.Contains("the member other-os (Other OS)", d);
            Assert.Contains("its people are Jane Doe <jane@other-os.example>", d);

            // Nothing to confirm, and approval lists both vouch checks.
            var confirm = ps.Run("Confirm-MembershipVouch nowhere -By 'Jane Roe' -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "VouchNotResolved," + Confirm }, confirm.ErrorIds);
            Assert.Contains("'Jane Roe'", confirm.Errors.Single().ToString());
            var approve = ps.Run("Approve-MembershipRequest nowhere -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "MembershipChecksFailed," + Approve }, approve.ErrorIds);
            Assert.Contains("VouchedByActiveMember (vouched); VouchConfirmed (vouched)", approve.Errors.Single().ToString());
        }

        [Fact]
        public void AnApprovalWithAnUnconfirmedVouchIsRefusedUnlessForced()
        {
            using var temp = new TempFolder();
            string state = NewState(temp, Members());
            var vars = new Dictionary<string, object> { ["state"] = state, ["key"] = keys.Curve.PublicKey };
            ps.Run("New-MembershipRequest -Id kube -Organisation KubeCo -SecurityAlias security@kubeco.example -VouchedBy 'Jane Doe of Example Linux' -PublicKey $key " + Answers + " -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            string list = File.ReadAllText(Path.Combine(state, "distributors.yaml"));

            var refused = ps.Run("Approve-MembershipRequest kube -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "MembershipChecksFailed," + Approve }, refused.ErrorIds);
            string message = refused.Errors.Single().ToString();
            Assert.Contains("fails 1 check(s): VouchConfirmed (vouched)", message);
            Assert.Contains("Confirm-MembershipVouch", message);
            Assert.Equal(list, File.ReadAllText(Path.Combine(state, "distributors.yaml")));
            Assert.Contains("status: pending", File.ReadAllText(Path.Combine(state, "membership", "kube.yaml")));

            // -Force approves despite it, as for every non-key check, and says so; the member records no confirmed vouch.
            var forced = ps.Run("Approve-MembershipRequest kube -Force -StatePath $state -Confirm:$false", vars).AssertNoErrors().Objects<MembershipDecision>().Single();
            Assert.Equal("approved with -Force despite: VouchConfirmed", forced.Reason);
            var member = ps.Run("Get-DistributorMember kube -StatePath $state", vars).AssertNoErrors().Objects<DistributorMember>().Single();
            Assert.Equal("example-linux", member.VouchedBy);
            Assert.Null(member.VouchedByPerson);
            Assert.Null(member.VouchConfirmed);
        }
    }
}
