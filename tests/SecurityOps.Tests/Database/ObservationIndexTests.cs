using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Database
{
    /// <summary>
    /// Add-CveRecord answers known records whose files already hold what a feed says from .cache/cve-observations.tsv,
    /// without reading them; every change to a file, and every new thing a feed says, is still read and merged.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class ObservationIndexTests
    {
        private const string Feed = @"
$items = @(
  [pscustomobject]@{ Source = 'gentoo-glsa'; Id = 'GLSA 202601-01'; Title = 'OpenSSL: Multiple Vulnerabilities'; Link = 'https://security.gentoo.org/glsa/202601-01'; CveIds = @('CVE-2025-1111', 'CVE-2025-2222'); Packages = @([pscustomobject]@{ Name = 'dev-libs/openssl'; Ecosystem = 'Gentoo' }) }
  [pscustomobject]@{ Source = 'gentoo-glsa'; Id = 'GLSA 202601-02'; Title = 'curl: Heap overflow'; Link = 'https://security.gentoo.org/glsa/202601-02'; CveIds = @('CVE-2025-3333'); Packages = @('net-misc/curl') }
)";

        private static readonly string[] Files = { "cves/2025/CVE-2025-1111.yaml", "cves/2025/CVE-2025-2222.yaml", "cves/2025/CVE-2025-3333.yaml" };

        private readonly PowerShellFixture ps;

        public ObservationIndexTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>The feed recorded, then seen again (learned), with the files' times an hour back as a day later.</summary>
        private StateScope Learned()
        {
            var state = new StateScope(ps, git: false);
            state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state | Out-Null").AssertNoErrors();
            Age(state);
            var second = state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();
            Assert.Contains("CVE records: 0 new, 0 merged, 3 unchanged.", second.Verbose);
            Assert.True(File.Exists(state.File(CveObservationIndex.RelativePath)));
            return state;
        }

        private static void Age(StateScope state)
        {
            foreach (string file in Files)
            {
                File.SetLastWriteTimeUtc(state.File(file), DateTime.UtcNow.AddHours(-1));
            }
        }

        [Fact]
        public void KnownRecordsTheFeedAddsNothingToAreAnsweredUnreadAndReadTheirFileOnFirstUse()
        {
            using var state = Learned();
            string[] before = Files.Select(state.ReadFile).ToArray();
            var third = state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();

            Assert.Contains("CVE records: 0 new, 0 merged, 3 unchanged (3 of them answered from .cache/cve-observations.tsv without reading their files).", third.Verbose);
            var records = third.Objects<CveRecord>().ToList();
            Assert.Equal(new[] { "CVE-2025-1111", "CVE-2025-2222", "CVE-2025-3333" }, records.Select(r => r.CveId));
            Assert.All(records, r => Assert.False(r.IsNew || r.Changed));
            Assert.Equal(before, Files.Select(state.ReadFile).ToArray());

            // Not read during the run: what the file says when a field is first used is what the record shows.
            File.WriteAllText(state.File(Files[2]), before[2].Replace("title: 'curl: Heap overflow'", "title: 'curl: heap overflow (edited)'"));
            Assert.Equal("curl: heap overflow (edited)", records[2].Title);
            Assert.Equal("OpenSSL: Multiple Vulnerabilities", records[0].Title);
            Assert.Equal(new[] { "dev-libs/openssl" }, records[0].Packages.Select(p => p.Name));
            Assert.Equal(new[] { "gentoo-glsa" }, records[1].SourceNames);

            // Pipelines that filter on IsNew still get nothing.
            Assert.Empty(state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state | Where-Object IsNew").AssertNoErrors().Output);
        }

        [Fact]
        public void AFileChangedByHandIsReadAgainAndWhatTheFeedSaysIsMergedBackIn()
        {
            using var state = Learned();
            // A person takes the sighting out of one record: the feed's item must be merged again, not answered.
            string path = state.File(Files[0]);
            string text = File.ReadAllText(path);
            int from = text.IndexOf("sources:", StringComparison.Ordinal);
            int to = text.IndexOf("references:", StringComparison.Ordinal);
            File.WriteAllText(path, text.Substring(0, from) + "sources: []\n" + text.Substring(to));
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-30));

            var result = state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();
            Assert.Contains("CVE-2025-1111: merged what gentoo-glsa adds.", result.Verbose);
            Assert.Contains("CVE records: 0 new, 1 merged, 2 unchanged (2 of them answered from .cache/cve-observations.tsv without reading their files).", result.Verbose);
            Assert.Contains("GLSA 202601-01", state.ReadFile(Files[0]));
        }

        [Fact]
        public void AFeedThatSaysSomethingNewAboutAKnownRecordIsMerged()
        {
            using var state = Learned();
            var result = state.Run(Feed + "\n$items[1].Link = 'https://security.gentoo.org/glsa/202601-02?v=2'\n$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();

            var changed = result.Objects<CveRecord>().Single(r => r.CveId == "CVE-2025-3333");
            Assert.True(changed.Changed);
            Assert.Contains("https://security.gentoo.org/glsa/202601-02?v=2", changed.References);
            Assert.Contains("CVE records: 0 new, 1 merged, 2 unchanged (2 of them answered from .cache/cve-observations.tsv without reading their files).", result.Verbose);
        }

        [Fact]
        public void TheSameBytesUnderANewTimeAsAFreshCheckoutGivesAreAnsweredByTheirHash()
        {
            using var state = Learned();
            // git checkout writes every file anew: same bytes, new times (and within the racy window of the run).
            foreach (string file in Files)
            {
                File.WriteAllText(state.File(file), state.ReadFile(file));
            }

            var result = state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();
            Assert.Contains("CVE records: 0 new, 0 merged, 3 unchanged (3 of them answered from .cache/cve-observations.tsv without reading their files).", result.Verbose);
            Assert.Equal("curl: Heap overflow", result.Objects<CveRecord>().Last().Title);
        }

        [Fact]
        public void AnIndexAnotherBuildWroteOrOneDamagedIsNotBelievedAndIsWrittenAgain()
        {
            using var state = Learned();
            string index = state.File(CveObservationIndex.RelativePath);
            string[] lines = File.ReadAllLines(index);

            // Another build's header: nothing in it is taken.
            File.WriteAllLines(index, new[] { "securityops-cve-observations 1 0123456789abcdef other-yaml" }.Concat(lines.Skip(1)));
            var result = state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();
            Assert.Contains("CVE records: 0 new, 0 merged, 3 unchanged.", result.Verbose);
            Assert.Equal(lines[0], File.ReadAllLines(index)[0]);

            // Damaged lines and a torn last one are passed over; the others still answer.
            string[] now = File.ReadAllLines(index);
            string good = now.Single(l => l.StartsWith("CVE-2025-3333\t", StringComparison.Ordinal));
            File.WriteAllText(index, now[0] + "\nCVE-2025-1111\tnot-a-size\t0\t00\t00\n" + good + "\n" + good.Substring(0, good.Length / 2).Replace("CVE-2025-3333", "CVE-2025-2222"));
            result = state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state -Verbose").AssertNoErrors();
            Assert.Contains("CVE records: 0 new, 0 merged, 3 unchanged (1 of them answered from .cache/cve-observations.tsv without reading their files).", result.Verbose);
            // The two read again are learned again, each on a whole line of its own after the torn one.
            string[] after = File.ReadAllLines(index);
            Assert.Equal(5, after[after.Length - 2].Split('\t').Length);
            Assert.Equal(5, after[after.Length - 1].Split('\t').Length);
            Assert.Equal(new[] { "CVE-2025-1111", "CVE-2025-2222" }, after.Skip(after.Length - 2).Select(l => l.Split('\t')[0]).OrderBy(x => x));
        }

        [Fact]
        public void AnIndexLineReadsBackAsWrittenAndAnythingMalformedIsRefused()
        {
            var random = new Random(17);
            for (int n = 0; n < 200; n++)
            {
                var fingerprints = Enumerable.Range(0, 1 + random.Next(CveObservationIndex.MaxFingerprints))
                    .Select(i => Hash128.Of(BitConverter.GetBytes(random.NextDouble()))).ToArray();
                long ticks = n == 0 ? DateTime.MaxValue.Ticks : n == 1 ? 0 : DateTime.UtcNow.Ticks - random.Next();
                var entry = new CveObservationIndex.Entry(random.Next(), ticks, Hash128.Of(BitConverter.GetBytes(n)), fingerprints);
                string line = entry.Line("CVE-2026-" + n).TrimEnd('\n');

                // Looked up unparsed (the text searched), then as values: the same answers.
                Assert.True(CveObservationIndex.Entry.TryParse(line, out string id, out var read));
                Assert.Equal("CVE-2026-" + n, id);
                Assert.All(fingerprints, f => Assert.True(read.Holds(f)));
                Assert.False(read.Holds(Hash128.Of(BitConverter.GetBytes(-n))));
                Assert.False(read.Holds(read.Content));
                Assert.True(entry.SameAs(read));
                Assert.All(fingerprints, f => Assert.True(read.Holds(f)));
                Assert.Equal(line + "\n", read.Line(id));
            }

            var two = new[] { Hash128.Of(new byte[] { 2 }), Hash128.Of(new byte[] { 3 }) };
            string good = new CveObservationIndex.Entry(944, 639319974244962991, Hash128.Of(new byte[] { 1 }), two).Line("CVE-2026-1").TrimEnd('\n');
            string[] fields = good.Split('\t');
            var malformed = new[]
            {
                good.Replace("CVE-2026-1", "GHSA-1"),                                          // not a CVE id
                string.Join("\t", fields.Take(4)),                                              // a field missing
                good + "\t" + fields[4],                                                        // a field too many
                good.Replace("\t944\t", "\t-944\t"),                                            // a signed size
                good.Replace("639319974244962991", "99999999999999999999"),                     // ticks beyond a long
                good.Replace(fields[3], fields[3].ToUpperInvariant()),                          // hex not as written
                good.Replace(fields[3], fields[3].Substring(1)),                                // a short hash
                good + ",",                                                                     // an empty fingerprint
                good + "," + two[0].ToString().Substring(1),                                    // a short fingerprint
                good.Replace(",", ";"),                                                         // another separator
            };
            foreach (string line in malformed)
            {
                Assert.False(CveObservationIndex.Entry.TryParse(line, out _, out _), line);
            }

            // A fingerprint whose digits are damaged is not held, looked up in the text or as values; the other still is.
            string damaged = good.Substring(0, good.Length - 1) + "g";
            Assert.True(CveObservationIndex.Entry.TryParse(damaged, out _, out var unparsed));
            Assert.True(unparsed.Holds(two[0]));
            Assert.False(unparsed.Holds(two[1]));
            Assert.Equal(new[] { two[0] }, unparsed.Fingerprints);
            Assert.True(unparsed.Holds(two[0]));
            Assert.False(unparsed.Holds(two[1]));
        }

        [Fact]
        public void ARecordAnsweredUnreadWhoseFileIsThenRemovedSaysSoWhenUsed()
        {
            using var state = Learned();
            var record = state.Run(Feed + "\n$items | Add-CveRecord -StatePath $state").AssertNoErrors().Objects<CveRecord>().First();
            File.Delete(state.File(Files[0]));

            var error = Assert.ThrowsAny<SecurityOpsException>(() => record.Title);
            Assert.Equal("CveRecordGone", error.ErrorId);
            Assert.Contains("CVE-2025-1111", error.Message);
        }

        [Fact]
        public void AnObservationsFingerprintChangesWithEveryFieldTheMergeReads()
        {
            CveObservation Full() => new CveObservation
            {
                CveId = "CVE-2025-1111",
                Source = "osv",
                AdvisoryId = "GHSA-1",
                Link = "https://example.org/a",
                Title = "t",
                Summary = "s",
                CvssScore = 5.0,
                CvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                References = new List<string> { "https://example.org/r" },
                Packages = new List<PackageRef>
                {
                    new PackageRef("p", "npm")
                    {
                        Vulnerable = new List<string> { "lt 2" },
                        Unaffected = new List<string> { "ge 2" },
                        Versions = new List<string> { "1.0" },
                        Ranges = new List<AffectedRange> { new AffectedRange { Type = "SEMVER", Events = new List<RangeEvent> { new RangeEvent { Introduced = "0", Fixed = "2", LastAffected = "1.9", Limit = "3" } } } },
                    },
                },
            };

            Hash128 baseline = Full().ComputeFingerprint();
            Assert.Equal(baseline, Full().ComputeFingerprint());

            // Every settable property of the observation and of what it holds, changed one at a time, by reflection: a
            // field added later and forgotten in the fingerprint fails here.
            var changes = new List<(string Name, Action<CveObservation> Change)>();
            foreach (var p in typeof(CveObservation).GetProperties().Where(p => p.CanWrite && p.Name != nameof(CveObservation.Fingerprint)))
            {
                changes.Add(("CveObservation." + p.Name, o => p.SetValue(o, Other(p.PropertyType, p.GetValue(o)))));
            }

            foreach (var p in typeof(PackageRef).GetProperties().Where(p => p.CanWrite))
            {
                changes.Add(("PackageRef." + p.Name, o => p.SetValue(o.Packages[0], Other(p.PropertyType, p.GetValue(o.Packages[0])))));
            }

            foreach (var p in typeof(AffectedRange).GetProperties().Where(p => p.CanWrite))
            {
                changes.Add(("AffectedRange." + p.Name, o => p.SetValue(o.Packages[0].Ranges[0], Other(p.PropertyType, p.GetValue(o.Packages[0].Ranges[0])))));
            }

            foreach (var p in typeof(RangeEvent).GetProperties().Where(p => p.CanWrite))
            {
                changes.Add(("RangeEvent." + p.Name, o => p.SetValue(o.Packages[0].Ranges[0].Events[0], Other(p.PropertyType, p.GetValue(o.Packages[0].Ranges[0].Events[0])))));
            }

            Assert.True(changes.Count >= 20);
            foreach (var (name, change) in changes)
            {
                CveObservation changed = Full();
                change(changed);
                Assert.True(changed.ComputeFingerprint() != baseline, name + " is not in the fingerprint");
            }

            // Values are written with their lengths: moving text between neighbouring fields is a different observation.
            CveObservation shifted = Full();
            shifted.Title = "ts";
            shifted.Summary = "";
            Assert.NotEqual(baseline, shifted.ComputeFingerprint());
        }

        /// <summary>A value of the property's type unlike <paramref name="current"/>.</summary>
        private static object Other(Type type, object current)
        {
            if (type == typeof(string))
            {
                return (string)current + "x";
            }

            if (type == typeof(double?))
            {
                return ((double?)current ?? 0) + 1;
            }

            if (type == typeof(List<string>))
            {
                return ((List<string>)current ?? new List<string>()).Concat(new[] { "more" }).ToList();
            }

            if (type == typeof(List<PackageRef>))
            {
                return ((List<PackageRef>)current).Concat(new[] { new PackageRef("q") }).ToList();
            }

            if (type == typeof(List<AffectedRange>))
            {
                return ((List<AffectedRange>)current).Concat(new[] { new AffectedRange { Type = "GIT" } }).ToList();
            }

            if (type == typeof(List<RangeEvent>))
            {
                return ((List<RangeEvent>)current).Concat(new[] { new RangeEvent { Fixed = "9" } }).ToList();
            }

            throw new InvalidOperationException("No other value for " + type);
        }
    }
}
