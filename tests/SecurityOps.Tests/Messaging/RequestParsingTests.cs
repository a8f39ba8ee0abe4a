using System.Collections.Generic;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;
using Xunit;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>Request mails read by their structure: quote markers, numbering, the criterion's own text matched whole.</summary>
    public sealed class RequestParsingTests
    {
        private static readonly IList<MembershipCriterion> Oci = PolicyCatalog.Preset("oci").Distributors.MembershipCriteria;
        private static readonly IList<MembershipCriterion> KubeEdge = PolicyCatalog.Preset("kubernetes-style").Distributors.MembershipCriteria;

        private static Dictionary<string, string> Parse(string mail, IList<MembershipCriterion> criteria) =>
            RequestMailParser.Parse(mail, criteria).ToDictionary(a => a.Criterion, a => a.Answer);

        [Fact]
        public void AnswersThatRepeatTheirCriterionsWordsStayAnswers()
        {
            string mail = "Subject: Acme membership request\n\n" +
                          "> Have a user base not limited to your own organization.\n\n" +
                          "We have a user base not limited to our own organization: thousands of users outside Acme.\n\n" +
                          "> Have a publicly verifiable track record up to present day of fixing security issues.\n\n" +
                          "We have a publicly verifiable track record of fixing security issues up to the present day.\n" +
                          "Have a publicly verifiable track record: see https://acme.example/security.\n\n" +
                          "> Not be a downstream or rebuild of another distribution.\n\n" +
                          "1. We are not a downstream or rebuild of another distribution.\n" +
                          "2. Our packages are built from upstream sources.\n\n" +
                          "> Accept the Embargo Policy that is outlined above.\n\n" +
                          "Accept the embargo policy outlined above: we do.\n";
            var answers = Parse(mail, Oci);

            Assert.Equal(new[] { "user-base", "track-record", "not-downstream", "accept-embargo" }, RequestMailParser.Parse(mail, Oci).Select(a => a.Criterion));
            Assert.Equal("We have a user base not limited to our own organization: thousands of users outside Acme.", answers["user-base"]);
            Assert.Equal("We have a publicly verifiable track record of fixing security issues up to the present day.\n" +
                         "Have a publicly verifiable track record: see https://acme.example/security.", answers["track-record"]);
            Assert.Equal("1. We are not a downstream or rebuild of another distribution.\n2. Our packages are built from upstream sources.", answers["not-downstream"]);
            Assert.Equal("Accept the embargo policy outlined above: we do.", answers["accept-embargo"]);
        }

        [Fact]
        public void QuotedCriteriaWrappedOverLinesAreReadWhole()
        {
            string mail = "Hello,\n\n" +
                          "> 2. Have a publicly verifiable track record up to present day of fixing security\n" +
                          "   issues.\n\n" +
                          "Our advisories page lists every fix since 2015.\n\n" +
                          "> Have someone already on the list vouch for the person requesting\n" +
                          "> membership on behalf of your distribution.\n" +
                          "Jane Doe of Example Linux vouches for us.\n\n" +
                          ">> Be willing to contribute\n>> back as outlined\n>> above.\n\nYes, gladly.\n\n" +
                          "3. Not be a downstream or rebuild of\nanother distribution.\nWe are an independent distribution.\n\n" +
                          "> Have a user base not limited\n>\n> to your own organization.\n\nThe quote above is broken by a blank quoted line: not a restatement.\n";
            var answers = Parse(mail, Oci);

            Assert.Equal("Our advisories page lists every fix since 2015.", answers["track-record"]);
            Assert.Equal("Jane Doe of Example Linux vouches for us.", answers["vouched"]);
            Assert.Equal("Yes, gladly.", answers["contribute-back"]);
            Assert.StartsWith("We are an independent distribution.", answers["not-downstream"]);
            Assert.False(answers.ContainsKey("user-base"));
            Assert.Equal("Have a publicly verifiable track record up to present day of fixing security issues.",
                RequestMailParser.Parse(mail, Oci).Single(a => a.Criterion == "track-record").Text);
        }

        [Fact]
        public void NumberingThatDiffersFromThePolicysIsIgnored()
        {
            // KubeEdge numbers its criteria 1-8; this applicant starts at 0, answers out of order, mixes styles.
            string mail = "To: cncf-kubeedge-security@lists.cncf.io\nSubject: EdgeOS membership request\n\n" +
                          "8. Have an actively monitored security email alias for our project.\nsecurity@edgeos.example\n\n" +
                          "(0) Be willing to contribute back.\nYes.\n\n" +
                          "a) Be a participant and active contributor in the KubeEdge community.\nWe maintain the edge-mesh SIG.\n\n" +
                          "### 4) Accept the Embargo Policy that is outlined above\nWe accept.\n\n" +
                          "- Have a user base not limited to your own organization.\nTelcos in three countries.\n\n" +
                          "**Criterion 5: Have someone already on the list vouch for the person requesting membership on behalf of your distribution.**\nJohn Roe of KubeOS.\n";
            var answers = Parse(mail, KubeEdge);

            Assert.Equal("security@edgeos.example", answers["security-alias"]);
            Assert.Equal("Yes.", answers["contribute-back"]);
            Assert.Equal("We maintain the edge-mesh SIG.", answers["community-participant"]);
            Assert.Equal("We accept.", answers["accept-embargo"]);
            Assert.Equal("Telcos in three countries.", answers["user-base"]);
            Assert.Equal("John Roe of KubeOS.", answers["vouched"]);
            Assert.False(answers.ContainsKey("track-record"));
            Assert.False(answers.ContainsKey("not-downstream"));
        }

        [Fact]
        public void OcisOwnExampleIsReadWithItsReorderedWordsAndZeroBasedNumbers()
        {
            string mail = DistributorCommandTests.OciRequestMail("-----BEGIN PGP PUBLIC KEY BLOCK-----\nxyz\n-----END PGP PUBLIC KEY BLOCK-----");
            var answers = Parse(mail, Oci);

            Assert.Equal(8, answers.Count);
            Assert.Equal("Yes, please subscribe security-response-team@seven.example to the distributor's\nannounce list.", answers["security-alias"]);
            Assert.Equal("Yes, our key is below.", answers["pgp"]);
            Assert.DoesNotContain("BEGIN PGP", answers["vouched"]);
        }

        [Fact]
        public void APlainLineCountsOnlyWhenItIsTheCriterionExactly()
        {
            string mail = "Have an actively monitored security email alias for our project.\nsecurity@x.example\n\n" +
                          "We have an actively monitored security email alias for the project, as said.\n\n" +
                          "Have a user base not limited to your organization\nMany.\n";
            var answers = Parse(mail, Oci);

            Assert.Equal("security@x.example\n\nWe have an actively monitored security email alias for the project, as said.\n\n" +
                         "Have a user base not limited to your organization\nMany.", answers["security-alias"]);
            Assert.Single(answers);
        }
    }
}
