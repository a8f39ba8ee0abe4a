using System;
using SecurityOps.Model;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// Where and how CVE issues are filed, resolved once from the parameters and the config's github: section:
    /// the repository (-Repository, else github.issueRepository), the API root (-ApiUrl, else github.apiUrl), the issue
    /// format (templates, body file) and the token (-Token/-Credential, else GITHUB_TOKEN / GH_TOKEN; null when none).
    /// New-CveIssue and the daily runbook both start here, so they file the same way.
    /// </summary>
    internal sealed class CveIssueTarget
    {
        private CveIssueTarget()
        {
        }

        public GitHubSettings Settings { get; private set; }

        public GitHubRepositoryName Repository { get; private set; }

        public Uri ApiUrl { get; private set; }

        public CveIssueFormat Format { get; private set; }

        /// <summary>Null when no token was given or found: only an offline plan is possible.</summary>
        public GitHubToken Token { get; private set; }

        /// <param name="readStateText">Reads a file of the state repository by relative path; null when it does not exist.</param>
        public static CveIssueTarget Resolve(GitHubSettings settings, string repository, string apiUrl, GitHubToken explicitToken,
            Func<string, string> readStateText, Func<string, string> environment = null)
        {
            settings = settings ?? new GitHubSettings();
            string repoText = repository ?? settings.IssueRepository;
            if (string.IsNullOrWhiteSpace(repoText))
            {
                throw new SecurityOpsException("GitHubRepositoryNotSet", FailureKind.InvalidArgument, null,
                    "No repository: pass -Repository owner/name or set github.issueRepository in securityops.yaml.");
            }

            return new CveIssueTarget
            {
                Settings = settings,
                Repository = GitHubRepositoryName.Parse(repoText),
                ApiUrl = GitHubGatewayOptions.ParseApiUrl(apiUrl ?? settings.ApiUrl),
                Format = new CveIssueFormat(settings.Templates, ReadBodyTemplate(settings, readStateText), settings.ActionNeeded),
                Token = GitHubToken.TryResolve(explicitToken, environment),
            };
        }

        /// <summary>A gateway with the config's pacing and retries; null without a token.</summary>
        public GitHubGateway CreateGateway(IEventSink events) =>
            Token == null ? null : new GitHubGateway(GitHubGatewayOptions.From(Settings, ApiUrl, Token, events));

        private static string ReadBodyTemplate(GitHubSettings settings, Func<string, string> readStateText)
        {
            string file = settings.Templates?.BodyFile;
            if (string.IsNullOrWhiteSpace(file))
            {
                return null;
            }

            return readStateText?.Invoke(file) ?? throw new SecurityOpsException("IssueTemplateNotFound", FailureKind.ObjectNotFound, file,
                $"The issue body template '{file}' (github.templates.bodyFile) does not exist in the state repository.");
        }
    }
}
