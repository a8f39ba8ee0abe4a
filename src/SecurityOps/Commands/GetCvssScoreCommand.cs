using System.Globalization;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Scoring;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Get-CvssScore: scores CVSS v3.0, v3.1 and v4.0 vectors exactly as FIRST's calculators do and returns a
    /// <see cref="CvssScore"/> per vector. A malformed vector is a non-terminating InvalidCvssVector error naming the metric.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CvssScore")]
    [OutputType(typeof(CvssScore))]
    public sealed class GetCvssScoreCommand : SecurityOpsCmdlet
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
                CvssScore score = CvssCommandSupport.TryScore(this, vector);
                if (score != null)
                {
                    WriteObject(score);
                }
            }
        }
    }

    /// <summary>Scoring shared by the CVSS cmdlets: one vector in, a score or an ErrorRecord out, and a verbose line.</summary>
    internal static class CvssCommandSupport
    {
        public static CvssScore TryScore(SecurityOpsCmdlet cmdlet, string vector)
        {
            try
            {
                CvssScore score = Cvss.Score(vector);
                cmdlet.WriteVerbose(Describe(score));
                return score;
            }
            catch (SecurityOpsException ex)
            {
                cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(ex));
                return null;
            }
        }

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
