using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SecurityOps.State
{
    /// <summary>Writes a commit message that says what changed in the state, in words a reviewer reads at a glance.</summary>
    internal static class CommitMessage
    {
        public static string Describe(IReadOnlyList<GitChange> changes)
        {
            var groups = changes
                .GroupBy(c => Kind(c.Path))
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToList();

            var summary = new List<string>();
            var body = new StringBuilder();
            foreach (var group in groups)
            {
                var added = group.Where(c => c.Status == "??" || c.Status == "A").Select(c => Name(c.Path)).ToList();
                var deleted = group.Where(c => c.Status == "D").Select(c => Name(c.Path)).ToList();
                var updated = group.Where(c => c.Status != "??" && c.Status != "A" && c.Status != "D").Select(c => Name(c.Path)).ToList();
                string noun = group.Key;
                if (added.Count > 0)
                {
                    summary.Add($"add {Count(added.Count, noun)}");
                }

                if (updated.Count > 0)
                {
                    summary.Add($"update {Count(updated.Count, noun)}");
                }

                if (deleted.Count > 0)
                {
                    summary.Add($"remove {Count(deleted.Count, noun)}");
                }

                foreach (var (verb, names) in new[] { ("Added", added), ("Updated", updated), ("Removed", deleted) })
                {
                    if (names.Count > 0)
                    {
                        body.Append("- ").Append(verb).Append(' ').Append(noun).Append(": ")
                            .Append(string.Join(", ", names.Take(50)))
                            .Append(names.Count > 50 ? $" and {names.Count - 50} more" : string.Empty)
                            .Append('\n');
                    }
                }
            }

            string subject = "securityops: " + (summary.Count == 0 ? "update state" : string.Join(", ", summary));
            return subject + "\n\n" + body.ToString();
        }

        private static string Kind(string path)
        {
            string first = path.Split('/')[0];
            if (path.EndsWith("/.gitkeep", StringComparison.Ordinal))
            {
                return "file";
            }

            switch (first)
            {
                case "cves": return "CVE record";
                case "cases": return "case";
                case "retrospectives": return "retrospective";
                case "advisories": return "advisory";
                case "templates": return "template";
                default: return "file";
            }
        }

        private static string Name(string path)
        {
            string first = path.Split('/')[0];
            return first == "cves" || first == "cases" ? Path.GetFileNameWithoutExtension(path) : path;
        }

        private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
    }
}
