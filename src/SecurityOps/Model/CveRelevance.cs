using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace SecurityOps.Model
{
    /// <summary>
    /// Does a CVE touch what the project ships? affected (an inventory ships a vulnerable version), not-affected (not
    /// shipped, or the shipped versions are outside the vulnerable range) or unknown (no package named yet, no version
    /// data, a range type the module does not order). A person can overrule it (Set-CveRecord -Relevance), with a reason.
    /// </summary>
    public sealed class CveRelevance
    {
        public const string Affected = "affected";
        public const string NotAffected = "not-affected";
        public const string Unknown = "unknown";

        public static readonly string[] States = { Affected, NotAffected, Unknown };

        public string State { get; set; } = Unknown;

        /// <summary>Why, in one line (the shipped version, or what is missing).</summary>
        public string Reason { get; set; }

        /// <summary>Set by a person: the inventories no longer decide (until -Relevance is cleared).</summary>
        public bool Manual { get; set; }

        public string DecidedBy { get; set; }

        public DateTimeOffset? DecidedAt { get; set; }

        /// <summary>One finding per inventory and advisory package.</summary>
        public List<RelevanceFinding> Findings { get; set; } = new List<RelevanceFinding>();

        /// <summary>The same decision (state, reason, findings), so an unchanged evaluation writes nothing.</summary>
        public bool SameAs(CveRelevance other)
        {
            if (other == null || other.State != State || other.Reason != Reason || other.Manual != Manual || other.Findings.Count != Findings.Count)
            {
                return false;
            }

            for (int i = 0; i < Findings.Count; i++)
            {
                if (!Findings[i].SameAs(other.Findings[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override string ToString() => Reason == null ? State : $"{State}: {Reason}";
    }

    /// <summary>What one inventory says about one of the advisory's packages.</summary>
    public sealed class RelevanceFinding
    {
        public string Inventory { get; set; }

        /// <summary>The advisory's package.</summary>
        public string Package { get; set; }

        public string Ecosystem { get; set; }

        /// <summary>The shipped version(s) that decided it, comma separated; null when not shipped.</summary>
        public string Version { get; set; }

        public string State { get; set; }

        public string Reason { get; set; }

        /// <summary>For VEX: the inventory does not ship the package at all.</summary>
        [JsonIgnore]
        public bool NotShipped => Version == null && State == CveRelevance.NotAffected;

        internal bool SameAs(RelevanceFinding o) =>
            o != null && o.Inventory == Inventory && o.Package == Package && o.Ecosystem == Ecosystem && o.Version == Version && o.State == State && o.Reason == Reason;

        public override string ToString() => $"{Inventory}: {Package} {Version} {State}";
    }

    /// <summary>An advisory's OSV-style range for one package: a type (SEMVER, ECOSYSTEM, GIT) and its events.</summary>
    public sealed class AffectedRange
    {
        public string Type { get; set; }

        public List<RangeEvent> Events { get; set; } = new List<RangeEvent>();
    }

    /// <summary>One OSV range event; exactly one of the fields is set.</summary>
    public sealed class RangeEvent
    {
        public string Introduced { get; set; }

        public string Fixed { get; set; }

        public string LastAffected { get; set; }

        public string Limit { get; set; }
    }
}
