using System;
using System.Text.RegularExpressions;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// Recognizes a git remote URL that names a repository on GitHub: https://github.com/o/r(.git), git@github.com:o/r.git,
    /// ssh://git@github.com[:port]/o/r.git, git://github.com/o/r.git, and the same shapes on a GitHub Enterprise host
    /// (the host of github.apiUrl). Credentials in the URL are ignored; anything else (a path, another host) is not GitHub.
    /// </summary>
    internal static class GitHubRemoteUrl
    {
        public const string GitHubHost = "github.com";

        // scheme://[user[:password]@]host[:port]/owner/name[.git][/]
        private static readonly Regex UrlForm = new Regex(
            @"^(?:https?|ssh|git|git\+ssh|ssh\+git)://(?:[^/@\s]*@)?(?<host>[^/:@\s]+)(?::\d*)?/(?<owner>[^/\s]+)/(?<name>[^/\s]+?)(?:\.git)?/?$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        // [user@]host:owner/name[.git] (scp-like; no scheme, the path does not start with a slash)
        private static readonly Regex ScpForm = new Regex(
            @"^(?:[^/@:\s]+@)?(?<host>[^/:@\s]+):(?<owner>[^/\s]+)/(?<name>[^/\s]+?)(?:\.git)?/?$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>
        /// The repository <paramref name="url"/> names when its host is github.com (or www.github.com) or
        /// <paramref name="enterpriseHost"/>; null otherwise.
        /// </summary>
        public static GitHubRepositoryName TryParse(string url, string enterpriseHost = null)
        {
            if (string.IsNullOrWhiteSpace(url))
            {
                return null;
            }

            url = url.Trim();
            Match m = UrlForm.Match(url);
            if (!m.Success && url.IndexOf("://", StringComparison.Ordinal) < 0)
            {
                m = ScpForm.Match(url);
            }

            if (!m.Success || !IsGitHubHost(m.Groups["host"].Value, enterpriseHost))
            {
                return null;
            }

            string text = m.Groups["owner"].Value + "/" + m.Groups["name"].Value;
            return GitHubRepositoryName.IsValid(text) ? GitHubRepositoryName.Parse(text) : null;
        }

        /// <summary>The host a GitHub Enterprise API address (https://HOST/api/v3/) stands for; null for api.github.com.</summary>
        public static string EnterpriseHost(Uri apiUrl)
        {
            if (apiUrl == null || string.Equals(apiUrl.Host, "api." + GitHubHost, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return apiUrl.Host;
        }

        private static bool IsGitHubHost(string host, string enterpriseHost) =>
            string.Equals(host, GitHubHost, StringComparison.OrdinalIgnoreCase)
            || string.Equals(host, "www." + GitHubHost, StringComparison.OrdinalIgnoreCase)
            || (!string.IsNullOrEmpty(enterpriseHost) && string.Equals(host, enterpriseHost, StringComparison.OrdinalIgnoreCase));
    }
}
