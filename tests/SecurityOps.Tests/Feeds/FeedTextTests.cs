using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using SecurityOps.Feeds;
using SecurityOps.Model;
using Xunit;

namespace SecurityOps.Tests.Feeds
{
    /// <summary>
    /// The shared text helpers, each against the regex form it replaced (kept here as the reference): HTML to text,
    /// CVE ids (split by tags and entities too), and dates in the shapes the feeds write, plus the streaming entry reader.
    /// </summary>
    public sealed class FeedTextTests
    {
        private static readonly Regex Tags = new Regex(@"<[^>]*>");
        private static readonly Regex Spaces = new Regex(@"\s+");
        private static readonly Regex ZoneName = new Regex(@"\s(GMT|UT|UTC|Z)$", RegexOptions.CultureInvariant);
        private static readonly Regex ZoneOffset = new Regex(@"([+-]\d\d)(\d\d)$", RegexOptions.CultureInvariant);
        private static readonly string[] Rfc822Formats =
        {
            "ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm zzz", "ddd, d MMM yyyy HH:mm:ss",
        };

        private static string ReferencePlainText(string html, int maxLength)
        {
            if (string.IsNullOrEmpty(html))
            {
                return html;
            }

            string text = Spaces.Replace(WebUtility.HtmlDecode(Tags.Replace(html, " ")), " ").Trim();
            return text.Length > maxLength ? text.Substring(0, maxLength) + "..." : text;
        }

        private static DateTimeOffset? ReferenceDate(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            text = text.Trim();
            char last = text[text.Length - 1];
            string rfc = last == 'T' || last == 'C' || last == 'Z' ? ZoneName.Replace(text, " +0000") : text;
            rfc = char.IsDigit(rfc[rfc.Length - 1]) ? ZoneOffset.Replace(rfc, "$1:$2") : rfc;
            bool ok = DateTimeOffset.TryParseExact(rfc, Rfc822Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset value)
                   || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out value);
            return !ok || value.Year < 1970 ? (DateTimeOffset?)null : value.ToUniversalTime();
        }

        private static string[] ReferenceCves(params string[] texts)
        {
            var list = new List<string>();
            foreach (string text in texts)
            {
                foreach (string id in CveIdentifier.FindAll(text))
                {
                    if (!list.Contains(id))
                    {
                        list.Add(id);
                    }
                }
            }

            return list.ToArray();
        }

        private static readonly string[] Html =
        {
            null, "", " ", "plain", "  lead and trail  ", "a\r\n\tb", "a<b>c</b>d", "<p>x</p><p>y</p>", "a <", "a < b > c < d", "a<b",
            "<<a>>", "x&amp;y", "&lt;b&gt;bold&lt;/b&gt;", "a&nbsp;b", "a&#32;&#32;b", "&#x3C;tag&#x3E;", "&bogus; & &", "<a href=\"x\">&amp;</a>",
            "CVE-2025-<b>1234</b>", "CVE&#45;2025-1234", "cve-2025-12345 and CVE-2025-12345", "\u00a0x\u2028y\u0085z\u3000", "\u200bx\u200b",
            "a\u180Eb", "<p>\n  multi\n  line\n</p>", "tab\there", "x<!-- c -->y", "<![CDATA[x]]>", "\ud83d\ude00 emoji <i>it</i>",
        };

        [Fact]
        public void PlainTextIsTheRegexFormOnTrickyInput()
        {
            foreach (string html in Html)
            {
                foreach (int max in new[] { 2000, 5, 1 })
                {
                    Assert.Equal(ReferencePlainText(html, max), FeedText.PlainText(html, max));
                }
            }
        }

        [Fact]
        public void PlainTextIsTheRegexFormOnRandomMarkup()
        {
            string[] pieces = { "<", ">", "&", "amp;", "lt;", "#60;", "#x20;", "nbsp;", " ", "  ", "\n", "\t", "\u00a0", "\u2029", "\u0085", "a", "CVE-2024-1234", "<b>", "</p>", "x" };
            var random = new Random(1234);
            for (int n = 0; n < 20000; n++)
            {
                var sb = new StringBuilder();
                for (int k = random.Next(12); k >= 0; k--)
                {
                    sb.Append(pieces[random.Next(pieces.Length)]);
                }

                string html = sb.ToString();
                Assert.Equal(ReferencePlainText(html, 2000), FeedText.PlainText(html, 2000));
                Assert.Equal(ReferencePlainText(html, 7), FeedText.PlainText(html, 7));
            }
        }

