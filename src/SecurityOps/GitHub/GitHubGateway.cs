using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Octokit;
using Octokit.Internal;
using SecurityOps.Net;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// The one gateway to GitHub. It owns one Octokit <see cref="Connection"/> whose HTTP client is governed (rate
    /// limits, pacing, retries: see <see cref="GovernedHttpClient"/>), maps Octokit's types and exceptions to
    /// SecurityOps' own, and offers <see cref="SendAsync{T}"/> for endpoints Octokit lacks (repository security
    /// advisories, private vulnerability reports) over the same connection. Create one per run; it is thread-safe.
    /// </summary>
    internal sealed class GitHubGateway : IDisposable
    {
        private const string Accept = "application/vnd.github+json";

        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };

        private readonly Connection connection;
        private readonly GitHubClient client;
        private readonly GovernedHttpClient http;

        public GitHubGateway(GitHubGatewayOptions options)
        {
            Options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.Token == null)
            {
                throw GitHubToken.NotFound();
            }

            options.ApiUrl = GitHubGatewayOptions.ParseApiUrl(options.ApiUrl?.ToString());
            var adapter = new HttpClientAdapter(() => HttpPipeline.CreateHandler(allowRedirects: false));
            adapter.SetRequestTimeout(options.RequestTimeout);
            var governed = http = new GovernedHttpClient(adapter, options, Statistics);

            // A Connection built directly uses the base address as given (GitHubClient(header, uri) would add /api/v3/).
            connection = new Connection(
                new ProductHeaderValue("SecurityOps", options.UserAgentVersion),
                options.ApiUrl,
                new InMemoryCredentialStore(new Credentials(options.Token.Value)),
                governed,
                new SimpleJsonSerializer());
            client = new GitHubClient(connection);
        }

        public GitHubGatewayOptions Options { get; }

        public Uri ApiUrl => Options.ApiUrl;

        public GitHubStatistics Statistics { get; } = new GitHubStatistics();

        /// <summary>Net's retry loop that every wait of this gateway goes through (rate limits, pacing, backoff).</summary>
        internal RetryLoop Retry => http.Retry;

        /// <summary>The repository's visibility.</summary>
        public Task<GitHubRepositoryInfo> GetRepositoryAsync(GitHubRepositoryName repo, CancellationToken token = default) =>
            Call($"GET {repo}", repo, async () =>
            {
                Repository r = await client.Repository.Get(repo.Owner, repo.Name).ConfigureAwait(false);
                return new GitHubRepositoryInfo { FullName = r.FullName, IsPrivate = r.Private, Visibility = r.Visibility?.ToString().ToLowerInvariant(), HtmlUrl = r.HtmlUrl };
            });

        /// <summary>Every open issue (pull requests left out) carrying <paramref name="label"/>, all pages.</summary>
        public Task<IReadOnlyList<GitHubIssue>> ListOpenIssuesAsync(GitHubRepositoryName repo, string label, CancellationToken token = default) =>
            Call($"list open issues of {repo}", repo, async () =>
            {
                var request = new RepositoryIssueRequest { State = ItemStateFilter.Open };
                if (!string.IsNullOrEmpty(label))
                {
                    request.Labels.Add(label);
                }

                var issues = await client.Issue.GetAllForRepository(repo.Owner, repo.Name, request, new ApiOptions { PageSize = 100 }).ConfigureAwait(false);
                return (IReadOnlyList<GitHubIssue>)issues.Select(Map).Where(i => !i.IsPullRequest).ToList();
            });

        /// <summary>The newest issues (any state) with <paramref name="label"/>, one page: what a lost create is looked for in.</summary>
        public Task<IReadOnlyList<GitHubIssue>> ListRecentIssuesAsync(GitHubRepositoryName repo, string label, CancellationToken token = default) =>
            Call($"list recent issues of {repo}", repo, async () =>
            {
                var request = new RepositoryIssueRequest { State = ItemStateFilter.All, SortProperty = IssueSort.Created, SortDirection = SortDirection.Descending };
                if (!string.IsNullOrEmpty(label))
                {
                    request.Labels.Add(label);
                }

                var issues = await client.Issue.GetAllForRepository(repo.Owner, repo.Name, request, new ApiOptions { PageSize = 50, PageCount = 1, StartPage = 1 }).ConfigureAwait(false);
                return (IReadOnlyList<GitHubIssue>)issues.Select(Map).Where(i => !i.IsPullRequest).ToList();
            });

        public Task<GitHubIssue> GetIssueAsync(GitHubRepositoryName repo, int number, CancellationToken token = default) =>
            Call($"GET {repo}#{number}", $"{repo}#{number}", async () => Map(await client.Issue.Get(repo.Owner, repo.Name, number).ConfigureAwait(false)));

        /// <summary>
        /// Opens an issue, exactly once: when the answer is lost, the newest issues are listed and one that
        /// <paramref name="isSame"/> recognizes (by its marker) is taken instead of sending again.
        /// </summary>
        public Task<GitHubIssue> CreateIssueAsync(GitHubRepositoryName repo, GitHubNewIssue issue, Func<GitHubIssue, bool> isSame, CancellationToken token = default) =>
            WriteOnce($"open issue '{issue.Title}' in {repo}", repo,
                async () =>
                {
                    var create = new NewIssue(issue.Title) { Body = issue.Body };
                    foreach (string label in issue.Labels ?? new List<string>())
                    {
                        create.Labels.Add(label);
                    }

                    return Map(await client.Issue.Create(repo.Owner, repo.Name, create).ConfigureAwait(false));
                },
                async () => isSame == null ? null : (await ListRecentIssuesAsync(repo, issue.Labels?.LastOrDefault(), token).ConfigureAwait(false)).FirstOrDefault(isSame));

        /// <summary>Sets an issue's body and, when given, its full label set (PATCH: repeating it is harmless).</summary>
        public Task<GitHubIssue> UpdateIssueAsync(GitHubRepositoryName repo, int number, string body, IEnumerable<string> labels = null, CancellationToken token = default) =>
            Call($"PATCH {repo}#{number}", $"{repo}#{number}", async () =>
            {
                var update = new IssueUpdate { Body = body };
                if (labels != null)
                {
                    foreach (string label in labels)
                    {
                        update.AddLabel(label);
                    }
                }

                return Map(await client.Issue.Update(repo.Owner, repo.Name, number, update).ConfigureAwait(false));
            });

        public Task<IReadOnlyList<GitHubComment>> ListCommentsAsync(GitHubRepositoryName repo, int number, CancellationToken token = default) =>
            Call($"list comments of {repo}#{number}", $"{repo}#{number}", async () =>
            {
                var comments = await client.Issue.Comment.GetAllForIssue(repo.Owner, repo.Name, number, new ApiOptions { PageSize = 100 }).ConfigureAwait(false);
                return (IReadOnlyList<GitHubComment>)comments.Select(Map).ToList();
            });

        /// <summary>Comments on an issue, exactly once: a lost answer is resolved by listing the comments.</summary>
        public Task<GitHubComment> AddCommentAsync(GitHubRepositoryName repo, int number, string body, CancellationToken token = default) =>
            WriteOnce($"comment on {repo}#{number}", $"{repo}#{number}",
                async () => Map(await client.Issue.Comment.Create(repo.Owner, repo.Name, number, body).ConfigureAwait(false)),
                async () => (await ListCommentsAsync(repo, number, token).ConfigureAwait(false)).LastOrDefault(c => string.Equals(c.Body?.Trim(), body.Trim(), StringComparison.Ordinal)));

        public Task<IReadOnlyList<GitHubLabel>> ListLabelsAsync(GitHubRepositoryName repo, CancellationToken token = default) =>
            Call($"list labels of {repo}", repo, async () =>
            {
                var labels = await client.Issue.Labels.GetAllForRepository(repo.Owner, repo.Name, new ApiOptions { PageSize = 100 }).ConfigureAwait(false);
                return (IReadOnlyList<GitHubLabel>)labels.Select(l => new GitHubLabel(l.Name, l.Color, l.Description)).ToList();
            });

        /// <summary>Creates a label, exactly once: a lost answer is resolved by reading the label.</summary>
        public Task<GitHubLabel> CreateLabelAsync(GitHubRepositoryName repo, GitHubLabel label, CancellationToken token = default) =>
            WriteOnce($"create label '{label.Name}' in {repo}", repo,
                async () =>
                {
                    try
                    {
                        var created = await client.Issue.Labels.Create(repo.Owner, repo.Name, new NewLabel(label.Name, label.Color ?? "ededed") { Description = label.Description }).ConfigureAwait(false);
                        return new GitHubLabel(created.Name, created.Color, created.Description);
                    }
                    catch (ApiValidationException ex) when (ex.ApiError?.Errors?.Any(e => e.Code == "already_exists") == true)
                    {
                        // Another runner made it between our listing and our create: the label is there, which is all we asked.
                        Options.Events.Verbose($"GitHub: the label '{label.Name}' already exists in {repo} (made by another run); using it.");
                        var found = await client.Issue.Labels.Get(repo.Owner, repo.Name, label.Name).ConfigureAwait(false);
                        return new GitHubLabel(found.Name, found.Color, found.Description);
                    }
                },
                async () =>
                {
                    try
                    {
                        var found = await client.Issue.Labels.Get(repo.Owner, repo.Name, label.Name).ConfigureAwait(false);
                        return new GitHubLabel(found.Name, found.Color, found.Description);
                    }
                    catch (NotFoundException)
                    {
                        return null;
                    }
                });

        /// <summary>
        /// Any REST call over the same governed connection, for endpoints Octokit lacks. <paramref name="path"/> is
        /// relative to the API root ("repos/o/r/security-advisories?state=draft"); <paramref name="body"/> is
        /// serialized as JSON with snake_case names (a string is sent as is), the answer read into
        /// <typeparamref name="T"/> the same way. A POST whose answer is lost calls <paramref name="recoverLostWrite"/>
        /// (list, then find the one just made) and sends again only when it returns null; without it, the call fails
        /// with GitHubWriteOutcomeUnknown.
        /// </summary>
        public async Task<GitHubResponse<T>> SendAsync<T>(HttpMethod method, string path, object body = null, CancellationToken token = default, Func<Task<T>> recoverLostWrite = null)
        {
            if (method == null)
            {
                throw new ArgumentNullException(nameof(method));
            }

            var uri = new Uri(path.TrimStart('/'), UriKind.Relative);
            string json = ToJson(body);

            async Task<GitHubResponse<T>> Send()
            {
                IApiResponse<object> response;
                if (method == HttpMethod.Get)
                {
                    response = await connection.Get<object>(uri, null, Accept, token).ConfigureAwait(false);
                }
                else if (method == HttpMethod.Post)
                {
                    response = await connection.Post<object>(uri, json ?? "{}", Accept, "application/json", (IDictionary<string, string>)null, token).ConfigureAwait(false);
                }
                else if (method.Method == "PATCH")
                {
                    response = await connection.Patch<object>(uri, json ?? "{}", Accept).ConfigureAwait(false);
                }
                else if (method == HttpMethod.Put)
                {
                    response = await connection.Put<object>(uri, json ?? "{}", null, Accept).ConfigureAwait(false);
                }
                else if (method == HttpMethod.Delete)
                {
                    var status = await connection.Delete(uri, (object)json, Accept).ConfigureAwait(false);
                    return new GitHubResponse<T> { StatusCode = (int)status };
                }
                else
                {
                    throw new ArgumentException($"HTTP method {method} is not supported.", nameof(method));
                }

                string raw = response.HttpResponse.Body as string;
                return new GitHubResponse<T>
                {
                    StatusCode = (int)response.HttpResponse.StatusCode,
                    RawBody = raw,
                    Body = string.IsNullOrWhiteSpace(raw) ? default : JsonSerializer.Deserialize<T>(raw, Json),
                    Headers = response.HttpResponse.Headers,
                };
            }

            string what = $"{method} {path}";
            if (method != HttpMethod.Post)
            {
                return await Call(what, path, Send).ConfigureAwait(false);
            }

            return await WriteOnce(what, path, Send, recoverLostWrite == null ? (Func<Task<GitHubResponse<T>>>)null : async () =>
            {
                T found = await recoverLostWrite().ConfigureAwait(false);
                return found == null ? null : new GitHubResponse<T> { StatusCode = 200, Body = found, Recovered = true };
            }).ConfigureAwait(false);
        }

        public void Dispose() => http.Dispose();

        /// <summary>A request body as <see cref="SendAsync{T}"/> sends it (snake_case, nulls left out; a string as is): for -WhatIf.</summary>
        public static string ToJson(object body) => body == null ? null : body as string ?? JsonSerializer.Serialize(body, body.GetType(), Json);

        /// <summary>
        /// Runs a POST exactly once: when its answer is lost, <paramref name="find"/> looks for its effect first, and only
        /// when nothing is found is it sent again, after the gateway's backoff (through the same retry loop as every request).
        /// </summary>
        private Task<T> WriteOnce<T>(string what, object target, Func<Task<T>> send, Func<Task<T>> find) where T : class =>
            http.Retry.RunAsync<T>(async attempt =>
            {
                try
                {
                    return RetryStep<T>.Done(await Call(what, target, send).ConfigureAwait(false));
                }
                catch (GitHubWriteOutcomeUnknownException ex) when (find != null)
                {
                    Options.Events.Verbose($"GitHub: {ex.Message} Looking for it before sending again.");
                    T existing = await find().ConfigureAwait(false);
                    if (existing != null)
                    {
                        Options.Events.Verbose($"GitHub: found the result of '{what}'; not sending it again.");
                        return RetryStep<T>.Done(existing);
                    }

                    ExceptionDispatchInfo lost = ExceptionDispatchInfo.Capture(ex);
                    return RetryStep<T>.Backoff($"{what}: the answer was lost and the result not found; sending it again, retry {attempt} of {http.Retry.MaxAttempts - 1}", () =>
                    {
                        lost.Throw();
                        return null;
                    });
                }
            }, CancellationToken.None, (attempt, wait, reason) => Statistics.CountRetry());

        /// <summary>Runs one Octokit call, turning its exceptions into SecurityOps errors (no token in any message).</summary>
        private static async Task<T> Call<T>(string what, object target, Func<Task<T>> action)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (SecurityOpsException)
            {
                throw;
            }
            catch (NotFoundException ex)
            {
                throw Fail("GitHubNotFound", FailureKind.ObjectNotFound, target, what, ex, "not found (or the token cannot see it)");
            }
            catch (AuthorizationException ex)
            {
                throw Fail("GitHubUnauthorized", FailureKind.AuthenticationError, target, what, ex, "the token was refused (401)");
            }
            catch (RateLimitExceededException ex)
            {
                throw Fail("GitHubRateLimited", FailureKind.LimitsExceeded, target, what, ex, $"the rate limit is spent until {ex.Reset:u}");
            }
            catch (SecondaryRateLimitExceededException ex)
            {
                throw Fail("GitHubRateLimited", FailureKind.LimitsExceeded, target, what, ex, "GitHub's secondary rate limit kept refusing it");
            }
            catch (ForbiddenException ex)
            {
                throw Fail("GitHubForbidden", FailureKind.PermissionDenied, target, what, ex, "forbidden (403): " + ex.Message);
            }
            catch (ApiValidationException ex)
            {
                throw Fail("GitHubValidationFailed", FailureKind.InvalidData, target, what, ex, "GitHub refused the data (422): " + ex.Message);
            }
            catch (ApiException ex) when ((int)ex.StatusCode == 429)
            {
                throw Fail("GitHubRateLimited", FailureKind.LimitsExceeded, target, what, ex, "GitHub kept answering 429 Too Many Requests");
            }
            catch (ApiException ex) when ((int)ex.StatusCode >= 500)
            {
                throw Fail("GitHubServerError", FailureKind.ResourceUnavailable, target, what, ex, $"GitHub answered {(int)ex.StatusCode} after every retry");
            }
            catch (ApiException ex)
            {
                throw Fail("GitHubRequestFailed", FailureKind.NotSpecified, target, what, ex, $"HTTP {(int)ex.StatusCode}: {ex.Message}");
            }
            catch (JsonException ex)
            {
                throw Fail("GitHubResponseInvalid", FailureKind.InvalidData, target, what, ex, "the answer was not the JSON expected: " + ex.Message);
            }
        }

        private static SecurityOpsException Fail(string id, FailureKind kind, object target, string what, Exception inner, string detail) =>
            new SecurityOpsException(id, kind, target, Redact.Urls($"GitHub: {what} failed: {detail}"), inner);

        private static GitHubIssue Map(Issue issue) => new GitHubIssue
        {
            Number = issue.Number,
            Title = issue.Title,
            Body = issue.Body ?? string.Empty,
            State = issue.State.StringValue,
            Labels = issue.Labels?.Select(l => l.Name).ToList() ?? new List<string>(),
            HtmlUrl = issue.HtmlUrl,
            IsPullRequest = issue.PullRequest != null,
            CreatedAt = issue.CreatedAt,
        };

        private static GitHubComment Map(IssueComment comment) => new GitHubComment
        {
            Id = comment.Id,
            Body = comment.Body,
            HtmlUrl = comment.HtmlUrl,
            CreatedAt = comment.CreatedAt,
        };
    }
}
