using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Scoring;

namespace SecurityOps.Commands
{
    /// <summary>
    /// ConvertFrom-CvssVector: parses CVSS v3.0, v3.1 and v4.0 vectors into their named metrics (metric, full name, value,
    /// value name, group) together with the scores. A malformed vector is a non-terminating InvalidCvssVector error.
    /// </summary>
    [Cmdlet(VerbsData.ConvertFrom, "CvssVector")]
    [OutputType(typeof(CvssVectorInfo))]
    public sealed class ConvertFromCvssVectorCommand : SecurityOpsCmdlet
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
                if (score == null)
                {
                    continue;
                }

                WriteObject(new CvssVectorInfo
                {
                    Version = score.Version,
                    Vector = score.Vector,
                    Score = score.Score,
                    Severity = score.Severity,
                    Metrics = Cvss.DescribeMetrics(score.Vector),
                    Scores = score,
                });
            }
        }
    }
}
