using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Get-DisclosurePolicy: the state's current disclosure policy, a preset by name, or every available one.</summary>
    [Cmdlet(VerbsCommon.Get, "DisclosurePolicy", DefaultParameterSetName = CurrentSet)]
    [OutputType(typeof(DisclosurePolicy))]
    public sealed class GetDisclosurePolicyCommand : StateCmdlet
    {
        private const string CurrentSet = "Current";
        private const string NameSet = "Name";
        private const string ListSet = "ListAvailable";

        /// <summary>Preset or policy names; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Policy")]
        [SupportsWildcards]
        public string[] Name { get; set; }

        /// <summary>Every preset, plus the state's own policy file when there is one.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ListSet)]
        public SwitchParameter ListAvailable { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                SecurityState state = TryOpenState();
                if (ParameterSetName == CurrentSet)
                {
                    if (state == null)
                    {
                        ThrowFailure(new SecurityOpsException("StateNotFound", FailureKind.ObjectNotFound, StatePath,
                            "No state repository was found; use -Name or -ListAvailable to see the presets, or pass -StatePath."));
                    }

                    DisclosurePolicy current = PolicyCatalog.Current(state);
                    WriteVerbose($"The current policy of {state.Root} is {current.Name} ({current.Origin}).");
                    WriteObject(current);
                    return;
                }

                var available = PolicyCatalog.Available(state).ToList();
                if (ParameterSetName == ListSet)
                {
                    WriteObject(available, enumerateCollection: true);
                    return;
                }

                foreach (string name in Name)
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    var matches = available.Where(p => pattern.IsMatch(p.Name)).ToList();
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    {
                        WriteFailure(new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, name,
                            $"There is no policy '{name}'. Available: {string.Join(", ", available.Select(p => p.Name))}."));
                    }

                    WriteObject(matches, enumerateCollection: true);
                }
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }
        }

        private SecurityState TryOpenState()
        {
            string root = ResolveStateRoot();
            if (root == null || (StatePath == null && !new StateRepository(root).IsInitialized))
            {
                return null;
            }

            return State;
        }
    }
}
