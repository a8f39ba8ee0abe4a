using System;
using System.Linq;
using System.Text;
using SecurityOps.Model;
using SecurityOps.Scoring;
using Xunit;

namespace SecurityOps.Tests.Scoring
{
    public sealed class CvssScoringTests
    {
        /// <summary>FIRST's CVSS v3.1 "Examples" document: the published vulnerabilities and their base scores.</summary>
        [Theory]
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "MEDIUM")]    // CVE-2013-1937 phpMyAdmin XSS
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, "MEDIUM")]    // CVE-2013-0375 MySQL
        [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, "LOW")]       // CVE-2014-3566 SSLv3 POODLE
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, "CRITICAL")]  // CVE-2012-1516 VMware
        [InlineData("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, "HIGH")]      // CVE-2009-0783 / CVE-2015-1098 iWork
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, "HIGH")]      // CVE-2014-0160 Heartbleed
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "CRITICAL")]  // CVE-2014-6271 Shellshock
        [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8, "MEDIUM")]    // CVE-2008-1447 DNS cache poisoning
        [InlineData("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8, "MEDIUM")]    // CVE-2014-2005 Sophos
        [InlineData("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3, "CRITICAL")]  // CVE-2010-0467 Joomla / cvsslib
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, "HIGH")]      // CVE-2016-1645 Chrome
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6, "CRITICAL")]  // CVE-2012-5376 Chrome IPC
        [InlineData("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8, "HIGH")]      // CVE-2011-1265 Bluetooth
        [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4, "HIGH")]      // CVE-2016-0128 Badlock-like
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "NONE")]
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "CRITICAL")]
        public void V31SpecificationExamples(string vector, double expected, string severity)
        {
            CvssScore score = Cvss.Score(vector);
            Assert.Equal(expected, score.BaseScore);
            Assert.Equal(expected, score.Score);
            Assert.Equal(severity, score.Severity);
            Assert.Equal("3.1", score.Version);
            Assert.Null(score.TemporalScore);
            Assert.Null(score.EnvironmentalScore);
        }

        [Fact]
        public void V3TemporalAndEnvironmentalScores()
        {
            // FIRST's v3.0 calculator test vector: base 9.3, temporal 8.9, environmental 9.5.
            CvssScore score = Cvss.Score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H");
            Assert.Equal(9.3, score.BaseScore);
            Assert.Equal(8.9, score.TemporalScore);
            Assert.Equal(9.5, score.EnvironmentalScore);
            Assert.Equal(9.5, score.Score);
            Assert.Equal("CRITICAL", score.Severity);
            Assert.Equal("CRITICAL", score.BaseSeverity);

            // Temporal only: the score is the temporal score.
            CvssScore temporal = Cvss.Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U");
            Assert.Equal(9.8, temporal.BaseScore);
            Assert.Equal(7.8, temporal.TemporalScore);
            Assert.Null(temporal.EnvironmentalScore);
            Assert.Equal(7.8, temporal.Score);
            Assert.Equal("HIGH", temporal.Severity);
        }

        [Fact]
        public void V31ChangedScopeEnvironmentalUsesTheNewModifiedImpactFormula()
        {
            // With every environmental metric Not Defined, v3.1's MISS x 0.9731 term lifts 9.6 to 9.7; v3.0 keeps 9.6.
            Assert.Equal(9.7, Cvss.Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/CR:X").EnvironmentalScore);
            Assert.Equal(9.6, Cvss.Score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H/CR:X").EnvironmentalScore);

            // Modified Scope changed on an unchanged base: the changed-scope PR weights and the 1.08 factor apply.
            CvssScore score = Cvss.Score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/MS:C");
            Assert.Equal(8.8, score.BaseScore);
            Assert.Equal(10.0, score.EnvironmentalScore);
        }

        [Fact]
        public void RoundupFollowsEachVersion()
        {
            // v3.1 Appendix A: Roundup(4.02) = 4.1, Roundup(4.00) = 4.0, and floating-point noise does not round up.
            Assert.Equal(4.1, Cvss3Calculator.Roundup(4.02, true));
            Assert.Equal(4.0, Cvss3Calculator.Roundup(4.00, true));
            Assert.Equal(4.0, Cvss3Calculator.Roundup(4.000000000000001, true));
            Assert.Equal(4.1, Cvss3Calculator.Roundup(4.00001, true));
            Assert.Equal(4.0, Cvss3Calculator.Roundup(4.000002, true));   // below the 1/100000 resolution

            // v3.0: plain ceiling to one decimal, noise included.
            Assert.Equal(4.1, Cvss3Calculator.Roundup(4.000000000000001, false));
            Assert.Equal(4.0, Cvss3Calculator.Roundup(4.0, false));
        }

        [Theory]
        [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "CRITICAL", "000100", "CVSS-B")]
        [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "CRITICAL", "000200", "CVSS-B")]
        [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.7, "HIGH", "100200", "CVSS-B")]
        [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, "HIGH", "100200", "CVSS-B")]
        [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.3, "MEDIUM", "102201", "CVSS-B")]
        [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "NONE", "002201", "CVSS-B")]

        // The calculator's documented example: threat and environmental metrics given.
        [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7, "HIGH", "100200", "CVSS-BTE")]
        [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 4.1, "MEDIUM", "210120", "CVSS-BT")]
        [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.4, "MEDIUM", "210101", "CVSS-BE")]
        public void V4Examples(string vector, double expected, string severity, string macroVector, string nomenclature)
        {
            CvssScore score = Cvss.Score(vector);
            Assert.Equal(expected, score.Score);
            Assert.Equal(severity, score.Severity);
            Assert.Equal(macroVector, score.MacroVector);
            Assert.Equal(nomenclature, score.Nomenclature);
            Assert.Equal("4.0", score.Version);
            Assert.Null(score.TemporalScore);
        }

        [Fact]
        public void V4BaseScoreIgnoresThreatEnvironmentalAndSupplementalMetrics()
        {
            CvssScore score = Cvss.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/MSI:S/S:P/AU:Y/U:Red");
            Assert.Equal(9.3, score.BaseScore);
            Assert.Equal("CRITICAL", score.BaseSeverity);
            Assert.Equal("CVSS-BTE", score.Nomenclature);
            Assert.NotEqual(score.BaseScore, score.Score);

            // Supplemental metrics change nothing; X values do not change the nomenclature.
            CvssScore supplemental = Cvss.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/S:P/AU:Y/R:I/V:C/RE:H/U:Amber");
            Assert.Equal(9.3, supplemental.Score);
            Assert.Equal("CVSS-B", supplemental.Nomenclature);
        }

        [Fact]
        public void LookupTableHasFirstsTwoHundredSeventyMacroVectors()
        {
            Assert.Equal(270, Cvss4Calculator.MacroVectorCount);
            Assert.Equal(10.0, Cvss4Calculator.Score(0, 0, 0, 0, 0, 0));
            Assert.Equal(0.1, Cvss4Calculator.Score(2, 1, 2, 2, 2, 1));
            Assert.True(double.IsNaN(Cvss4Calculator.Score(0, 0, 2, 0, 0, 0)));   // EQ3=2 with EQ6=0 cannot happen
        }

        [Fact]
        public void MetricsAreKeptAsGivenInOrder()
        {
            CvssScore score = Cvss.Score("  CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:P  ");
            Assert.Equal("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:P", score.Vector);
            Assert.Equal(new[] { "S", "AV", "AC", "PR", "UI", "C", "I", "A", "E" }, score.Metrics.Keys.ToArray());
            Assert.Equal("P", score.Metrics["E"]);
            Assert.False(score.Metrics.ContainsKey("RL"));

            var named = Cvss.DescribeMetrics("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S/U:Amber");
            CvssMetric first = named[0];
            Assert.Equal(("AV", "Attack Vector", "A", "Adjacent", "Base"), (first.Metric, first.Name, first.Value, first.ValueName, first.Group));
            Assert.Equal("Safety", named.Single(m => m.Metric == "MSI").ValueName);
            Assert.Equal("Supplemental", named.Single(m => m.Metric == "U").Group);
        }

        /// <summary>Property: every valid random v3.1 vector (any optional metrics, any order) scores in [0, 10] with a matching severity.</summary>
        [Fact]
        public void RandomV31VectorsScoreWithinRangeAndSeverityMatches()
        {
            var random = new Random(31);
            var metrics = new (string Name, string[] Values, bool Mandatory)[]
            {
                ("AV", new[] { "N", "A", "L", "P" }, true), ("AC", new[] { "L", "H" }, true), ("PR", new[] { "N", "L", "H" }, true),
                ("UI", new[] { "N", "R" }, true), ("S", new[] { "U", "C" }, true), ("C", new[] { "H", "L", "N" }, true),
                ("I", new[] { "H", "L", "N" }, true), ("A", new[] { "H", "L", "N" }, true),
                ("E", new[] { "X", "H", "F", "P", "U" }, false), ("RL", new[] { "X", "U", "W", "T", "O" }, false),
                ("RC", new[] { "X", "C", "R", "U" }, false), ("CR", new[] { "X", "H", "M", "L" }, false),
                ("IR", new[] { "X", "H", "M", "L" }, false), ("AR", new[] { "X", "H", "M", "L" }, false),
                ("MAV", new[] { "X", "N", "A", "L", "P" }, false), ("MAC", new[] { "X", "L", "H" }, false),
                ("MPR", new[] { "X", "N", "L", "H" }, false), ("MUI", new[] { "X", "N", "R" }, false), ("MS", new[] { "X", "U", "C" }, false),
                ("MC", new[] { "X", "H", "L", "N" }, false), ("MI", new[] { "X", "H", "L", "N" }, false), ("MA", new[] { "X", "H", "L", "N" }, false),
            };

            for (int i = 0; i < 20000; i++)
            {
                var parts = metrics
                    .Where(m => m.Mandatory || random.Next(3) == 0)
                    .Select(m => m.Name + ":" + m.Values[random.Next(m.Values.Length)])
                    .OrderBy(_ => random.Next())
                    .ToList();
                string vector = "CVSS:3.1/" + string.Join("/", parts);
                CvssScore score = Cvss.Score(vector);
                foreach (double? value in new[] { score.BaseScore, score.TemporalScore, score.EnvironmentalScore, score.Score })
                {
                    Assert.True(value == null || (value >= 0 && value <= 10 && Math.Round(value.Value, 1) == value), $"{vector}: {value}");
                }

                string expected = score.Score == 0 ? "NONE" : score.Score < 4 ? "LOW" : score.Score < 7 ? "MEDIUM" : score.Score < 9 ? "HIGH" : "CRITICAL";
                Assert.Equal(expected, score.Severity);
                Assert.True(score.TemporalScore == null || score.TemporalScore <= score.BaseScore, vector);
            }
        }
    }
}
