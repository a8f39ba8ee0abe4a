using System;
using System.Collections.Generic;
using System.Globalization;

namespace SecurityOps.Scoring
{
    /// <summary>
    /// CVSS v4.0 scoring: the MacroVector (EQ1..EQ6) of the effective metric values, FIRST's score of that MacroVector,
    /// and the interpolation by severity distance from the MacroVector's highest-severity vectors, with FIRST's rounding.
    /// The arithmetic follows FIRST's calculator (cvss_score.js) step for step so results match it exactly.
    /// </summary>
    internal static class Cvss4Calculator
    {
        // Metric positions in CvssMetricCatalog's v4 table.
        private const int AV = 0, AC = 1, AT = 2, PR = 3, UI = 4, VC = 5, VI = 6, VA = 7, SC = 8, SI = 9, SA = 10, E = 11;
        private const int CR = 12, IR = 13, AR = 14, MAV = 15, MSI = 24, MSA = 25;

        private const double Step = 0.1;

        // FIRST's rounding lifts the value by this epsilon before rounding half up, so an interpolation that lands one
        // floating-point step below an x.x5 tie (5.6499999999999995 for 5.65) rounds like the exact value would.
        private const double Epsilon = 1e-6;

        /// <summary>
        /// FIRST's CVSS v4.0 MacroVector scores (cvss_lookup.js): the score of the highest-severity vector of each of the
        /// 270 MacroVectors. Key: EQ1..EQ6 digits.
        /// </summary>
        private const string LookupData =
            "000000:10 000001:9.9 000010:9.8 000011:9.5 000020:9.5 000021:9.2 000100:10 000101:9.6 000110:9.3 000111:8.7 " +
            "000120:9.1 000121:8.1 000200:9.3 000201:9 000210:8.9 000211:8 000220:8.1 000221:6.8 001000:9.8 001001:9.5 001010:9.5 " +
            "001011:9.2 001020:9 001021:8.4 001100:9.3 001101:9.2 001110:8.9 001111:8.1 001120:8.1 001121:6.5 001200:8.8 001201:8 " +
            "001210:7.8 001211:7 001220:6.9 001221:4.8 002001:9.2 002011:8.2 002021:7.2 002101:7.9 002111:6.9 002121:5 002201:6.9 " +
            "002211:5.5 002221:2.7 010000:9.9 010001:9.7 010010:9.5 010011:9.2 010020:9.2 010021:8.5 010100:9.5 010101:9.1 " +
            "010110:9 010111:8.3 010120:8.4 010121:7.1 010200:9.2 010201:8.1 010210:8.2 010211:7.1 010220:7.2 010221:5.3 " +
            "011000:9.5 011001:9.3 011010:9.2 011011:8.5 011020:8.5 011021:7.3 011100:9.2 011101:8.2 011110:8 011111:7.2 011120:7 " +
            "011121:5.9 011200:8.4 011201:7 011210:7.1 011211:5.2 011220:5 011221:3 012001:8.6 012011:7.5 012021:5.2 012101:7.1 " +
            "012111:5.2 012121:2.9 012201:6.3 012211:2.9 012221:1.7 100000:9.8 100001:9.5 100010:9.4 100011:8.7 100020:9.1 " +
            "100021:8.1 100100:9.4 100101:8.9 100110:8.6 100111:7.4 100120:7.7 100121:6.4 100200:8.7 100201:7.5 100210:7.4 " +
            "100211:6.3 100220:6.3 100221:4.9 101000:9.4 101001:8.9 101010:8.8 101011:7.7 101020:7.6 101021:6.7 101100:8.6 " +
            "101101:7.6 101110:7.4 101111:5.8 101120:5.9 101121:5 101200:7.2 101201:5.7 101210:5.7 101211:5.2 101220:5.2 " +
            "101221:2.5 102001:8.3 102011:7 102021:5.4 102101:6.5 102111:5.8 102121:2.6 102201:5.3 102211:2.1 102221:1.3 " +
            "110000:9.5 110001:9 110010:8.8 110011:7.6 110020:7.6 110021:7 110100:9 110101:7.7 110110:7.5 110111:6.2 110120:6.1 " +
            "110121:5.3 110200:7.7 110201:6.6 110210:6.8 110211:5.9 110220:5.2 110221:3 111000:8.9 111001:7.8 111010:7.6 " +
            "111011:6.7 111020:6.2 111021:5.8 111100:7.4 111101:5.9 111110:5.7 111111:5.7 111120:4.7 111121:2.3 111200:6.1 " +
            "111201:5.2 111210:5.7 111211:2.9 111220:2.4 111221:1.6 112001:7.1 112011:5.9 112021:3 112101:5.8 112111:2.6 " +
            "112121:1.5 112201:2.3 112211:1.3 112221:0.6 200000:9.3 200001:8.7 200010:8.6 200011:7.2 200020:7.5 200021:5.8 " +
            "200100:8.6 200101:7.4 200110:7.4 200111:6.1 200120:5.6 200121:3.4 200200:7 200201:5.4 200210:5.2 200211:4 200220:4 " +
            "200221:2.2 201000:8.5 201001:7.5 201010:7.4 201011:5.5 201020:6.2 201021:5.1 201100:7.2 201101:5.7 201110:5.5 " +
            "201111:4.1 201120:4.6 201121:1.9 201200:5.3 201201:3.6 201210:3.4 201211:1.9 201220:1.9 201221:0.8 202001:6.4 " +
            "202011:5.1 202021:2 202101:4.7 202111:2.1 202121:1.1 202201:2.4 202211:0.9 202221:0.4 210000:8.8 210001:7.5 " +
            "210010:7.3 210011:5.3 210020:6 210021:5 210100:7.3 210101:5.5 210110:5.9 210111:4 210120:4.1 210121:2 210200:5.4 " +
            "210201:4.3 210210:4.5 210211:2.2 210220:2 210221:1.1 211000:7.5 211001:5.5 211010:5.8 211011:4.5 211020:4 211021:2.1 " +
            "211100:6.1 211101:5.1 211110:4.8 211111:1.8 211120:2 211121:0.9 211200:4.6 211201:1.8 211210:1.7 211211:0.7 " +
            "211220:0.8 211221:0.2 212001:5.3 212011:2.4 212021:1.4 212101:2.4 212111:1.2 212121:0.5 212201:1 212211:0.3 212221:0.1 ";

