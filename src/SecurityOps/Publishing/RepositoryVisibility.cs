using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.GitHub;
using SecurityOps.Model;

namespace SecurityOps.Publishing
{
    /// <summary>Whether a repository counts as public, and why; unconfirmed answers count as public.</summary>
    internal sealed class VisibilityAnswer
    {
        public GitHubRepositoryName Repository { get; set; }

        /// <summary>True when the repository is public, or when it could not be confirmed private.</summary>
        public bool IsPublic { get; set; }

        /// <summary>False when nobody could say (no token, GitHub did not answer): <see cref="IsPublic"/> is then true.</summary>
        public bool Confirmed { get; set; }

        /// <summary>Why, in words for a message: "GitHub says it is public", "the config lists it in github.publicRepositories"...</summary>
        public string Why { get; set; }

        /// <summary>GitHub's error when it was asked and failed.</summary>
        public SecurityOpsException Error { get; set; }
    }

    /// <summary>
    /// The one visibility policy for every write that must not reach a public place (embargoed CVE issues, the team
    /// reminder issue, a push of a state holding embargoed cases), decided in this order:
    /// 1. github.publicRepositories lists it: public.
    /// 2. github.checkVisibility is false: private (the team vouches for every repository the config does not list).
    /// 3. GitHub's answer through the gateway: public, internal or private; no gateway (no token) or no answer: not
    ///    confirmed, so public.
    /// Answers are kept per repository for the life of the object (one question per repository per run).
    /// </summary>
    internal sealed class RepositoryVisibility
    {
        private readonly GitHubSettings settings;
        private readonly GitHubGateway gateway;
        private readonly IEventSink events;
        private readonly Dictionary<string, VisibilityAnswer> answers = new Dictionary<string, VisibilityAnswer>(StringComparer.OrdinalIgnoreCase);

        /// <param name="gateway">Null when there is no token: only the config can answer, else "not confirmed".</param>
        public RepositoryVisibility(GitHubSettings settings, GitHubGateway gateway, IEventSink events = null)
        {
            this.settings = settings ?? new GitHubSettings();
            this.gateway = gateway;
            this.events = events ?? NullEventSink.Instance;
        }

        public async Task<VisibilityAnswer> DecideAsync(GitHubRepositoryName repo, CancellationToken token)
        {
            if (repo == null)
            {
                throw new ArgumentNullException(nameof(repo));
            }

            string key = repo.ToString();
            if (answers.TryGetValue(key, out VisibilityAnswer known))
            {
                return known;
            }

            VisibilityAnswer answer = await AskAsync(repo, token).ConfigureAwait(false);
            events.Verbose($"{repo} counts as {(answer.IsPublic ? "public" : "private")}: {answer.Why}.");
            answers[key] = answer;
            return answer;
        }

        private async Task<VisibilityAnswer> AskAsync(GitHubRepositoryName repo, CancellationToken token)
        {
            if (settings.ListsAsPublic(repo.ToString()))
            {
                return Answer(repo, true, true, "the config lists it in github.publicRepositories");
            }

            if (!settings.CheckVisibility)
            {
                return Answer(repo, false, true, "github.checkVisibility is false, so a repository the config does not list as public counts as private");
            }

            if (gateway == null)
            {
                return Answer(repo, true, false, "no GitHub token was given to ask GitHub");
            }

            try
            {
                GitHubRepositoryInfo info = await gateway.GetRepositoryAsync(repo, token).ConfigureAwait(false);
                return info.IsPublic
                    ? Answer(repo, true, true, "GitHub says it is public")
                    : Answer(repo, false, true, $"GitHub says it is {info.Visibility ?? "private"}");
            }
            catch (SecurityOpsException ex)
            {
                VisibilityAnswer unknown = Answer(repo, true, false, $"GitHub did not say whether it is private ({ex.ErrorId})");
                unknown.Error = ex;
                return unknown;
            }
        }

        private static VisibilityAnswer Answer(GitHubRepositoryName repo, bool isPublic, bool confirmed, string why) =>
            new VisibilityAnswer { Repository = repo, IsPublic = isPublic, Confirmed = confirmed, Why = why };
    }
}
