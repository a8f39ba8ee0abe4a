using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>Releases of the emulated GitHub: GET /repos/o/r/releases/tags/{tag}, and the assets' public downloads.</summary>
    public sealed partial class GitHubEmulator
    {
        private readonly Dictionary<string, EmulatedRelease> releases = new Dictionary<string, EmulatedRelease>(StringComparer.OrdinalIgnoreCase);

        /// <summary>A release with its assets; each asset's digest is GitHub's "sha256:..." of its bytes unless given.</summary>
        public EmulatedRelease AddRelease(string repo, string tag, bool draft = false)
        {
            var release = new EmulatedRelease { Repository = repo, Tag = tag, Draft = draft };
            lock (gate)
            {
                releases[repo + "@" + tag] = release;
            }

            return release;
        }

        /// <summary>Downloads need no token (a published release's assets are public); answered before the API's auth check.</summary>
        private async Task<bool> TryDownload(HttpContext context, RecordedRequest request)
        {
            if (!request.Path.StartsWith("/downloads/", StringComparison.Ordinal))
            {
                return false;
            }

            string[] parts = request.Path.Substring("/downloads/".Length).Split('/');
            EmulatedAsset asset = null;
            lock (gate)
            {
                if (parts.Length == 4 && releases.TryGetValue(parts[0] + "/" + parts[1] + "@" + Uri.UnescapeDataString(parts[2]), out var release))
                {
                    asset = release.Assets.FirstOrDefault(a => a.Name == Uri.UnescapeDataString(parts[3]));
                }
            }

            if (asset == null)
            {
                context.Response.StatusCode = 404;
                return true;
            }

            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(asset.Bytes, 0, asset.Bytes.Length);
            return true;
        }

        private readonly Dictionary<string, List<JsonObject>> pulls = new Dictionary<string, List<JsonObject>>(StringComparer.OrdinalIgnoreCase);

        /// <summary>A pull request of a repository (a private fork's, say), open or merged.</summary>
        public void SetPull(string repo, int number, string title, bool merged)
        {
            lock (gate)
            {
                if (!pulls.TryGetValue(repo, out var list))
                {
                    pulls[repo] = list = new List<JsonObject>();
                }

                list.RemoveAll(p => (int)p["number"] == number);
                list.Add(new JsonObject
                {
                    ["number"] = number,
                    ["title"] = title,
                    ["state"] = merged ? "closed" : "open",
                    ["html_url"] = $"https://github.example/{repo}/pull/{number}",
                    ["merged_at"] = merged ? "2026-03-20T15:00:00Z" : null,
                    ["merge_commit_sha"] = merged ? "abc123" + number : null,
                });
            }
        }

        private bool TryApplyReleases(RecordedRequest request, string full, string rest, out (int, JsonNode, string) answer)
        {
            answer = default;
            string[] parts = (rest ?? string.Empty).Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (request.Method == "GET" && parts.Length == 1 && parts[0] == "pulls" && pulls.TryGetValue(full, out var prs))
            {
                answer = (200, new JsonArray(prs.Select(p => (JsonNode)p.DeepClone()).ToArray()), null);
                return true;
            }

            if (request.Method != "GET" || parts.Length != 3 || parts[0] != "releases" || parts[1] != "tags")
            {
                return false;
            }

            if (!releases.TryGetValue(full + "@" + Uri.UnescapeDataString(parts[2]), out var release))
            {
                answer = (404, new JsonObject { ["message"] = "Not Found" }, null);
                return true;
            }

            var assets = new JsonArray();
            long id = 9000;
            foreach (EmulatedAsset a in release.Assets)
            {
                assets.Add(new JsonObject
                {
                    ["id"] = id++,
                    ["name"] = a.Name,
                    ["size"] = a.Bytes.Length,
                    ["digest"] = a.Digest,
                    ["browser_download_url"] = $"{ApiUrl.TrimEnd('/')}/downloads/{full}/{Uri.EscapeDataString(release.Tag)}/{Uri.EscapeDataString(a.Name)}",
                });
            }

            answer = (200, new JsonObject
            {
                ["tag_name"] = release.Tag,
                ["name"] = release.Tag,
                ["draft"] = release.Draft,
                ["prerelease"] = false,
                ["html_url"] = $"https://github.example/{full}/releases/tag/{release.Tag}",
                ["published_at"] = release.Draft ? null : "2026-03-20T14:00:00Z",
                ["assets"] = assets,
            }, null);
            return true;
        }
    }

    public sealed class EmulatedRelease
    {
        public string Repository { get; set; }

        public string Tag { get; set; }

        public bool Draft { get; set; }

        public List<EmulatedAsset> Assets { get; } = new List<EmulatedAsset>();

        /// <param name="digest">GitHub's digest; default: the true sha256 of the bytes; "" for none.</param>
        public EmulatedRelease Add(string name, byte[] bytes, string digest = null)
        {
            string sha = string.Concat(SHA256.HashData(bytes).Select(b => b.ToString("x2")));
            Assets.Add(new EmulatedAsset { Name = name, Bytes = bytes, Digest = digest == null ? "sha256:" + sha : digest.Length == 0 ? null : digest });
            return this;
        }

        public static string Sha256(byte[] bytes) => string.Concat(SHA256.HashData(bytes).Select(b => b.ToString("x2")));
    }

    public sealed class EmulatedAsset
    {
        public string Name { get; set; }

        public byte[] Bytes { get; set; }

        public string Digest { get; set; }
    }
}
