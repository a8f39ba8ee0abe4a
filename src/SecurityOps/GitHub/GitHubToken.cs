using System;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// A GitHub token and where it came from. The value never leaves this type except towards Octokit's credential
    /// store: ToString, messages and errors name only the source.
    /// </summary>
    public sealed class GitHubToken
    {
        public const string GitHubTokenVariable = "GITHUB_TOKEN";
        public const string GhTokenVariable = "GH_TOKEN";

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
        /// The explicit token when given, else $env:GITHUB_TOKEN, else $env:GH_TOKEN; null when none is set.
        /// </summary>
        public static GitHubToken TryResolve(GitHubToken explicitToken, Func<string, string> environment = null)
        {
            if (explicitToken != null)
            {
                return explicitToken;
            }

            environment ??= Environment.GetEnvironmentVariable;
            return FromValue(environment(GitHubTokenVariable), GitHubTokenVariable)
                ?? FromValue(environment(GhTokenVariable), GhTokenVariable);
        }

        /// <summary>As <see cref="TryResolve"/>, but a missing token is a GitHubTokenNotFound error.</summary>
        public static GitHubToken Resolve(GitHubToken explicitToken, Func<string, string> environment = null) =>
            TryResolve(explicitToken, environment) ?? throw NotFound();

        public static SecurityOpsException NotFound() =>
            new SecurityOpsException("GitHubTokenNotFound", FailureKind.AuthenticationError, GitHubTokenVariable,
                "No GitHub token: pass -Token (a SecureString) or -Credential, or set $env:GITHUB_TOKEN or $env:GH_TOKEN.");

        public override string ToString() => $"GitHub token from {Source}";
    }
}
