using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// A scored CVSS vector (v3.0, v3.1 or v4.0): the scores FIRST's specification defines, their severity ratings and the
    /// metrics as given. <see cref="Score"/> is the most specific score the vector allows.
    /// </summary>
    public sealed class CvssScore
    {
        /// <summary>"3.0", "3.1" or "4.0".</summary>
        public string Version { get; set; }

        /// <summary>The vector as given (trimmed).</summary>
        public string Vector { get; set; }

        /// <summary>v3: the base score. v4: the score of the base metrics alone (CVSS-B).</summary>
        public double BaseScore { get; set; }

        /// <summary>v3 only: the temporal score when any temporal metric is given.</summary>
        public double? TemporalScore { get; set; }

        /// <summary>v3 only: the environmental score when any environmental metric is given.</summary>
        public double? EnvironmentalScore { get; set; }

        /// <summary>
        /// The most specific score: v4 the CVSS-B/BT/BE/BTE score; v3 environmental if environmental metrics are given,
        /// else temporal if given, else base.
        /// </summary>
        public double Score { get; set; }

        /// <summary>NONE, LOW, MEDIUM, HIGH or CRITICAL of <see cref="Score"/>.</summary>
        public string Severity { get; set; }

        /// <summary>NONE, LOW, MEDIUM, HIGH or CRITICAL of <see cref="BaseScore"/>.</summary>
        public string BaseSeverity { get; set; }

        /// <summary>v4 only: CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE (which metric groups the score reflects); null for v3.</summary>
        public string Nomenclature { get; set; }

        /// <summary>The metrics as given, in order (abbreviation to value), without the CVSS:x.y prefix.</summary>
        public IReadOnlyDictionary<string, string> Metrics { get; set; }

        /// <summary>v4: the six-digit MacroVector (EQ1..EQ6); null for v3.</summary>
        public string MacroVector { get; set; }

        public override string ToString() => $"{Score:0.0} {Severity} ({Vector})";
    }
}
