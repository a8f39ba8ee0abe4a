using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.Scoring;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Scoring
{
    /// <summary>Reference vectors (see Fixtures/Cvss/README.md): every score exact to one decimal.</summary>
    public sealed class CvssReferenceVectorTests
    {
        [Theory]
        [InlineData("redhat_simple4.txt")]
        [InlineData("redhat_security4.txt")]
        public void V4ReferenceVectorsScoreExactly(string file)
        {
            var failures = new List<string>();
            int count = 0;
            foreach ((string vector, double[] expected) in Read(file))
            {
                count++;
                CvssScore score = Cvss.Score(vector);
                if (score.Score != expected[0])
                {
                    failures.Add($"{vector}: expected {expected[0]}, got {score.Score}");
                }
            }

            Assert.True(count > 50, $"only {count} vectors read from {file}");
            Assert.Empty(failures);
        }

        [Fact]
        public void V3ReferenceVectorsScoreBaseTemporalAndEnvironmentalExactly()
        {
            var failures = new List<string>();
            int count = 0;
            foreach ((string vector, double[] expected) in Read("redhat_cvsslib3.txt"))
            {
                count++;
                CvssScore score = Cvss.Score(vector);

                // The temporal and environmental scores exist for any vector once a metric of the group is given (X too).
                double temporal = Cvss.Score(vector + (score.Metrics.ContainsKey("RC") ? string.Empty : "/RC:X")).TemporalScore.Value;
                double environmental = Cvss.Score(vector + (score.Metrics.ContainsKey("MA") ? string.Empty : "/MA:X")).EnvironmentalScore.Value;
                if (score.BaseScore != expected[0] || temporal != expected[1] || environmental != expected[2])
                {
                    failures.Add($"{vector}: expected ({string.Join(", ", expected)}), got ({score.BaseScore}, {temporal}, {environmental})");
                }
            }

            Assert.Equal(74, count);
            Assert.Empty(failures);
        }

        [Fact]
        public void V3OracleVectorsScoreExactly()
        {
            var failures = new List<string>();
            int count = 0;
            foreach ((string vector, double[] expected) in Read("oracle_v3.txt"))
            {
                count++;
                CvssScore score = Cvss.Score(vector);
                if (score.BaseScore != expected[0]
                    || (!double.IsNaN(expected[1]) && score.TemporalScore != expected[1])
                    || (!double.IsNaN(expected[2]) && score.EnvironmentalScore != expected[2]))
                {
                    failures.Add($"{vector}: expected ({string.Join(", ", expected)}), got ({score.BaseScore}, {score.TemporalScore}, {score.EnvironmentalScore})");
                }
            }

            Assert.Equal(1400, count);
            Assert.Empty(failures);
        }

        [Fact]
        public void V4OracleVectorsScoreExactlyWithTheirBaseOnlyScore()
        {
            var failures = new List<string>();
            int count = 0;
            // Twice: the CVSS-B score is kept per base-metric combination once computed, so the second pass reads
            // what the first one stored and must give FIRST's figures all the same.
            for (int pass = 1; pass <= 2; pass++)
            {
                foreach ((string vector, double[] expected) in Read("oracle_v4.txt"))
                {
                    count++;
                    CvssScore score = Cvss.Score(vector);
                    if (score.BaseScore != expected[0] || score.Score != expected[1])
                    {
                        failures.Add($"pass {pass}, {vector}: expected ({expected[0]}, {expected[1]}), got ({score.BaseScore}, {score.Score})");
                    }
                }
            }

            Assert.Equal(2400, count);
            Assert.Empty(failures);
        }

        /// <summary>Lines "vector - 7.3" or "vector - (9.3, 8.9, 9.5)"; "-" inside the parentheses is NaN.</summary>
        internal static IEnumerable<(string Vector, double[] Expected)> Read(string file)
        {
            foreach (string line in File.ReadLines(RepoPaths.Fixture("Cvss", file)))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                int separator = line.IndexOf(" - ");
                string vector = line.Substring(0, separator);
                double[] expected = line.Substring(separator + 3).Trim('(', ')', ' ')
                    .Split(',')
                    .Select(s => s.Trim() == "-" ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture))
                    .ToArray();
                yield return (vector, expected);
            }
        }
    }
}
