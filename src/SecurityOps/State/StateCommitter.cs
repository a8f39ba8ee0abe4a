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
        public static StateCommit Commit(SecurityState state, string message, Func<IReadOnlyList<GitChange>, string, bool> confirm = null)
        {
            if (!state.Git.IsRepository)
            {
                throw new SecurityOpsException("StateNotGitRepository", FailureKind.InvalidOperation, state.Root,
                    $"{state.Root} is not a git repository. Run 'git init' there, or Initialize-SecurityState without -NoGit.");
            }

            using (state.Files.AcquireLock())
            {
                IReadOnlyList<GitChange> changes = state.Git.Status();
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

                result.CommitId = state.Git.CommitAll(text, state.Config.State.CommitAuthorName, state.Config.State.CommitAuthorEmail);
                return result;
            }
        }

        /// <summary>Pushes HEAD to state.remote / state.branch (the caller checks that pushing is allowed).</summary>
        public static void Push(SecurityState state) => state.Git.Push(state.Config.State.Remote, state.Config.State.Branch);
    }
}
