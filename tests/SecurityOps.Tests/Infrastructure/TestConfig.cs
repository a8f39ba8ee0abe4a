using System.IO;
using System.Linq;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>Edits a state's securityops.yaml as a person would: a top-level section is replaced, never written twice.</summary>
    public static class TestConfig
    {
        /// <summary>Replaces the top-level <paramref name="section"/> (its indented lines) with <paramref name="body"/> (indented lines).</summary>
        public static void SetSection(string configPath, string section, string body)
        {
            var lines = File.ReadAllText(configPath).Replace("\r", string.Empty).Split('\n').ToList();
            int start = lines.FindIndex(l => l == section + ":" || l.StartsWith(section + ": "));
            if (start >= 0)
            {
                int end = start + 1;
                while (end < lines.Count && (lines[end].StartsWith(" ") || lines[end].Length == 0))
                {
                    end++;
                }

                lines.RemoveRange(start, end - start);
            }

            File.WriteAllText(configPath, string.Join("\n", lines).TrimEnd('\n') + "\n" + section + ":\n" + body.TrimStart('\n'));
        }
    }
}
