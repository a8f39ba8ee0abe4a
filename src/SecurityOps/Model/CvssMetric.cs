namespace SecurityOps.Model
{
    /// <summary>One metric of a CVSS vector with its names: AV:N is "Attack Vector" = "Network", group Base.</summary>
    public sealed class CvssMetric
    {
        /// <summary>The abbreviation as in the vector (AV, MSI, RE...).</summary>
        public string Metric { get; set; }

        /// <summary>The metric's full name from FIRST's specification.</summary>
        public string Name { get; set; }

        /// <summary>The value as in the vector (N, H, Amber...).</summary>
        public string Value { get; set; }

        /// <summary>The value's full name (Network, High, Not Defined...).</summary>
        public string ValueName { get; set; }

        /// <summary>Base, Temporal (v3), Threat (v4), Environmental or Supplemental (v4).</summary>
        public string Group { get; set; }

        public override string ToString() => $"{Metric}:{Value}";
    }
}