        private static readonly double[] Lookup = BuildLookup();

        // "000000".."212221": the MacroVector of each lookup index, so a score allocates no string for it.
        private static readonly string[] MacroVectorNames = BuildMacroVectorNames();

        // Highest-severity vectors per EQ level (FIRST's max_composed.js), as metric values in a fixed order.
        private static readonly string[][] MaxEq1 = { new[] { "NNN" }, new[] { "ANN", "NLN", "NNP" }, new[] { "PNN", "ALP" } };        // AV PR UI
        private static readonly string[][] MaxEq2 = { new[] { "LN" }, new[] { "HN", "LP" } };                                          // AC AT
        private static readonly string[][][] MaxEq3Eq6 =                                                                                // VC VI VA CR IR AR
        {
            new[] { new[] { "HHHHHH" }, new[] { "HHLMMH", "HHHMMM" } },
            new[] { new[] { "LHHHHH", "HLHHHH" }, new[] { "LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM" } },
            new[] { null, new[] { "LLLHHH" } },
        };

        private static readonly string[][] MaxEq4 = { new[] { "HSS" }, new[] { "HHH" }, new[] { "LLL" } };                              // SC SI SA

        // Depth of each MacroVector level in severity steps (FIRST's max_severity.js).
        private static readonly int[] MaxSeverityEq1 = { 1, 4, 5 };
        private static readonly int[] MaxSeverityEq2 = { 1, 2 };
        private static readonly int[][] MaxSeverityEq3Eq6 = { new[] { 7, 6 }, new[] { 8, 8 }, new[] { 0, 10 } };
        private static readonly int[] MaxSeverityEq4 = { 6, 5, 4 };

        public struct Result
        {
            public double Score;
            public string MacroVector;
        }

        // The CVSS-B score depends on the eleven base metrics alone: 104,976 combinations. Each is computed on first use
        // and kept (score x 10 + 1; 0 = not computed yet), so a vector with threat or environmental metrics costs one
        // calculator run, not two. Byte writes are atomic: threads that race compute and store the same value.
        private static readonly byte[] BaseScores = new byte[BaseCombinations()];

