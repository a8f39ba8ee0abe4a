using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace SecurityOps.GitHub
{
    /// <summary>owner/name of a GitHub repository.</summary>
    public sealed class GitHubRepositoryName : IEquatable<GitHubRepositoryName>
    {
        private static readonly Regex Pattern = new Regex(@"^(?<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?<name>[A-Za-z0-9._-]{1,100})$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        public GitHubRepositoryName(string owner, string name)
        {
            Owner = owner;
            Name = name;
        }

        public string Owner { get; }

        public string Name { get; }

        public static bool IsValid(string text) => text != null && Pattern.IsMatch(text.Trim());

        /// <summary>Parses "owner/name"; anything else is an InvalidRepository error naming the value.</summary>
        public static GitHubRepositoryName Parse(string text)
        {
            var match = text == null ? Match.Empty : Pattern.Match(text.Trim());
            if (!match.Success)
            {
                throw new SecurityOpsException("InvalidRepository", FailureKind.InvalidArgument, text,
                    $"'{text}' is not a GitHub repository (expected owner/name).");
            }

            return new GitHubRepositoryName(match.Groups["owner"].Value, match.Groups["name"].Value);
        }

        public bool Equals(GitHubRepositoryName other) =>
            other != null && string.Equals(ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase);

        public override bool Equals(object obj) => Equals(obj as GitHubRepositoryName);

        public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(ToString());

        public override string ToString() => Owner + "/" + Name;
    }

    /// <summary>A GitHub issue as SecurityOps sees it (mapped from Octokit's Issue).</summary>
    internal sealed class GitHubIssue
    {
        public int Number { get; set; }

        public string Title { get; set; }

        public string Body { get; set; }

        /// <summary>open or closed.</summary>
        public string State { get; set; }

        public List<string> Labels { get; set; } = new List<string>();

        public string HtmlUrl { get; set; }

        public bool IsPullRequest { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public override string ToString() => $"#{Number} {Title}";
    }

    /// <summary>What a new issue carries.</summary>
    internal sealed class GitHubNewIssue
    {
        public string Title { get; set; }

        public string Body { get; set; }

        public List<string> Labels { get; set; } = new List<string>();
    }

    internal sealed class GitHubComment
    {
        public long Id { get; set; }

        public string Body { get; set; }

        public string HtmlUrl { get; set; }

        public DateTimeOffset CreatedAt { get; set; }
    }

    internal sealed class GitHubLabel
    {
        public GitHubLabel()
        {
        }

        public GitHubLabel(string name, string color = null, string description = null)
        {
            Name = name;
            Color = color;
            Description = description;
        }

        public string Name { get; set; }

        /// <summary>Six hex digits, no '#'.</summary>
        public string Color { get; set; }

        public string Description { get; set; }
    }

    internal sealed class GitHubRepositoryInfo
    {
        public string FullName { get; set; }

        public bool IsPrivate { get; set; }

        /// <summary>public, private or internal (when GitHub says).</summary>
        public string Visibility { get; set; }

        public string HtmlUrl { get; set; }

        /// <summary>Public unless GitHub says private or internal.</summary>
        public bool IsPublic => !IsPrivate && !string.Equals(Visibility, "internal", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The answer of <see cref="GitHubGateway.SendAsync{T}"/>: status, headers, the raw JSON and its typed body.</summary>
    internal sealed class GitHubResponse<T>
    {
        public int StatusCode { get; set; }

        public T Body { get; set; }

        public string RawBody { get; set; }

        public IReadOnlyDictionary<string, string> Headers { get; set; }

        /// <summary>True when the answer was lost and the write was found again by the caller's recovery lookup.</summary>
        public bool Recovered { get; set; }
    }

    /// <summary>What the gateway did in a run: for summaries and for the tests.</summary>
    internal sealed class GitHubStatistics
    {
        private int requests;
        private int writes;
        private int retries;
        private long waitedTicks;

        public int Requests => requests;

        public int Writes => writes;

        public int Retries => retries;

        public TimeSpan Waited => TimeSpan.FromTicks(System.Threading.Interlocked.Read(ref waitedTicks));

        internal void CountRequest(bool write)
        {
            System.Threading.Interlocked.Increment(ref requests);
            if (write)
            {
                System.Threading.Interlocked.Increment(ref writes);
            }
        }

        internal void CountRetry() => System.Threading.Interlocked.Increment(ref retries);

        internal void AddWait(TimeSpan wait) => System.Threading.Interlocked.Add(ref waitedTicks, wait.Ticks);
    }
}
