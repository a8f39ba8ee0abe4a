using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// GitHub's repository security advisory endpoints (which Octokit lacks), over the gateway's one governed
    /// connection: list, get, create, update, request a CVE, create a temporary private fork, and CODEOWNERS.
    /// Request and answer shapes follow GitHub's REST documentation; names are snake_case on the wire.
    /// </summary>
    internal sealed class AdvisoryApi
    {
        private static readonly Regex NextLink = new Regex(@"<(?<url>[^>]+)>\s*;\s*rel=""next""", RegexOptions.CultureInvariant);
        private static readonly HttpMethod Patch = new HttpMethod("PATCH");
        private readonly GitHubGateway gateway;

        public AdvisoryApi(GitHubGateway gateway) => this.gateway = gateway ?? throw new ArgumentNullException(nameof(gateway));

        public static string AdvisoriesPath(GitHubRepositoryName repo) => $"repos/{repo.Owner}/{repo.Name}/security-advisories";

        public static string AdvisoryPath(GitHubRepositoryName repo, string ghsaId) => $"{AdvisoriesPath(repo)}/{ghsaId}";

        /// <summary>GET /repos/{owner}/{repo}/security-advisories, every page (cursor pagination through the Link header).</summary>
        public async Task<IReadOnlyList<SecurityAdvisory>> ListAsync(GitHubRepositoryName repo, string state = null, int pageSize = 100, CancellationToken token = default)
        {
            var all = new List<SecurityAdvisory>();
            string path = $"{AdvisoriesPath(repo)}?per_page={pageSize}" + (string.IsNullOrEmpty(state) ? string.Empty : "&state=" + Uri.EscapeDataString(state));
            for (int page = 0; path != null && page < 1000; page++)
            {
                var response = await gateway.SendAsync<List<AdvisoryWire>>(HttpMethod.Get, path, null, token).ConfigureAwait(false);
                all.AddRange((response.Body ?? new List<AdvisoryWire>()).Select(w => Map(repo, w)));
                path = Next(response.Headers);
            }

            return all;
        }

        public async Task<SecurityAdvisory> GetAsync(GitHubRepositoryName repo, string ghsaId, CancellationToken token = default) =>
            Map(repo, (await gateway.SendAsync<AdvisoryWire>(HttpMethod.Get, AdvisoryPath(repo, ghsaId), null, token).ConfigureAwait(false)).Body);

        /// <summary>
        /// The repository's advisory (any state) whose description carries <paramref name="marker"/>, the line the
        /// module writes into every advisory it drafts for a case; null when there is none.
        /// </summary>
        public async Task<SecurityAdvisory> FindByMarkerAsync(GitHubRepositoryName repo, string marker, CancellationToken token = default)
        {
            var all = await ListAsync(repo, null, 100, token).ConfigureAwait(false);
            return all.FirstOrDefault(a => a.Description != null && a.Description.Contains(marker));
        }

        /// <summary>
        /// POST a new draft; a lost answer is resolved by finding the draft that carries the request's case marker
        /// (or, for a request without one, the same summary).
        /// </summary>
        public async Task<SecurityAdvisory> CreateAsync(GitHubRepositoryName repo, AdvisoryCreateRequest request, CancellationToken token = default)
        {
            Match marker = Regex.Match(request.Description ?? string.Empty, "<!-- securityops-case: [^>]+ -->");
            var response = await gateway.SendAsync<AdvisoryWire>(HttpMethod.Post, AdvisoriesPath(repo), request, token, async () =>
            {
                var drafts = await ListAsync(repo, AdvisoryState.Draft, 100, token).ConfigureAwait(false);
                var same = marker.Success
                    ? drafts.FirstOrDefault(a => a.Description != null && a.Description.Contains(marker.Value))
                    : drafts.FirstOrDefault(a => string.Equals(a.Summary, request.Summary, StringComparison.Ordinal));
                return same == null ? null : new AdvisoryWire { GhsaId = same.GhsaId, Summary = same.Summary, State = same.State, HtmlUrl = same.HtmlUrl, Url = same.Url };
            }).ConfigureAwait(false);
            return Map(repo, response.Body);
        }

        /// <summary>PATCH an advisory (fields, state published/closed/draft, collaborators); repeating it is harmless.</summary>
        public async Task<SecurityAdvisory> UpdateAsync(GitHubRepositoryName repo, string ghsaId, AdvisoryUpdateRequest request, CancellationToken token = default) =>
            Map(repo, (await gateway.SendAsync<AdvisoryWire>(Patch, AdvisoryPath(repo, ghsaId), request, token).ConfigureAwait(false)).Body);

        /// <summary>
        /// POST .../cve: GitHub answers 202 and assigns the id later. Returns false when the answer was lost: the
        /// request is then taken as made and not sent again, because GitHub's API shows no pending request (the
        /// advisory keeps cve_id null until the id is assigned) and takes a repeat as a second request.
        /// </summary>
        public async Task<bool> RequestCveAsync(GitHubRepositoryName repo, string ghsaId, CancellationToken token = default) =>
            !(await gateway.SendAsync<object>(HttpMethod.Post, AdvisoryPath(repo, ghsaId) + "/cve", null, token, () => Task.FromResult(new object())).ConfigureAwait(false)).Recovered;

        /// <summary>POST .../forks: 202 with the fork's repository, which may not answer for a while.</summary>
        public async Task<string> CreateForkAsync(GitHubRepositoryName repo, string ghsaId, CancellationToken token = default)
        {
            var response = await gateway.SendAsync<RepositoryWire>(HttpMethod.Post, AdvisoryPath(repo, ghsaId) + "/forks", null, token, async () =>
            {
                var current = await GetAsync(repo, ghsaId, token).ConfigureAwait(false);
                return current.PrivateFork == null ? null : new RepositoryWire { FullName = current.PrivateFork };
            }).ConfigureAwait(false);
            return response.Body?.FullName ?? throw new SecurityOpsException("GitHubResponseInvalid", FailureKind.InvalidData, ghsaId,
                $"GitHub: creating the private fork of {ghsaId} answered without the fork's name.");
        }

        /// <summary>True when the repository answers (a fork being made answers 404 until it is ready).</summary>
        public async Task<bool> RepositoryAnswersAsync(string fullName, CancellationToken token = default)
        {
            try
            {
                await gateway.SendAsync<RepositoryWire>(HttpMethod.Get, "repos/" + fullName, null, token).ConfigureAwait(false);
                return true;
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "GitHubNotFound")
            {
                return false;
            }
        }

        /// <summary>The repository's CODEOWNERS text from the first of <paramref name="paths"/> that exists; null when none does.</summary>
        public async Task<string> GetCodeownersAsync(GitHubRepositoryName repo, IEnumerable<string> paths, CancellationToken token = default)
        {
            foreach (string path in paths)
            {
                try
                {
                    var response = await gateway.SendAsync<ContentWire>(HttpMethod.Get, $"repos/{repo.Owner}/{repo.Name}/contents/{path.TrimStart('/')}", null, token).ConfigureAwait(false);
                    if (response.Body?.Content != null)
                    {
                        return string.Equals(response.Body.Encoding, "base64", StringComparison.OrdinalIgnoreCase)
                            ? Encoding.UTF8.GetString(Convert.FromBase64String(response.Body.Content.Replace("\n", string.Empty).Replace("\r", string.Empty)))
                            : response.Body.Content;
                    }
                }
                catch (SecurityOpsException ex) when (ex.ErrorId == "GitHubNotFound")
                {
                }
            }

            return null;
        }

        private string Next(IReadOnlyDictionary<string, string> headers)
        {
            string link = headers?.FirstOrDefault(h => string.Equals(h.Key, "Link", StringComparison.OrdinalIgnoreCase)).Value;
            var match = link == null ? Match.Empty : NextLink.Match(link);
            if (!match.Success)
            {
                return null;
            }

            string url = match.Groups["url"].Value;
            string root = gateway.ApiUrl.ToString();
            return url.StartsWith(root, StringComparison.OrdinalIgnoreCase) ? url.Substring(root.Length) : null;
        }

        internal static SecurityAdvisory Map(GitHubRepositoryName repo, AdvisoryWire w)
        {
            if (w == null)
            {
                return null;
            }

            CvssWire cvss = w.CvssSeverities?.CvssV4?.VectorString != null ? w.CvssSeverities.CvssV4
                : w.CvssSeverities?.CvssV3?.VectorString != null ? w.CvssSeverities.CvssV3 : w.Cvss;
            return new SecurityAdvisory
            {
                GhsaId = w.GhsaId,
                Repository = repo.ToString(),
                State = w.State,
                Severity = w.Severity,
                CveId = w.CveId,
                Summary = w.Summary,
                Description = w.Description,
                CvssVector = cvss?.VectorString,
                CvssScore = cvss?.Score,
                CweIds = w.CweIds ?? w.Cwes?.Select(c => c.CweId).ToList() ?? new List<string>(),
                Vulnerabilities = (w.Vulnerabilities ?? new List<VulnerabilityWire>()).Select(v => new AdvisoryPackage
                {
                    Ecosystem = v.Package?.Ecosystem,
                    Name = v.Package?.Name,
                    VulnerableVersionRange = v.VulnerableVersionRange,
                    PatchedVersions = v.PatchedVersions,
                    VulnerableFunctions = v.VulnerableFunctions ?? new List<string>(),
                }).ToList(),
                Author = w.Author?.Login ?? w.CreditsDetailed?.FirstOrDefault(c => c.Type == "reporter")?.User?.Login,
                CollaboratingUsers = (w.CollaboratingUsers ?? new List<UserWire>()).Select(u => u.Login).ToList(),
                CollaboratingTeams = (w.CollaboratingTeams ?? new List<TeamWire>()).Select(t => t.Slug).ToList(),
                PrivateFork = w.PrivateFork?.FullName,
                HtmlUrl = w.HtmlUrl,
                Url = w.Url,
                CreatedAt = w.CreatedAt,
                UpdatedAt = w.UpdatedAt,
                PublishedAt = w.PublishedAt,
            };
        }
    }

    /// <summary>POST /repos/{owner}/{repo}/security-advisories. Severity and cvss_vector_string exclude each other.</summary>
    internal sealed class AdvisoryCreateRequest
    {
        public string Summary { get; set; }

        public string Description { get; set; }

        public string CveId { get; set; }

        public List<VulnerabilityWire> Vulnerabilities { get; set; } = new List<VulnerabilityWire>();

        public List<string> CweIds { get; set; }

        public List<CreditWire> Credits { get; set; }

        public string Severity { get; set; }

        public string CvssVectorString { get; set; }
    }

    /// <summary>PATCH .../security-advisories/{ghsa_id}: only what is set is sent.</summary>
    internal sealed class AdvisoryUpdateRequest
    {
        public string Summary { get; set; }

        public string Description { get; set; }

        public string CveId { get; set; }

        public List<VulnerabilityWire> Vulnerabilities { get; set; }

        public List<string> CweIds { get; set; }

        public List<CreditWire> Credits { get; set; }

        public string Severity { get; set; }

        public string CvssVectorString { get; set; }

        /// <summary>published, closed or draft.</summary>
        public string State { get; set; }

        public List<string> CollaboratingUsers { get; set; }

        public List<string> CollaboratingTeams { get; set; }
    }

