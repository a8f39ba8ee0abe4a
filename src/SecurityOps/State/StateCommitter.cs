using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>
    /// Commits the state's changed files with a message that says what changed (Save-SecurityState and the daily
    /// runbook), and pushes it to the configured remote and branch.
    /// </summary>
    public static class StateCommitter
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

        /// <summary>Pushes HEAD to state.remote / state.branch (the caller checks that pushing is allowed).</summary>
        public static void Push(SecurityState state) => state.Git.Push(state.Config.State.Remote, state.Config.State.Branch);
    }
}
