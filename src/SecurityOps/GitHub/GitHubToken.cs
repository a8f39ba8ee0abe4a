using System;
using SecurityOps.Net;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// A GitHub token and where it came from. The value never leaves this type except towards Octokit's credential
    /// store: ToString, messages and errors name only the source.
    /// </summary>
    public sealed class GitHubToken
    {
        public const string GitHubTokenVariable = GitHubTokenLookup.GitHubTokenVariable;
        public const string GhTokenVariable = GitHubTokenLookup.GhTokenVariable;

        private GitHubToken(string value, string source)
        {
            Value = value;
            Source = source;
        }

        /// <summary>"-Token", "-Credential", "GITHUB_TOKEN" or "GH_TOKEN".</summary>
        public string Source { get; }

        internal string Value { get; }

        public static GitHubToken FromValue(string value, string source) =>
            string.IsNullOrWhiteSpace(value) ? null : new GitHubToken(value.Trim(), source);

        /// <summary>
        /// The explicit token when given, else $env:GITHUB_TOKEN, else $env:GH_TOKEN (Net's one lookup, which the
        /// github-advisories feed uses too); null when none is set.
        /// </summary>
        public static GitHubToken TryResolve(GitHubToken explicitToken, Func<string, string> environment = null)
        {
            if (explicitToken != null)
            {
                return explicitToken;
            }

            return GitHubTokenLookup.Find(environment) is { } found ? new GitHubToken(found.Value, found.Variable) : null;
        }

        /// <summary>As <see cref="TryResolve"/>, but a missing token is a GitHubTokenNotFound error.</summary>
        public static GitHubToken Resolve(GitHubToken explicitToken, Func<string, string> environment = null) =>
            TryResolve(explicitToken, environment) ?? throw NotFound();

        /// <summary>The one missing-token error, naming every place a token is looked for; <paramref name="why"/> replaces "No GitHub token".</summary>
        public static SecurityOpsException NotFound(string why = null) =>
            new SecurityOpsException("GitHubTokenNotFound", FailureKind.AuthenticationError, GitHubTokenVariable,
                $"{why ?? "No GitHub token"}: pass -Token (a SecureString) or -Credential, or set $env:GITHUB_TOKEN or $env:GH_TOKEN.");

        public override string ToString() => $"GitHub token from {Source}";
    }
}
