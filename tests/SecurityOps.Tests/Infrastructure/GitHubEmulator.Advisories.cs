using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>
    /// Repository security advisories on the emulator, kept in memory: list (state filter, cursor pagination with
    /// Link rel="next"), get, create (GitHub's validation: summary, description, vulnerabilities; severity or
    /// cvss_vector_string, not both), update (fields, state, collaborators), request a CVE (202), create a temporary
    /// private fork (202; the fork answers 404 until <see cref="ForkReadyAfterPolls"/> reads), and CODEOWNERS contents.
    /// </summary>
    public sealed partial class GitHubEmulator
    {
        private const string GhsaAlphabet = "23456789cfghjmpqrvwx";
        private readonly Dictionary<string, List<JsonObject>> advisories = new Dictionary<string, List<JsonObject>>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, int> pendingForks = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private int nextAdvisory = 1;

        /// <summary>How many reads of a new private fork answer 404 before it is ready.</summary>
        public int ForkReadyAfterPolls { get; set; } = 2;

        /// <summary>The CVE requests received, as GHSA ids.</summary>
        public List<string> CveRequests { get; } = new List<string>();

        /// <summary>Adds a private vulnerability report (state triage) as a reporter would; returns its GHSA id.</summary>
        public string AddReport(string repo, string summary, string reporter, string description = "Steps to reproduce.", string ecosystem = "go", string package = "example.com/app", string range = "< 1.4.2", string cvssVector = null, string createdAt = "2026-01-04T08:30:00Z")
        {
            lock (gate)
            {
                var advisory = NewAdvisory(repo, summary, description, "triage", reporter, createdAt);
                advisory["vulnerabilities"] = new JsonArray(new JsonObject
                {
                    ["package"] = new JsonObject { ["ecosystem"] = ecosystem, ["name"] = package },
                    ["vulnerable_version_range"] = range,
                    ["patched_versions"] = null,
                    ["vulnerable_functions"] = new JsonArray(),
                });
                if (cvssVector != null)
                {
                    advisory["cvss_severities"] = new JsonObject { ["cvss_v3"] = new JsonObject { ["vector_string"] = cvssVector, ["score"] = null }, ["cvss_v4"] = new JsonObject { ["vector_string"] = null, ["score"] = null } };
                    advisory["severity"] = "high";
                }

                return (string)advisory["ghsa_id"];
            }
        }

        /// <summary>The advisory as the emulator holds it (a copy).</summary>
        public JsonObject Advisory(string repo, string ghsaId)
        {
            lock (gate)
            {
                return (JsonObject)Find(repo, ghsaId)?.DeepClone();
            }
        }

        public IReadOnlyList<JsonObject> Advisories(string repo)
        {
            lock (gate)
            {
                return advisories.TryGetValue(repo, out var list) ? list.Select(a => (JsonObject)a.DeepClone()).ToList() : new List<JsonObject>();
            }
        }

        /// <summary>GitHub (the CNA) assigns the requested CVE id.</summary>
        public void AssignCve(string repo, string ghsaId, string cveId)
        {
            lock (gate)
            {
                var advisory = Find(repo, ghsaId);
                advisory["cve_id"] = cveId;
                advisory["identifiers"] = new JsonArray(new JsonObject { ["type"] = "GHSA", ["value"] = ghsaId }, new JsonObject { ["type"] = "CVE", ["value"] = cveId });
            }
        }

        /// <summary>A file of the repository, served by GET /repos/o/r/contents/{path} (base64, as GitHub does).</summary>
        public void SetFile(string repo, string path, string text)
        {
            lock (gate)
            {
                files[repo + "/" + path] = text;
            }
        }

        private bool TryApplyAdvisories(RecordedRequest request, string full, string rest, Dictionary<string, string> query, out (int, JsonNode, string) answer)
        {
            answer = default;
            if (pendingForks.TryGetValue(full, out int left) && request.Method == "GET" && string.IsNullOrEmpty(rest))
            {
                if (left > 0)
                {
                    pendingForks[full] = left - 1;
                    answer = (404, new JsonObject { ["message"] = "Not Found" }, null);
                    return true;
                }

                pendingForks.Remove(full);
                repos[full] = new EmulatedRepo { FullName = full, Private = true };
                return false;
            }

            if (!repos.ContainsKey(full))
            {
                return false;
            }

            if (rest.StartsWith("/contents/", StringComparison.Ordinal) && request.Method == "GET")
            {
                string path = Uri.UnescapeDataString(rest.Substring("/contents/".Length));
                answer = files.TryGetValue(full + "/" + path, out string text)
                    ? (200, new JsonObject { ["type"] = "file", ["path"] = path, ["encoding"] = "base64", ["content"] = Wrap(Convert.ToBase64String(Encoding.UTF8.GetBytes(text))) }, null)
                    : (404, new JsonObject { ["message"] = "Not Found" }, null);
                return true;
            }

            if (!rest.StartsWith("/security-advisories", StringComparison.Ordinal))
            {
                return false;
            }

            string[] parts = rest.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            JsonObject input = string.IsNullOrWhiteSpace(request.Body) ? new JsonObject() : JsonNode.Parse(request.Body) as JsonObject;
            JsonObject target = parts.Length > 1 ? Find(full, parts[1]) : null;
            if (parts.Length > 1 && target == null)
            {
                answer = (404, new JsonObject { ["message"] = "Not Found" }, null);
                return true;
            }

            answer = (request.Method, parts.Length) switch
            {
                ("GET", 1) => List(request, full, query),
                ("POST", 1) => Create(full, input),
                ("GET", 2) => (200, target.DeepClone(), null),
                ("PATCH", 2) => Update(target, input),
                ("POST", 3) when parts[2] == "cve" => RequestCve(target),
                ("POST", 3) when parts[2] == "forks" => Fork(full, target),
                _ => (404, new JsonObject { ["message"] = "Not Found" }, null),
            };
            return true;
        }

        private (int, JsonNode, string) List(RecordedRequest request, string full, Dictionary<string, string> query)
        {
            var all = (advisories.TryGetValue(full, out var list) ? list : new List<JsonObject>())
                .Where(a => !query.TryGetValue("state", out string st) || (string)a["state"] == st)
                .OrderByDescending(a => (string)a["created_at"], StringComparer.Ordinal).ThenByDescending(a => (int)a["number"])
                .ToList();
            int perPage = query.TryGetValue("per_page", out var pp) && int.TryParse(pp, out int p) ? Math.Clamp(p, 1, 100) : 30;
            int start = query.TryGetValue("after", out string after) ? all.FindIndex(a => (string)a["ghsa_id"] == after) + 1 : 0;
            var page = all.Skip(start).Take(perPage).ToList();
            string link = null;
            if (start + perPage < all.Count)
            {
                var q = new Dictionary<string, string>(query) { ["after"] = (string)page.Last()["ghsa_id"], ["per_page"] = perPage.ToString() };
                link = $"<{Server.BaseUri.ToString().TrimEnd('/')}{request.Path}?{string.Join("&", q.Select(kv => kv.Key + "=" + Uri.EscapeDataString(kv.Value)))}>; rel=\"next\"";
            }

            return (200, new JsonArray(page.Select(a => a.DeepClone()).ToArray()), link);
        }

        private (int, JsonNode, string) Create(string full, JsonObject input)
        {
            var errors = new List<string>();
            if (string.IsNullOrEmpty((string)input["summary"]))
            {
                errors.Add("summary");
            }

            if (string.IsNullOrEmpty((string)input["description"]))
            {
                errors.Add("description");
            }

            if (input["vulnerabilities"] is not JsonArray)
            {
                errors.Add("vulnerabilities");
            }

            if (input["severity"] != null && input["cvss_vector_string"] != null)
            {
                errors.Add("severity");
            }

            if (errors.Count > 0)
            {
                return Invalid(errors);
            }

            var advisory = NewAdvisory(full, (string)input["summary"], (string)input["description"], "draft", "securityops-bot", "2026-01-05T10:00:00Z");
            Assign(advisory, input);
            return (201, advisory.DeepClone(), null);
        }

        private static (int, JsonNode, string) Update(JsonObject advisory, JsonObject input)
        {
            if (input["severity"] != null && input["cvss_vector_string"] != null)
            {
                return Invalid(new List<string> { "severity" });
            }

            if (input["state"] is JsonNode state)
            {
                string to = (string)state;
                if (to != "published" && to != "closed" && to != "draft")
                {
                    return Invalid(new List<string> { "state" });
                }

                advisory["state"] = to;
                if (to == "published")
                {
                    advisory["published_at"] = "2026-01-20T16:00:00Z";
                }
            }

            Assign(advisory, input);
            if (input["collaborating_users"] is JsonArray users)
            {
                advisory["collaborating_users"] = new JsonArray(users.Select(u => (JsonNode)new JsonObject { ["login"] = (string)u }).ToArray());
            }

            if (input["collaborating_teams"] is JsonArray teams)
            {
                advisory["collaborating_teams"] = new JsonArray(teams.Select(t => (JsonNode)new JsonObject { ["slug"] = (string)t, ["name"] = (string)t }).ToArray());
            }

            return (200, advisory.DeepClone(), null);
        }

        private (int, JsonNode, string) RequestCve(JsonObject advisory)
        {
            if (advisory["cve_id"] != null)
            {
                return Invalid(new List<string> { "cve_id" });
            }

            CveRequests.Add((string)advisory["ghsa_id"]);
            return (202, new JsonObject(), null);
        }

        private (int, JsonNode, string) Fork(string full, JsonObject advisory)
        {
            string ghsa = (string)advisory["ghsa_id"];
            string fork = $"{full}-{ghsa.ToLowerInvariant()}";
            if (advisory["private_fork"] == null)
            {
                pendingForks[fork] = ForkReadyAfterPolls;
                advisory["private_fork"] = new JsonObject { ["full_name"] = fork, ["private"] = true };
            }

            return (202, new JsonObject { ["id"] = 99, ["name"] = fork.Split('/')[1], ["full_name"] = fork, ["private"] = true, ["html_url"] = "https://github.example/" + fork }, null);
        }

        private static void Assign(JsonObject advisory, JsonObject input)
        {
            foreach (string field in new[] { "summary", "description", "cve_id", "severity", "vulnerabilities", "cwe_ids", "credits" })
            {
                if (input.ContainsKey(field))
                {
                    advisory[field] = input[field]?.DeepClone();
                }
            }

            if (input["cvss_vector_string"] != null)
            {
                advisory["cvss_severities"] = new JsonObject { ["cvss_v3"] = new JsonObject { ["vector_string"] = (string)input["cvss_vector_string"], ["score"] = 9.8 } };
                advisory["severity"] = "critical";
            }
        }

        private JsonObject NewAdvisory(string repo, string summary, string description, string state, string author, string createdAt)
        {
            int n = nextAdvisory++;
            var id = new StringBuilder("GHSA");
            for (int group = 0; group < 3; group++)
            {
                id.Append('-');
                for (int i = 0; i < 4; i++)
                {
                    id.Append(GhsaAlphabet[(n * (group + 3) + i * 7 + group) % GhsaAlphabet.Length]);
                }
            }

            string ghsa = id.ToString();
            var advisory = new JsonObject
            {
                ["number"] = n,
                ["ghsa_id"] = ghsa,
                ["cve_id"] = null,
                ["url"] = $"{Server.BaseUri}repos/{repo}/security-advisories/{ghsa}",
                ["html_url"] = $"https://github.example/{repo}/security/advisories/{ghsa}",
                ["summary"] = summary,
                ["description"] = description,
                ["severity"] = null,
                ["state"] = state,
                ["author"] = new JsonObject { ["login"] = author },
                ["created_at"] = createdAt,
                ["updated_at"] = createdAt,
                ["published_at"] = null,
                ["vulnerabilities"] = new JsonArray(),
                ["cwe_ids"] = new JsonArray(),
                ["collaborating_users"] = new JsonArray(),
                ["collaborating_teams"] = new JsonArray(),
                ["private_fork"] = null,
            };
            if (!advisories.TryGetValue(repo, out var list))
            {
                list = advisories[repo] = new List<JsonObject>();
            }

            list.Add(advisory);
            return advisory;
        }

        private JsonObject Find(string repo, string ghsaId) =>
            advisories.TryGetValue(repo, out var list) ? list.FirstOrDefault(a => string.Equals((string)a["ghsa_id"], ghsaId, StringComparison.OrdinalIgnoreCase)) : null;

        private static (int, JsonNode, string) Invalid(List<string> fields) =>
            (422, new JsonObject { ["message"] = "Validation Failed", ["errors"] = new JsonArray(fields.Select(f => (JsonNode)new JsonObject { ["resource"] = "RepositoryAdvisory", ["code"] = "invalid", ["field"] = f }).ToArray()) }, null);

        private static string Wrap(string base64) =>
            string.Join("\n", Enumerable.Range(0, (base64.Length + 59) / 60).Select(i => base64.Substring(i * 60, Math.Min(60, base64.Length - i * 60))));
    }
}