#pragma warning disable SA1402 // wire types belong with the API that reads them
    internal sealed class VulnerabilityWire
    {
        public PackageWire Package { get; set; }

        public string VulnerableVersionRange { get; set; }

        public string PatchedVersions { get; set; }

        public List<string> VulnerableFunctions { get; set; }
    }

    internal sealed class PackageWire
    {
        public string Ecosystem { get; set; }

        public string Name { get; set; }
    }

    internal sealed class CreditWire
    {
        public string Login { get; set; }

        /// <summary>analyst, finder, reporter, coordinator, remediation_developer, remediation_reviewer, remediation_verifier, tool, sponsor, other.</summary>
        public string Type { get; set; }
    }

    internal sealed class AdvisoryWire
    {
        public string GhsaId { get; set; }

        public string CveId { get; set; }

        public string Url { get; set; }

        public string HtmlUrl { get; set; }

        public string Summary { get; set; }

        public string Description { get; set; }

        public string Severity { get; set; }

        public string State { get; set; }

        public UserWire Author { get; set; }

        public DateTimeOffset? CreatedAt { get; set; }

        public DateTimeOffset? UpdatedAt { get; set; }

        public DateTimeOffset? PublishedAt { get; set; }

        public List<VulnerabilityWire> Vulnerabilities { get; set; }

        public CvssWire Cvss { get; set; }

        public CvssSeveritiesWire CvssSeverities { get; set; }

        public List<string> CweIds { get; set; }

        public List<CweWire> Cwes { get; set; }

        public List<CreditDetailWire> CreditsDetailed { get; set; }

        public List<UserWire> CollaboratingUsers { get; set; }

        public List<TeamWire> CollaboratingTeams { get; set; }

        public RepositoryWire PrivateFork { get; set; }
    }

    internal sealed class CvssWire
    {
        public string VectorString { get; set; }

        public double? Score { get; set; }
    }

    internal sealed class CvssSeveritiesWire
    {
        public CvssWire CvssV3 { get; set; }

        public CvssWire CvssV4 { get; set; }
    }

    internal sealed class CweWire
    {
        public string CweId { get; set; }

        public string Name { get; set; }
    }

    internal sealed class CreditDetailWire
    {
        public UserWire User { get; set; }

        public string Type { get; set; }

        public string State { get; set; }
    }

    internal sealed class UserWire
    {
        public string Login { get; set; }
    }

    internal sealed class TeamWire
    {
        public string Slug { get; set; }

        public string Name { get; set; }
    }

    internal sealed class RepositoryWire
    {
        public string FullName { get; set; }

        public string HtmlUrl { get; set; }

        public bool Private { get; set; }
    }

    internal sealed class ContentWire
    {
        public string Content { get; set; }

        public string Encoding { get; set; }
    }
#pragma warning restore SA1402
}
