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
    [OutputType(typeof(DisclosurePolicyRule))]
    public sealed class GetDisclosurePolicyCommand : StateCmdlet
    {
        private const string CurrentSet = "Current";
        private const string NameSet = "Name";
        private const string ListSet = "ListAvailable";

        /// <summary>Preset or policy names; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Policy")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DisclosurePolicyCompleter))]
        public string[] Name { get; set; }

        /// <summary>Lists each policy's rules instead: the field, its value, the rule in words and the sentence of the published policy it comes from.</summary>
        [Parameter]
        public SwitchParameter Rule { get; set; }

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
                    Emit(current);
                    return;
                }

                var available = PolicyCatalog.Available(state).ToList();
                if (ParameterSetName == ListSet)
                {
                    available.ForEach(Emit);
                    return;
                }

                foreach (string name in Name)
                {
                    var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    var matches = available.Where(p => pattern.IsMatch(p.Name)).ToList();
                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name) && PolicyCatalog.IsPreset(name))
                    {
                        matches.Add(PolicyCatalog.Preset(name)); // a retired preset: still loads, with its warning
                    }

                    if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    {
                        WriteFailure(new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, name,
                            $"There is no policy '{name}'. Available: {string.Join(", ", available.Select(p => p.Name))}."));
                    }

                    matches.ForEach(Emit);
                }
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }
        }

        private void Emit(DisclosurePolicy policy)
        {
            if (policy.RetiredMessage != null)
            {
                WriteWarning(policy.RetiredMessage);
            }

            if (Rule)
            {
                WriteObject(PolicyRules.Describe(policy), enumerateCollection: true);
            }
            else
            {
                WriteObject(policy);
            }
        }

        private SecurityState TryOpenState()
        {
            string root = ResolveStateRoot();
            if (root == null || (StatePath == null && !new StateRepository(root).IsInitialized))
            {
                return null;
            }

            return Session.State;
        }
    }
}
