using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace SecurityOps.Model
{
    /// <summary>
    /// The one definition of a CVE id (CVE-YYYY-NNNN, four or more digits), used to validate ids, to find them in text
    /// (feeds, issue bodies) and to say so when one is wrong: one pattern and one error for every caller.
    /// </summary>
    public static class CveIdentifier
    {
        /// <summary>
        /// The id's shape, without anchors, for use inside other patterns and <c>[ValidatePattern]</c>. ASCII digits only:
        /// .NET's \d also matches other scripts' digits, which no CVE id has.
        /// </summary>
        public const string Shape = @"CVE-(?<year>[0-9]{4})-(?<seq>[0-9]{4,})";

        private static readonly Regex Exact = new Regex("^" + Shape + "$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private static readonly Regex InText = new Regex(@"\b" + Shape + @"\b", RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

        /// <summary>True for an id in its canonical form (upper case, no spaces).</summary>
        public static bool IsValid(string id) => id != null && Exact.IsMatch(id);

        /// <summary>The canonical form of <paramref name="id"/> (trimmed, upper case), or null when it is not a CVE id.</summary>
        public static string Normalize(string id)
        {
            if (id == null)
            {
                return null;
            }

            if (Exact.IsMatch(id))
            {
                return id; // already canonical: the common case, without two copies
            }

            string candidate = id.Trim().ToUpperInvariant();
            return Exact.IsMatch(candidate) ? candidate : null;
        }

        /// <summary>The canonical form of <paramref name="id"/>, or the <c>InvalidCveId</c> error naming it.</summary>
        public static string Require(string id) => Normalize(id) ?? throw Invalid(id);

        /// <summary>The year part of a valid id (read by hand: every record's path asks for it).</summary>
        public static int Year(string id)
        {
            if (id == null || id.Length < 9 || !id.StartsWith("CVE-", System.StringComparison.Ordinal) || id[8] != '-')
            {
                throw Invalid(id);
            }

            int year = 0;
            for (int i = 4; i < 8; i++)
            {
                char c = id[i];
                if (c < '0' || c > '9')
                {
                    throw Invalid(id);
                }

                year = year * 10 + (c - '0');
            }

            return year;
        }

        /// <summary>Every CVE id in <paramref name="text"/>, canonical, in order of first appearance, each once.</summary>
        public static IEnumerable<string> FindAll(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                yield break;
            }

            var seen = new HashSet<string>();
            foreach (Match m in InText.Matches(text))
            {
                string id = m.Value.ToUpperInvariant();
                if (seen.Add(id))
                {
                    yield return id;
                }
            }
        }

        /// <summary>
        /// Adds every CVE id in <paramref name="text"/> (canonical, in order) that <paramref name="into"/> does not hold yet:
        /// what <see cref="FindAll"/> gives, without its enumerator and set, and without running the pattern at all over
        /// text that has no "CVE-" in it (the pattern's literal part matches ASCII c, v, e in either case and nothing else).
        /// </summary>
        internal static void AddAll(string text, List<string> into)
        {
            if (string.IsNullOrEmpty(text) || text.IndexOf("CVE-", System.StringComparison.OrdinalIgnoreCase) < 0)
            {
                return;
            }

            for (Match m = InText.Match(text); m.Success; m = m.NextMatch())
            {
                string id = m.Value.ToUpperInvariant();
                if (!into.Contains(id))
                {
                    into.Add(id);
                }
            }
        }

        /// <summary>The one error for a value that is not a CVE id.</summary>
        public static SecurityOpsException Invalid(string id) =>
            new SecurityOpsException("InvalidCveId", FailureKind.InvalidArgument, id,
                $"'{id}' is not a CVE id (expected CVE-YYYY-NNNN with four or more digits).");
    }
}
