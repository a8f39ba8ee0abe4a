using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Feeds;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>-Source of Get-SecurityFeed and Invoke-SecurityRunbook: configured names with wildcards, else every enabled source.</summary>
    internal static class SourceSelection
    {
        /// <summary>The sources named (a disabled one is read when named); a name matching nothing is a FeedSourceNotFound error.</summary>
        public static List<SecuritySource> Select(Cmdlet cmdlet, FeedService service, string[] names)
        {
            if (names == null || names.Length == 0)
            {
                var enabled = service.EnabledSources.ToList();
                cmdlet.WriteVerbose($"Reading the {enabled.Count} enabled sources: {string.Join(", ", enabled.Select(s => s.Name))}.");
                return enabled;
            }

            var chosen = new List<SecuritySource>();
            foreach (string name in names)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var matches = service.Sources.Where(s => pattern.IsMatch(s.Name)).ToList();
                if (matches.Count == 0)
                {
                    cmdlet.WriteError(SecurityOpsCmdlet.ToErrorRecord(new SecurityOpsException("FeedSourceNotFound", FailureKind.ObjectNotFound, name,
                        $"No source named '{name}'. Known sources: {string.Join(", ", service.Sources.Select(s => s.Name))}.")));
                }

                foreach (SecuritySource source in matches.Where(m => !chosen.Contains(m)))
                {
                    if (!source.Enabled)
                    {
                        cmdlet.WriteVerbose($"{source.Name} is disabled in the config; reading it because it was named.");
                    }

                    chosen.Add(source);
                }
            }

            return chosen;
        }
    }
}
