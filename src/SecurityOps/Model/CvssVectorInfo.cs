using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// A parsed CVSS vector (what ConvertFrom-CvssVector returns): each metric with its full name and value name, and the
    /// scores. <see cref="Vector"/> binds to -Vector/-CvssVector downstream.
    /// </summary>
    public sealed class CvssVectorInfo
    {
        /// <summary>"3.0", "3.1" or "4.0".</summary>
        public string Version { get; set; }

        /// <summary>The vector as given (trimmed).</summary>
        public string Vector { get; set; }

        /// <summary>The most specific score (see <see cref="CvssScore.Score"/>).</summary>
        public double Score { get; set; }

        /// <summary>NONE, LOW, MEDIUM, HIGH or CRITICAL of <see cref="Score"/>.</summary>
        public string Severity { get; set; }

        /// <summary>The metrics in the order given, with names.</summary>
        public IReadOnlyList<CvssMetric> Metrics { get; set; }

        /// <summary>All scores of the vector: base, temporal, environmental, nomenclature, MacroVector.</summary>
        public CvssScore Scores { get; set; }

        public override string ToString() => Vector;
    }
}
