using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Feeds;
using SecurityOps.Model;
using SecurityOps.Net;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Get-SecurityFeed: reads the upstream security sources and streams SecurityFeedItems (ready for Add-CveRecord).
    /// Configured sources use the state: an unchanged feed costs one conditional request and only new or changed
    /// advisories are emitted. -Uri/-Type reads a one-off source without touching the config or the state.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SecurityFeed", DefaultParameterSetName = ConfiguredSet)]
    [OutputType(typeof(SecurityFeedItem))]
    public sealed class GetSecurityFeedCommand : StateCmdlet
    {
        public const string ConfiguredSet = "Configured";
        public const string UriSet = "Uri";

        /// <summary>Configured source names (wildcards allowed); without it, every enabled source.</summary>
        [Parameter(Position = 0, ParameterSetName = ConfiguredSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SecuritySourceCompleter))]
        [SupportsWildcards]
        [Alias("Name")]
        public string[] Source { get; set; }

        /// <summary>A one-off source: an http(s) URL, a file:// URL or a path.</summary>
        [Parameter(Mandatory = true, ParameterSetName = UriSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Url", "Path")]
        public string Uri { get; set; }

        /// <summary>The reader for -Uri.</summary>
        [Parameter(Mandatory = true, ParameterSetName = UriSet)]
        [ValidateSet("gentoo-glsa", "rustsec", "go-vulndb", "oss-security", "rss", "atom", "osv", "github-advisories")]
        public string Type { get; set; }

        /// <summary>Only items published at or after this time (items without a date are kept).</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Configured sources: ignore the HTTP validators and seen ids and emit everything again.</summary>
        [Parameter(ParameterSetName = ConfiguredSet)]
        public SwitchParameter Force { get; set; }

        /// <summary>-Uri reads: the largest document accepted, in bytes.</summary>
        [Parameter(ParameterSetName = UriSet)]
        [ValidateRange(1024, long.MaxValue)]
        public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

        /// <summary>-Uri reads: seconds allowed for one HTTP attempt.</summary>
        [Parameter(ParameterSetName = UriSet)]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 30;

        protected override void ProcessRecord()
        {
            FeedService service;
            List<SecuritySource> sources;
            if (ParameterSetName == UriSet)
            {
                var settings = new FeedSettings { MaxResponseBytes = MaxResponseBytes, TimeoutSeconds = TimeoutSec };
                service = new FeedService(new SecurityConfig { Feeds = settings }, store: null);
                sources = new List<SecuritySource> { new SecuritySource { Name = Type, Type = Type, Url = ResolveLocation(Uri), Origin = "uri" } };
                WriteVerbose($"One-off read of {HttpPipeline.Display(Uri)} as {Type}; the config and the state are not used.");
            }
            else
            {
                try
                {
                    service = new FeedService(Session.Config, new FeedStateStore(Session.State.Files));
                    sources = SourceSelection.Select(this, service, Source);
                }
                catch (SecurityOpsException ex)
                {
                    ThrowFailure(ex);
                    return;
                }
            }

            if (sources.Count == 0)
            {
                return;
            }

            var options = new FeedReadOptions
            {
                Since = Since == null ? (DateTimeOffset?)null : new DateTimeOffset(Since.Value.ToUniversalTime(), TimeSpan.Zero),
                Force = Force,
            };
            var events = new PipelineEvents();
            service.Http.Retrying += (where, attempt, delay, reason) =>
                events.Verbose($"{where}: attempt {attempt} failed ({reason}); retrying in {delay.TotalSeconds:0.#} s.");
            try
            {
                events.Run(this, async sink =>
                {
                    foreach (SecuritySource source in sources)
                    {
                        FeedSourceResult result = await service.ReadSourceAsync(source, options, item => events.Post(_ => WriteObject(item)), sink, CancellationToken)
                            .ConfigureAwait(false);
                        if (result.Error != null)
                        {
                            SecurityOpsException error = result.Error;
                            events.Post(_ => WriteFailure(error));
                        }
                    }
                });
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: stop quietly; nothing half-written (state is saved per finished source only).
            }
        }

        private string ResolveLocation(string location)
        {
            if (System.Uri.TryCreate(location, UriKind.Absolute, out Uri absolute) && !absolute.IsFile)
            {
                return location;
            }

            return absolute != null && absolute.IsFile ? location : SessionState.Path.GetUnresolvedProviderPathFromPSPath(location);
        }
    }
}
