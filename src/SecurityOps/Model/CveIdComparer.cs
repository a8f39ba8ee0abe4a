using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// Orders CVE ids as people read them: by year, then by number (CVE-2024-9999 before CVE-2024-10000). Ids are
    /// compared in place, without splitting: sorting 100,000 ids makes about two million comparisons.
    /// </summary>
    internal sealed class CveIdComparer : IComparer<string>
    {
        public static readonly CveIdComparer Instance = new CveIdComparer();

        public int Compare(string x, string y)
        {
            x ??= string.Empty;
            y ??= string.Empty;
            Segment(x, 1, out int xs, out int xl);
            Segment(y, 1, out int ys, out int yl);
            int c = string.CompareOrdinal(x, xs, y, ys, Math.Min(xl, yl));
            if (c == 0)
            {
                c = xl.CompareTo(yl);
            }

            if (c != 0)
            {
                return c;
            }

            Segment(x, 2, out xs, out xl);
            Segment(y, 2, out ys, out yl);
            c = xl.CompareTo(yl);
            return c != 0 ? c : string.CompareOrdinal(x, xs, y, ys, xl);
        }

        /// <summary>Where the index-th '-'-separated part of the id starts, and its length (0 when there is none).</summary>
        private static void Segment(string id, int index, out int start, out int length)
        {
            start = 0;
            for (int i = 0; i < index; i++)
            {
                int dash = id.IndexOf('-', start);
                if (dash < 0)
                {
                    start = id.Length;
                    length = 0;
                    return;
                }

                start = dash + 1;
            }

            int end = id.IndexOf('-', start);
            length = (end < 0 ? id.Length : end) - start;
        }
    }
}
