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
    public sealed class ConvertFromCvssVectorCommand : CvssVectorCmdlet
    {
        protected override void WriteScore(CvssScore score) => WriteObject(new CvssVectorInfo
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
