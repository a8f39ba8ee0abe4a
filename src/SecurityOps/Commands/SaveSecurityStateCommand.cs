using System.Linq;
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
                if (!state.Git.IsRepository)
                {
                    ThrowFailure(new SecurityOpsException("StateNotGitRepository", FailureKind.InvalidOperation, state.Root,
                        $"{state.Root} is not a git repository. Run 'git init' there, or Initialize-SecurityState without -NoGit."));
                }

                if (Push)
                {
                    StatePushGuard.EnsurePushAllowed(state, ModuleContext.UtcNow);
                }

                using (state.Files.AcquireLock())
                {
                    var changes = state.Git.Status();
                    if (changes.Count == 0)
                    {
                        WriteVerbose("Nothing to commit: the state is unchanged since the last commit.");
                        if (Push && ShouldProcess($"{state.Config.State.Remote}", "Push the state repository"))
                        {
                            state.Git.Push(state.Config.State.Remote, state.Config.State.Branch);
                        }

                        return;
                    }

                    string message = string.IsNullOrWhiteSpace(Message) ? CommitMessage.Describe(changes) : Message;
                    string subject = message.Split('\n')[0];
                    foreach (var change in changes)
                    {
                        WriteVerbose($"{change.Status,-2} {change.Path}");
                    }

                    if (!ShouldProcess(state.Root, $"Commit {changes.Count} changed file(s): {subject}"))
                    {
                        return;
                    }

                    string commit = state.Git.CommitAll(message, state.Config.State.CommitAuthorName, state.Config.State.CommitAuthorEmail);
                    bool pushed = false;
                    if (Push && ShouldProcess(state.Config.State.Remote, "Push the state repository"))
                    {
                        state.Git.Push(state.Config.State.Remote, state.Config.State.Branch);
                        pushed = true;
                    }

                    WriteObject(new StateCommit
                    {
                        StatePath = state.Root,
                        CommitId = commit,
                        Message = subject,
                        Files = changes.Select(c => c.Path).ToList(),
                        Pushed = pushed,
                    });
                }
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }
        }
    }
}
