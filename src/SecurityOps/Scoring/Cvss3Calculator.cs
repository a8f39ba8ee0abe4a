using System;

namespace SecurityOps.Scoring
{
    /// <summary>
    /// CVSS v3.0 and v3.1 base, temporal and environmental scores, following FIRST's specification formulas and the
    /// operation order of FIRST's reference calculator (so floating-point results match it bit for bit).
    /// v3.1 differs from v3.0 in the Roundup function (integer arithmetic) and in the changed-scope modified impact.
    /// </summary>
    internal static class Cvss3Calculator
    {
        // Metric positions in CvssMetricCatalog's v3 table.
        private const int AV = 0, AC = 1, PR = 2, UI = 3, S = 4, C = 5, I = 6, A = 7, E = 8, RL = 9, RC = 10;
        private const int CR = 11, IR = 12, AR = 13, MAV = 14, MAC = 15, MPR = 16, MUI = 17, MS = 18, MC = 19, MI = 20, MA = 21;

        // Weights indexed like the catalog's value lists.
        private static readonly double[] AttackVector = { 0.85, 0.62, 0.55, 0.2 };          // N A L P
        private static readonly double[] AttackComplexity = { 0.77, 0.44 };                 // L H
        private static readonly double[] PrivilegesUnchanged = { 0.85, 0.62, 0.27 };        // N L H
        private static readonly double[] PrivilegesChanged = { 0.85, 0.68, 0.5 };           // N L H (scope changed)
        private static readonly double[] UserInteraction = { 0.85, 0.62 };                  // N R
        private static readonly double[] Impact = { 0.56, 0.22, 0 };                        // H L N
        private static readonly double[] ExploitMaturity = { 1, 1, 0.97, 0.94, 0.91 };      // X H F P U
        private static readonly double[] RemediationLevel = { 1, 1, 0.97, 0.96, 0.95 };     // X U W T O
        private static readonly double[] ReportConfidence = { 1, 1, 0.96, 0.92 };           // X C R U
        private static readonly double[] Requirement = { 1, 1.5, 1, 0.5 };                  // X H M L

        public struct Result
        {
            public double Base;
            public double? Temporal;
            public double? Environmental;
        }

        public static Result Compute(int[] v, bool v31)
        {
            bool changed = v[S] == 1;
            double iss = 1 - ((1 - Impact[v[C]]) * (1 - Impact[v[I]]) * (1 - Impact[v[A]]));
            double impact = changed
                ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15))
                : 6.42 * iss;
            double exploitability = 8.22 * AttackVector[v[AV]] * AttackComplexity[v[AC]]
                                    * (changed ? PrivilegesChanged : PrivilegesUnchanged)[v[PR]] * UserInteraction[v[UI]];
            double baseScore;
            if (impact <= 0)
            {
                baseScore = 0;
            }
            else
            {
                baseScore = changed
                    ? Roundup(Math.Min((exploitability + impact) * 1.08, 10), v31)
                    : Roundup(Math.Min(exploitability + impact, 10), v31);
            }

            double e = ExploitMaturity[Index(v[E])];
            double rl = RemediationLevel[Index(v[RL])];
            double rc = ReportConfidence[Index(v[RC])];
            var result = new Result { Base = baseScore };
            if (v[E] >= 0 || v[RL] >= 0 || v[RC] >= 0)
            {
                result.Temporal = Roundup(baseScore * e * rl * rc, v31);
            }

            bool environmental = false;
            for (int p = CR; p <= MA; p++)
            {
                environmental |= v[p] >= 0;
            }

            if (!environmental)
            {
                return result;
            }

            bool modifiedChanged = Modified(v, MS, S) == 1;
            double mc = Impact[Modified(v, MC, C)], mi = Impact[Modified(v, MI, I)], ma = Impact[Modified(v, MA, A)];
            double miss = Math.Min(
                1 - ((1 - (Requirement[Index(v[CR])] * mc)) * (1 - (Requirement[Index(v[IR])] * mi)) * (1 - (Requirement[Index(v[AR])] * ma))),
                0.915);
            double modifiedImpact;
            if (!modifiedChanged)
            {
                modifiedImpact = 6.42 * miss;
            }
            else if (v31)
            {
                modifiedImpact = (7.52 * (miss - 0.029)) - (3.25 * Math.Pow((miss * 0.9731) - 0.02, 13));
            }
            else
            {
                modifiedImpact = (7.52 * (miss - 0.029)) - (3.25 * Math.Pow(miss - 0.02, 15));
            }

            double modifiedExploitability = 8.22 * AttackVector[Modified(v, MAV, AV)] * AttackComplexity[Modified(v, MAC, AC)]
                                            * (modifiedChanged ? PrivilegesChanged : PrivilegesUnchanged)[Modified(v, MPR, PR)]
                                            * UserInteraction[Modified(v, MUI, UI)];
            if (modifiedImpact <= 0)
            {
                result.Environmental = 0;
            }
            else if (modifiedChanged)
            {
                result.Environmental = Roundup(Roundup(Math.Min((modifiedImpact + modifiedExploitability) * 1.08, 10), v31) * e * rl * rc, v31);
            }
            else
            {
                result.Environmental = Roundup(Roundup(Math.Min(modifiedImpact + modifiedExploitability, 10), v31) * e * rl * rc, v31);
            }

            return result;
        }

        /// <summary>
        /// v3.1 Roundup (specification Appendix A): work in integers of 1/100000 so 4.000000000000001 stays 4.0.
        /// v3.0 Roundup: the smallest one-decimal number not below the input (ceil(x * 10) / 10).
        /// </summary>
        public static double Roundup(double input, bool v31)
        {
            if (!v31)
            {
                return Math.Ceiling(input * 10) / 10;
            }

            long intInput = (long)Math.Round(input * 100000, MidpointRounding.AwayFromZero);
            if (intInput % 10000 == 0)
            {
                return intInput / 100000.0;
            }

            return (Math.Floor(intInput / 10000.0) + 1) / 10.0;
        }

        // Optional metrics: absent or X (index 0) use weight slot 0, which is always the "Not Defined" weight.
        private static int Index(int value) => value < 0 ? 0 : value;

        // A modified metric's value list is "X" followed by the base metric's values in the same order.
        private static int Modified(int[] v, int modified, int baseMetric) => v[modified] > 0 ? v[modified] - 1 : v[baseMetric];
    }
}
