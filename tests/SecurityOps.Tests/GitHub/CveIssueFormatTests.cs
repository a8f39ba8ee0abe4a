using System.Collections.Generic;
using SecurityOps.GitHub;
using SecurityOps.Model;
using Xunit;

namespace SecurityOps.Tests.GitHub
{
    /// <summary>The issue body says what the project ships that the CVEs affect, when an inventory decided it.</summary>
    public sealed class CveIssueFormatTests
    {
        private static CveRecord Record(string id, params RelevanceFinding[] findings) => new CveRecord
        {
            CveId = id,
            Summary = "Heap overflow.",
            Relevance = findings.Length == 0 ? null : new CveRelevance { State = CveRelevance.Affected, Findings = new List<RelevanceFinding>(findings) },
        };

        [Fact]
        public void TheShippedVersionsOfEveryInventoryAreInTheBody()
        {
            var body = new CveIssueFormat().Body("dev-libs/openssl", new[]
            {
                Record("CVE-2026-1000",
                    new RelevanceFinding { Inventory = "stable", Package = "dev-libs/openssl", Version = "3.0.13", State = CveRelevance.Affected },
                    new RelevanceFinding { Inventory = "lts", Package = "dev-libs/openssl", Version = "3.0.15", State = CveRelevance.NotAffected }),
                Record("CVE-2026-1001",
                    new RelevanceFinding { Inventory = "stable", Package = "dev-libs/openssl", Version = "3.0.13", State = CveRelevance.Affected },
                    new RelevanceFinding { Inventory = "beta", Package = "dev-libs/openssl", Version = "3.2.1", State = CveRelevance.Affected }),
            });

            Assert.Contains("**Shipped**: dev-libs/openssl 3.0.13 (stable), dev-libs/openssl 3.2.1 (beta)\n**Action Needed**", body);
            Assert.DoesNotContain("3.0.15", body);
        }

        [Fact]
        public void WithoutARelevanceDecisionTheLineIsLeftOut()
        {
            var body = new CveIssueFormat().Body("dev-libs/openssl", new[] { Record("CVE-2026-1000") });
            Assert.DoesNotContain("Shipped", body);
            Assert.Contains("**CVSSs**: n/a\n**Action Needed**: TBD\n", body);
        }
    }
}
