using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Advisories
{
    /// <summary>What Merge-AdvisoryFork found: the fix's pull requests in the temporary private fork, and what happens next.</summary>
    internal sealed class ForkMergeResult
    {
        public string Id { get; set; }

        public string Fork { get; set; }

        /// <summary>"#3 Fix the unpacker (merged)".</summary>
        public List<string> PullRequests { get; set; } = new List<string>();

        public bool Merged { get; set; }

        /// <summary>Recorded (the merge is now on the timeline), AlreadyRecorded, or ActionRequired (a person merges in the advisory's page).</summary>
        public string Action { get; set; }

        /// <summary>What to do, in words, when a person must act.</summary>
        public string Instructions { get; set; }
    }

    /// <summary>
    /// Merging the fix from the temporary private fork. GitHub's REST API has no call that merges an advisory's private
    /// fork (its pull requests are merged from the advisory's page, "Merge pull request(s)"), so this reads the fork's
    /// pull requests, records the merge on the case's timeline once it is seen, and otherwise says exactly what to do.
    /// Only after the public date: the gate comes first.
    /// </summary>
    internal static class ForkMerge
    {
        public const string EventKind = "fork-merged";

        public static async Task<ForkMergeResult> CheckAsync(VulnerabilityCase c, PullRequestApi pulls, DateTimeOffset now, CancellationToken token)
        {
            PublicGate.EnsurePublic(c, now, $"merge the private fork of {c.Id}");
            string fork = c.Advisory?.PrivateFork ?? throw new SecurityOpsException("AdvisoryForkNotFound", FailureKind.ObjectNotFound, c.Id,
                $"{c.Id} has no temporary private fork (New-AdvisoryFork makes one).");
            IReadOnlyList<GitHubPullRequest> list = await pulls.ListAsync(GitHubRepositoryName.Parse(fork), token).ConfigureAwait(false);
            var result = new ForkMergeResult
            {
                Id = c.Id,
                Fork = fork,
                PullRequests = list.Select(p => $"#{p.Number} {p.Title} ({(p.Merged ? "merged" : p.State)})").ToList(),
                Merged = list.Count > 0 && list.Where(p => p.State == "open" || p.Merged).All(p => p.Merged) && list.Any(p => p.Merged),
            };

            string page = c.Advisory?.HtmlUrl ?? $"https://github.com/{c.Advisory?.Repository}/security/advisories/{c.Advisory?.GhsaId}";
            if (result.Merged)
            {
                result.Action = c.Timeline.Any(e => e.Kind == EventKind) ? "AlreadyRecorded" : "Recorded";
            }
            else
            {
                result.Action = "ActionRequired";
                result.Instructions = list.Count == 0
                    ? $"The private fork {fork} has no pull request yet: open the fix's pull request in {fork}, get it reviewed, then merge it from {page} and run Merge-AdvisoryFork {c.Id} again."
                    : $"GitHub's REST API cannot merge an advisory's private fork: open {page}, choose 'Merge pull request(s)' for {string.Join(", ", list.Where(p => !p.Merged).Select(p => "#" + p.Number))}, then run Merge-AdvisoryFork {c.Id} again to record it.";
            }

            return result;
        }

        /// <summary>The timeline event of a merge that was seen.</summary>
        public static CaseEvent Event(ForkMergeResult result, IReadOnlyList<string> merged, string actor, DateTimeOffset now) => new CaseEvent
        {
            At = now,
            Actor = actor,
            Kind = EventKind,
            What = $"The fix was merged from the private fork {result.Fork}: {string.Join(", ", merged)}.",
        };
    }
}
