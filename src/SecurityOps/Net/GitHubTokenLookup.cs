using System;

namespace SecurityOps.Net
{
    /// <summary>
    /// The one lookup of a GitHub token in the environment, for both roads to GitHub: the gateway (through
    /// GitHub's <c>GitHubToken</c>) and the github-advisories feed reader (Feeds may not use GitHub/, so the lookup lives
    /// here, where both may reach it). First a variable the caller names (a feed's tokenVariable option), then
    /// GITHUB_TOKEN, then GH_TOKEN; blank values are skipped, values trimmed. The value is for an Authorization header
    /// only: messages name the variable, never the value.
    /// </summary>
    internal static class GitHubTokenLookup
    {
        public const string GitHubTokenVariable = "GITHUB_TOKEN";
        public const string GhTokenVariable = "GH_TOKEN";

        /// <summary>The token and the variable it came from; null when none of the variables holds one.</summary>
        /// <param name="environment">Reads a variable; null means the process environment (tests pass a dictionary).</param>
        /// <param name="firstVariable">A variable to look in before GITHUB_TOKEN and GH_TOKEN; null or blank: none.</param>
        public static (string Value, string Variable)? Find(Func<string, string> environment = null, string firstVariable = null)
        {
            environment ??= Environment.GetEnvironmentVariable;
            foreach (string name in new[] { firstVariable, GitHubTokenVariable, GhTokenVariable })
            {
                string value = string.IsNullOrWhiteSpace(name) ? null : environment(name);
                if (!string.IsNullOrWhiteSpace(value))
                {
                    return (value.Trim(), name);
                }
            }

            return null;
        }
    }
}
