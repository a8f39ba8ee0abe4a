using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Scoring
{
    /// <summary>A vector that passed strict parsing: the version, the value index of each metric and the metrics as given.</summary>
    internal sealed class ParsedCvssVector
    {
        private readonly int[] givenOrder;

        public ParsedCvssVector(CvssVersionDefinition definition, string vector, int[] values, int[] givenOrder, int givenCount)
        {
            Definition = definition;
            Vector = vector;
            Values = values;
            this.givenOrder = givenOrder;
            GivenCount = givenCount;
        }

        public CvssVersionDefinition Definition { get; }

        public string Vector { get; }

        /// <summary>Per metric position, the index of its value in the metric's value list; -1 when absent.</summary>
        public int[] Values { get; }

        public int GivenCount { get; }

        /// <summary>The metric position of the i-th metric as written in the vector.</summary>
        public int GivenPosition(int i) => givenOrder[i];

        /// <summary>The metrics as written (abbreviation, value), in their order; the strings are the catalogue's own.</summary>
        public IEnumerable<KeyValuePair<string, string>> Given
        {
            get
            {
                for (int i = 0; i < GivenCount; i++)
                {
                    CvssMetricDefinition metric = Definition.Metrics[givenOrder[i]];
                    yield return new KeyValuePair<string, string>(metric.Abbreviation, metric.Values[Values[metric.Position]]);
                }
            }
        }

        /// <summary>The value's letter(s), or "X" when the metric is absent.</summary>
        public string Value(int position) => Values[position] < 0 ? "X" : Definition.Metrics[position].Values[Values[position]];
    }

    /// <summary>
    /// Strict CVSS vector parsing: the prefix names a supported version, every metric is known and given once with an
    /// allowed value, every base metric is present, and (v4.0) the metrics follow the specification's order.
    /// Metrics are matched in place against the catalogue: a valid vector costs two small arrays, not a string per metric.
    /// </summary>
    internal static class CvssParser
    {
        public const string ErrorId = "InvalidCvssVector";

        public static ParsedCvssVector Parse(string vector)
        {
            if (string.IsNullOrWhiteSpace(vector))
            {
                throw Fail(vector, "The CVSS vector is empty.");
            }

            string text = vector.Trim();
            int slash = text.IndexOf('/');
            if (!text.StartsWith("CVSS:", StringComparison.Ordinal))
            {
                throw Fail(vector, $"'{text}' does not start with a CVSS version prefix (CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/).");
            }

            var prefix = new PrefixText(text, slash < 0 ? text.Length : slash);

            CvssVersionDefinition definition = CvssMetricCatalog.ForPrefix(text, prefix.Length);
            if (definition == null)
            {
                throw Fail(vector, $"'{prefix}' is not a supported CVSS version: expected CVSS:3.0, CVSS:3.1 or CVSS:4.0.");
            }

            if (slash < 0 || slash == text.Length - 1)
            {
                throw Fail(vector, $"'{text}' has no metrics after {prefix}/.");
            }

            var values = new int[definition.Metrics.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = -1;
            }

            var given = new int[definition.Metrics.Length];
            int givenCount = 0, mandatoryGiven = 0;
            CvssMetricDefinition previous = null;
            int start = slash + 1;
            while (start <= text.Length)
            {
                // One pass over the pair: where its colon is (the first one), whether there is a second, and where it ends.
                int colon = -1, end = start;
                bool extraColon = false;
                for (; end < text.Length; end++)
                {
                    char c = text[end];
                    if (c == '/')
                    {
                        break;
                    }

                    if (c == ':')
                    {
                        extraColon |= colon >= 0;
                        colon = colon < 0 ? end : colon;
                    }
                }

                if (end == start)
                {
                    string after = previous == null ? prefix.ToString() : previous.Abbreviation;
                    throw Fail(vector, $"Empty metric after '{after}' (a doubled or trailing '/').");
                }

                if (colon <= start || colon == end - 1 || extraColon)
                {
                    throw Fail(vector, $"'{text.Substring(start, end - start)}' is not a metric:value pair.");
                }

                CvssMetricDefinition metric = definition.Find(text, start, colon - start, previous == null ? 0 : (previous.Position + 1) % definition.Metrics.Length);
                if (metric == null)
                {
                    throw Fail(vector, $"Unknown metric '{text.Substring(start, colon - start)}' for CVSS {definition.Version}.");
                }

                string key = metric.Abbreviation;
                if (values[metric.Position] >= 0)
                {
                    throw Fail(vector, $"Metric '{key}' ({metric.Name}) is given more than once.");
                }

                int index = metric.IndexOf(text, colon + 1, end - colon - 1);
                if (index < 0)
                {
                    throw Fail(vector, $"Metric '{key}' ({metric.Name}) has an invalid value '{text.Substring(colon + 1, end - colon - 1)}'; allowed: {string.Join(", ", metric.Values)}.");
                }

                if (definition.StrictOrder && previous != null && metric.Position < previous.Position)
                {
                    throw Fail(vector, $"Metric '{key}' ({metric.Name}) is out of order: CVSS {definition.Version} requires it before '{previous.Abbreviation}' (order: {string.Join("/", definition.Metrics.Select(m => m.Abbreviation))}).");
                }

                values[metric.Position] = index;
                given[givenCount++] = metric.Position;
                mandatoryGiven += metric.Mandatory ? 1 : 0;
                previous = metric;
                start = end + 1;
            }

            // Counted on the way: only a vector that misses one walks the metrics to name it.
            foreach (CvssMetricDefinition metric in mandatoryGiven == definition.MandatoryCount ? Array.Empty<CvssMetricDefinition>() : definition.Metrics)
            {
                if (metric.Mandatory && values[metric.Position] < 0)
                {
                    throw Fail(vector, $"Missing mandatory base metric '{metric.Abbreviation}' ({metric.Name}) in the CVSS {definition.Version} vector.");
                }
            }

            return new ParsedCvssVector(definition, text, values, given, givenCount);
        }

        /// <summary>The version prefix ("CVSS:3.1") of the vector, turned into a string only for a message.</summary>
        private readonly struct PrefixText
        {
            private readonly string text;

            public PrefixText(string text, int length)
            {
                this.text = text;
                Length = length;
            }

            public int Length { get; }

            public override string ToString() => text.Substring(0, Length);
        }

        private static SecurityOpsException Fail(string vector, string message) =>
            new SecurityOpsException(ErrorId, FailureKind.InvalidArgument, vector, message);
    }
}
