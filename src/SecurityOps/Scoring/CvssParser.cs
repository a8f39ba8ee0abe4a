using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Scoring
{
    /// <summary>A vector that passed strict parsing: the version, the value index of each metric and the metrics as given.</summary>
    internal sealed class ParsedCvssVector
    {
        public ParsedCvssVector(CvssVersionDefinition definition, string vector, int[] values, List<KeyValuePair<string, string>> given)
        {
            Definition = definition;
            Vector = vector;
            Values = values;
            Given = given;
        }

        public CvssVersionDefinition Definition { get; }

        public string Vector { get; }

        /// <summary>Per metric position, the index of its value in the metric's value list; -1 when absent.</summary>
        public int[] Values { get; }

        public List<KeyValuePair<string, string>> Given { get; }

        /// <summary>The value's letter(s), or "X" when the metric is absent.</summary>
        public string Value(int position) => Values[position] < 0 ? "X" : Definition.Metrics[position].Values[Values[position]];
    }

    /// <summary>
    /// Strict CVSS vector parsing: the prefix names a supported version, every metric is known and given once with an
    /// allowed value, every base metric is present, and (v4.0) the metrics follow the specification's order.
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
            string prefix = slash < 0 ? text : text.Substring(0, slash);
            if (!prefix.StartsWith("CVSS:", StringComparison.Ordinal))
            {
                throw Fail(vector, $"'{text}' does not start with a CVSS version prefix (CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/).");
            }

            CvssVersionDefinition definition = CvssMetricCatalog.ForVersion(prefix.Substring(5));
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

            var given = new List<KeyValuePair<string, string>>(definition.Metrics.Length);
            CvssMetricDefinition previous = null;
            int start = slash + 1;
            while (start <= text.Length)
            {
                int end = text.IndexOf('/', start);
                if (end < 0)
                {
                    end = text.Length;
                }

                if (end == start)
                {
                    string after = previous == null ? prefix : previous.Abbreviation;
                    throw Fail(vector, $"Empty metric after '{after}' (a doubled or trailing '/').");
                }

                int colon = text.IndexOf(':', start, end - start);
                if (colon <= start || colon == end - 1 || text.IndexOf(':', colon + 1, end - colon - 1) >= 0)
                {
                    throw Fail(vector, $"'{text.Substring(start, end - start)}' is not a metric:value pair.");
                }

                string key = text.Substring(start, colon - start);
                string value = text.Substring(colon + 1, end - colon - 1);
                CvssMetricDefinition metric = definition.Find(key);
                if (metric == null)
                {
                    throw Fail(vector, $"Unknown metric '{key}' for CVSS {definition.Version}.");
                }

                if (values[metric.Position] >= 0)
                {
                    throw Fail(vector, $"Metric '{key}' ({metric.Name}) is given more than once.");
                }

                int index = metric.IndexOf(value);
                if (index < 0)
                {
                    throw Fail(vector, $"Metric '{key}' ({metric.Name}) has an invalid value '{value}'; allowed: {string.Join(", ", metric.Values)}.");
                }

                if (definition.StrictOrder && previous != null && metric.Position < previous.Position)
                {
                    throw Fail(vector, $"Metric '{key}' ({metric.Name}) is out of order: CVSS {definition.Version} requires it before '{previous.Abbreviation}' (order: {string.Join("/", definition.Metrics.Select(m => m.Abbreviation))}).");
                }

                values[metric.Position] = index;
                given.Add(new KeyValuePair<string, string>(key, value));
                previous = metric;
                start = end + 1;
            }

            foreach (CvssMetricDefinition metric in definition.Metrics)
            {
                if (metric.Mandatory && values[metric.Position] < 0)
                {
                    throw Fail(vector, $"Missing mandatory base metric '{metric.Abbreviation}' ({metric.Name}) in the CVSS {definition.Version} vector.");
                }
            }

            return new ParsedCvssVector(definition, text, values, given);
        }

        private static SecurityOpsException Fail(string vector, string message) =>
            new SecurityOpsException(ErrorId, FailureKind.InvalidArgument, vector, message);
    }
}
