using System;
using System.Collections.Generic;

namespace SecurityOps.Bench
{
    /// <summary>Runs the named benchmark (or all): dotnet run -c Release --project bench/SecurityOps.Bench -- embargo-mail</summary>
    public static class Program
    {
        private static readonly Dictionary<string, Func<int>> Benchmarks = new Dictionary<string, Func<int>>(StringComparer.OrdinalIgnoreCase)
        {
            ["embargo-mail"] = EmbargoMailBench.Run,
        };

        public static int Main(string[] args)
        {
            int exit = 0;
            foreach (var pair in Benchmarks)
            {
                if (args.Length == 0 || Array.IndexOf(args, pair.Key) >= 0)
                {
                    Console.WriteLine($"== {pair.Key}");
                    exit |= pair.Value();
                }
            }

            return exit;
        }
    }
}
