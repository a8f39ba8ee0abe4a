using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Initialize-SecurityState: makes a state repository (config, roster, record folders, git).</summary>
    [Cmdlet(VerbsData.Initialize, "SecurityState", SupportsShouldProcess = true)]
    [OutputType(typeof(SecurityStateInfo))]
    public sealed class InitializeSecurityStateCommand : SecurityOpsCmdlet
    {
        /// <summary>The folder to initialize; created when missing. Defaults to the current location.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("StatePath", "FullName")]
        public string Path { get; set; }

        /// <summary>Do not run git init (for a folder inside another repository, or without git).</summary>
        [Parameter]
        public SwitchParameter NoGit { get; set; }

        /// <summary>
        /// The real team, in rotation order: objects or hashtables with Handle, Name, Email and TimeZone (IANA or
        /// Windows id). They replace the example people of a new state's roster.yaml; the rotation starts this week.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public RosterMember[] Member { get; set; }

        protected override void ProcessRecord()
        {
            string root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? ".");
            if (!ShouldProcess(root, "Create a SecurityOps state repository (files that exist are kept)"))
            {
                return;
            }

            try
            {
                InitializeResult result = SecurityState.Initialize(root, initGit: !NoGit);
                foreach (string created in result.Created)
                {
                    WriteVerbose($"Created {System.IO.Path.Combine(result.Root, created)}.");
                }

                if (result.Created.Count == 0)
                {
                    WriteVerbose($"{result.Root} was already a state repository; nothing was changed.");
                }

                if (result.GitInitialized)
                {
                    WriteVerbose($"Ran git init in {result.Root}.");
                }

                if (Member != null)
                {
                    Roster roster = new Rotation.RosterStore(SecurityState.Open(result.Root).Files).StartTeam(Member, Session.Now);
                    WriteVerbose($"roster.yaml: the team is {string.Join(", ", roster.Members.Select(m => m.Handle))}; the rotation starts the week of {roster.Start:yyyy-MM-dd}.");
                }

                WriteObject(SecurityState.Open(result.Root).Describe());
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }
            catch (IOException ex)
            {
                ThrowFailure(new SecurityOpsException("StateInitializeFailed", FailureKind.WriteError, root, ex.Message, ex));
            }
        }
    }
}
