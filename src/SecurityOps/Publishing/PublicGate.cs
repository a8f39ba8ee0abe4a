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
