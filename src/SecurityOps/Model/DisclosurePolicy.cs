using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// A disclosure policy: the deadlines and rules a private report is handled under. Written as YAML (policy.yaml in
    /// the state repository, or one of the presets shipped with the module). Every section is optional: a missing
    /// section makes its milestone "not applicable". Hours and days are whole numbers, counted from the report's
    /// received time unless a field says otherwise. See Get-Help Get-DisclosurePolicy -Full for the field reference.
    /// </summary>
    public sealed class DisclosurePolicy : IVersionedDocument
    {
        /// <summary>schemaVersion: the file format version (1).</summary>
        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        /// <summary>name: a short identifier, letters, digits and dashes (kubernetes-style). Required.</summary>
        public string Name { get; set; }

        /// <summary>title: one line saying what the policy is.</summary>
        public string Title { get; set; }

        /// <summary>description: free text for people.</summary>
        public string Description { get; set; }

        /// <summary>sources: where the rules come from (links to the published policies).</summary>
        public List<string> Sources { get; set; } = new List<string>();

        /// <summary>acknowledge: the reporter hears back within this many hours.</summary>
        public HoursRule Acknowledge { get; set; }

        /// <summary>fixTeam: the fix team is formed within this many hours of the report.</summary>
        public HoursRule FixTeam { get; set; }

        /// <summary>fix: the fix is developed between minDays and maxDays after the report.</summary>
        public DaysRange Fix { get; set; }

        /// <summary>distributors: the embargoed notice to the distributors list.</summary>
        public DistributorRules Distributors { get; set; }

        /// <summary>release: when and how the fix is released.</summary>
        public ReleaseRules Release { get; set; }

        /// <summary>retrospective: held between minDays and maxDays after the release; publish: posted to the public channels when done.</summary>
        public RetrospectiveRule Retrospective { get; set; }

        /// <summary>lowSeverity: low-severity cases may go slower.</summary>
        public LowSeverityRule LowSeverity { get; set; }

        /// <summary>publicDisclosure: what changes when the issue is already public.</summary>
        public PublicDisclosureRule PublicDisclosure { get; set; }

        /// <summary>embargo: how long case details stay private.</summary>
        public EmbargoRule Embargo { get; set; }

        /// <summary>supportedVersions: which release lines get the fix.</summary>
        public SupportedVersionsRule SupportedVersions { get; set; }

        /// <summary>basis: where each rule comes from: the field, the rule in our words, and a few words of the published sentence to find it by.</summary>
        public List<PolicyBasis> Basis { get; set; } = new List<PolicyBasis>();

        /// <summary>Set when this is a retired preset: which preset to move to (not stored).</summary>
        [YamlDotNet.Serialization.YamlIgnore]
        public string RetiredMessage { get; set; }

        /// <summary>Where this policy was loaded from: "preset" or the file's path (not stored).</summary>
        public string Origin { get; set; }

        /// <summary>True when this is the policy new cases of the state get (not stored).</summary>
        public bool IsCurrent { get; set; }
        public bool IsPreset => Origin == "preset";

        public override string ToString() => Name;
    }

    /// <summary>Where one rule of a policy comes from (basis[] in the policy file).</summary>
    public sealed class PolicyBasis
    {
        /// <summary>field: the rule's dotted field (release.hourUtc).</summary>
        public string Field { get; set; }

        /// <summary>says: the rule in the module's words.</summary>
        public string Says { get; set; }

        /// <summary>anchor: a few words of the published sentence, to find it in the source.</summary>
        public string Anchor { get; set; }
    }

    /// <summary>One rule of a policy as Get-DisclosurePolicy -Rule shows it: the field, its value and where it comes from.</summary>
    public sealed class DisclosurePolicyRule
    {
        public string Policy { get; set; }

        public string Field { get; set; }

        public string Value { get; set; }

        /// <summary>The rule in the module's words.</summary>
        public string Says { get; set; }

        /// <summary>A few words of the published sentence the rule comes from.</summary>
        public string Anchor { get; set; }

        /// <summary>The published policy (the policy's first source).</summary>
        public string Source { get; set; }
    }

    public sealed class HoursRule
    {
        /// <summary>withinHours: the deadline, in hours after the report (at least 1).</summary>
        public int WithinHours { get; set; }
    }

    public class DaysRange
    {
        /// <summary>minDays: not before this many days (0 allowed).</summary>
        public int MinDays { get; set; }

        /// <summary>maxDays: at the latest this many days (at least minDays, at least 1).</summary>
        public int MaxDays { get; set; }
    }

    public sealed class DistributorRules
    {
        /// <summary>noticeDaysBeforePublic: the list is told at least this many days before the planned public date.</summary>
        public int NoticeDaysBeforePublic { get; set; }

        /// <summary>finalNoticeHoursBeforeRelease: and told again this many hours before the release (0: no second notice).</summary>
        public int FinalNoticeHoursBeforeRelease { get; set; }

        /// <summary>list: the distributors list's address.</summary>
        public string List { get; set; }

        /// <summary>requiresPgp: members must be able to handle PGP-encrypted mail.</summary>
        public bool RequiresPgp { get; set; }

        /// <summary>membershipCriteria: what a distribution must meet to join the list, in the published order.</summary>
        public List<MembershipCriterion> MembershipCriteria { get; set; } = new List<MembershipCriterion>();
    }

    public sealed class ReleaseRules
    {
        /// <summary>minDays: the release is not before this many days after the report (empty: no lower bound).</summary>
        public int? MinDays { get; set; }

        /// <summary>maxDays: the release is at the latest this many days after the report (empty: no deadline).</summary>
        public int? MaxDays { get; set; }

        /// <summary>hourUtc: the preferred release hour, 0-23 UTC.</summary>
        public int? HourUtc { get; set; }

        /// <summary>weekdays: the days a release may happen (Monday... Sunday). Empty: any day.</summary>
        public List<string> Weekdays { get; set; } = new List<string>();

        /// <summary>
        /// fixVersion: which version carries the fix: next-patch (0.8.0 -> 0.8.1), next-release (any later release,
        /// such as the next OS image), or patch-or-next-release (0.8.1, or the next minor 0.9.0). Empty: no rule.
        /// </summary>
        public string FixVersion { get; set; }

        /// <summary>artifact: what ships the fix: release (the default), or os-image (an updated OS image).</summary>
        public string Artifact { get; set; }

        /// <summary>expediteBySeverity: higher severity may be released earlier than planned.</summary>
        public bool ExpediteBySeverity { get; set; }

        /// <summary>bulletinInReleaseNotes: the security bulletin goes into the fixing release's notes.</summary>
        public bool BulletinInReleaseNotes { get; set; }

        /// <summary>listFixedCves: every release's notes list the CVEs it fixes.</summary>
        public bool ListFixedCves { get; set; }
    }

    public sealed class RetrospectiveRule : DaysRange
    {
        /// <summary>
        /// publish: the finished retrospective is posted to the public announcement channels (Stacklok: "send a
        /// retrospective of the process to the Discord server"), after the case's public date only
        /// (Publish-SecurityRetrospective). Default false: the retrospective stays in the private state.
        /// </summary>
        public bool Publish { get; set; }

        /// <summary>
        /// namesPeople: the published retrospective names the people involved who agreed to be named
        /// (Set-VulnerabilityReport -NamingConsent); everyone else stays anonymous. Default false: no one is named.
        /// </summary>
        public bool NamesPeople { get; set; }
    }

    public sealed class LowSeverityRule
    {
        /// <summary>cvssBelow: a case whose CVSS score is below this (4.0) is low severity.</summary>
        public double CvssBelow { get; set; } = 4.0;

        /// <summary>relaxes: the milestones (fix, release) whose deadline is not enforced for low severity.</summary>
        public List<string> Relaxes { get; set; } = new List<string>();
    }

    public sealed class PublicDisclosureRule
    {
        /// <summary>asap: when the issue is already public, every open milestone is due as soon as possible.</summary>
        public bool Asap { get; set; }

        /// <summary>asapWithinHours: "as soon as possible" means due this many hours after the case is flagged public (0: at once).</summary>
        public int AsapWithinHours { get; set; }
    }

    public sealed class EmbargoRule
    {
        /// <summary>
        /// untilPublicDate: nothing is shared beyond need-to-know until the agreed public date and time, even when the
        /// fix is released earlier (default true). false: the release ends the embargo (stamped on each new case).
        /// </summary>
        public bool UntilPublicDate { get; set; } = true;

        /// <summary>leakReportRequired: whoever leaks must tell the team what leaked to whom.</summary>
        public bool LeakReportRequired { get; set; }

        /// <summary>retrospectiveAfterLeak: a leak is followed by a retrospective.</summary>
        public bool RetrospectiveAfterLeak { get; set; }

        /// <summary>removeRepeatOffenders: members who leak again are removed from the list.</summary>
        public bool RemoveRepeatOffenders { get; set; }

        /// <summary>removalAfterOffenses: with removeRepeatOffenders, a member is flagged for removal at this many recorded leaks (2: "repeated").</summary>
        public int RemovalAfterOffenses { get; set; } = 2;
    }

    public sealed class SupportedVersionsRule
    {
        /// <summary>policy: latest (only the newest release line) or latest-minors (the newest `count` minor lines).</summary>
        public string Policy { get; set; } = "latest";

        /// <summary>count: how many minor lines latest-minors keeps (at least 1).</summary>
        public int Count { get; set; } = 1;
    }

    /// <summary>The outcome of checking a policy file (Test-DisclosurePolicy).</summary>
    public sealed class PolicyCheckResult
    {
        public string Path { get; set; }

        public string Name { get; set; }

        public bool IsValid => Problems.Count == 0;

        /// <summary>"file:line:column: field: problem" for each problem.</summary>
        public List<string> Problems { get; set; } = new List<string>();
    }
}
