using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>A fault the emulator plays for the next request that matches.</summary>
    public enum GitHubFault
    {
        /// <summary>403 "You have exceeded a secondary rate limit" with Retry-After.</summary>
        SecondaryLimit,

        /// <summary>429 Too Many Requests with Retry-After.</summary>
        TooManyRequests,

        /// <summary>403 with x-ratelimit-remaining: 0 and x-ratelimit-reset.</summary>
        PrimaryLimit,

        /// <summary>502 Bad Gateway, nothing applied.</summary>
        ServerError,

        /// <summary>The request is applied, then the answer never comes (until the client goes away): a process killed while waiting.</summary>
        HangAfterApply,

        /// <summary>The request is applied, then the connection is dropped before the answer.</summary>
        DropAfterApply,
    }

    /// <summary>
    /// GitHub's REST API on loopback, as far as SecurityOps uses it: repositories, issues (list with pagination Link
    /// headers, create, get, patch), comments and labels, kept in memory; rate-limit headers on every answer; faults
    /// injected per request. Every call is recorded (LoopbackServer.Requests) so tests assert on the exact calls.
    /// </summary>
    public sealed partial class GitHubEmulator : IDisposable
    {
        private static readonly Regex Route = new Regex(@"^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)(?<rest>/.*)?$");
        private readonly object gate = new object();
        private readonly Dictionary<string, EmulatedRepo> repos = new Dictionary<string, EmulatedRepo>(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentQueue<(Func<RecordedRequest, bool> Match, GitHubFault Fault, int RetryAfter)> faults = new ConcurrentQueue<(Func<RecordedRequest, bool>, GitHubFault, int)>();

        public GitHubEmulator(string token = "ghp_emulatorTokenValue0123456789abcdef")
        {
            Token = token;
            Server = new LoopbackServer(Handle);
        }

        public LoopbackServer Server { get; }

        public string Token { get; }

        /// <summary>http://127.0.0.1:PORT/ (the API root: use it as -ApiUrl).</summary>
        public string ApiUrl => Server.BaseUri.ToString();

        /// <summary>Requests left in the primary budget; at 0 every call gets 403 until Reset.</summary>
        public int RateRemaining { get; set; } = 5000;

        public DateTimeOffset RateReset { get; set; } = DateTimeOffset.UtcNow.AddHours(1);

        /// <summary>Calls as "METHOD /path" (no query), in order.</summary>
        public IReadOnlyList<string> Calls => Server.Requests.Select(r => $"{r.Method} {r.Path}").ToList();

        public IReadOnlyList<RecordedRequest> Writes => Server.Requests.Where(r => r.Method != "GET" && r.Method != "HEAD").ToList();

        public EmulatedRepo Repo(string fullName, bool isPrivate = false)
        {
            lock (gate)
            {
                if (!repos.TryGetValue(fullName, out var repo))
                {
                    repo = repos[fullName] = new EmulatedRepo { FullName = fullName, Private = isPrivate };
                }

                return repo;
            }
        }

        /// <summary>The next request that matches gets the fault (once).</summary>
        public void Inject(GitHubFault fault, Func<RecordedRequest, bool> match = null, int retryAfterSeconds = 2) =>
            faults.Enqueue((match ?? (_ => true), fault, retryAfterSeconds));

        public static Func<RecordedRequest, bool> On(string method, string pathEnd) =>
            r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal);

        public void Dispose() => Server.Dispose();

        private async Task Handle(HttpContext context, RecordedRequest request)
        {
            var response = context.Response;
            if (await TryDownload(context, request)) // GitHubEmulator.Releases.cs
            {
                return;
            }

            string auth = request.Headers.TryGetValue("Authorization", out var a) ? a : null;
            int space = auth?.IndexOf(' ') ?? -1;
            string scheme = space > 0 ? auth.Substring(0, space) : null;
            if (space < 0 || auth.Substring(space + 1) != Token || !(scheme.Equals("token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase)))
            {
                await Json(context, 401, new JsonObject { ["message"] = "Bad credentials" });
                return;
            }

            GitHubFault? fault = null;
            int retryAfter = 0;
            if (faults.TryPeek(out var next) && next.Match(request) && faults.TryDequeue(out next))
            {
                fault = next.Fault;
                retryAfter = next.RetryAfter;
            }

            lock (gate)
            {
                RateRemaining = Math.Max(0, RateRemaining - 1);
            }

            response.Headers["x-ratelimit-limit"] = "5000";
            response.Headers["x-ratelimit-remaining"] = RateRemaining.ToString();
            response.Headers["x-ratelimit-reset"] = RateReset.ToUnixTimeSeconds().ToString();
            response.Headers["x-ratelimit-resource"] = "core";
            switch (fault)
            {
                case GitHubFault.SecondaryLimit:
                    response.Headers["Retry-After"] = retryAfter.ToString();
                    await Json(context, 403, new JsonObject { ["message"] = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." });
                    return;
                case GitHubFault.TooManyRequests:
                    response.Headers["Retry-After"] = retryAfter.ToString();
                    await Json(context, 429, new JsonObject { ["message"] = "Too Many Requests" });
                    return;
                case GitHubFault.PrimaryLimit:
                    response.Headers["x-ratelimit-remaining"] = "0";
                    await Json(context, 403, new JsonObject { ["message"] = "API rate limit exceeded for user." });
                    return;
                case GitHubFault.ServerError:
                    await Json(context, 502, new JsonObject { ["message"] = "Server Error" });
                    return;
            }

            var (status, body, link) = Apply(request);
            if (fault == GitHubFault.DropAfterApply)
            {
                context.Abort();
                return;
            }

            if (fault == GitHubFault.HangAfterApply)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(5), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                context.Abort();
                return;
            }

            if (link != null)
            {
                response.Headers["Link"] = link;
            }

            await Json(context, status, body);
        }

        private (int, JsonNode, string) Apply(RecordedRequest request)
        {
            var match = Route.Match(request.Path);
            if (!match.Success)
            {
                return (404, new JsonObject { ["message"] = "Not Found" }, null);
            }

            string full = match.Groups["owner"].Value + "/" + match.Groups["repo"].Value;
            string rest = match.Groups["rest"].Value;
            var query = QueryHelpers(request.Query);
            lock (gate)
            {
                if (TryApplyAdvisories(request, full, rest, query, out var advisoryAnswer)) { return advisoryAnswer; } // GitHubEmulator.Advisories.cs
                if (TryApplyReleases(request, full, rest, out var releaseAnswer)) { return releaseAnswer; } // GitHubEmulator.Releases.cs
                if (!repos.TryGetValue(full, out var repo))
                {
                    return (404, new JsonObject { ["message"] = "Not Found" }, null);
                }

                JsonObject input = string.IsNullOrWhiteSpace(request.Body) ? new JsonObject() : JsonNode.Parse(request.Body) as JsonObject;
                string[] parts = rest.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
                switch (request.Method, parts.Length)
                {
                    case ("GET", 0):
                        return (200, new JsonObject { ["id"] = 1, ["name"] = full.Split('/')[1], ["full_name"] = full, ["private"] = repo.Private, ["visibility"] = repo.Private ? "private" : "public", ["html_url"] = "https://github.example/" + full }, null);
                    case ("GET", 1) when parts[0] == "issues":
                        var list = repo.Issues.Where(i =>
                                (!query.TryGetValue("state", out var st) || st == "all" || i.State == st) &&
                                (!query.TryGetValue("labels", out var lb) || lb.Split(',').All(l => i.Labels.Contains(l, StringComparer.OrdinalIgnoreCase))))
                            .OrderBy(i => query.TryGetValue("direction", out var d) && d == "asc" ? i.Number : -i.Number)
                            .ToList();
                        return Page(request, query, list.Select(i => (JsonNode)IssueJson(repo, i)).ToList());
                    case ("POST", 1) when parts[0] == "issues":
                        var issue = new EmulatedIssue
                        {
                            Number = repo.NextNumber++,
                            Title = (string)input["title"],
                            Body = (string)input["body"],
                            Labels = (input["labels"] as JsonArray)?.Select(l => (string)l).ToList() ?? new List<string>(),
                        };
                        foreach (string l in issue.Labels.Where(l => !repo.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)).ToList())
                        {
                            repo.Labels.Add(l); // GitHub creates unknown labels on the fly
                        }

                        repo.Issues.Add(issue);
                        return (201, IssueJson(repo, issue), null);
                    case ("GET", 2) when parts[0] == "issues":
                        var got = repo.Issues.FirstOrDefault(i => i.Number.ToString() == parts[1]);
                        return got == null ? (404, new JsonObject { ["message"] = "Not Found" }, null) : (200, IssueJson(repo, got), null);
                    case ("PATCH", 2) when parts[0] == "issues":
                        var edit = repo.Issues.FirstOrDefault(i => i.Number.ToString() == parts[1]);
                        if (edit == null)
                        {
                            return (404, new JsonObject { ["message"] = "Not Found" }, null);
                        }

                        if (input.ContainsKey("body"))
                        {
                            edit.Body = (string)input["body"];
                        }

                        if (input.ContainsKey("title") && input["title"] != null)
                        {
                            edit.Title = (string)input["title"];
                        }

                        if (input["labels"] is JsonArray labels)
                        {
                            edit.Labels = labels.Select(l => (string)l).ToList();
                        }

                        if (input["state"] != null)
                        {
                            edit.State = (string)input["state"];
                        }

                        return (200, IssueJson(repo, edit), null);
                    case ("GET", 3) when parts[0] == "issues" && parts[2] == "comments":
                        var of = repo.Issues.FirstOrDefault(i => i.Number.ToString() == parts[1]);
                        return of == null ? (404, new JsonObject { ["message"] = "Not Found" }, null)
                            : Page(request, query, of.Comments.Select(c => (JsonNode)CommentJson(repo, of, c)).ToList());
                    case ("POST", 3) when parts[0] == "issues" && parts[2] == "comments":
                        var on = repo.Issues.FirstOrDefault(i => i.Number.ToString() == parts[1]);
                        if (on == null)
                        {
                            return (404, new JsonObject { ["message"] = "Not Found" }, null);
                        }

                        var comment = new EmulatedComment { Id = repo.NextCommentId++, Body = (string)input["body"] };
                        on.Comments.Add(comment);
                        return (201, CommentJson(repo, on, comment), null);
                    case ("GET", 1) when parts[0] == "labels":
                        return Page(request, query, repo.Labels.Select(l => (JsonNode)LabelJson(l)).ToList());
                    case ("GET", 2) when parts[0] == "labels":
                        string name = Uri.UnescapeDataString(parts[1]);
                        return repo.Labels.Contains(name, StringComparer.OrdinalIgnoreCase) ? (200, LabelJson(name), null) : (404, new JsonObject { ["message"] = "Not Found" }, null);
                    case ("POST", 1) when parts[0] == "labels":
                        string newName = (string)input["name"];
                        if (repo.Labels.Contains(newName, StringComparer.OrdinalIgnoreCase))
                        {
                            return (422, new JsonObject { ["message"] = "Validation Failed", ["errors"] = new JsonArray(new JsonObject { ["resource"] = "Label", ["code"] = "already_exists", ["field"] = "name" }) }, null);
                        }

                        repo.Labels.Add(newName);
                        return (201, LabelJson(newName), null);
                    default:
                        return (404, new JsonObject { ["message"] = "Not Found" }, null);
                }
            }
        }

        private (int, JsonNode, string) Page(RecordedRequest request, Dictionary<string, string> query, List<JsonNode> all)
        {
            int perPage = query.TryGetValue("per_page", out var pp) && int.TryParse(pp, out int p) ? Math.Clamp(p, 1, 100) : 30;
            int page = query.TryGetValue("page", out var pg) && int.TryParse(pg, out int n) ? Math.Max(1, n) : 1;
            int last = Math.Max(1, (all.Count + perPage - 1) / perPage);
            var items = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(i => i.DeepClone()).ToArray());
            string link = null;
            if (page < last)
            {
                string Url(int to)
                {
                    var q = new Dictionary<string, string>(query) { ["page"] = to.ToString(), ["per_page"] = perPage.ToString() };
                    return $"<{Server.BaseUri.ToString().TrimEnd('/')}{request.Path}?{string.Join("&", q.Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value)))}>";
                }

                link = $"{Url(page + 1)}; rel=\"next\", {Url(last)}; rel=\"last\"";
            }

            return (200, items, link);
        }

        private static Dictionary<string, string> QueryHelpers(string query)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string pair in (query ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                string key = Uri.UnescapeDataString(eq < 0 ? pair : pair.Substring(0, eq));
                result[key] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' '));
            }

            return result;
        }

        private JsonObject IssueJson(EmulatedRepo repo, EmulatedIssue issue) => new JsonObject
        {
            ["id"] = 1000 + issue.Number,
            ["node_id"] = "I_" + issue.Number,
            ["number"] = issue.Number,
            ["url"] = $"{Server.BaseUri}repos/{repo.FullName}/issues/{issue.Number}",
            ["html_url"] = $"https://github.example/{repo.FullName}/issues/{issue.Number}",
            ["title"] = issue.Title,
            ["body"] = issue.Body,
            ["state"] = issue.State,
            ["labels"] = new JsonArray(issue.Labels.Select(l => (JsonNode)LabelJson(l)).ToArray()),
            ["comments"] = issue.Comments.Count,
            ["user"] = new JsonObject { ["login"] = "securityops-bot", ["id"] = 7 },
            ["created_at"] = "2026-01-05T10:00:00Z",
            ["updated_at"] = "2026-01-05T10:00:00Z",
            ["locked"] = false,
        };

        private JsonObject CommentJson(EmulatedRepo repo, EmulatedIssue issue, EmulatedComment comment) => new JsonObject
        {
            ["id"] = comment.Id,
            ["node_id"] = "IC_" + comment.Id,
            ["body"] = comment.Body,
            ["html_url"] = $"https://github.example/{repo.FullName}/issues/{issue.Number}#issuecomment-{comment.Id}",
            ["user"] = new JsonObject { ["login"] = "securityops-bot", ["id"] = 7 },
            ["created_at"] = "2026-01-05T10:00:00Z",
        };

        private static JsonObject LabelJson(string name) => new JsonObject { ["id"] = Math.Abs(name.GetHashCode()), ["name"] = name, ["color"] = "ededed", ["default"] = false };

        private static async Task Json(HttpContext context, int status, JsonNode body)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(body.ToJsonString());
        }
    }

    public sealed class EmulatedRepo
    {
        public string FullName { get; set; }

        public bool Private { get; set; }

        public int NextNumber { get; set; } = 1;

        public long NextCommentId { get; set; } = 500;

        public List<EmulatedIssue> Issues { get; } = new List<EmulatedIssue>();

        public List<string> Labels { get; } = new List<string>();

        public EmulatedIssue Add(string title, string body, params string[] labels)
        {
            var issue = new EmulatedIssue { Number = NextNumber++, Title = title, Body = body, Labels = labels.ToList() };
            Issues.Add(issue);
            return issue;
        }
    }

    public sealed class EmulatedIssue
    {
        public int Number { get; set; }

        public string Title { get; set; }

        public string Body { get; set; }

        public string State { get; set; } = "open";

        public List<string> Labels { get; set; } = new List<string>();

        public List<EmulatedComment> Comments { get; } = new List<EmulatedComment>();
    }

    public sealed class EmulatedComment
    {
        public long Id { get; set; }

        public string Body { get; set; }
    }
}
