using System.Linq;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Scoring
{
    [Collection(PowerShellCollection.Name)]
    public sealed class CvssCmdletTests
    {
        private readonly PowerShellFixture ps;

        public CvssCmdletTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void GetCvssScoreScoresEachVersionFromParameterAndPipeline()
        {
            var result = ps.Run(@"
                Get-CvssScore -Vector 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'
                'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A' | Get-CvssScore -Verbose
            ").AssertNoErrors();
            var scores = result.Objects<CvssScore>().ToList();
            Assert.Equal(new[] { 9.8, 6.1, 8.7 }, scores.Select(s => s.Score));
            Assert.Equal(new[] { "CRITICAL", "MEDIUM", "HIGH" }, scores.Select(s => s.Severity));
            Assert.Equal("CVSS-BTE", scores[2].Nomenclature);
            Assert.Equal("100200", scores[2].MacroVector);
            Assert.Contains(result.Verbose, v => v.Contains("CVSS-BTE from MacroVector 100200") && v.Contains("score 8.7 HIGH"));
        }

        [Fact]
        public void PipelineByPropertyNameBindsCvssVectorAndVector()
        {
            var result = ps.Run(@"
                [pscustomobject]@{ CveId = 'CVE-2014-0160'; CvssVector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' } | Get-CvssScore
                [pscustomobject]@{ Vector = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N' } | ConvertFrom-CvssVector | Get-CvssScore
            ").AssertNoErrors();
            Assert.Equal(new[] { 7.5, 3.1 }, result.Objects<CvssScore>().Select(s => s.Score));
        }

        [Fact]
        public void ConvertFromCvssVectorReturnsNamedMetrics()
        {
            var result = ps.Run(@"
                $info = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MSI:S/U:Amber' | ConvertFrom-CvssVector
                $info
                $info.Metrics | Where-Object Metric -eq 'MSI' | ForEach-Object { $_.Name + '=' + $_.ValueName + '/' + $_.Group }
            ").AssertNoErrors();
            CvssVectorInfo info = result.Objects<CvssVectorInfo>().Single();
            Assert.Equal("4.0", info.Version);
            Assert.Equal(14, info.Metrics.Count);
            Assert.Equal("Exploit Maturity", info.Metrics.Single(m => m.Metric == "E").Name);
            Assert.Equal(9.3, info.Scores.BaseScore);
            Assert.Equal(info.Scores.Score, info.Score);
            Assert.Equal("CVSS-BTE", info.Scores.Nomenclature);
            Assert.Contains("Modified Subsequent System Integrity=Safety/Environmental", result.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void MalformedVectorsAreNonTerminatingErrorsAndTheRestContinue()
        {
            var result = ps.Run(@"
                'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L',
                'CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
                'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N' | Get-CvssScore -ErrorVariable bad
                '' | ConvertFrom-CvssVector
                $bad.Count
            ");
            Assert.Equal(new[] { 5.3 }, result.Objects<CvssScore>().Select(s => s.Score));
            Assert.Equal(
                new[]
                {
                    "InvalidCvssVector,SecurityOps.Commands.GetCvssScoreCommand",
                    "InvalidCvssVector,SecurityOps.Commands.GetCvssScoreCommand",
                    "InvalidCvssVector,SecurityOps.Commands.ConvertFromCvssVectorCommand",
                },
                result.ErrorIds);
            Assert.Contains("'AV' (Attack Vector) is given more than once", result.Errors[0].ErrorDetails.Message);
            Assert.Contains("out of order", result.Errors[1].ErrorDetails.Message);
            Assert.Equal("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", result.Errors[1].TargetObject);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, result.Errors[1].CategoryInfo.Category);
            Assert.Equal("2", result.Output.Last().ToString());
        }
    }
}
