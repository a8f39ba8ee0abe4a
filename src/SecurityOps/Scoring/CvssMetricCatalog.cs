using System;
using System.Collections.Generic;

namespace SecurityOps.Scoring
{
    internal static class CvssText
    {
        /// <summary>
        /// True when <paramref name="text"/> holds <paramref name="word"/> at <paramref name="start"/> (the caller checked
        /// the length). Metric names and values are one to five letters: a plain loop beats string.CompareOrdinal's setup.
        /// </summary>
        public static bool SameAt(string word, string text, int start)
        {
            for (int k = 0; k < word.Length; k++)
            {
                if (word[k] != text[start + k])
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>One metric of a CVSS version: its abbreviation, full name, group and allowed values (with their names).</summary>
    internal sealed class CvssMetricDefinition
    {
        public CvssMetricDefinition(string abbreviation, string name, string group, bool mandatory, params string[] valuesAndNames)
        {
            Abbreviation = abbreviation;
            Name = name;
            Group = group;
            Mandatory = mandatory;
            IsThreat = group == "Threat";
            IsEnvironmental = group == "Environmental";
            Values = new string[valuesAndNames.Length / 2];
            ValueNames = new string[valuesAndNames.Length / 2];
            for (int i = 0; i < Values.Length; i++)
            {
                Values[i] = valuesAndNames[2 * i];
                ValueNames[i] = valuesAndNames[(2 * i) + 1];
            }
        }

        public string Abbreviation { get; }

        public string Name { get; }

        /// <summary>Base, Temporal, Threat, Environmental or Supplemental.</summary>
        public string Group { get; }

        public bool Mandatory { get; }

        /// <summary>Group is Threat / Environmental: read per metric when naming a v4.0 score (CVSS-BT, -BE, -BTE).</summary>
        public bool IsThreat { get; }

        public bool IsEnvironmental { get; }

        /// <summary>The allowed values, exactly as written in a vector (case-sensitive).</summary>
        public string[] Values { get; }

        public string[] ValueNames { get; }

        /// <summary>Position of the metric in the specification's order (set by the version definition).</summary>
        public int Position { get; internal set; }

        /// <summary>The index of the value written at text[start, start+length), or -1; compares in place.</summary>
        public int IndexOf(string text, int start, int length)
        {
            for (int i = 0; i < Values.Length; i++)
            {
                if (Values[i].Length == length && CvssText.SameAt(Values[i], text, start))
                {
                    return i;
                }
            }

            return -1;
        }

        public int IndexOf(string value)
        {
            for (int i = 0; i < Values.Length; i++)
            {
                if (string.Equals(Values[i], value, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>The metrics of one CVSS version in the specification's order, and whether that order is enforced.</summary>
    internal sealed class CvssVersionDefinition
    {
        private readonly Dictionary<string, CvssMetricDefinition> byName = new Dictionary<string, CvssMetricDefinition>(StringComparer.Ordinal);

        public CvssVersionDefinition(string version, bool strictOrder, params CvssMetricDefinition[] metrics)
        {
            Version = version;
            Prefix = "CVSS:" + version;
            StrictOrder = strictOrder;
            Metrics = metrics;
            for (int i = 0; i < metrics.Length; i++)
            {
                metrics[i].Position = i;
                byName.Add(metrics[i].Abbreviation, metrics[i]);
                MandatoryCount += metrics[i].Mandatory ? 1 : 0;
            }
        }

        /// <summary>How many metrics a vector must give (the base metrics).</summary>
        public int MandatoryCount { get; }

        public string Version { get; }

        /// <summary>"CVSS:3.1" and the like.</summary>
        public string Prefix { get; }

        /// <summary>v4.0 requires the metrics in the specification's order; v3.x allows any order.</summary>
        public bool StrictOrder { get; }

        public CvssMetricDefinition[] Metrics { get; }

        public CvssMetricDefinition Find(string abbreviation) =>
            byName.TryGetValue(abbreviation, out CvssMetricDefinition metric) ? metric : null;

        /// <summary>
        /// The metric whose abbreviation is written at text[start, start+length), or null; compares in place. The search
        /// begins at position <paramref name="from"/> and wraps around: vectors are almost always written in the
        /// specification's order, so the metric after the previous one is found at the first or second try.
        /// </summary>
        public CvssMetricDefinition Find(string text, int start, int length, int from = 0)
        {
            CvssMetricDefinition[] metrics = Metrics;
            for (int n = 0, i = from; n < metrics.Length; n++, i++)
            {
                if (i == metrics.Length)
                {
                    i = 0;
                }

                CvssMetricDefinition metric = metrics[i];
                string abbreviation = metric.Abbreviation;
                if (abbreviation.Length == length && CvssText.SameAt(abbreviation, text, start))
                {
                    return metric;
                }
            }

            return null;
        }

        public int PositionOf(string abbreviation) => byName[abbreviation].Position;
    }

    /// <summary>FIRST's metric tables for CVSS v3.0, v3.1 (same metrics) and v4.0.</summary>
    internal static class CvssMetricCatalog
    {
        private const string NotDefined = "Not Defined";

        public static readonly CvssVersionDefinition V30 = CreateV3("3.0");

        public static readonly CvssVersionDefinition V31 = CreateV3("3.1");

        public static readonly CvssVersionDefinition V40 = CreateV4();

        private static readonly CvssVersionDefinition[] ByPrefix = { V31, V40, V30 };

        /// <summary>The version whose prefix ("CVSS:3.1") is exactly text[0, length); compares in place.</summary>
        public static CvssVersionDefinition ForPrefix(string text, int length)
        {
            foreach (CvssVersionDefinition definition in ByPrefix)
            {
                if (definition.Prefix.Length == length && string.CompareOrdinal(definition.Prefix, 0, text, 0, length) == 0)
                {
                    return definition;
                }
            }

            return null;
        }

        public static CvssVersionDefinition ForVersion(string version)
        {
            switch (version)
            {
                case "3.0": return V30;
                case "3.1": return V31;
                case "4.0": return V40;
                default: return null;
            }
        }

        private static CvssVersionDefinition CreateV3(string version)
        {
            const string B = "Base", T = "Temporal", E = "Environmental";
            string[] cia = { "H", "High", "L", "Low", "N", "None" };
            string[] modifiedCia = { "X", NotDefined, "H", "High", "L", "Low", "N", "None" };
            string[] requirement = { "X", NotDefined, "H", "High", "M", "Medium", "L", "Low" };
            return new CvssVersionDefinition(
                version,
                false,
                new CvssMetricDefinition("AV", "Attack Vector", B, true, "N", "Network", "A", "Adjacent Network", "L", "Local", "P", "Physical"),
                new CvssMetricDefinition("AC", "Attack Complexity", B, true, "L", "Low", "H", "High"),
                new CvssMetricDefinition("PR", "Privileges Required", B, true, "N", "None", "L", "Low", "H", "High"),
                new CvssMetricDefinition("UI", "User Interaction", B, true, "N", "None", "R", "Required"),
                new CvssMetricDefinition("S", "Scope", B, true, "U", "Unchanged", "C", "Changed"),
                new CvssMetricDefinition("C", "Confidentiality Impact", B, true, cia),
                new CvssMetricDefinition("I", "Integrity Impact", B, true, cia),
                new CvssMetricDefinition("A", "Availability Impact", B, true, cia),
                new CvssMetricDefinition("E", "Exploit Code Maturity", T, false, "X", NotDefined, "H", "High", "F", "Functional", "P", "Proof-of-Concept", "U", "Unproven"),
                new CvssMetricDefinition("RL", "Remediation Level", T, false, "X", NotDefined, "U", "Unavailable", "W", "Workaround", "T", "Temporary Fix", "O", "Official Fix"),
                new CvssMetricDefinition("RC", "Report Confidence", T, false, "X", NotDefined, "C", "Confirmed", "R", "Reasonable", "U", "Unknown"),
                new CvssMetricDefinition("CR", "Confidentiality Requirement", E, false, requirement),
                new CvssMetricDefinition("IR", "Integrity Requirement", E, false, requirement),
                new CvssMetricDefinition("AR", "Availability Requirement", E, false, requirement),
                new CvssMetricDefinition("MAV", "Modified Attack Vector", E, false, "X", NotDefined, "N", "Network", "A", "Adjacent Network", "L", "Local", "P", "Physical"),
                new CvssMetricDefinition("MAC", "Modified Attack Complexity", E, false, "X", NotDefined, "L", "Low", "H", "High"),
                new CvssMetricDefinition("MPR", "Modified Privileges Required", E, false, "X", NotDefined, "N", "None", "L", "Low", "H", "High"),
                new CvssMetricDefinition("MUI", "Modified User Interaction", E, false, "X", NotDefined, "N", "None", "R", "Required"),
                new CvssMetricDefinition("MS", "Modified Scope", E, false, "X", NotDefined, "U", "Unchanged", "C", "Changed"),
                new CvssMetricDefinition("MC", "Modified Confidentiality Impact", E, false, modifiedCia),
                new CvssMetricDefinition("MI", "Modified Integrity Impact", E, false, modifiedCia),
                new CvssMetricDefinition("MA", "Modified Availability Impact", E, false, modifiedCia));
        }

        private static CvssVersionDefinition CreateV4()
        {
            const string B = "Base", T = "Threat", E = "Environmental", S = "Supplemental";
            string[] impact = { "H", "High", "L", "Low", "N", "None" };
            string[] modifiedImpact = { "X", NotDefined, "H", "High", "L", "Low", "N", "None" };
            string[] modifiedSafety = { "X", NotDefined, "S", "Safety", "H", "High", "L", "Low", "N", "Negligible" };
            string[] requirement = { "X", NotDefined, "H", "High", "M", "Medium", "L", "Low" };
            return new CvssVersionDefinition(
                "4.0",
                true,
                new CvssMetricDefinition("AV", "Attack Vector", B, true, "N", "Network", "A", "Adjacent", "L", "Local", "P", "Physical"),
                new CvssMetricDefinition("AC", "Attack Complexity", B, true, "L", "Low", "H", "High"),
                new CvssMetricDefinition("AT", "Attack Requirements", B, true, "N", "None", "P", "Present"),
                new CvssMetricDefinition("PR", "Privileges Required", B, true, "N", "None", "L", "Low", "H", "High"),
                new CvssMetricDefinition("UI", "User Interaction", B, true, "N", "None", "P", "Passive", "A", "Active"),
                new CvssMetricDefinition("VC", "Vulnerable System Confidentiality Impact", B, true, impact),
                new CvssMetricDefinition("VI", "Vulnerable System Integrity Impact", B, true, impact),
                new CvssMetricDefinition("VA", "Vulnerable System Availability Impact", B, true, impact),
                new CvssMetricDefinition("SC", "Subsequent System Confidentiality Impact", B, true, impact),
                new CvssMetricDefinition("SI", "Subsequent System Integrity Impact", B, true, impact),
                new CvssMetricDefinition("SA", "Subsequent System Availability Impact", B, true, impact),
                new CvssMetricDefinition("E", "Exploit Maturity", T, false, "X", NotDefined, "A", "Attacked", "P", "POC", "U", "Unreported"),
                new CvssMetricDefinition("CR", "Confidentiality Requirement", E, false, requirement),
                new CvssMetricDefinition("IR", "Integrity Requirement", E, false, requirement),
                new CvssMetricDefinition("AR", "Availability Requirement", E, false, requirement),
                new CvssMetricDefinition("MAV", "Modified Attack Vector", E, false, "X", NotDefined, "N", "Network", "A", "Adjacent", "L", "Local", "P", "Physical"),
                new CvssMetricDefinition("MAC", "Modified Attack Complexity", E, false, "X", NotDefined, "L", "Low", "H", "High"),
                new CvssMetricDefinition("MAT", "Modified Attack Requirements", E, false, "X", NotDefined, "N", "None", "P", "Present"),
                new CvssMetricDefinition("MPR", "Modified Privileges Required", E, false, "X", NotDefined, "N", "None", "L", "Low", "H", "High"),
                new CvssMetricDefinition("MUI", "Modified User Interaction", E, false, "X", NotDefined, "N", "None", "P", "Passive", "A", "Active"),
                new CvssMetricDefinition("MVC", "Modified Vulnerable System Confidentiality", E, false, modifiedImpact),
                new CvssMetricDefinition("MVI", "Modified Vulnerable System Integrity", E, false, modifiedImpact),
                new CvssMetricDefinition("MVA", "Modified Vulnerable System Availability", E, false, modifiedImpact),
                new CvssMetricDefinition("MSC", "Modified Subsequent System Confidentiality", E, false, modifiedImpact),
                new CvssMetricDefinition("MSI", "Modified Subsequent System Integrity", E, false, modifiedSafety),
                new CvssMetricDefinition("MSA", "Modified Subsequent System Availability", E, false, modifiedSafety),
                new CvssMetricDefinition("S", "Safety", S, false, "X", NotDefined, "N", "Negligible", "P", "Present"),
                new CvssMetricDefinition("AU", "Automatable", S, false, "X", NotDefined, "N", "No", "Y", "Yes"),
                new CvssMetricDefinition("R", "Recovery", S, false, "X", NotDefined, "A", "Automatic", "U", "User", "I", "Irrecoverable"),
                new CvssMetricDefinition("V", "Value Density", S, false, "X", NotDefined, "D", "Diffuse", "C", "Concentrated"),
                new CvssMetricDefinition("RE", "Vulnerability Response Effort", S, false, "X", NotDefined, "L", "Low", "M", "Moderate", "H", "High"),
                new CvssMetricDefinition("U", "Provider Urgency", S, false, "X", NotDefined, "Clear", "Clear", "Green", "Green", "Amber", "Amber", "Red", "Red"));
        }
    }
}
