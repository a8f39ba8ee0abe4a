using System;
using System.Collections.Generic;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// The one gate to the public (ARCHITECTURE.md, rule 3): anything that could put a case's details in a public
    /// place asks here first, with the case and the clock. While the case is embargoed it throws EmbargoActive.
    /// </summary>
    internal static class PublicGate
    {
        /// <summary>True when the case's details may be made public now (the non-throwing form, for outputs that leave a case out).</summary>
        public static bool IsPublic(VulnerabilityCase c, DateTimeOffset now) => c != null && !c.IsEmbargoed(now);

        /// <summary>
        /// The embargoes that hold CVE records back at <paramref name="now"/>: a record's own EmbargoedUntil, and every
        /// case that names the record's CVE and is still embargoed. Every output that can publish a CVE record asks
        /// this, so a team's tracked record of its own case's CVE never goes out before the case does.
        /// </summary>
        public static CveEmbargoes Embargoes(IEnumerable<VulnerabilityCase> cases, DateTimeOffset now) => new CveEmbargoes(cases, now);

        /// <summary>
        /// <see cref="CveEmbargoes.Reason"/> over the state's cases, read only when a record is first asked about (a
        /// run with nothing to file reads no case).
        /// </summary>
        public static Func<CveRecord, string> LazyEmbargoReason(CaseStore cases, DateTimeOffset now)
        {
            var embargoes = new Lazy<CveEmbargoes>(() => Embargoes(cases.All(), now));
            return r => embargoes.Value.Reason(r);
        }

        public static void EnsurePublic(VulnerabilityCase c, DateTimeOffset now, string what)
        {
            if (c == null)
            {
                throw new ArgumentNullException(nameof(c));
            }

            if (c.IsEmbargoed(now))
            {
                string until = c.PlannedPublicDate != null
                    ? $"until {DateTimeOffsetConverter.Format(c.PlannedPublicDate.Value)}"
                    : c.Status == CaseStatus.Rejected ? "for good (the report was rejected)" : "until it has a public date or is released";
                throw new SecurityOpsException("EmbargoActive", FailureKind.SecurityError, c.Id,
                    $"Refused to {what}: {c.Id} is under embargo {until}.");
            }
        }
    }

    /// <summary>Which CVE records may go public now (see <see cref="PublicGate.Embargoes"/>).</summary>
    internal sealed class CveEmbargoes
    {
        private readonly Dictionary<string, VulnerabilityCase> casesByCve = new Dictionary<string, VulnerabilityCase>(StringComparer.OrdinalIgnoreCase);

        internal CveEmbargoes(IEnumerable<VulnerabilityCase> cases, DateTimeOffset now)
        {
            Now = now;
            foreach (VulnerabilityCase c in cases ?? Array.Empty<VulnerabilityCase>())
            {
                if (c?.CveId != null && !PublicGate.IsPublic(c, now))
                {
                    casesByCve[c.CveId.Trim()] = c;
                }
            }
        }

        public DateTimeOffset Now { get; }

        /// <summary>True when the CVE id belongs to a case still under embargo.</summary>
        public bool HeldByCase(string cveId) => cveId != null && casesByCve.ContainsKey(cveId.Trim());

        public bool IsPublic(CveRecord r) => Reason(r) == null;

        /// <summary>Why the record must stay private now, or null when it may go public.</summary>
        public string Reason(CveRecord r)
        {
            if (r == null)
            {
                throw new ArgumentNullException(nameof(r));
            }

            if (r.IsEmbargoed(Now))
            {
                return $"{r.CveId} is under embargo until {DateTimeOffsetConverter.Format(r.EmbargoedUntil.Value)}";
            }

            return casesByCve.TryGetValue(r.CveId ?? string.Empty, out VulnerabilityCase c)
                ? $"{r.CveId} belongs to {c.Id}, which is under embargo" + (c.PlannedPublicDate != null ? $" until {DateTimeOffsetConverter.Format(c.PlannedPublicDate.Value)}" : string.Empty)
                : null;
        }

        /// <summary>Throws EmbargoActive while the record must stay private.</summary>
        public void EnsurePublic(CveRecord r, string what)
        {
            string reason = Reason(r);
            if (reason != null)
            {
                throw new SecurityOpsException("EmbargoActive", FailureKind.SecurityError, r.CveId, $"Refused to {what}: {reason}.");
            }
        }
    }
}
