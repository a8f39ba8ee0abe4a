using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using SecurityOps.Feeds.Readers;
using SecurityOps.Inventory;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Inventory
{
    public sealed class VersionOrderTests
    {
        // The Package Manager Specification's rules (chapter 3): each pair is strictly ascending.
        [Theory]
        [InlineData("1.0", "1.1")]
        [InlineData("1.0", "1.0.1")]             // more components is greater
        [InlineData("1.9", "1.10")]              // integers, not strings
        [InlineData("1.01", "1.1")]              // leading zero: compared as a decimal fraction
        [InlineData("1.010", "1.1")]
        [InlineData("1.0", "1.0a")]              // a letter suffix is greater
        [InlineData("1.0a", "1.0b")]
        [InlineData("1.0_alpha", "1.0_beta")]    // alpha < beta < pre < rc < (none) < p
        [InlineData("1.0_beta", "1.0_pre")]
        [InlineData("1.0_pre", "1.0_rc")]
        [InlineData("1.0_rc", "1.0")]
        [InlineData("1.0", "1.0_p")]
        [InlineData("1.0_alpha1", "1.0_alpha2")]
        [InlineData("1.0_alpha", "1.0_alpha1")]  // a missing suffix number is 0
        [InlineData("1.0_alpha_beta", "1.0_alpha")] // an extra suffix other than _p is smaller...
        [InlineData("1.0_alpha", "1.0_alpha_p1")]   // ...an extra _p greater
        [InlineData("1.0", "1.0-r1")]
        [InlineData("1.0-r1", "1.0-r2")]
        [InlineData("1.0-r9", "1.0-r10")]
        [InlineData("4.2.8_p15", "4.2.8_p16")]   // real GLSA bounds
        [InlineData("24.2.7.2", "24.2.7.2-r1")]
        [InlineData("9.1.1651", "9.1.1652")]
        [InlineData("12345678901234567890", "12345678901234567891")] // beyond a long
        public void GentooOrderFollowsTheSpecification(string lower, string higher)
        {
            Assert.True(GentooVersion.Compare(lower, higher) < 0, $"{lower} < {higher}");
            Assert.True(GentooVersion.Compare(higher, lower) > 0, $"{higher} > {lower}");
        }

        [Theory]
        [InlineData("1.0", "1.00")]      // trailing zeros of a leading-zero component do not count
        [InlineData("1.0-r0", "1.0")]    // -r0 is no revision
        [InlineData("1.0_alpha0", "1.0_alpha")]
        [InlineData("1.0-r01", "1.0-r1")]
        public void GentooEqualVersions(string a, string b) => Assert.Equal(0, GentooVersion.Compare(a, b));

        [Theory]
        [InlineData("1.0-r")]
        [InlineData("1.0_gamma")]
        [InlineData("a1.0")]
        [InlineData("1.0AB")]
        [InlineData("")]
        public void GentooRejectsWhatIsNotAVersion(string text) => Assert.False(GentooVersion.TryParse(text, out _));

        [Fact]
        public void Pep440OrderFollowsThePep()
        {
            string[] ordered = { "1.0.dev0", "1.0a1.dev0", "1.0a1", "1.0b1", "1.0rc1", "1.0", "1.0+local.1", "1.0.post1.dev0", "1.0.post1", "1.1", "1!0.1" };
            var shuffled = ordered.Reverse().ToList();
            shuffled.Sort(new SchemeVersionComparer(VersionSchemes.Pep440));
            Assert.Equal(ordered, shuffled);
            Assert.Equal(0, new SchemeVersionComparer(VersionSchemes.Pep440).Compare("1.0", "1.0.0"));
            Assert.Equal(0, new SchemeVersionComparer(VersionSchemes.Pep440).Compare("1.0alpha1", "1.0a1"));
            Assert.Equal(0, new SchemeVersionComparer(VersionSchemes.Pep440).Compare("1.0-1", "1.0.post1"));
        }

        [Fact]
        public void SemVerOrderForGoAndCrates()
        {
            string[] ordered = { "v0.9.0", "v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.2.10" };
            var sorted = ordered.Reverse().ToList();
            sorted.Sort(new SchemeVersionComparer(VersionSchemes.SemVer));
            Assert.Equal(ordered, sorted);
            Assert.Equal(0, new SchemeVersionComparer(VersionSchemes.SemVer).Compare("1.0.0+build.1", "1.0.0"));
        }

        private static XElement Glsa(string id) =>
            XDocument.Load(Path.Combine(RepoPaths.Root, "tests", "SecurityOps.Tests", "Fixtures", "feeds", "gentoo", id + ".xml")).Root;

        [Fact]
        public void GlsaRangesFromRealAdvisories()
        {
            // GLSA 202506-07 style: read every real advisory, and check vim (lt 9.1.1652 / ge 9.1.1652).
            var all = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "SecurityOps.Tests", "Fixtures", "feeds", "gentoo"), "*.xml")
                .SelectMany(f => GentooGlsaReader.Parse(File.ReadAllBytes(f), f, null, Path.GetFileNameWithoutExtension(f)).Packages).ToList();
            Assert.True(all.Count > 40);
            Assert.All(all, p => Assert.True(p.HasVersionData, p.Name));

            PackageRef vim = all.First(p => p.Name == "app-editors/vim");
            Assert.Contains("lt 9.1.1652", vim.Vulnerable);
            Assert.Equal(RangeVerdict.Affected, RangeMatcher.Match(vim, "9.1.1651").Verdict);
            Assert.Equal(RangeVerdict.Affected, RangeMatcher.Match(vim, "9.1.1652_rc1").Verdict);
            Assert.Equal(RangeVerdict.NotAffected, RangeMatcher.Match(vim, "9.1.1652").Verdict);
            Assert.Equal(RangeVerdict.NotAffected, RangeMatcher.Match(vim, "9.1.1652-r1").Verdict);

            PackageRef ntp = all.First(p => p.Name == "net-misc/ntp");
            Assert.Equal(RangeVerdict.Affected, RangeMatcher.Match(ntp, "4.2.8_p15").Verdict);
            Assert.Equal(RangeVerdict.NotAffected, RangeMatcher.Match(ntp, "4.2.8_p16").Verdict);

            PackageRef gtk = all.First(p => p.Name == "x11-libs/gtk+");
            Assert.Contains(gtk.Vulnerable, v => v.EndsWith(":3", StringComparison.Ordinal));
            Assert.Equal(RangeVerdict.Affected, RangeMatcher.Match(gtk, "3.24.41").Verdict);
            Assert.Equal(RangeVerdict.Unknown, RangeMatcher.Match(gtk, "not-a-version").Verdict);
        }

        [Theory]
        [InlineData("rge 1.2-r3", "1.2-r3", true)]
        [InlineData("rge 1.2-r3", "1.2-r4", true)]
        [InlineData("rge 1.2-r3", "1.3", false)]   // revision operators stay within the version
        [InlineData("rlt 1.2-r3", "1.2-r2", true)]
        [InlineData("rlt 1.2-r3", "1.1", false)]
        [InlineData("rle 1.2-r3", "1.2-r3", true)]
        [InlineData("rgt 1.2-r3", "1.2-r3", false)]
        [InlineData("le 1.2", "1.2", true)]
        [InlineData("gt 1.2", "1.2.1", true)]
        [InlineData("eq 1.2", "1.2-r0", true)]
        [InlineData("eq 1.2", "1.2-r1", false)]
        public void GlsaOperators(string range, string version, bool matches) =>
            Assert.Equal(matches, RangeMatcher.GlsaRangeMatches(range, GentooVersion.Parse(version)));

        [Fact]
        public void OsvRangesAndUnknownTypes()
        {
            var crate = new PackageRef("time", "crates.io")
            {
                Ranges = { },
            };
            crate.Ranges = new System.Collections.Generic.List<AffectedRange>
            {
                new AffectedRange { Type = "SEMVER", Events = { new RangeEvent { Introduced = "0.2.7" }, new RangeEvent { Fixed = "0.2.23" } } },
            };
            Assert.Equal(RangeVerdict.Affected, RangeMatcher.Match(crate, "0.2.22").Verdict);
            Assert.Equal(RangeVerdict.NotAffected, RangeMatcher.Match(crate, "0.2.23").Verdict);
            Assert.Equal(RangeVerdict.NotAffected, RangeMatcher.Match(crate, "0.1.0").Verdict);

            var py = new PackageRef("Django", "PyPI") { Ranges = new System.Collections.Generic.List<AffectedRange> { new AffectedRange { Type = "ECOSYSTEM", Events = { new RangeEvent { Introduced = "0" }, new RangeEvent { LastAffected = "4.2rc1" } } } } };
            Assert.Equal(RangeVerdict.Affected, RangeMatcher.Match(py, "4.2b1").Verdict);
            Assert.Equal(RangeVerdict.Affected, RangeMatcher.Match(py, "4.2rc1").Verdict);
            Assert.Equal(RangeVerdict.NotAffected, RangeMatcher.Match(py, "4.2").Verdict);

            var git = new PackageRef("x", "Go") { Ranges = new System.Collections.Generic.List<AffectedRange> { new AffectedRange { Type = "GIT", Events = { new RangeEvent { Introduced = "abc" } } } } };
            var (verdict, reason) = RangeMatcher.Match(git, "v1.0.0");
            Assert.Equal(RangeVerdict.Unknown, verdict);
            Assert.Contains("GIT", reason);

            var debian = new PackageRef("openssl", "Debian:12") { Ranges = new System.Collections.Generic.List<AffectedRange> { new AffectedRange { Type = "ECOSYSTEM", Events = { new RangeEvent { Introduced = "0" } } } } };
            Assert.Equal(RangeVerdict.Unknown, RangeMatcher.Match(debian, "3.0.11-1").Verdict);
        }
    }
}
