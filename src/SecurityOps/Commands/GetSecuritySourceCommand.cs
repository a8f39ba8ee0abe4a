using System.Linq;
using System.Management.Automation;
using SecurityOps.Feeds;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Get-SecuritySource: the feed sources in effect (built-in defaults changed or extended by securityops.yaml), with their last read.</summary>
    [Cmdlet(VerbsCommon.Get, "SecuritySource")]
    [OutputType(typeof(SecuritySource))]
    public sealed class GetSecuritySourceCommand : StateCmdlet
    {
        /// <summary>Source names (wildcards allowed).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SecuritySourceCompleter))]
        [SupportsWildcards]
        [Alias("Source")]
        public string[] Name { get; set; }

        /// <summary>Only the enabled sources.</summary>
        [Parameter]
        public SwitchParameter Enabled { get; set; }

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                var service = new FeedService(Session.Config, new FeedStateStore(Session.State.Files));
                var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                foreach (SecuritySource source in service.DescribeSources())
                {
                    if ((patterns == null || patterns.Any(p => p.IsMatch(source.Name))) && (!Enabled || source.Enabled))
                    {
                        WriteObject(source);
                    }
                }
            });
        }
    }
}
