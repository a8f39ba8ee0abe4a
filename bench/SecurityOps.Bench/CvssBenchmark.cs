using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using SecurityOps.Scoring;

namespace SecurityOps.Bench
{
    /// <summary>
    /// Scores 1,000,000 CVSS vectors per version (v3.0, v3.1, v4.0) through the public Cvss.Score (strict parse + score +
    /// result object) and reports vectors per second. Vectors are random and valid: all base metrics, each optional
    /// metric present with probability 0.3, cycled from a pool of 100,000 distinct strings.
    /// Usage: cvss [count] [split]  (split: parse and calculator timed apart)
    /// </summary>
    internal static class CvssBenchmark
    {
        private static readonly string[][] V3Base =
        {
            new[] { "AV", "N", "A", "L", "P" }, new[] { "AC", "L", "H" }, new[] { "PR", "N", "L", "H" }, new[] { "UI", "N", "R" },
            new[] { "S", "U", "C" }, new[] { "C", "H", "L", "N" }, new[] { "I", "H", "L", "N" }, new[] { "A", "H", "L", "N" },
        };

        private static readonly string[][] V3Optional =
        {
            new[] { "E", "X", "H", "F", "P", "U" }, new[] { "RL", "X", "U", "W", "T", "O" }, new[] { "RC", "X", "C", "R", "U" },
            new[] { "CR", "X", "H", "M", "L" }, new[] { "IR", "X", "H", "M", "L" }, new[] { "AR", "X", "H", "M", "L" },
            new[] { "MAV", "X", "N", "A", "L", "P" }, new[] { "MAC", "X", "L", "H" }, new[] { "MPR", "X", "N", "L", "H" },
            new[] { "MUI", "X", "N", "R" }, new[] { "MS", "X", "U", "C" }, new[] { "MC", "X", "H", "L", "N" },
            new[] { "MI", "X", "H", "L", "N" }, new[] { "MA", "X", "H", "L", "N" },
        };

        private static readonly string[][] V4Base =
        {
            new[] { "AV", "N", "A", "L", "P" }, new[] { "AC", "L", "H" }, new[] { "AT", "N", "P" }, new[] { "PR", "N", "L", "H" },
            new[] { "UI", "N", "P", "A" }, new[] { "VC", "H", "L", "N" }, new[] { "VI", "H", "L", "N" }, new[] { "VA", "H", "L", "N" },
            new[] { "SC", "H", "L", "N" }, new[] { "SI", "H", "L", "N" }, new[] { "SA", "H", "L", "N" },
        };

        private static readonly string[][] V4Optional =
        {
            new[] { "E", "X", "A", "P", "U" }, new[] { "CR", "X", "H", "M", "L" }, new[] { "IR", "X", "H", "M", "L" },
            new[] { "AR", "X", "H", "M", "L" }, new[] { "MAV", "X", "N", "A", "L", "P" }, new[] { "MAC", "X", "L", "H" },
            new[] { "MAT", "X", "N", "P" }, new[] { "MPR", "X", "N", "L", "H" }, new[] { "MUI", "X", "N", "P", "A" },
            new[] { "MVC", "X", "H", "L", "N" }, new[] { "MVI", "X", "H", "L", "N" }, new[] { "MVA", "X", "H", "L", "N" },
            new[] { "MSC", "X", "H", "L", "N" }, new[] { "MSI", "X", "S", "H", "L", "N" }, new[] { "MSA", "X", "S", "H", "L", "N" },
            new[] { "S", "X", "N", "P" }, new[] { "AU", "X", "N", "Y" }, new[] { "R", "X", "A", "U", "I" }, new[] { "V", "X", "D", "C" },
            new[] { "RE", "X", "L", "M", "H" }, new[] { "U", "X", "Clear", "Green", "Amber", "Red" },
        };

        public static int Run(string[] args)
        {
            int count = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
            Console.WriteLine($"CVSS scoring: {count:N0} vectors per version, Cvss.Score (parse + score + result), one thread");
            foreach (string version in new[] { "3.0", "3.1", "4.0" })
            {
                string[] pool = Pool(version, 100_000, new Random(version.GetHashCode() & 0xffff));

                // Warm-up (JIT, tiering) on a tenth, then the measured run.
                Score(pool, count / 10);
                // CPU time beside wall time: on a busy machine the wall clock counts other processes' turns, while the
                // process's CPU time (this thread, plus GC and the tiering JIT) is what one core spends on the work.
                var process = Process.GetCurrentProcess();
                TimeSpan cpuBefore = process.TotalProcessorTime;
                var stopwatch = Stopwatch.StartNew();
                double checksum = Score(pool, count);
                stopwatch.Stop();
                process.Refresh();
                double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
                Console.WriteLine($"  CVSS {version}: {count:N0} in {stopwatch.Elapsed.TotalSeconds:0.00} s = {count / stopwatch.Elapsed.TotalSeconds:N0} vectors/s wall; {cpu:0.00} s CPU = {count / cpu:N0} vectors/CPU-s (mean score {checksum / count:0.000})");
            }

            // "cvss N split": where the time goes, parse alone and the calculator alone (CPU time), to aim the next change.
            if (args.Length > 1 && args[1] == "split")
            {
                foreach (string version in new[] { "3.1", "4.0" })
                {
                    string[] pool = Pool(version, 100_000, new Random(7));
                    var parsed = pool.Select(CvssParser.Parse).ToArray();
                    double parse = CpuSeconds(() =>
                    {
                        for (int i = 0; i < count; i++)
                        {
                            CvssParser.Parse(pool[i % pool.Length]);
                        }
                    });
                    double compute = CpuSeconds(() =>
                    {
                        for (int i = 0; i < count; i++)
                        {
                            ParsedCvssVector p = parsed[i % pool.Length];
                            _ = version == "4.0" ? Cvss4Calculator.Compute(p, baseOnly: false).Score : Cvss3Calculator.Compute(p.Values, v31: true).Base;
                        }
                    });
                    Console.WriteLine($"  CVSS {version} split: parse {count / parse:N0}/CPU-s, calculator {count / compute:N0}/CPU-s");
                }
            }

            return 0;
        }

        private static double CpuSeconds(Action work)
        {
            var process = Process.GetCurrentProcess();
            TimeSpan before = process.TotalProcessorTime;
            work();
            process.Refresh();
            return (process.TotalProcessorTime - before).TotalSeconds;
        }

        private static double Score(string[] pool, int count)
        {
            double sum = 0;
            for (int i = 0; i < count; i++)
            {
                sum += Cvss.Score(pool[i % pool.Length]).Score;
            }

            return sum;
        }

        private static string[] Pool(string version, int size, Random random)
        {
            bool v4 = version == "4.0";
            string[][] required = v4 ? V4Base : V3Base;
            string[][] optional = v4 ? V4Optional : V3Optional;
            var pool = new List<string>(size);
            var builder = new StringBuilder();
            while (pool.Count < size)
            {
                builder.Clear().Append("CVSS:").Append(version);
                foreach (string[] metric in required)
                {
                    builder.Append('/').Append(metric[0]).Append(':').Append(metric[1 + random.Next(metric.Length - 1)]);
                }

                foreach (string[] metric in optional)
                {
                    if (random.NextDouble() < 0.3)
                    {
                        builder.Append('/').Append(metric[0]).Append(':').Append(metric[1 + random.Next(metric.Length - 1)]);
                    }
                }

                pool.Add(builder.ToString());
            }

            return pool.ToArray();
        }
    }
}