        /// <summary>The CVSS-B score of the vector (its base metrics only), from the table when already computed.</summary>
        public static double BaseScore(ParsedCvssVector vector)
        {
            int[] values = vector.Values;
            CvssMetricDefinition[] metrics = vector.Definition.Metrics;
            int key = 0;
            for (int p = AV; p <= SA; p++)
            {
                key = (key * metrics[p].Values.Length) + values[p];
            }

            byte known = BaseScores[key];
            if (known != 0)
            {
                return (known - 1) / 10.0;
            }

            double score = Compute(vector, baseOnly: true).Score;
            BaseScores[key] = (byte)(Math.Round(score * 10) + 1);
            return score;
        }

        private static int BaseCombinations()
        {
            int count = 1;
            for (int p = AV; p <= SA; p++)
            {
                count *= CvssMetricCatalog.V40.Metrics[p].Values.Length;
            }

            return count;
        }

        /// <summary>Scores the vector; with <paramref name="baseOnly"/> only its base metrics (the CVSS-B score).</summary>
        public static Result Compute(ParsedCvssVector vector, bool baseOnly)
        {
            var m = new Effective(vector, baseOnly);
            int eq1, eq2, eq3, eq4, eq5, eq6;

            // EQ1: 0 AV:N and PR:N and UI:N; 1 (AV:N or PR:N or UI:N) and not all three and not AV:P; 2 otherwise.
            if (m.AV == 'N' && m.PR == 'N' && m.UI == 'N')
            {
                eq1 = 0;
            }
            else if ((m.AV == 'N' || m.PR == 'N' || m.UI == 'N') && m.AV != 'P')
            {
                eq1 = 1;
            }
            else
            {
                eq1 = 2;
            }

            // EQ2: 0 AC:L and AT:N; 1 otherwise.
            eq2 = m.AC == 'L' && m.AT == 'N' ? 0 : 1;

            // EQ3: 0 VC:H and VI:H; 1 one of VC, VI, VA high; 2 none high.
            if (m.VC == 'H' && m.VI == 'H')
            {
                eq3 = 0;
            }
            else if (m.VC == 'H' || m.VI == 'H' || m.VA == 'H')
            {
                eq3 = 1;
            }
            else
            {
                eq3 = 2;
            }

            // EQ4: 0 MSI:S or MSA:S; 1 SC, SI or SA high; 2 otherwise.
            if (m.MSI == 'S' || m.MSA == 'S')
            {
                eq4 = 0;
            }
            else if (m.SC == 'H' || m.SI == 'H' || m.SA == 'H')
            {
                eq4 = 1;
            }
            else
            {
                eq4 = 2;
            }

            // EQ5: the exploit maturity (X counts as A, the worst case).
            eq5 = m.E == 'A' ? 0 : m.E == 'P' ? 1 : 2;

            // EQ6: 0 a high requirement meets a high impact on the vulnerable system; 1 otherwise.
            eq6 = (m.CR == 'H' && m.VC == 'H') || (m.IR == 'H' && m.VI == 'H') || (m.AR == 'H' && m.VA == 'H') ? 0 : 1;

            var result = new Result { MacroVector = MacroVectorNames[Index(eq1, eq2, eq3, eq4, eq5, eq6)] };

            // No impact on any system: 0.0 whatever the rest.
            if (m.VC == 'N' && m.VI == 'N' && m.VA == 'N' && m.SC == 'N' && m.SI == 'N' && m.SA == 'N')
            {
                result.Score = 0.0;
                return result;
            }

            double value = Score(eq1, eq2, eq3, eq4, eq5, eq6);

            // 1a. The maximal scoring difference of each EQ: this MacroVector's score minus the next lower one's
            // (NaN where there is none; such an EQ is left out of the mean).
            double nextEq1 = Score(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
            double nextEq2 = Score(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
            double nextEq3Eq6;
            if (eq3 == 0 && eq6 == 0)
            {
                // Two ways down (00 -> 01 and 00 -> 10): the higher-scoring one.
                double left = Score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
                double right = Score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
                nextEq3Eq6 = left > right ? left : right;
            }
            else if (eq3 == 1 && eq6 == 0)
            {
                nextEq3Eq6 = Score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
            }
            else
            {
                // 01 -> 11, 11 -> 21; 21 -> 32 does not exist.
                nextEq3Eq6 = eq3 == 2 ? double.NaN : Score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
            }

            double nextEq4 = Score(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
            double nextEq5 = Score(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

            // 1b. The severity distance from the first highest-severity vector of this MacroVector that the vector
            // does not exceed on any metric (as FIRST's calculator: the last one tried when none qualifies).
            // The candidates' severity levels are computed once, at start-up (MaxCandidates).
            double[] levels = m.Levels();
            double[] max = null;
            foreach (double[] candidate in MaxCandidates[(((((eq1 * 2) + eq2) * 3) + eq3) * 3 + eq4) * 2 + eq6])
            {
                max = candidate;
                if (NotAbove(levels, candidate))
                {
                    break;
                }
            }

            double currentEq1 = (levels[L_AV] - max[L_AV]) + (levels[L_PR] - max[L_PR]) + (levels[L_UI] - max[L_UI]);
            double currentEq2 = (levels[L_AC] - max[L_AC]) + (levels[L_AT] - max[L_AT]);
            double currentEq3Eq6 = (levels[L_VC] - max[L_VC]) + (levels[L_VI] - max[L_VI]) + (levels[L_VA] - max[L_VA]) +
                                   (levels[L_CR] - max[L_CR]) + (levels[L_IR] - max[L_IR]) + (levels[L_AR] - max[L_AR]);
            double currentEq4 = (levels[L_SC] - max[L_SC]) + (levels[L_SI] - max[L_SI]) + (levels[L_SA] - max[L_SA]);

            double availableEq1 = value - nextEq1;
            double availableEq2 = value - nextEq2;
            double availableEq3Eq6 = value - nextEq3Eq6;
            double availableEq4 = value - nextEq4;
            double availableEq5 = value - nextEq5;

            double maxSeverityEq1 = MaxSeverityEq1[eq1] * Step;
            double maxSeverityEq2 = MaxSeverityEq2[eq2] * Step;
            double maxSeverityEq3Eq6 = MaxSeverityEq3Eq6[eq3][eq6] * Step;
            double maxSeverityEq4 = MaxSeverityEq4[eq4] * Step;

            // 1c/1d. Proportion of the distance within the MacroVector's depth, times the maximal scoring difference.
            int existingLower = 0;
            double normalizedEq1 = 0, normalizedEq2 = 0, normalizedEq3Eq6 = 0, normalizedEq4 = 0, normalizedEq5 = 0;
            if (!double.IsNaN(availableEq1))
            {
                existingLower++;
                normalizedEq1 = availableEq1 * (currentEq1 / maxSeverityEq1);
            }

            if (!double.IsNaN(availableEq2))
            {
                existingLower++;
                normalizedEq2 = availableEq2 * (currentEq2 / maxSeverityEq2);
            }

            if (!double.IsNaN(availableEq3Eq6))
            {
                existingLower++;
                normalizedEq3Eq6 = availableEq3Eq6 * (currentEq3Eq6 / maxSeverityEq3Eq6);
            }

            if (!double.IsNaN(availableEq4))
            {
                existingLower++;
                normalizedEq4 = availableEq4 * (currentEq4 / maxSeverityEq4);
            }

            if (!double.IsNaN(availableEq5))
            {
                // EQ5's proportion is always 0: exploit maturity has no depth within its MacroVector.
                existingLower++;
                normalizedEq5 = availableEq5 * 0;
            }

            // 2. The mean of the proportional distances; 3. subtracted from the MacroVector's score, then rounded.
            double meanDistance = existingLower == 0
                ? 0
                : (normalizedEq1 + normalizedEq2 + normalizedEq3Eq6 + normalizedEq4 + normalizedEq5) / existingLower;
            value -= meanDistance;
            if (value < 0)
            {
                value = 0.0;
            }

            if (value > 10)
            {
                value = 10.0;
            }

            result.Score = Math.Round((value + Epsilon) * 10, MidpointRounding.AwayFromZero) / 10;
            return result;
        }

        /// <summary>FIRST's score of a MacroVector; NaN when that MacroVector does not exist.</summary>
        public static double Score(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
        {
            if (eq1 > 2 || eq2 > 1 || eq3 > 2 || eq4 > 2 || eq5 > 2 || eq6 > 1)
            {
                return double.NaN;
            }

            return Lookup[Index(eq1, eq2, eq3, eq4, eq5, eq6)];
        }

        private static int Index(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6) =>
            (((((((((eq1 * 2) + eq2) * 3) + eq3) * 3) + eq4) * 3) + eq5) * 2) + eq6;

        // Positions in a severity-level array (Effective.Levels and MaxCandidates).
        private const int L_AV = 0, L_PR = 1, L_UI = 2, L_AC = 3, L_AT = 4, L_VC = 5, L_VI = 6, L_VA = 7, L_SC = 8, L_SI = 9, L_SA = 10, L_CR = 11, L_IR = 12, L_AR = 13;

        // Per (EQ1, EQ2, EQ3, EQ4, EQ6): the highest-severity vectors to try, in FIRST's order, as severity levels.
        private static readonly double[][][] MaxCandidates = BuildMaxCandidates();

        private static double[][][] BuildMaxCandidates()
        {
            var table = new double[3 * 2 * 3 * 3 * 2][][];
            for (int eq1 = 0; eq1 < 3; eq1++)
            {
                for (int eq2 = 0; eq2 < 2; eq2++)
                {
                    for (int eq3 = 0; eq3 < 3; eq3++)
                    {
                        for (int eq4 = 0; eq4 < 3; eq4++)
                        {
                            for (int eq6 = 0; eq6 < 2; eq6++)
                            {
                                string[] eq3Eq6Maxes = MaxEq3Eq6[eq3][eq6];
                                var list = new List<double[]>();
                                foreach (string max1 in MaxEq1[eq1])
                                {
                                    foreach (string max2 in MaxEq2[eq2])
                                    {
                                        foreach (string max36 in eq3Eq6Maxes ?? new string[0])
                                        {
                                            foreach (string max4 in MaxEq4[eq4])
                                            {
                                                list.Add(new[]
                                                {
                                                    LevelAV(max1[0]), LevelPR(max1[1]), LevelUI(max1[2]), LevelAC(max2[0]), LevelAT(max2[1]),
                                                    LevelImpact(max36[0]), LevelImpact(max36[1]), LevelImpact(max36[2]),
                                                    LevelSubsequentConfidentiality(max4[0]), LevelSubsequent(max4[1]), LevelSubsequent(max4[2]),
                                                    LevelRequirement(max36[3]), LevelRequirement(max36[4]), LevelRequirement(max36[5]),
                                                });
                                            }
                                        }
                                    }
                                }

                                table[(((((eq1 * 2) + eq2) * 3) + eq3) * 3 + eq4) * 2 + eq6] = list.ToArray();
                            }
                        }
                    }
                }
            }

            return table;
        }

        /// <summary>True when the vector's severity distance from the candidate is non-negative on every metric.</summary>
        private static bool NotAbove(double[] levels, double[] max)
        {
            for (int i = 0; i < levels.Length; i++)
            {
                if (levels[i] - max[i] < 0)
                {
                    return false;
                }
            }

            return true;
        }

        private static string[] BuildMacroVectorNames()
        {
            var names = new string[Lookup.Length];
            for (int eq1 = 0; eq1 < 3; eq1++)
            for (int eq2 = 0; eq2 < 2; eq2++)
            for (int eq3 = 0; eq3 < 3; eq3++)
            for (int eq4 = 0; eq4 < 3; eq4++)
            for (int eq5 = 0; eq5 < 3; eq5++)
            for (int eq6 = 0; eq6 < 2; eq6++)
            {
                names[Index(eq1, eq2, eq3, eq4, eq5, eq6)] = string.Concat(eq1, eq2, eq3, eq4, eq5, eq6);
            }

            return names;
        }

        /// <summary>The number of MacroVectors in FIRST's table (270).</summary>
        internal static int MacroVectorCount
        {
            get
            {
                int count = 0;
                foreach (double score in Lookup)
                {
                    count += double.IsNaN(score) ? 0 : 1;
                }

                return count;
            }
        }

        private static double[] BuildLookup()
        {
            var table = new double[3 * 2 * 3 * 3 * 3 * 2];
            for (int i = 0; i < table.Length; i++)
            {
                table[i] = double.NaN;
            }

            foreach (string entry in LookupData.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                int[] eq = new int[6];
                for (int i = 0; i < 6; i++)
                {
                    eq[i] = entry[i] - '0';
                }

                table[(((((((((eq[0] * 2) + eq[1]) * 3) + eq[2]) * 3) + eq[3]) * 3) + eq[4]) * 2) + eq[5]] =
                    double.Parse(entry.Substring(7), NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            return table;
        }

        // Severity levels of each metric value (FIRST's *_levels), used for the distances.
        private static double LevelAV(char c) => c == 'N' ? 0.0 : c == 'A' ? 0.1 : c == 'L' ? 0.2 : 0.3;

        private static double LevelPR(char c) => c == 'N' ? 0.0 : c == 'L' ? 0.1 : 0.2;

        private static double LevelUI(char c) => c == 'N' ? 0.0 : c == 'P' ? 0.1 : 0.2;

        private static double LevelAC(char c) => c == 'L' ? 0.0 : 0.1;

        private static double LevelAT(char c) => c == 'N' ? 0.0 : 0.1;

        private static double LevelImpact(char c) => c == 'H' ? 0.0 : c == 'L' ? 0.1 : 0.2;

        private static double LevelSubsequentConfidentiality(char c) => c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;

        private static double LevelSubsequent(char c) => c == 'S' ? 0.0 : c == 'H' ? 0.1 : c == 'L' ? 0.2 : 0.3;

        private static double LevelRequirement(char c) => c == 'H' ? 0.0 : c == 'M' ? 0.1 : 0.2;

        /// <summary>The effective value of each metric: the modified value when given, the worst case for E/CR/IR/AR when not.</summary>
        private struct Effective
        {
            public char AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA, E, CR, IR, AR, MSI, MSA;

            public Effective(ParsedCvssVector vector, bool baseOnly)
            {
                // Field names shadow the position constants here: the constants are qualified.
                int[] v = vector.Values;
                CvssMetricDefinition[] metrics = vector.Definition.Metrics;

                // A modified metric's value list is "X" followed by the base values, so its first letter is the effective one.
                char Pick(int p)
                {
                    int modified = Cvss4Calculator.MAV + p;
                    return !baseOnly && v[modified] > 0 ? metrics[modified].Values[v[modified]][0] : metrics[p].Values[v[p]][0];
                }

                char Optional(int p, char notDefined) => baseOnly || v[p] <= 0 ? notDefined : metrics[p].Values[v[p]][0];

                AV = Pick(Cvss4Calculator.AV);
                AC = Pick(Cvss4Calculator.AC);
                AT = Pick(Cvss4Calculator.AT);
                PR = Pick(Cvss4Calculator.PR);
                UI = Pick(Cvss4Calculator.UI);
                VC = Pick(Cvss4Calculator.VC);
                VI = Pick(Cvss4Calculator.VI);
                VA = Pick(Cvss4Calculator.VA);
                SC = Pick(Cvss4Calculator.SC);
                SI = Pick(Cvss4Calculator.SI);
                SA = Pick(Cvss4Calculator.SA);
                E = Optional(Cvss4Calculator.E, 'A');
                CR = Optional(Cvss4Calculator.CR, 'H');
                IR = Optional(Cvss4Calculator.IR, 'H');
                AR = Optional(Cvss4Calculator.AR, 'H');
                MSI = Optional(Cvss4Calculator.MSI, 'X');
                MSA = Optional(Cvss4Calculator.MSA, 'X');
            }

            /// <summary>The severity level of each metric, in the order of the L_ positions.</summary>
            public double[] Levels() => new[]
            {
                LevelAV(AV), LevelPR(PR), LevelUI(UI), LevelAC(AC), LevelAT(AT), LevelImpact(VC), LevelImpact(VI), LevelImpact(VA),
                LevelSubsequentConfidentiality(SC), LevelSubsequent(SI), LevelSubsequent(SA), LevelRequirement(CR), LevelRequirement(IR), LevelRequirement(AR),
            };
        }
    }
}
