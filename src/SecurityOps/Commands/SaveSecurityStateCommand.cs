using System.Management.Automation;
using System.Security;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Save-SecurityState: commits the changed state files with a message that says what changed; -Push pushes. The
    /// commit is made first: a push that is refused (a public remote while cases are embargoed) or fails keeps it, and
    /// is a non-terminating error after the commit is written.
    /// </summary>
    [Cmdlet(VerbsData.Save, "SecurityState", SupportsShouldProcess = true)]
    [OutputType(typeof(StateCommit))]
    public sealed class SaveSecurityStateCommand : GitHubCmdlet
    {
        /// <summary>The commit message; by default one is written from the changes.</summary>
        [Parameter(Position = 0)]
        public string Message { get; set; }

        /// <summary>Push the commit to the configured remote and branch.</summary>
        [Parameter]
        public SwitchParameter Push { get; set; }

        protected override void EndProcessing()
        {
            var state = Session.State;
            StateCommit commit = null;
            try
            {
                commit = StateCommitter.Commit(state, Message, (changes, subject) =>
                {
                    foreach (var change in changes)
                    {
                        WriteVerbose($"{change.Status,-2} {change.Path}");
                    }

                    return ShouldProcess(state.Root, $"Commit {changes.Count} changed file(s): {subject}");
                });
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }

            if (commit == null)
            {
                return;
            }

            if (commit.CommitId == null)
            {
                WriteVerbose("Nothing to commit: the state is unchanged since the last commit.");
            }

            SecurityOpsException pushFailure = null;
            if (Push && ShouldProcess(state.Config.State.Remote, "Push the state repository"))
            {
                try
                {
                    GitHubToken token = Session.ResolveGitHubToken(GitHubAccess);
                    RunOnWorkers(sink => StateCommitter.PushAsync(state,
                        () => StatePushGuard.EnsurePushAllowedAsync(state, Session.Now, token, ApiUrl, sink, CancellationToken), sink, CancellationToken));
                    commit.Pushed = commit.CommitId != null;
                }
                catch (SecurityOpsException ex)
                {
                    // The commit stays: it is written, then the push's error follows ($? false; -ErrorAction Stop stops there).
                    pushFailure = ex;
                }
            }

            if (commit.CommitId != null)
            {
                WriteObject(commit);
            }

            if (pushFailure != null)
            {
                WriteVerbose(commit.CommitId != null ? $"The commit {commit.CommitId} is kept in the local state repository; it was not pushed." : "Nothing was pushed.");
                WriteFailure(pushFailure);
            }
        }
    }
}
