using System;
using SecurityOps.Model;

namespace SecurityOps.Scoring
{
    /// <summary>Scores CVSS v3.0, v3.1 and v4.0 vectors exactly as FIRST's specifications and calculators do.</summary>
    public static class Cvss
    {
        /// <summary>Parses and scores a vector; throws SecurityOpsException "InvalidCvssVector" naming the metric at fault.</summary>
        public static CvssScore Score(string vector)
        {
            throw new SecurityOpsException("InvalidCvssVector", FailureKind.InvalidArgument, vector, "CVSS scoring is not implemented yet.");
        }

        /// <summary>Like <see cref="Score"/> but returns false with the error message instead of throwing.</summary>
        public static bool TryScore(string vector, out CvssScore score, out string error)
        {
            try
            {
                score = Score(vector);
                error = null;
                return true;
            }
            catch (SecurityOpsException ex)
            {
                score = null;
                error = ex.Message;
                return false;
            }
        }
    }
}
