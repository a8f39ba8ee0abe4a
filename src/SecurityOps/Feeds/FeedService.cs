using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds
{
    /// <summary>Options of one read.</summary>
    internal sealed class FeedReadOptions
    {
        /// <summary>Skip items published before this (items with no date are kept).</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>Ignore the HTTP validators and seen ids: read and emit everything again (state is still updated).</summary>
        public bool Force { get; set; }
    }

    /// <summary>How one source's read went: for the runbook's summary.</summary>
    internal sealed class FeedSourceResult
    {
        public string Source { get; set; }

        public string Type { get; set; }

        public int Items { get; set; }

        public int Requests { get; set; }

        /// <summary>The main document answered 304 (or the file was unchanged): nothing was parsed.</summary>
        public bool NotModified { get; set; }

        /// <summary>Advisory details that failed (the source still succeeded; they are retried next time).</summary>
        public List<string> Problems { get; set; } = new List<string>();

        /// <summary>Items the reader left out, by reason.</summary>
        public Dictionary<string, int> Skipped { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>Why the source failed (FeedDownloadFailed, FeedParseFailed, ResponseTooLarge, FeedTooLarge), or null.</summary>
        public SecurityOpsException Error { get; set; }

        public bool Succeeded => Error == null;
    }

    /// <summary>
    /// Reads feed sources: resolves them from the config, runs the reader of each with its state (validators and seen
    /// ids), and turns a source's failure into a result naming the source and the reason, so one broken upstream never
    /// stops the others. The daily runbook calls <see cref="ReadAllAsync"/> with <see cref="EnabledSources"/>.
    /// </summary>
    internal sealed class FeedService
    {
        private readonly IFeedStateStore store;
        private readonly SecurityConfig config;
        private List<SecuritySource> sources;

        /// <param name="config">The state's configuration (null: defaults only).</param>
        /// <param name="store">Where feed state lives; null reads without state (every item is new, nothing is remembered).</param>
        /// <param name="http">The pipeline; null builds one from the config's feeds: settings over the shared handler.</param>
        public FeedService(SecurityConfig config, IFeedStateStore store, HttpPipeline http = null)
        {
            this.config = config ?? new SecurityConfig();
            this.store = store;
            Settings = this.config.Feeds ?? new FeedSettings();
            Http = http ?? new HttpPipeline(CreateOptions(Settings));
        }

        public FeedSettings Settings { get; }

        public HttpPipeline Http { get; }

        /// <summary>Every source in effect (defaults changed by the config, then the config's own), enabled or not.</summary>
        public IReadOnlyList<SecuritySource> Sources => sources ?? (sources = FeedSources.Resolve(config));

        public IEnumerable<SecuritySource> EnabledSources => Sources.Where(s => s.Enabled);

        public static HttpPipelineOptions CreateOptions(FeedSettings settings) => new HttpPipelineOptions
        {
            Timeout = TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds)),
            MaxRetries = Math.Max(0, settings.Retries),
            MaxDelay = TimeSpan.FromSeconds(Math.Max(1, settings.MaxRetryDelaySeconds)),
            MaxResponseBytes = Math.Max(1024, settings.MaxResponseBytes),
        };

        /// <summary>Sources with their state's LastChecked and seen count filled in.</summary>
        public IEnumerable<SecuritySource> DescribeSources()
        {
            foreach (SecuritySource source in Sources)
            {
                FeedSourceState state = store?.Load(source.Name);
                source.LastChecked = state?.LastChecked;
                source.SeenCount = state?.Seen?.Count ?? 0;
                yield return source;
            }
        }

        /// <summary>Reads the sources one after another; a failed source is in its result, never thrown. Cancellation is thrown.</summary>
        public async Task<IReadOnlyList<FeedSourceResult>> ReadAllAsync(IEnumerable<SecuritySource> toRead, FeedReadOptions options, Action<SecurityFeedItem> emit,
            IEventSink events, CancellationToken cancellationToken)
        {
            var list = toRead.ToList();
            var results = new List<FeedSourceResult>();
            for (int i = 0; i < list.Count; i++)
            {
                events?.Progress(new ProgressInfo("Reading security feeds", $"{list[i].Name} ({i + 1} of {list.Count})", i * 100 / list.Count));
                results.Add(await ReadSourceAsync(list[i], options, emit, events, cancellationToken).ConfigureAwait(false));
            }

            events?.Progress(new ProgressInfo("Reading security feeds", "done", 100, completed: true));
            return results;
        }

        /// <summary>Reads one source. With a store, only new or changed advisories are emitted and the state is saved.</summary>
        public async Task<FeedSourceResult> ReadSourceAsync(SecuritySource source, FeedReadOptions options, Action<SecurityFeedItem> emit,
            IEventSink events, CancellationToken cancellationToken)
        {
            options = options ?? new FeedReadOptions();
            events = events ?? NullEventSink.Instance;
            var result = new FeedSourceResult { Source = source.Name, Type = source.Type };
            FeedSourceState state = null;
            if (store != null)
            {
                state = store.Load(source.Name) ?? new FeedSourceState { Source = source.Name };
                state.Source = source.Name;
                state.Seen = state.Seen ?? new Dictionary<string, string>(StringComparer.Ordinal);
            }

            var context = new FeedReadContext(source, Http, state, emit)
            {
                Events = events,
                CancellationToken = cancellationToken,
                Since = options.Since,
                Force = options.Force,
                Parallelism = Math.Max(1, Settings.Parallelism),
                MaxResponseBytes = Math.Max(1024, Settings.MaxResponseBytes),
                MaxRssAtomBytes = Math.Max(1024, Settings.MaxRssAtomBytes),
            };

            events.Verbose($"{source.Name}: reading {source.Type} from {HttpPipeline.Display(source.Url)}.");
            try
            {
                FeedSources.Validate(source);
                await FeedSources.ReaderFor(source.Type).ReadAsync(context).ConfigureAwait(false);
            }
            catch (SecurityOpsException ex)
            {
                result.Error = SourceFailure(source, ex);
            }

            result.Items = context.Emitted;
            result.Requests = context.Requests;
            result.NotModified = context.NotModified;
            result.Problems.AddRange(context.Problems);
            foreach (var skipped in context.Skipped)
            {
                result.Skipped[skipped.Key] = skipped.Value;
            }
            events.Verbose(result.NotModified
                ? $"{source.Name}: not modified since the last read ({result.Requests} request)."
                : $"{source.Name}: {result.Items} new or changed items, {result.Requests} requests{(result.Problems.Count > 0 ? $", {result.Problems.Count} problems" : string.Empty)}{(result.Error != null ? ", failed" : string.Empty)}.");

            if (state != null)
            {
                SaveState(source, state, context, result);
            }

            return result;
        }

        private void SaveState(SecuritySource source, FeedSourceState state, FeedReadContext context, FeedSourceResult result)
        {
            if (result.Succeeded)
            {
                state.LastChecked = ModuleContext.UtcNow;
                if (!context.NotModified && context.PendingValidators != null)
                {
                    // Keep the validators only when everything behind them was read: else the next run would get a 304
                    // and never retry the advisories that failed.
                    bool complete = context.Problems.Count == 0;
                    state.ETag = complete ? context.PendingValidators.ETag : null;
                    state.LastModified = complete ? context.PendingValidators.LastModified : null;
                    state.Url = source.Url;
                }
            }

            try
            {
                store.Save(state);
            }
            catch (SecurityOpsException ex) when (result.Error == null)
            {
                result.Error = ex;
            }
        }

        /// <summary>The source-level error: FeedParseFailed, ResponseTooLarge and FeedTooLarge keep their id, the rest is FeedDownloadFailed.</summary>
        private static SecurityOpsException SourceFailure(SecuritySource source, SecurityOpsException ex)
        {
            string id = ex.ErrorId == "FeedParseFailed" || ex.ErrorId == "ResponseTooLarge" || ex.ErrorId == "FeedTooLarge" || ex.ErrorId == "InvalidFeedSource"
                ? ex.ErrorId
                : "FeedDownloadFailed";
            return new SecurityOpsException(id, ex.Kind, source.Name, $"Source '{source.Name}' ({source.Type}) failed: {ex.Message}", ex);
        }
    }
}
