using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Get-CvssScore: scores CVSS v3.0, v3.1 and v4.0 vectors exactly as FIRST's calculators do and returns a
    /// <see cref="CvssScore"/> per vector. A malformed vector is a non-terminating InvalidCvssVector error naming the metric.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CvssScore")]
    [OutputType(typeof(CvssScore))]
    public sealed class GetCvssScoreCommand : CvssVectorCmdlet
    {
        protected override void WriteScore(CvssScore score) => WriteObject(score);
    }
}
