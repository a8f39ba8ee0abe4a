using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;

namespace SecurityOps.GitHub
{
    /// <summary>A GitHub release and its assets, as the release-day checks read them.</summary>
    internal sealed class GitHubRelease
    {
        public string Tag { get; set; }

        public string Name { get; set; }

        public bool Draft { get; set; }

        public bool Prerelease { get; set; }

        public string HtmlUrl { get; set; }

        public DateTimeOffset? PublishedAt { get; set; }

        public List<GitHubReleaseAsset> Assets { get; set; } = new List<GitHubReleaseAsset>();
    }

    internal sealed class GitHubReleaseAsset
    {
        public long Id { get; set; }

        public string Name { get; set; }

        public long Size { get; set; }

        /// <summary>Where anyone downloads it (browser_download_url).</summary>
        public string DownloadUrl { get; set; }

        /// <summary>GitHub's own digest of the upload ("sha256:..."), when it gives one.</summary>
        public string Digest { get; set; }
    }

    /// <summary>GET /repos/{owner}/{repo}/releases/tags/{tag}, over the gateway's governed connection.</summary>
    internal sealed class ReleaseApi
    {
        private readonly GitHubGateway gateway;

        public ReleaseApi(GitHubGateway gateway) => this.gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));

        /// <summary>The release of a tag; ReleaseNotFound when the tag has none (a draft is only visible with push rights).</summary>
        public async Task<GitHubRelease> GetByTagAsync(GitHubRepositoryName repo, string tag, CancellationToken token = default)
        {
            GitHubResponse<ReleaseWire> response;
            try
            {
                response = await gateway.SendAsync<ReleaseWire>(HttpMethod.Get, $"repos/{repo.Owner}/{repo.Name}/releases/tags/{Uri.EscapeDataString(tag)}", null, token).ConfigureAwait(false);
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "GitHubNotFound")
            {
                throw new SecurityOpsException("ReleaseNotFound", FailureKind.ObjectNotFound, $"{repo}@{tag}", $"{repo} has no release for the tag {tag}.", ex);
            }

            ReleaseWire w = response.Body ?? new ReleaseWire();
            return new GitHubRelease
            {
                Tag = w.TagName ?? tag,
                Name = w.Name,
                Draft = w.Draft,
                Prerelease = w.Prerelease,
                HtmlUrl = w.HtmlUrl,
                PublishedAt = w.PublishedAt,
                Assets = (w.Assets ?? new List<AssetWire>()).Select(a => new GitHubReleaseAsset { Id = a.Id, Name = a.Name, Size = a.Size, DownloadUrl = a.BrowserDownloadUrl, Digest = a.Digest }).ToList(),
            };
        }

        public sealed class ReleaseWire
        {
            public string TagName { get; set; }

            public string Name { get; set; }

            public bool Draft { get; set; }

            public bool Prerelease { get; set; }

            public string HtmlUrl { get; set; }

            public DateTimeOffset? PublishedAt { get; set; }

            public List<AssetWire> Assets { get; set; }
        }

        public sealed class AssetWire
        {
            public long Id { get; set; }

            public string Name { get; set; }

            public long Size { get; set; }

            public string BrowserDownloadUrl { get; set; }

            public string Digest { get; set; }
        }
    }
}
