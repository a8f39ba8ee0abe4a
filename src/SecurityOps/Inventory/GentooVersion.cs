using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// A Gentoo package version and its ordering, written from the Package Manager Specification (chapter 3,
    /// "Package names and versions"): numeric components separated by dots, an optional letter, any number of
    /// suffixes (_alpha, _beta, _pre, _rc, _p, each with an optional number) and an optional -rN revision.
    /// Comparison follows the specification's algorithms: the first component as an integer; later components as
    /// integers unless either has a leading zero, when they compare as strings with trailing zeros removed; a longer
    /// list of components is greater; then the letter; then suffixes in the order alpha &lt; beta &lt; pre &lt; rc &lt; p with
    /// their numbers (missing = 0), where an extra suffix makes a version greater only when it is _p; then the revision.
    /// </summary>
    internal sealed class GentooVersion : IComparable<GentooVersion>, IComparable, IEquatable<GentooVersion>
    {
        private static readonly Regex Pattern = new Regex(
            @"^(?<num>\d+(?:\.\d+)*)(?<letter>[a-z])?(?<suffix>(?:_(?:alpha|beta|pre|rc|p)\d*)*)(?:-r(?<rev>\d+))?$",
            RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private static readonly Regex SuffixPattern = new Regex(@"_(alpha|beta|pre|rc|p)(\d*)", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private static readonly string[] SuffixOrder = { "alpha", "beta", "pre", "rc", "p" };

        private GentooVersion(string text, string[] numbers, char? letter, List<(int Kind, string Number)> suffixes, string revision)
        {
            Text = text;
            Numbers = numbers;
            Letter = letter;
            Suffixes = suffixes;
            Revision = revision;
        }

        /// <summary>The version as written.</summary>
        public string Text { get; }

        internal string[] Numbers { get; }

        internal char? Letter { get; }

        internal List<(int Kind, string Number)> Suffixes { get; }

        /// <summary>The revision's digits ("0" when there is none).</summary>
        internal string Revision { get; }

        /// <summary>The same version without its revision (for the revision-only range operators rlt, rle, rgt, rge).</summary>
        public GentooVersion WithoutRevision => new GentooVersion(Text, Numbers, Letter, Suffixes, "0");

        public static GentooVersion Parse(string text) =>
            TryParse(text, out GentooVersion version)
                ? version
                : throw new FormatException($"'{text}' is not a Gentoo version (see the Package Manager Specification, section 3.2).");

        public static bool TryParse(string text, out GentooVersion version)
        {
            version = null;
            if (string.IsNullOrWhiteSpace(text))
            {
                return false;
            }

            Match m = Pattern.Match(text.Trim());
            if (!m.Success)
            {
                return false;
            }

            var suffixes = new List<(int, string)>();
            foreach (Match s in SuffixPattern.Matches(m.Groups["suffix"].Value))
            {
                suffixes.Add((Array.IndexOf(SuffixOrder, s.Groups[1].Value), s.Groups[2].Value.Length == 0 ? "0" : s.Groups[2].Value));
            }

            version = new GentooVersion(
                text.Trim(),
                m.Groups["num"].Value.Split('.'),
                m.Groups["letter"].Success ? m.Groups["letter"].Value[0] : (char?)null,
                suffixes,
                m.Groups["rev"].Success ? m.Groups["rev"].Value : "0");
            return true;
        }

        int IComparable.CompareTo(object obj) => CompareTo((GentooVersion)obj);

        /// <summary>Algorithm 3.1 of the specification.</summary>
        public int CompareTo(GentooVersion other)
        {
            if (other == null)
            {
                return 1;
            }

            int c = CompareNumbers(Numbers, other.Numbers);
            if (c != 0)
            {
                return c;
            }

            c = (Letter ?? '\0').CompareTo(other.Letter ?? '\0');
            if (c != 0)
            {
                return Math.Sign(c);
            }

            c = CompareSuffixes(Suffixes, other.Suffixes);
            return c != 0 ? c : CompareIntegers(Revision, other.Revision);
        }

        /// <summary>Algorithms 3.2 and 3.3: numeric components.</summary>
        private static int CompareNumbers(string[] a, string[] b)
        {
            int c = CompareIntegers(a[0], b[0]);
            if (c != 0)
            {
                return c;
            }

            for (int i = 1; i < Math.Min(a.Length, b.Length); i++)
            {
                if (a[i].StartsWith("0", StringComparison.Ordinal) || b[i].StartsWith("0", StringComparison.Ordinal))
                {
                    // Leading zero: compared as a decimal fraction (trailing zeros removed, then as strings).
                    c = Math.Sign(string.CompareOrdinal(a[i].TrimEnd('0'), b[i].TrimEnd('0')));
                }
                else
                {
                    c = CompareIntegers(a[i], b[i]);
                }

                if (c != 0)
                {
                    return c;
                }
            }

            return a.Length.CompareTo(b.Length);
        }

        /// <summary>Algorithms 3.5 and 3.6: suffixes.</summary>
        private static int CompareSuffixes(List<(int Kind, string Number)> a, List<(int Kind, string Number)> b)
        {
            int shared = Math.Min(a.Count, b.Count);
            for (int i = 0; i < shared; i++)
            {
                if (a[i].Kind != b[i].Kind)
                {
                    return a[i].Kind.CompareTo(b[i].Kind);
                }

                int c = CompareIntegers(a[i].Number, b[i].Number);
                if (c != 0)
                {
                    return c;
                }
            }

            const int p = 4;
            if (a.Count > shared)
            {
                return a[shared].Kind == p ? 1 : -1;
            }

            if (b.Count > shared)
            {
                return b[shared].Kind == p ? -1 : 1;
            }

            return 0;
        }

        /// <summary>Integers of any length (versions such as 20250101123456 overflow a long only in theory, but dates and hashes do).</summary>
        private static int CompareIntegers(string a, string b)
        {
            a = a.TrimStart('0');
            b = b.TrimStart('0');
            return a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));
        }

        public bool Equals(GentooVersion other) => other != null && CompareTo(other) == 0;

        public override bool Equals(object obj) => Equals(obj as GentooVersion);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Numbers[0].TrimStart('0'));

        public override string ToString() => Text;

        public static int Compare(string a, string b) => Parse(a).CompareTo(Parse(b));
    }
}
