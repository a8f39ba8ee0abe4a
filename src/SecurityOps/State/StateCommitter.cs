using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>
    /// Commits the state's changed files with a message that says what changed (Save-SecurityState and the daily
    /// runbook), and pushes it to the configured remote and branch.
    /// </summary>
    internal static class StateCommitter
    {
        /// <summary>
        /// Under the state lock: reads git's status, writes the message (unless one is given), asks
        /// <paramref name="confirm"/> (changes, subject) and commits. Returns the commit; one with a null CommitId
        /// when nothing changed; null when <paramref name="confirm"/> said no.
        /// </summary>
        /// <param name="paths">Stage only these files and folders and commit the index (the daily runbook commits what it
        /// wrote, without a scan of 100,000 records); null: everything changed in the state.</param>
        public static StateCommit Commit(SecurityState state, string message, Func<IReadOnlyList<GitChange>, string, bool> confirm = null,
            IReadOnlyCollection<string> paths = null)
        {
            if (!state.Git.IsRepository)
            {
                throw new SecurityOpsException("StateNotGitRepository", FailureKind.InvalidOperation, state.Root,
                    $"{state.Root} is not a git repository. Run 'git init' there, or Initialize-SecurityState without -NoGit.");
            }

            using (state.Files.AcquireLock())
            {
                IReadOnlyList<GitChange> changes = paths == null ? state.Git.Status() : state.Git.Stage(paths);
                var result = new StateCommit { StatePath = state.Root, Files = changes.Select(c => c.Path).ToList() };
                if (changes.Count == 0)
                {
                    return result;
                }

                string text = string.IsNullOrWhiteSpace(message) ? CommitMessage.Describe(changes) : message;
                result.Message = text.Split('\n')[0];
                if (confirm != null && !confirm(changes, result.Message))
                {
                    return null;
                }

                // With paths, only they were staged: the index is committed as it is, without a scan of the work tree.
                result.CommitId = paths == null
                    ? state.Git.CommitAll(text, state.Config.State.CommitAuthorName, state.Config.State.CommitAuthorEmail)
                    : state.Git.CommitIndex(text, state.Config.State.CommitAuthorName, state.Config.State.CommitAuthorEmail);
                return result;
            }
        }

        /// <summary>How many times a push is tried when other runners keep pushing first.</summary>
        public const int PushAttempts = 5;

        /// <summary>
        /// Pushes HEAD to state.remote / state.branch. When another runner pushed first, fetches its commits, replays
        /// this run's commits on top (a file both changed is merged field by field, <see cref="YamlMerge"/>) and tries
        /// again, a bounded number of times with a growing pause. <paramref name="guard"/> (the push guard) is asked
        /// before every attempt, so it judges what is really pushed: the rebased result. A true conflict stops with
        /// StatePushConflict naming the file; the local commits stay as they were.
        /// </summary>
        public static async Task PushAsync(SecurityState state, Func<Task> guard, IEventSink events, CancellationToken cancellation = default,
            Func<TimeSpan, CancellationToken, Task> delay = null)
        {
            events = events ?? NullEventSink.Instance;
            delay = delay ?? Task.Delay;
            string remote = state.Config.State.Remote, branch = state.Config.State.Branch;
            for (int attempt = 1; ; attempt++)
            {
                if (guard != null)
                {
                    await guard().ConfigureAwait(false);
                }

                string refusal;
                using (state.Files.AcquireLock())
                {
                    if (state.Git.TryPush(remote, branch, out refusal))
                    {
                        if (attempt > 1)
                        {
                            events.Verbose($"Pushed the state on attempt {attempt}, on top of the commits other runs pushed meanwhile.");
                        }

                        return;
                    }

                    if (attempt == PushAttempts)
                    {
                        throw new SecurityOpsException("StatePushRejected", FailureKind.ResourceUnavailable, remote,
                            $"The remote '{remote}' kept refusing the push after {PushAttempts} attempts (other runs push at the same time): {refusal}. The commits are kept here; run the push again.");
                    }

                    events.Verbose($"The remote '{remote}' refused the push (another run pushed first): fetching its commits and replaying this run's on top.");
                    if (state.Git.Fetch(remote, branch))
                    {
                        Rebase(state, events);
                    }
                }

                await delay(TimeSpan.FromMilliseconds(200 * (1 << (attempt - 1)) + Jitter.Next(0, 200)), cancellation).ConfigureAwait(false);
            }
        }

        private static readonly Random Jitter = new Random();

        private static void Rebase(SecurityState state, IEventSink events)
        {
            if (state.Git.RebaseOntoFetched())
            {
                return;
            }

            while (state.Git.RebaseInProgress)
            {
                IReadOnlyList<string> files = state.Git.ConflictedFiles();
                if (files.Count == 0)
                {
                    state.Git.AbortRebase();
                    throw new SecurityOpsException("StatePushConflict", FailureKind.InvalidOperation, state.Root,
                        "Replaying this run's commits on the remote's stopped without a file to merge. Nothing was pushed and nothing is lost; run 'git pull --rebase' in the state, then push again.");
                }

                foreach (string file in files)
                {
                    string remoteText = state.Git.ShowStage(2, file), localText = state.Git.ShowStage(3, file);
                    string why = "it was deleted on one side and changed on the other";
                    string merged = remoteText != null && localText != null && file.EndsWith(".yaml", StringComparison.Ordinal)
                        ? YamlMerge.Merge(file, remoteText, localText, out why)
                        : null;
                    if (merged == null)
                    {
                        state.Git.AbortRebase();
                        throw new SecurityOpsException("StatePushConflict", FailureKind.InvalidData, file,
                            $"{file} was changed here and on the remote in ways that contradict ({why}). Nothing was pushed and nothing is lost: this run's commits are kept. Merge the file by hand (git pull --rebase), then push again.");
                    }

                    StateRepository.WriteFileAtomic(state.Files.FullPath(file), merged);
                    events.Verbose($"{file}: changed here and on the remote; merged field by field.");
                }

                if (state.Git.ContinueRebase(files))
                {
                    return;
                }
            }
        }
    }
}
