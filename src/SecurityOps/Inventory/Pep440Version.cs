using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace SecurityOps.Inventory
{
    /// <summary>
    /// A Python package version (PEP 440), normalized as the PEP says (alpha/a, beta/b, c/pre/preview/rc, post/rev/r and
    /// "-N" as post releases, separators optional, a leading "v" ignored) and ordered by epoch, release (trailing zeros
    /// do not count), pre-release, post-release, development release and local label: 1.0.dev0 &lt; 1.0a1.dev0 &lt; 1.0a1
    /// &lt; 1.0b1 &lt; 1.0rc1 &lt; 1.0 &lt; 1.0+local &lt; 1.0.post1.dev0 &lt; 1.0.post1.
    /// </summary>
    internal sealed class Pep440Version : IComparable<Pep440Version>, IComparable
    {
        private static readonly Regex Pattern = new Regex(
            @"^\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)" +
            @"(?:[-_\.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?<pre_n>[0-9]+)?)?" +
            @"(?:-(?<post_n1>[0-9]+)|[-_\.]?(?<post_l>post|rev|r)[-_\.]?(?<post_n2>[0-9]+)?)?" +
            @"(?:[-_\.]?(?<dev_l>dev)[-_\.]?(?<dev_n>[0-9]+)?)?" +
            @"(?:\+(?<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$",
            RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly long epoch;
        private readonly long[] release;
        private readonly (int Letter, long Number)? pre;
        private readonly long? post;
        private readonly long? dev;
        private readonly string[] local;

        private Pep440Version(string text, long epoch, long[] release, (int, long)? pre, long? post, long? dev, string[] local)
        {
            Text = text;
            this.epoch = epoch;
            this.release = release;
            this.pre = pre;
            this.post = post;
            this.dev = dev;
            this.local = local;
        }

        public string Text { get; }

        public static bool TryParse(string text, out Pep440Version version)
        {
            version = null;
            Match m = text == null ? Match.Empty : Pattern.Match(text);
            if (!m.Success)
            {
                return false;
            }

            long[] release = m.Groups["release"].Value.Split('.').Select(n => long.Parse(n, CultureInfo.InvariantCulture)).ToArray();
            int length = release.Length;
            while (length > 1 && release[length - 1] == 0)
            {
                length--;
            }

            (int, long)? pre = null;
            if (m.Groups["pre_l"].Success)
            {
                string l = m.Groups["pre_l"].Value.ToLowerInvariant();
                int letter = l == "a" || l == "alpha" ? 0 : l == "b" || l == "beta" ? 1 : 2;
                pre = (letter, Number(m.Groups["pre_n"]));
            }

            long? post = m.Groups["post_n1"].Success ? Number(m.Groups["post_n1"]) : m.Groups["post_l"].Success ? Number(m.Groups["post_n2"]) : (long?)null;
            long? dev = m.Groups["dev_l"].Success ? Number(m.Groups["dev_n"]) : (long?)null;
            string[] local = m.Groups["local"].Success ? m.Groups["local"].Value.ToLowerInvariant().Split('-', '_', '.') : null;
            version = new Pep440Version(text.Trim(), m.Groups["epoch"].Success ? long.Parse(m.Groups["epoch"].Value, CultureInfo.InvariantCulture) : 0,
                release.Take(length).ToArray(), pre, post, dev, local);
            return true;
        }

        public static Pep440Version Parse(string text) =>
            TryParse(text, out Pep440Version v) ? v : throw new FormatException($"'{text}' is not a PEP 440 version.");

        private static long Number(Group g) => g.Success && g.Value.Length > 0 ? long.Parse(g.Value, CultureInfo.InvariantCulture) : 0;

        int IComparable.CompareTo(object obj) => CompareTo((Pep440Version)obj);

        public int CompareTo(Pep440Version other)
        {
            if (other == null)
            {
                return 1;
            }

            int c = epoch.CompareTo(other.epoch);
            if (c != 0)
            {
                return c;
            }

            for (int i = 0; i < Math.Max(release.Length, other.release.Length); i++)
            {
                c = (i < release.Length ? release[i] : 0).CompareTo(i < other.release.Length ? other.release[i] : 0);
                if (c != 0)
                {
                    return c;
                }
            }

            c = PreKey().CompareTo(other.PreKey());
            if (c != 0)
            {
                return c;
            }

            c = (post ?? -1).CompareTo(other.post ?? -1);
            if (c != 0)
            {
                return c;
            }

            c = (dev ?? long.MaxValue).CompareTo(other.dev ?? long.MaxValue);
            return c != 0 ? c : CompareLocal(local, other.local);
        }

        /// <summary>A development release without pre or post release sorts before every pre-release; a final release after them.</summary>
        private (int, long) PreKey() =>
            pre == null && post == null && dev != null ? (-1, 0) : pre ?? (3, 0);

        private static int CompareLocal(string[] a, string[] b)
        {
            if (a == null || b == null)
            {
                return (a == null ? 0 : 1) - (b == null ? 0 : 1);
            }

            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                bool an = long.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out long x);
                bool bn = long.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out long y);
                int c = an && bn ? x.CompareTo(y) : an != bn ? (an ? 1 : -1) : string.CompareOrdinal(a[i], b[i]);
                if (c != 0)
                {
                    return Math.Sign(c);
                }
            }

            return a.Length.CompareTo(b.Length);
        }

        public override string ToString() => Text;
    }
}
