using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>Orders CVE ids by year, then number (CVE-2024-9999 before CVE-2024-10000).</summary>
    internal sealed class CveIdComparer : IComparer<string>
    {
        public static readonly CveIdComparer Instance = new CveIdComparer();

        public int Compare(string x, string y)
        {
            int c = string.CompareOrdinal(Part(x, 1), Part(y, 1));
            if (c != 0)
            {
                return c;
            }

            string a = Part(x, 2), b = Part(y, 2);
            c = a.Length.CompareTo(b.Length);
            return c != 0 ? c : string.CompareOrdinal(a, b);
        }

        private static string Part(string id, int index)
        {
            string[] parts = (id ?? string.Empty).Split('-');
            return parts.Length > index ? parts[index] : string.Empty;
        }
    }
}
