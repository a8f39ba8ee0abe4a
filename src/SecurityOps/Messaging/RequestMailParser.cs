using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SecurityOps.Model;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// Reads a membership request mail by its structure, the way OCI's and KubeEdge's policies ask for it: each
    /// criterion restated (quoted with "&gt;", numbered, bulleted or in bold, possibly wrapped over several lines), then
    /// the answer. A restated criterion is recognised by the criterion's own text matched whole (case, punctuation,
    /// markup, quote markers and numbering aside); numbers are never used to pick the criterion, so "0." or "(8)" in
    /// the mail need not match the policy's numbering. An answer line is never taken for a criterion because it shares
    /// words with one: plain lines count only when they are the criterion's text exactly.
    /// </summary>
    internal static class RequestMailParser
    {
        private static readonly Regex QuoteMarker = new Regex(@"^\s*(>\s?)+", RegexOptions.CultureInvariant);
        private static readonly Regex Numbering = new Regex(
            @"^\s*(?:(?:criterion|item|question)\s*#?\s*\d+\s*[:.)-]?|\(?(?:\d{1,2}|[a-h]|[ivx]{1,4})[.):]\)?|\(\s*(?:\d{1,2}|[a-h]|[ivx]{1,4})\s*\)|#{1,6}|[-*+\u2022])\s+",
            RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        private static readonly Regex MarkdownLink = new Regex(@"\[(?<t>[^\]]*)\]\([^)]*\)", RegexOptions.CultureInvariant);
        private static readonly Regex Emphasis = new Regex(@"\*\*|__|`", RegexOptions.CultureInvariant);
        private static readonly Regex NonWord = new Regex(@"[^\p{L}\p{Nd}]+", RegexOptions.CultureInvariant);

        /// <summary>How a block of the mail restates a criterion.</summary>
        private enum Form
        {
            Plain,
            Structured,
        }

        private sealed class Header
        {
            public int Start;
            public int End;
            public string Text;
            public MembershipCriterion Criterion;
            public int Score;
        }

        /// <summary>The answers found in the mail, in the criteria's order; unanswered criteria are absent.</summary>
        public static List<CriterionAnswer> Parse(string mailText, IList<MembershipCriterion> criteria)
        {
            string[] lines = Body(mailText);
            var normalised = criteria.Select(c => (Criterion: c, Words: Words(c.Text))).Where(c => c.Words.Length > 0).ToList();
            var headers = new List<Header>();
            int i = 0;
            while (i < lines.Length)
            {
                Header header = QuotedAt(lines, i, normalised) ?? UnquotedAt(lines, i, normalised);
                if (header != null)
                {
                    headers.Add(header);
                    i = header.End;
                }
                else
                {
                    i++;
                }
            }

            var answered = new Dictionary<string, CriterionAnswer>(StringComparer.Ordinal);
            var scores = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int h = 0; h < headers.Count; h++)
            {
                Header header = headers[h];
                int to = h + 1 < headers.Count ? headers[h + 1].Start : lines.Length;
                string answer = string.Join("\n", lines.Skip(header.End).Take(Math.Max(0, to - header.End))).Trim();
                string id = header.Criterion.Id;
                // The same criterion restated twice: the closer restatement wins, the first one on a tie.
                if (scores.TryGetValue(id, out int best) && best >= header.Score)
                {
                    continue;
                }

                scores[id] = header.Score;
                answered[id] = new CriterionAnswer { Criterion = id, Text = header.Text, Answer = answer };
            }

            return criteria.Where(c => answered.ContainsKey(c.Id)).Select(c => answered[c.Id]).ToList();
        }

        /// <summary>The words of a criterion or a restatement: markup, quote markers, numbering and punctuation dropped.</summary>
        internal static string[] Words(string text)
        {
            string t = MarkdownLink.Replace(text ?? string.Empty, m => m.Groups["t"].Value);
            t = Emphasis.Replace(t, " ");
            for (int k = 0; k < 3; k++)
            {
                t = Numbering.Replace(t.Trim(), string.Empty); // "### 4) ..." carries two markers
            }

            return NonWord.Split(t.ToLowerInvariant()).Where(w => w.Length > 0).ToArray();
        }

        /// <summary>The mail's body: headers (up to the first blank line, when the text starts with them), key blocks and the signature cut off.</summary>
        private static string[] Body(string mailText)
        {
            var lines = (mailText ?? string.Empty).Replace("\r\n", "\n").Split('\n').ToList();
            if (lines.Count > 0 && Regex.IsMatch(lines[0], @"^[A-Za-z][A-Za-z0-9-]*:\s"))
            {
                int blank = lines.FindIndex(l => l.Trim().Length == 0);
                for (int k = 0; k < (blank < 0 ? 0 : blank); k++)
                {
                    lines[k] = string.Empty; // keep the line numbers, drop the header text
                }
            }

            int cut = lines.FindIndex(l => l.StartsWith("-----BEGIN PGP", StringComparison.Ordinal) || l == "-- ");
            return (cut < 0 ? lines : lines.Take(cut)).ToArray();
        }

        private static bool IsQuoted(string line) => QuoteMarker.IsMatch(line);

        private static string Unquote(string line) => QuoteMarker.Replace(line, string.Empty).Trim();

        /// <summary>
        /// A quoted block at <paramref name="start"/>: quoted lines, and the indented lines that continue a wrapped
        /// quote (OCI's example). Within one block, each stretch between quoted blank lines or numbered lines is tried.
        /// </summary>
        private static Header QuotedAt(string[] lines, int start, List<(MembershipCriterion Criterion, string[] Words)> criteria)
        {
            if (!IsQuoted(lines[start]) || Unquote(lines[start]).Length == 0)
            {
                return null;
            }

            if (start > 0 && IsQuoted(lines[start - 1]) && Unquote(lines[start - 1]).Length > 0 && !Numbering.IsMatch(Unquote(lines[start])))
            {
                return null; // the middle of a stretch that did not match as a whole
            }

            int end = start + 1;
            while (end < lines.Length && lines[end].Trim().Length > 0
                   && ((IsQuoted(lines[end]) && Unquote(lines[end]).Length > 0 && !Numbering.IsMatch(Unquote(lines[end])))
                       || (!IsQuoted(lines[end]) && char.IsWhiteSpace(lines[end][0]))))
            {
                end++;
            }

            return Match(lines, start, end, criteria, Form.Structured, Unquote);
        }

        /// <summary>
        /// An unquoted restatement at <paramref name="start"/>: a numbered, bulleted, heading or bold line (with the
        /// lines that wrap it), matched whole or nearly; or a plain line (or lines) that is exactly a criterion's text.
        /// </summary>
        private static Header UnquotedAt(string[] lines, int start, List<(MembershipCriterion Criterion, string[] Words)> criteria)
        {
            string line = lines[start];
            if (IsQuoted(line) || line.Trim().Length == 0 || (start > 0 && lines[start - 1].Trim().Length > 0 && !IsStructured(line)))
            {
                return null; // a plain restatement starts a paragraph
            }

            Form form = IsStructured(line) ? Form.Structured : Form.Plain;
            // Try the line alone, then with the lines that wrap it, up to the paragraph's end; the shortest match wins.
            for (int end = start + 1; end <= lines.Length && end - start <= 4; end++)
            {
                if (end > start + 1 && (lines[end - 1].Trim().Length == 0 || IsQuoted(lines[end - 1]) || IsStructured(lines[end - 1])))
                {
                    break;
                }

                Header header = Match(lines, start, end, criteria, form, l => l.Trim());
                if (header != null)
                {
                    return header;
                }
            }

            return null;
        }

        private static bool IsStructured(string line)
        {
            string t = line.Trim();
            return Numbering.IsMatch(t) || (t.StartsWith("**", StringComparison.Ordinal) && t.TrimEnd('.', ':').EndsWith("**", StringComparison.Ordinal))
                || (t.StartsWith("__", StringComparison.Ordinal) && t.TrimEnd('.', ':').EndsWith("__", StringComparison.Ordinal));
        }

        private static Header Match(string[] lines, int start, int end, List<(MembershipCriterion Criterion, string[] Words)> criteria, Form form, Func<string, string> clean)
        {
            string text = string.Join(" ", lines.Skip(start).Take(end - start).Select(clean)).Trim();
            string[] words = Words(text);
            if (words.Length == 0)
            {
                return null;
            }

            var best = criteria.Select(c => (c.Criterion, Score: Score(words, c.Words, form))).Where(x => x.Score > 0).OrderByDescending(x => x.Score).FirstOrDefault();
            return best.Criterion == null ? null : new Header { Start = start, End = end, Text = Numbering.Replace(text, string.Empty).Trim(), Criterion = best.Criterion, Score = best.Score };
        }

        /// <summary>
        /// 4: the criterion's words exactly; 3: the same words in another order ("security alias email"); 2: a
        /// structured line that holds the whole criterion as a phrase ("Criterion: ..."); 1: a structured line one word
        /// off a long criterion (a typo). 0: no match. Plain lines match only at 4.
        /// </summary>
        private static int Score(string[] text, string[] criterion, Form form)
        {
            if (text.SequenceEqual(criterion))
            {
                return 4;
            }

            if (form == Form.Plain)
            {
                return 0;
            }

            if (text.Length == criterion.Length && text.OrderBy(w => w, StringComparer.Ordinal).SequenceEqual(criterion.OrderBy(w => w, StringComparer.Ordinal)))
            {
                return 3;
            }

            string phrase = " " + string.Join(" ", criterion) + " ";
            if ((" " + string.Join(" ", text) + " ").Contains(phrase) && text.Length <= criterion.Length + 4)
            {
                return 2;
            }

            return criterion.Length >= 6 && WordDistance(text, criterion) <= 1 ? 1 : 0;
        }

        private static int WordDistance(string[] a, string[] b)
        {
            if (Math.Abs(a.Length - b.Length) > 1)
            {
                return int.MaxValue;
            }

            var previous = Enumerable.Range(0, b.Length + 1).ToArray();
            for (int x = 1; x <= a.Length; x++)
            {
                var current = new int[b.Length + 1];
                current[0] = x;
                for (int y = 1; y <= b.Length; y++)
                {
                    int cost = a[x - 1] == b[y - 1] ? 0 : 1;
                    current[y] = Math.Min(Math.Min(current[y - 1] + 1, previous[y] + 1), previous[y - 1] + cost);
                }

                previous = current;
            }

            return previous[b.Length];
        }
    }
}
