using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;

namespace SecurityOps.GitHub
{
    /// <summary>A pull request as the fork-merge check reads it.</summary>
    internal sealed class GitHubPullRequest
    {
        public int Number { get; set; }

        public string Title { get; set; }

        public string State { get; set; }

        public string HtmlUrl { get; set; }

        public DateTimeOffset? MergedAt { get; set; }

        public string MergeCommitSha { get; set; }

        public bool Merged => MergedAt != null;
    }

    /// <summary>GET /repos/{owner}/{repo}/pulls?state=all, over the gateway's governed connection.</summary>
    internal sealed class PullRequestApi
    {
        private readonly GitHubGateway gateway;

        public PullRequestApi(GitHubGateway gateway) => this.gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));

        public async Task<IReadOnlyList<GitHubPullRequest>> ListAsync(GitHubRepositoryName repo, CancellationToken token = default)
        {
            var response = await gateway.SendAsync<List<PullWire>>(HttpMethod.Get, $"repos/{repo.Owner}/{repo.Name}/pulls?state=all&per_page=100", null, token).ConfigureAwait(false);
            return (response.Body ?? new List<PullWire>()).Select(p => new GitHubPullRequest
            {
                Number = p.Number,
                Title = p.Title,
                State = p.State,
                HtmlUrl = p.HtmlUrl,
                MergedAt = p.MergedAt,
                MergeCommitSha = p.MergeCommitSha,
            }).ToList();
        }

        public sealed class PullWire
        {
            public int Number { get; set; }

            public string Title { get; set; }

            public string State { get; set; }

            public string HtmlUrl { get; set; }

            public DateTimeOffset? MergedAt { get; set; }

            public string MergeCommitSha { get; set; }
        }
    }
}
