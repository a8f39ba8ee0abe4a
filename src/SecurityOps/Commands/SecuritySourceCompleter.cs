using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SecurityOps.Feeds;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Tab completion of source names from the state's config (defaults included), for -Source.</summary>
    public sealed class SecuritySourceCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<string> names;
            try
            {
                string statePath = fakeBoundParameters?["StatePath"] as string;
                string root = StateRepository.Locate(statePath, Environment.GetEnvironmentVariable(StateCmdlet.StateEnvironmentVariable), Environment.CurrentDirectory);
                var config = root == null ? null : SecurityState.Open(root).Config;
                names = FeedSources.Resolve(config).Select(s => s.Name);
            }
            catch (SecurityOpsException)
            {
                names = FeedSources.Defaults().Select(s => s.Name);
            }

            var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return names.Where(pattern.IsMatch).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }
    }
}
