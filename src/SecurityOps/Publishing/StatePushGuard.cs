using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Disclosure;
using SecurityOps.GitHub;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// Pushing the state is a public output when its remote is public: then no embargoed case may be in it. Checked
    /// lazily, cheapest first: state.remoteIsPublic: false (the team vouches the remote is private) allows at once;
    /// without an embargoed case nothing else is asked; state.remoteIsPublic: true refuses; otherwise every push URL of
    /// the remote (as written in git's config and as git rewrites it with insteadOf) that names a GitHub repository
    /// (github.com, or the host of github.apiUrl) is looked up: listed in github.publicRepositories or public on GitHub
    /// is refused, and so is a visibility GitHub cannot tell (no token, not found, network error). A remote that is not
    /// on GitHub is decided by the config alone (not set: treated as private).
    /// </summary>
    internal static class StatePushGuard
    {
        public const string ErrorId = "EmbargoedStatePushRefused";

        /// <summary>
        /// CVE records whose own embargo (Set-CveRecord -EmbargoedUntil) has not ended: only the files git finds with an
        /// embargoedUntil line are read, so a state of 100,000 records costs one git grep.
        /// </summary>
        private static int EmbargoedRecords(SecurityState state, DateTimeOffset now)
        {
            if (!Directory.Exists(state.Files.FullPath("cves")) || !state.Git.IsRepository)
            {
                return 0;
            }

            return state.Git.TrackedFilesMatching("^embargoedUntil:", "cves")
                .Select(path => state.Files.Read<Model.CveRecord>(path))
                .Count(r => r != null && r.IsEmbargoed(now));
        }

        /// <param name="token">The GitHub token (null: none; only needed when GitHub must be asked).</param>
        /// <param name="apiUrl">The API root; null: github.apiUrl, else https://api.github.com/.</param>
        public static async Task EnsurePushAllowedAsync(SecurityState state, DateTimeOffset now, GitHubToken token, string apiUrl = null,
            IEventSink events = null, CancellationToken cancellation = default)
        {
            events = events ?? NullEventSink.Instance;
            string remote = string.IsNullOrEmpty(state.Config.State.Remote) ? "origin" : state.Config.State.Remote;
            bool? marked = state.Config.State.RemoteIsPublic;
            if (marked == false)
            {
                events.Verbose($"state.remoteIsPublic is false: the team vouches that '{remote}' is private; GitHub is not asked.");
                return;
            }

            int embargoed = Directory.Exists(state.Files.FullPath("cases")) ? new CaseStore(state.Files).All().Count(c => c.IsEmbargoed(now)) : 0;
            embargoed += EmbargoedRecords(state, now);
            if (embargoed == 0)
            {
                events.Verbose("No embargoed case or CVE record in the state: the push may go to any remote.");
                return;
            }

            // Only the count: the case ids of embargoed reports are not for a public push log either.
            if (marked == true)
            {
                throw Refused(remote, $"Refused to push: the remote '{remote}' is marked public (state.remoteIsPublic) and the state holds {embargoed} embargoed case(s) or CVE record(s). Keep cases in a private state repository.");
            }

            Uri api = GitHubGatewayOptions.ParseApiUrl(apiUrl ?? state.Config.GitHub?.ApiUrl);
            string enterpriseHost = GitHubRemoteUrl.EnterpriseHost(api);
            List<GitHubRepositoryName> repos = state.Git.PushUrls(remote).Select(u => GitHubRemoteUrl.TryParse(u, enterpriseHost))
                .Where(r => r != null).Distinct().ToList();
            if (repos.Count == 0)
            {
                events.Verbose($"The remote '{remote}' is not a GitHub repository: only state.remoteIsPublic decides, and it is not set, so the remote is treated as private.");
                return;
            }

            GitHubGateway gateway = token == null ? null : new GitHubGateway(GitHubGatewayOptions.From(state.Config.GitHub, api, token, events));
            try
            {
                var visibility = new RepositoryVisibility(state.Config.GitHub, gateway, events);
                foreach (GitHubRepositoryName repo in repos)
                {
                    events.Verbose($"The state holds {embargoed} embargoed case(s): is {repo}, the remote '{remote}', private?");
                    VisibilityAnswer answer = await visibility.DecideAsync(repo, cancellation).ConfigureAwait(false);
                    if (!answer.Confirmed)
                    {
                        throw Unknown(remote, repo, embargoed, answer.Why, answer.Error);
                    }

                    if (answer.IsPublic)
                    {
                        throw Refused(repo.ToString(), $"Refused to push: {repo}, the remote '{remote}', counts as public ({answer.Why}), and the state holds {embargoed} embargoed case(s) or CVE record(s). Keep cases in a private state repository.");
                    }
                }
            }
            finally
            {
                gateway?.Dispose();
            }
        }

        private static SecurityOpsException Refused(string target, string message) =>
            new SecurityOpsException(ErrorId, FailureKind.SecurityError, target, message);

        private static SecurityOpsException Unknown(string remote, GitHubRepositoryName repo, int embargoed, string why, Exception inner) =>
            new SecurityOpsException(ErrorId, FailureKind.SecurityError, repo.ToString(),
                $"Refused to push: the state holds {embargoed} embargoed case(s) and {repo}, the remote '{remote}', is not confirmed private ({why}), so it is treated as public. " +
                "Give a GitHub token that can read the repository (-Token, $env:GITHUB_TOKEN or $env:GH_TOKEN), or, if you know the repository is private, vouch for it with 'remoteIsPublic: false' in the state: section of securityops.yaml.",
                inner);
    }
}
