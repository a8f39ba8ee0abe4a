using System;
using SecurityOps.Model;

namespace SecurityOps.Disclosure
{
    /// <summary>
    /// A case's severity: from its CVSS vector through the Scoring part, or as the team gave it. The scorer is a seam:
    /// until SecurityOps.Scoring is present, a vector alone yields no severity and the caller says so.
    /// </summary>
    internal static class CaseSeverity
    {
        public static readonly string[] Names = { "NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL" };

        /// <summary>Scores a vector: (score, severity) or an error naming what is wrong. Null when no scorer is available.</summary>
        public static Func<string, (double? Score, string Severity, string Error)> Scorer { get; set; } = DefaultScorer;

        public static string Normalize(string severity)
        {
            if (string.IsNullOrWhiteSpace(severity))
            {
                return null;
            }

            string upper = severity.Trim().ToUpperInvariant();
            return Array.IndexOf(Names, upper) >= 0 ? upper : null;
        }

        /// <summary>True when the case counts as low severity under the policy (CVSS score below its threshold, or LOW/NONE given).</summary>
        public static bool IsLow(VulnerabilityCase c, DisclosurePolicy policy)
        {
            if (policy.LowSeverity == null)
            {
                return false;
            }

            if (c.CvssScore != null)
            {
                return c.CvssScore.Value < policy.LowSeverity.CvssBelow;
            }

            // No score: LOW (below 4.0) and NONE count as low only when the threshold covers them.
            return (c.Severity == "LOW" && policy.LowSeverity.CvssBelow >= 4.0) || c.Severity == "NONE";
        }

        /// <summary>
        /// True when the policy lets this case's release go earlier than its usual rules (release.expediteBySeverity:
        /// Flatcar "may be expedited depending on the issues' severity"): critical and high cases.
        /// </summary>
        public static bool IsExpedited(VulnerabilityCase c, DisclosurePolicy policy) =>
            policy.Release?.ExpediteBySeverity == true && (c.Severity == "CRITICAL" || c.Severity == "HIGH");

        private static (double?, string, string) DefaultScorer(string vector) =>
            SecurityOps.Scoring.Cvss.TryScore(vector, out var score, out string error) ? (score.Score, score.Severity, null) : (null, null, error);
    }
}
