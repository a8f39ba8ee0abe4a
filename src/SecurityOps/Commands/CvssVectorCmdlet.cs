using System.Globalization;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Scoring;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The shared part of the CVSS cmdlets: the -Vector parameter (by value and by property name Vector/CvssVector), strict
    /// scoring of each vector, a verbose line that explains the score, and an InvalidCvssVector error per malformed vector.
    /// </summary>
    public abstract class CvssVectorCmdlet : SecurityOpsCmdlet
    {
        /// <summary>CVSS vectors, each with its prefix (CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("CvssVector")]
        [AllowNull]
        [AllowEmptyString]
        public string[] Vector { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string vector in Vector ?? new string[] { null })
            {
                CvssScore score;
                try
                {
                    score = Cvss.Score(vector);
                }
                catch (SecurityOpsException ex)
                {
                    WriteFailure(ex);
                    continue;
                }

                WriteVerbose(Describe(score));
                WriteScore(score);
            }
        }

        /// <summary>Writes the output object for one scored vector.</summary>
        protected abstract void WriteScore(CvssScore score);

        private static string Describe(CvssScore score)
        {
            string F(double? value) => value == null ? "-" : value.Value.ToString("0.0", CultureInfo.InvariantCulture);
            string detail = score.Version == "4.0"
                ? $"{score.Nomenclature} from MacroVector {score.MacroVector} (base-only score {F(score.BaseScore)})"
                : $"base {F(score.BaseScore)}, temporal {F(score.TemporalScore)}, environmental {F(score.EnvironmentalScore)}";
            return $"CVSS {score.Version} {score.Vector}: {detail}; score {F(score.Score)} {score.Severity}.";
        }
    }
}