        [Fact]
        public void CvesAreTheRegexFormAndTextWithoutTheLiteralIsSkippedExactly()
        {
            string[][] cases =
            {
                new[] { "GLSA 202601-05: x CVE-2025-48734", "see cve-2025-48734 and CVE-2024-0001", null },
                new[] { "CVE-2025-<b>1234</b>", "CVE&#45;2025-1234", "CVE-2025-12" },
                new[] { "xCVE-2025-1234", "CVE-2025-1234x", "CVE-2025-1234_", "(CVE-2025-123456)" },
                new[] { "Cve-2021-44228, CVE-2021-45046", "", "CVE-2021-44228" },
                new[] { "CVE-\u0661\u0662\u0663\u0664-1234", "no ids at all", "C V E-2020-1234" },
            };
            foreach (string[] texts in cases)
            {
                Assert.Equal(ReferenceCves(texts), FeedText.Cves(texts));
                Assert.Equal(ReferenceCves(texts.Select(t => t == null ? null : FeedText.PlainText(t)).ToArray()),
                             FeedText.Cves(texts.Select(t => t == null ? null : FeedText.PlainText(t)).ToArray()));
            }

            // The literal part of the pattern is ASCII only under IgnoreCase: the "CVE-" pre-check can skip no match.
            var pattern = new Regex(@"^[c][v][e]-$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            for (int c = 0; c <= char.MaxValue; c++)
            {
                char ch = (char)c;
                foreach (string probe in new[] { ch + "ve-", "c" + ch + "e-", "cv" + ch + "-", "cve" + ch })
                {
                    if (pattern.IsMatch(probe))
                    {
                        Assert.True(probe.IndexOf("CVE-", StringComparison.OrdinalIgnoreCase) == 0, $"U+{c:X4}");
                    }
                }
            }
        }

        [Fact]
        public void DatesInTheFeedsShapesAreTheRegexForm()
        {
            string[] dates =
            {
                "Mon, 26 Jan 2026 00:00:00 +0000", "Mon, 26 Jan 2026 00:00:00 GMT", "Mon, 26 Jan 2026 00:00:00 UT", "Mon, 26 Jan 2026 00:00:00 UTC",
                "Mon, 26 Jan 2026 00:00:00 Z", "Sun, 5 Oct 2025 13:45:10 -0700", "Sun, 05 Oct 2025 13:45:10 +0530", "  Tue, 31 Dec 2024 23:59:59 +1300 ",
                "Tue, 26 Jan 2026 00:00:00 +0000", "mon, 26 Jan 2026 00:00:00 +0000", "Mon, 26 jan 2026 00:00:00 +0000", "Mon,  26 Jan 2026 00:00:00 +0000",
                "Mon, 26 Jan 2026 0:00:00 +0000", "Mon, 26 Jan 2026 00:00 +0000", "Mon, 26 Jan 2026 00:00:00", "26 Jan 2026 00:00:00 +0000",
                "Mon, 26 Jan 2026 00:00:00 EST", "Mon, 26 Jan 2026 00:00:00 +1400", "Mon, 26 Jan 2026 00:00:00 +0075", "Mon, 26 Jan 2026 24:00:00 +0000",
                "Mon, 26 Jan 2026 00:60:00 +0000", "Mon, 26 Jan 2026 00:00:60 +0000", "Thu, 29 Feb 2024 12:00:00 +0000", "Sun, 29 Feb 2025 12:00:00 +0000",
                "Mon, 1 Jan 0001 00:00:00 +0000", "Thu, 1 Jan 1970 00:00:00 -0100", "Wed, 31 Dec 1969 23:00:00 -0100", "Fri, 31 Dec 9999 23:59:59 +0000",
                "Mon, 26 Jan 2026 00:00:00 +00000", "Mon, 26 Jan 2026 00:00:00 +000", "Mon, 26 Jan 2026 00:00:00 GMT+1", "2026-01-26T00:00:00Z",
                "2026-01-26T00:00:00+00:00", "2026-01-26", "0001-01-01T00:00:00Z", "2024-13-45", "yesterday", "1764000000", "", "   ", null,
            };
            foreach (string date in dates)
            {
                AssertSameDate(ReferenceDate(date), FeedText.Date(date), date);
            }

            var random = new Random(42);
            string[] zones = { "+0000", "-0000", "GMT", "UT", "UTC", "Z", "+0100", "-0930", "+1345", "-1200" };
            for (int n = 0; n < 5000; n++)
            {
                var when = new DateTime(1965, 1, 1).AddMinutes(random.Next(0, 70 * 365 * 24 * 60)).AddSeconds(random.Next(60));
                string day = random.Next(4) == 0 ? when.AddDays(1).ToString("ddd", CultureInfo.InvariantCulture) : when.ToString("ddd", CultureInfo.InvariantCulture);
                string text = $"{day}, {when.ToString(random.Next(2) == 0 ? "d" : "dd", CultureInfo.InvariantCulture)} {when.ToString("MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)} {zones[random.Next(zones.Length)]}";
                AssertSameDate(ReferenceDate(text), FeedText.Date(text), text);
            }
        }

        private static void AssertSameDate(DateTimeOffset? expected, DateTimeOffset? actual, string text)
        {
            Assert.True(expected.HasValue == actual.HasValue, $"'{text}': expected {expected}, got {actual}");
            if (expected.HasValue)
            {
                Assert.True(expected.Value.Ticks == actual.Value.Ticks && expected.Value.Offset == actual.Value.Offset, $"'{text}': expected {expected:o}, got {actual:o}");
            }
        }

        [Fact]
        public void EntriesReadTextSplitAcrossNodesAndSkipNestedAndEmptyItems()
        {
            const string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>t</title>" +
                "<item/>" +
                "<item><title>  one <![CDATA[<b>CVE-2025-1234</b>]]> two  </title><link>https://seclists.org/oss-sec/2026/q1/12</link>" +
                "<description><p>nested <i>deeper</i> text</p></description><content:encoded><![CDATA[<p>c</p>]]></content:encoded>" +
                "<x><title>not this one</title><item><title>nor this</title></item></x><pubDate>Mon, 26 Jan 2026 00:00:00 +0000</pubDate><guid/></item>" +
                "<item><title>second</title></item></channel></rss>";
            var entries = FeedEntries.Read(Encoding.UTF8.GetBytes(feed), "feed").ToList();
            Assert.Equal(3, entries.Count);
            Assert.Null(entries[0].Title);
            Assert.Equal("one <b>CVE-2025-1234</b> two", entries[1].Title);
            Assert.Equal("https://seclists.org/oss-sec/2026/q1/12", entries[1].Link);
            Assert.Equal("nested deeper text", entries[1].Summary);
            Assert.Equal("<p>c</p>", entries[1].Content);
            Assert.Equal("Mon, 26 Jan 2026 00:00:00 +0000", entries[1].Published);
            Assert.Equal(string.Empty, entries[1].Id);
            Assert.Equal("second", entries[2].Title);
        }
    }
}
