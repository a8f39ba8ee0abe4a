using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.GitHub;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Advisories
{
    /// <summary>One release asset checked on the release day.</summary>
    internal sealed class ReleaseArtifactResult
    {
        public string Repository { get; set; }

        public string Tag { get; set; }

        public string Asset { get; set; }

        public long Size { get; set; }

        /// <summary>The SHA-256 of the bytes downloaded from the release.</summary>
        public string Sha256 { get; set; }

        /// <summary>ok, mismatch, or missing (no checksums file lists it and GitHub gives no digest).</summary>
        public string Checksum { get; set; }

        /// <summary>ok, bad, missing (no .asc/.sig beside it), or not-checked (no signing key configured).</summary>
        public string Signature { get; set; }

        public string Detail { get; set; }

        public bool Passed => Checksum == "ok" && (Signature == "ok" || Signature == "not-checked");
    }

    /// <summary>
    /// The release-day check of a GitHub release: it is published (not a draft), each named asset is on it, the bytes
    /// anyone downloads match the checksums file the release carries (SHA256SUMS, *.sha256, *checksums*.txt) and
    /// GitHub's own digest, and each asset's detached signature (.asc or .sig) verifies with the team's signing keys.
    /// Downloads take the one HTTP road (Net/), as a user's would.
    /// </summary>
    internal sealed class ReleaseArtifactChecker
    {
        private static readonly Regex ChecksumName = new Regex(@"(^SHA256SUMS)|(\.sha256(sum)?$)|(checksums?.*\.txt$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex ChecksumLine = new Regex(@"^(?<hash>[0-9a-fA-F]{64})\s+\*?(?<name>\S.*)$", RegexOptions.CultureInvariant);
        private readonly ReleaseApi releases;
        private readonly HttpPipeline http;
        private readonly IEventSink events;

        public ReleaseArtifactChecker(GitHubGateway gateway, HttpPipeline http, IEventSink events = null)
        {
            releases = new ReleaseApi(gateway);
            this.http = http ?? throw new ArgumentNullException(nameof(http));
            this.events = events ?? NullEventSink.Instance;
        }

        public static bool IsSignature(string name) => name.EndsWith(".asc", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".sig", StringComparison.OrdinalIgnoreCase);

        public static bool IsChecksums(string name) => ChecksumName.IsMatch(name);

        /// <param name="wanted">Asset names that must be there (wildcards allowed); empty: every asset that is not a checksum or signature file.</param>
        /// <param name="signingKeys">Armored public keys; null or empty: signatures are not checked (and the result says so).</param>
        public async Task<(GitHubRelease Release, List<ReleaseArtifactResult> Results, List<SecurityOpsException> Errors)> CheckAsync(
            GitHubRepositoryName repo, string tag, IReadOnlyList<string> wanted, string signingKeys, CancellationToken token)
        {
            var errors = new List<SecurityOpsException>();
            GitHubRelease release = await releases.GetByTagAsync(repo, tag, token).ConfigureAwait(false);
            if (release.Draft)
            {
                throw new SecurityOpsException("ReleaseNotPublic", FailureKind.InvalidOperation, $"{repo}@{tag}",
                    $"The release {tag} of {repo} is still a draft: nobody outside the project can download it yet. Publish it, then check again.");
            }

            var artifacts = release.Assets.Where(a => !IsSignature(a.Name) && !IsChecksums(a.Name)).ToList();
            if (wanted != null && wanted.Count > 0)
            {
                var patterns = wanted.Select(w => new Regex("^" + Regex.Escape(w).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)).ToList();
                for (int i = 0; i < wanted.Count; i++)
                {
                    if (!artifacts.Any(a => patterns[i].IsMatch(a.Name)))
                    {
                        errors.Add(new SecurityOpsException("ReleaseAssetMissing", FailureKind.ObjectNotFound, wanted[i],
                            $"The release {tag} of {repo} has no asset '{wanted[i]}' (it has {string.Join(", ", release.Assets.Select(a => a.Name))})."));
                    }
                }

                artifacts = artifacts.Where(a => patterns.Any(p => p.IsMatch(a.Name))).ToList();
            }

            var listed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (GitHubReleaseAsset sums in release.Assets.Where(a => IsChecksums(a.Name)))
            {
                string text = Encoding.UTF8.GetString(await DownloadAsync(sums, token).ConfigureAwait(false));
                foreach (string line in text.Split('\n'))
                {
                    Match m = ChecksumLine.Match(line.Trim());
                    if (m.Success)
                    {
                        listed[m.Groups["name"].Value.Trim()] = m.Groups["hash"].Value.ToLowerInvariant();
                    }
                }

                events.Verbose($"{sums.Name}: {listed.Count} checksum(s).");
            }

            var results = new List<ReleaseArtifactResult>();
            foreach (GitHubReleaseAsset asset in artifacts)
            {
                byte[] bytes = await DownloadAsync(asset, token).ConfigureAwait(false);
                string sha;
                using (var hash = SHA256.Create())
                {
                    sha = string.Concat(hash.ComputeHash(bytes).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
                }

                var result = new ReleaseArtifactResult { Repository = repo.ToString(), Tag = release.Tag, Asset = asset.Name, Size = bytes.Length, Sha256 = sha };
                var expected = new List<(string From, string Hash)>();
                if (listed.TryGetValue(asset.Name, out string fromFile))
                {
                    expected.Add(("the checksums file", fromFile));
                }

                if (asset.Digest != null && asset.Digest.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
                {
                    expected.Add(("GitHub's digest", asset.Digest.Substring(7).ToLowerInvariant()));
                }

                var wrong = expected.Where(e => e.Hash != sha).ToList();
                result.Checksum = expected.Count == 0 ? "missing" : wrong.Count == 0 ? "ok" : "mismatch";
                var notes = new List<string>();
                if (result.Checksum == "mismatch")
                {
                    notes.Add($"SHA-256 {sha} differs from {string.Join(" and ", wrong.Select(w => $"{w.From} ({w.Hash})"))}");
                    errors.Add(new SecurityOpsException("ReleaseChecksumMismatch", FailureKind.SecurityError, asset.Name, $"{asset.Name} of {repo} {release.Tag}: {notes.Last()}."));
                }
                else if (result.Checksum == "missing")
                {
                    notes.Add("no checksums file lists it and GitHub gives no digest");
                    errors.Add(new SecurityOpsException("ReleaseChecksumMissing", FailureKind.ObjectNotFound, asset.Name, $"{asset.Name} of {repo} {release.Tag}: {notes.Last()}; publish a SHA256SUMS file with the release."));
                }

                if (string.IsNullOrWhiteSpace(signingKeys))
                {
                    result.Signature = "not-checked";
                    notes.Add("no signing key configured (releases.signingKeys)");
                }
                else
                {
                    GitHubReleaseAsset signature = release.Assets.FirstOrDefault(a => a.Name == asset.Name + ".asc") ?? release.Assets.FirstOrDefault(a => a.Name == asset.Name + ".sig");
                    if (signature == null)
                    {
                        result.Signature = "missing";
                        notes.Add("no .asc or .sig beside it");
                        errors.Add(new SecurityOpsException("ReleaseSignatureMissing", FailureKind.ObjectNotFound, asset.Name, $"{asset.Name} of {repo} {release.Tag} has no detached signature ({asset.Name}.asc or .sig) on the release."));
                    }
                    else
                    {
                        bool good = OpenPgpSignatures.VerifyDetached(bytes, await DownloadAsync(signature, token).ConfigureAwait(false), signingKeys, out string why);
                        result.Signature = good ? "ok" : "bad";
                        notes.Add(why);
                        if (!good)
                        {
                            errors.Add(new SecurityOpsException("ReleaseSignatureInvalid", FailureKind.SecurityError, asset.Name, $"{asset.Name} of {repo} {release.Tag}: {signature.Name} does not verify: {why}."));
                        }
                    }
                }

                result.Detail = string.Join("; ", notes);
                events.Verbose($"{asset.Name}: {bytes.Length} bytes, SHA-256 {sha}, checksum {result.Checksum}, signature {result.Signature}.");
                results.Add(result);
            }

            return (release, results, errors);
        }

        private async Task<byte[]> DownloadAsync(GitHubReleaseAsset asset, CancellationToken token)
        {
            var request = new HttpFetchRequest(asset.DownloadUrl) { DisplayName = asset.Name };
            request.Headers["Accept"] = "application/octet-stream";
            HttpFetchResult answer = await http.GetAsync(request, token).ConfigureAwait(false);
            return answer.Content ?? Array.Empty<byte>();
        }
    }
}
