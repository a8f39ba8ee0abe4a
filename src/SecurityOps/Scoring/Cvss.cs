using System;
using System.Collections;
using System.Collections.Generic;
using SecurityOps.Model;

namespace SecurityOps.Scoring
{
    /// <summary>Scores CVSS v3.0, v3.1 and v4.0 vectors exactly as FIRST's specifications and calculators do.</summary>
    internal static class Cvss
    {
        /// <summary>
        /// Parses and scores a vector. Throws <see cref="SecurityOpsException"/> "InvalidCvssVector" (InvalidArgument, the
        /// vector as target) with a message naming the metric at fault.
        /// </summary>
        public static CvssScore Score(string vector)
        {
            ParsedCvssVector parsed = CvssParser.Parse(vector);
            var score = new CvssScore
            {
                Version = parsed.Definition.Version,
                Vector = parsed.Vector,
                Metrics = new OrderedMetrics(parsed),
            };

            if (parsed.Definition == CvssMetricCatalog.V40)
            {
                Cvss4Calculator.Result full = Cvss4Calculator.Compute(parsed, baseOnly: false);
                score.Score = full.Score;
                score.MacroVector = full.MacroVector;
                score.Nomenclature = Nomenclature(parsed);
                score.BaseScore = score.Nomenclature == "CVSS-B" ? full.Score : Cvss4Calculator.BaseScore(parsed);
            }
            else
            {
                Cvss3Calculator.Result result = Cvss3Calculator.Compute(parsed.Values, parsed.Definition == CvssMetricCatalog.V31);
                score.BaseScore = result.Base;
                score.TemporalScore = result.Temporal;
                score.EnvironmentalScore = result.Environmental;
                score.Score = result.Environmental ?? result.Temporal ?? result.Base;
            }

            score.Severity = CvssSeverity.FromScore(score.Score);
            score.BaseSeverity = CvssSeverity.FromScore(score.BaseScore);
            return score;
        }

        /// <summary>Like <see cref="Score"/> but returns false with the error message instead of throwing.</summary>
        public static bool TryScore(string vector, out CvssScore score, out string error)
        {
            try
            {
                score = Score(vector);
                error = null;
                return true;
            }
            catch (SecurityOpsException ex)
            {
                score = null;
                error = ex.Message;
                return false;
            }
        }

        /// <summary>The named metrics of a vector (abbreviation, full name, value and its name, group), in the order given.</summary>
        public static IReadOnlyList<CvssMetric> DescribeMetrics(string vector)
        {
            ParsedCvssVector parsed = CvssParser.Parse(vector);
            var list = new List<CvssMetric>(parsed.GivenCount);
            foreach (KeyValuePair<string, string> pair in parsed.Given)
            {
                CvssMetricDefinition definition = parsed.Definition.Find(pair.Key);
                list.Add(new CvssMetric
                {
                    Metric = definition.Abbreviation,
                    Name = definition.Name,
                    Value = pair.Value,
                    ValueName = definition.ValueNames[definition.IndexOf(pair.Value)],
                    Group = definition.Group,
                });
            }

            return list;
        }

        /// <summary>CVSS v4.0 nomenclature: B, plus T when a threat metric and E when an environmental metric is set (not X).</summary>
        private static string Nomenclature(ParsedCvssVector parsed)
        {
            bool threat = false, environmental = false;
            CvssMetricDefinition[] metrics = parsed.Definition.Metrics;
            for (int p = 0; p < metrics.Length; p++)
            {
                if (parsed.Values[p] > 0) // index 0 is X (Not Defined) for every threat and environmental metric
                {
                    threat |= metrics[p].IsThreat;
                    environmental |= metrics[p].IsEnvironmental;
                }
            }

            return "CVSS-B" + (threat ? "T" : string.Empty) + (environmental ? "E" : string.Empty);
        }

        /// <summary>
        /// A read-only dictionary that keeps the metrics in the order they were given. It reads the parsed vector's
        /// positions and the catalogue's strings, so scoring builds no pair per metric.
        /// </summary>
        private sealed class OrderedMetrics : IReadOnlyDictionary<string, string>
        {
            private readonly ParsedCvssVector parsed;

            public OrderedMetrics(ParsedCvssVector parsed) => this.parsed = parsed;

            public int Count => parsed.GivenCount;

            public IEnumerable<string> Keys
            {
                get
                {
                    for (int i = 0; i < parsed.GivenCount; i++)
                    {
                        yield return parsed.Definition.Metrics[parsed.GivenPosition(i)].Abbreviation;
                    }
                }
            }

            public IEnumerable<string> Values
            {
                get
                {
                    for (int i = 0; i < parsed.GivenCount; i++)
                    {
                        yield return parsed.Value(parsed.GivenPosition(i));
                    }
                }
            }

            public string this[string key] => TryGetValue(key, out string value) ? value : throw new KeyNotFoundException(key);

            public bool ContainsKey(string key) => TryGetValue(key, out _);

            public bool TryGetValue(string key, out string value)
            {
                CvssMetricDefinition metric = key == null ? null : parsed.Definition.Find(key);
                value = metric != null && parsed.Values[metric.Position] >= 0 ? parsed.Value(metric.Position) : null;
                return value != null;
            }

            public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => parsed.Given.GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

            public override string ToString() => string.Join("/", Keys);
        }
    }
}
