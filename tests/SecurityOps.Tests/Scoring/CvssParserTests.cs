using SecurityOps.Model;
using SecurityOps.Scoring;
using Xunit;

namespace SecurityOps.Tests.Scoring
{
    /// <summary>Every class of malformed vector: a SecurityOpsException InvalidCvssVector naming the metric (or prefix) at fault.</summary>
    public sealed class CvssParserTests
    {
        private const string V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
        private const string V40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

        [Theory]
        [InlineData(null, "empty")]
        [InlineData("   ", "empty")]
        [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "prefix")]                                 // no prefix
        [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", "'CVSS:2.0' is not a supported")]          // wrong version
        [InlineData("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "prefix")]                         // prefix is case-sensitive
        [InlineData("CVSS:3.1", "no metrics")]
        [InlineData("CVSS:3.1/", "no metrics")]
        [InlineData(V31 + "/", "Empty metric after 'A'")]                                             // trailing slash
        [InlineData("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Empty metric after 'AV'")]
        [InlineData("CVSS:3.1/AV:N/ACL/PR:N/UI:N/S:U/C:H/I:H/A:H", "'ACL' is not a metric:value pair")]
        [InlineData("CVSS:3.1/AV:N/AC:L:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "'AC:L:H' is not a metric:value pair")]
        [InlineData(V31 + "/XX:Y", "Unknown metric 'XX'")]
        [InlineData(V31 + "/AT:N", "Unknown metric 'AT' for CVSS 3.1")]                                // a v4 metric in v3.1
        [InlineData(V31 + "/AV:L", "Metric 'AV' (Attack Vector) is given more than once")]
        [InlineData("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Metric 'AV' (Attack Vector) has an invalid value 'Q'; allowed: N, A, L, P")]
        [InlineData("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "invalid value 'n'")]               // values are case-sensitive
        [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "invalid value 'X'")]               // base metrics have no X
        [InlineData(V31 + "/E:Z", "Metric 'E' (Exploit Code Maturity) has an invalid value 'Z'")]
        [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "Missing mandatory base metric 'A' (Availability Impact)")]
        [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H", "Missing mandatory base metric 'S' (Scope)")]
        [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "Missing mandatory base metric 'SA'")]
        [InlineData("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "Metric 'AV' (Attack Vector) is out of order")]
        [InlineData(V40 + "/CR:H/E:A", "Metric 'E' (Exploit Maturity) is out of order: CVSS 4.0 requires it before 'CR'")]
        [InlineData(V40 + "/S:N/MAV:N", "Metric 'MAV' (Modified Attack Vector) is out of order")]
        [InlineData(V40 + "/U:amber", "Metric 'U' (Provider Urgency) has an invalid value 'amber'; allowed: X, Clear, Green, Amber, Red")]
        [InlineData(V40 + "/MSC:S", "Metric 'MSC' (Modified Subsequent System Confidentiality) has an invalid value 'S'")]
        [InlineData(V40 + "/E:A/E:P", "Metric 'E' (Exploit Maturity) is given more than once")]
        [InlineData(V40 + "/RL:O", "Unknown metric 'RL' for CVSS 4.0")]                                 // a v3 metric in v4.0
        public void MalformedVectorsAreClearErrors(string vector, string messagePart)
        {
            var ex = Assert.Throws<SecurityOpsException>(() => Cvss.Score(vector));
            Assert.Equal("InvalidCvssVector", ex.ErrorId);
            Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
            Assert.Equal(vector, ex.Target);
            Assert.Contains(messagePart, ex.Message);

            Assert.False(Cvss.TryScore(vector, out CvssScore score, out string error));
            Assert.Null(score);
            Assert.Equal(ex.Message, error);
        }

        [Fact]
        public void V3AcceptsAnyOrderAndV4AcceptsTheSpecificationOrder()
        {
            Assert.Equal(9.8, Cvss.Score("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N").Score);
            CvssScore full = Cvss.Score(V40 + "/E:A/CR:H/IR:H/AR:H/MAV:N/MAC:L/MAT:N/MPR:N/MUI:N/MVC:H/MVI:H/MVA:H/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Red");
            Assert.Equal(10.0, full.Score);
            Assert.Equal(32, full.Metrics.Count);
            Assert.True(Cvss.TryScore(V31, out CvssScore ok, out string error));
            Assert.Null(error);
            Assert.Equal(9.8, ok.Score);
        }
    }
}
