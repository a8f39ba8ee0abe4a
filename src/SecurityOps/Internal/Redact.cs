using System.Text.RegularExpressions;

namespace SecurityOps
{
    /// <summary>Removes secrets from text that may reach a message, a log or an error.</summary>
    internal static class Redact
    {
        private static readonly Regex UserInfo = new Regex(@"(?<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", RegexOptions.IgnoreCase | RegexOptions.Compiled);
        private static readonly Regex QuerySecrets = new Regex(@"(?<name>[?&](?:access_token|token|api_key|apikey|key|secret|client_secret|password|passwd|sig|signature|auth)=)[^&#\s]*", RegexOptions.IgnoreCase | RegexOptions.Compiled);
        private static readonly Regex Tokens = new Regex(@"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b", RegexOptions.Compiled);

        /// <summary>Drops user:password@ and secret query values (token=, key=, sig=...) from URLs, and GitHub token shapes from any text.</summary>
        public static string Urls(string text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            text = UserInfo.Replace(text, "${scheme}***@");
            text = QuerySecrets.Replace(text, "${name}***");
            return Tokens.Replace(text, "***");
        }
    }
}
