using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Save-SecurityState: commits the changed state files with a message that says what changed; -Push pushes.</summary>
    [Cmdlet(VerbsData.Save, "SecurityState", SupportsShouldProcess = true)]
    [OutputType(typeof(StateCommit))]
    public sealed class SaveSecurityStateCommand : StateCmdlet
    {
        /// <summary>The commit message; by default one is written from the changes.</summary>
        [Parameter(Position = 0)]
        public string Message { get; set; }

        /// <summary>Push the commit to the configured remote and branch.</summary>
        [Parameter]
        public SwitchParameter Push { get; set; }

        protected override void EndProcessing()
        {
            var state = State;
            try
            {
                if (Push)
                {
                    StatePushGuard.EnsurePushAllowed(state, ModuleContext.UtcNow);
                }

                StateCommit commit = StateCommitter.Commit(state, Message, (changes, subject) =>
                {
                    foreach (var change in changes)
                    {
                        WriteVerbose($"{change.Status,-2} {change.Path}");
                    }

                    return ShouldProcess(state.Root, $"Commit {changes.Count} changed file(s): {subject}");
                });
                if (commit == null)
                {
                    return;
                }

                if (commit.CommitId == null)
                {
                    WriteVerbose("Nothing to commit: the state is unchanged since the last commit.");
                }

                if (Push && ShouldProcess(state.Config.State.Remote, "Push the state repository"))
                {
                    StateCommitter.Push(state);
                    commit.Pushed = commit.CommitId != null;
                }

                if (commit.CommitId != null)
                {
                    WriteObject(commit);
                }
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }
        }
    }
}
