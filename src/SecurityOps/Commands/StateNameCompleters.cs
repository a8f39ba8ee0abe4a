using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SecurityOps.Disclosure;
using SecurityOps.Feeds;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Tab completion of names that live in the state (sources, cases, distributors, the roster's people): the state
    /// is found as the cmdlets find it (-StatePath already typed, $env:SECURITYOPS_STATE, the current folder), and a
    /// state that cannot be read completes nothing rather than failing the prompt.
    /// </summary>
    public abstract class StateNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<string> names;
            try
            {
                string statePath = fakeBoundParameters?["StatePath"] as string;
                string root = StateRepository.Locate(statePath, Environment.GetEnvironmentVariable(StateCmdlet.StateEnvironmentVariable), Environment.CurrentDirectory);
                names = root == null ? WithoutState() : Names(SecurityState.Open(root));
            }
            catch (SecurityOpsException)
            {
                names = WithoutState();
            }

            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return names.Where(n => !string.IsNullOrEmpty(n) && pattern.IsMatch(n)).Distinct(StringComparer.OrdinalIgnoreCase)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }

        /// <summary>The names in this state.</summary>
        private protected abstract IEnumerable<string> Names(SecurityState state);

        /// <summary>What to offer when no state is found or it cannot be read.</summary>
        protected virtual IEnumerable<string> WithoutState() => Enumerable.Empty<string>();
    }

    /// <summary>Source names from the config, built-in defaults included (-Source).</summary>
    public sealed class SecuritySourceCompleter : StateNameCompleter
    {
        private protected override IEnumerable<string> Names(SecurityState state) => FeedSources.Resolve(state.Config).Select(s => s.Name);

        protected override IEnumerable<string> WithoutState() => FeedSources.Defaults().Select(s => s.Name);
    }

    /// <summary>Case ids (SEC-YYYY-NNNN) of the state's cases, in id order; no file is parsed.</summary>
    public sealed class CaseIdCompleter : StateNameCompleter
    {
        private protected override IEnumerable<string> Names(SecurityState state) => new CaseStore(state.Files).Ids();
    }

    /// <summary>Member ids of distributors.yaml.</summary>
    public sealed class DistributorMemberCompleter : StateNameCompleter
    {
        private protected override IEnumerable<string> Names(SecurityState state) =>
            state.Files.Exists(DistributorStore.FileName) ? new DistributorStore(state.Files).Load().Members.Select(m => m.Id) : Enumerable.Empty<string>();
    }

    /// <summary>Handles of the people in roster.yaml.</summary>
    public sealed class RosterMemberCompleter : StateNameCompleter
    {
        private protected override IEnumerable<string> Names(SecurityState state) =>
            state.Files.Read<Roster>(Roster.FileName)?.Members?.Select(m => m?.Handle) ?? Enumerable.Empty<string>();
    }
}

namespace SecurityOps.Commands
{
    /// <summary>Disclosure policy names (-Policy): the presets, plus the state's own policy when it has one.</summary>
    public sealed class DisclosurePolicyCompleter : StateNameCompleter
    {
        private protected override IEnumerable<string> Names(SecurityState state)
        {
            DisclosurePolicy current = null;
            try
            {
                current = PolicyCatalog.Current(state);
            }
            catch (SecurityOpsException)
            {
                // A broken policy file still completes the presets.
            }

            return current == null || current.IsPreset ? PolicyCatalog.PresetNames : PolicyCatalog.PresetNames.Concat(new[] { current.Name });
        }

        protected override IEnumerable<string> WithoutState() => PolicyCatalog.PresetNames;
    }
}
