using System;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// The one gate to the public (ARCHITECTURE.md, rule 3): anything that could put a case's details in a public
    /// place asks here first, with the case and the clock. While the case is embargoed it throws EmbargoActive.
    /// </summary>
    public static class PublicGate
    {
        /// <summary>True when the case's details may be made public now (the non-throwing form, for outputs that leave a case out).</summary>
        public static bool IsPublic(VulnerabilityCase c, DateTimeOffset now) => c != null && !c.IsEmbargoed(now);

        /// <summary>True when a CVE record may be made public now: it has no embargo, or its embargo has ended.</summary>
        public static bool IsPublic(CveRecord r, DateTimeOffset now) => r != null && (r.EmbargoedUntil == null || now >= r.EmbargoedUntil.Value);

        /// <summary>Throws EmbargoActive while a CVE record (from a private case) is embargoed.</summary>
        public static void EnsurePublic(CveRecord r, DateTimeOffset now, string what)
        {
            if (r == null)
            {
                throw new ArgumentNullException(nameof(r));
            }

            if (!IsPublic(r, now))
            {
                throw new SecurityOpsException("EmbargoActive", FailureKind.SecurityError, r.CveId,
                    $"Refused to {what}: {r.CveId} is under embargo until {DateTimeOffsetConverter.Format(r.EmbargoedUntil.Value)}.");
            }
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
}
