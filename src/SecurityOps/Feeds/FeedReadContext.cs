using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Feeds
{
    /// <summary>A reader: turns one source's bytes into SecurityFeedItems.</summary>
    internal interface ISecurityFeedReader
    {
        /// <summary>The source type it reads (gentoo-glsa, rustsec...).</summary>
        string Type { get; }

        Task ReadAsync(FeedReadContext context);
    }

    /// <summary>Everything a reader needs for one source read: HTTP, the state it may use, where items go.</summary>
    internal sealed class FeedReadContext
    {
        private readonly object gate = new object();

        public FeedReadContext(SecuritySource source, HttpPipeline http, FeedSourceState state, Action<SecurityFeedItem> emit)
        {
            Source = source;
            Http = http;
            State = state;
            this.emit = emit;
        }

        private readonly Action<SecurityFeedItem> emit;

        public SecuritySource Source { get; }

        public HttpPipeline Http { get; }

        /// <summary>The source's state, or null for a one-off read (then every item is new and nothing is remembered).</summary>
        public FeedSourceState State { get; }

        public IEventSink Events { get; set; } = NullEventSink.Instance;

        public CancellationToken CancellationToken { get; set; }

        /// <summary>Items published before this are skipped (items with no date are kept).</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>Ignore validators and seen ids (the state is still updated).</summary>
        public bool Force { get; set; }

        public int Parallelism { get; set; } = 4;

        public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

        /// <summary>The cap of a feed read whole by the rss/atom reader (feeds.maxRssAtomBytes).</summary>
        public long MaxRssAtomBytes { get; set; } = FeedSettings.DefaultMaxRssAtomBytes;

        /// <summary>HTTP requests made for this source (for the summary and the tests).</summary>
        public int Requests => requests;

        public int Emitted => emitted;

        /// <summary>Advisory details that could not be fetched or read; the validators are then not kept, so they are retried.</summary>
        public List<string> Problems { get; } = new List<string>();

        public bool NotModified { get; set; }

        private int requests;
        private int emitted;

        /// <summary>Fetches a document through the pipeline; the main document of a source passes conditional=true.</summary>
        /// <param name="maxBytes">A smaller cap than <see cref="MaxResponseBytes"/> for this document (null: that one).</param>
        public async Task<HttpFetchResult> FetchAsync(string location, bool conditional, string accept = null, IDictionary<string, string> headers = null, long? maxBytes = null)
        {
            var request = new HttpFetchRequest(location) { Accept = accept, MaxResponseBytes = maxBytes.HasValue ? Math.Min(maxBytes.Value, MaxResponseBytes) : MaxResponseBytes };
            if (conditional && State != null && !Force && string.Equals(State.Url, Source.Url, StringComparison.Ordinal))
            {
                request.ETag = State.ETag;
                request.LastModified = State.LastModified;
            }

            if (headers != null)
            {
                foreach (var h in headers)
                {
                    request.Headers[h.Key] = h.Value;
                }
            }

            Interlocked.Increment(ref requests);
            HttpFetchResult result = await Http.GetAsync(request, CancellationToken).ConfigureAwait(false);
            if (conditional)
            {
                NotModified = result.NotModified;
                PendingValidators = result;
            }

            return result;
        }

        /// <summary>Fetches the source's feed (conditionally) and streams its entries; none when it is unchanged (304).</summary>
        public async Task<IEnumerable<FeedEntry>> FetchEntriesAsync(string accept)
        {
            HttpFetchResult feed = await FetchAsync(Source.Url, conditional: true, accept: accept).ConfigureAwait(false);
            return feed.NotModified ? Enumerable.Empty<FeedEntry>() : FeedEntries.Read(feed.Content, Shown(Source.Url));
        }

        /// <summary>The validators of the main document, kept when the read ends without problems.</summary>
        public HttpFetchResult PendingValidators { get; private set; }

        /// <summary>True when the advisory is new or changed since it was last seen (always true for one-off reads).</summary>
        public bool IsNew(string id, string version)
        {
            if (State == null || Force)
            {
                return true;
            }

            lock (gate)
            {
                return !State.Seen.TryGetValue(id, out string known) || !string.Equals(known ?? string.Empty, version ?? string.Empty, StringComparison.Ordinal);
            }
        }

        public void MarkSeen(string id, string version)
        {
            if (State == null)
            {
                return;
            }

            lock (gate)
            {
                State.Seen[id] = version ?? string.Empty;
            }
        }

        public bool IsBeforeSince(DateTimeOffset? date) => Since.HasValue && date.HasValue && date.Value < Since.Value;

        public void Emit(SecurityFeedItem item)
        {
            item.Source = Source.Name;
            item.SourceType = Source.Type;
            Interlocked.Increment(ref emitted);
            emit(item);
        }

        /// <summary>
        /// An item's date: null when it has none or when the text is not a date ("yesterday", a unix time, 2026-13-45),
        /// which is one warning for that item, never a refused feed.
        /// </summary>
        public DateTimeOffset? ItemDate(string text, string item)
        {
            DateTimeOffset? value = FeedText.Date(text);
            if (value == null && !string.IsNullOrWhiteSpace(text) && !FeedText.IsPlaceholderDate(text))
            {
                Problem($"{item}: '{FeedText.Clip(text.Trim(), 40)}' is not a date; the item is kept without one.");
            }

            return value;
        }

        /// <summary>Items the reader left out, by reason (no id, a malformed id): counted for the run's summary.</summary>
        public Dictionary<string, int> Skipped { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>Counts an item left out, with the reason, and says which in -Verbose.</summary>
        public void Skip(string reason, string item)
        {
            lock (gate)
            {
                Skipped[reason] = Skipped.TryGetValue(reason, out int n) ? n + 1 : 1;
            }

            Events.Verbose($"{Source.Name}: {item}: skipped ({reason}).");
        }

        public void Problem(string message)
        {
            lock (gate)
            {
                Problems.Add(message);
            }

            Events.Warning($"{Source.Name}: {message}");
        }

        /// <summary>
        /// Runs the work for each input at most <see cref="Parallelism"/> at a time, then emits the results in input
        /// order as they complete, with progress. A failed item becomes a warning (a Problem) and the rest go on.
        /// Inputs are started at most <see cref="WindowPerWorker"/> × <see cref="Parallelism"/> ahead of the one emitted
        /// next: what waits for its turn stays bounded by that window, not by the input count, and each result is
        /// handed on soon after it is made (work that finishes at once, a file, is emitted before the next is read).
        /// </summary>
        public async Task ForEachBoundedAsync<T>(IReadOnlyList<T> inputs, string activity, Func<T, string> describe, Func<T, Task<SecurityFeedItem>> work, Action<T, SecurityFeedItem> done)
        {
            if (inputs.Count == 0)
            {
                return;
            }

            int parallelism = Math.Max(1, Parallelism);
            int window = parallelism * WindowPerWorker;
            using (var gate = new SemaphoreSlim(parallelism))
            {
                int completed = 0;
                async Task<SecurityFeedItem> Run(T input)
                {
                    await gate.WaitAsync(CancellationToken).ConfigureAwait(false);
                    try
                    {
                        return await work(input).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                        int n = Interlocked.Increment(ref completed);
                        Events.Progress(new ProgressInfo(activity, $"{n} of {inputs.Count}: {describe(input)}", n * 100 / inputs.Count, id: 2));
                    }
                }

                var running = new Queue<Task<SecurityFeedItem>>(Math.Min(window, inputs.Count));
                int started = 0;
                try
                {
                    for (int i = 0; i < inputs.Count; i++)
                    {
                        for (; started < inputs.Count && started < i + window; started++)
                        {
                            running.Enqueue(Run(inputs[started]));
                        }

                        SecurityFeedItem item;
                        try
                        {
                            item = await running.Dequeue().ConfigureAwait(false);
                        }
                        catch (SecurityOpsException ex)
                        {
                            Problem($"{describe(inputs[i])}: {ex.Message}");
                            continue;
                        }

                        if (item != null)
                        {
                            done?.Invoke(inputs[i], item);
                            Emit(item);
                        }
                    }
                }
                finally
                {
                    // Let every started task end (cancelled or not) before the semaphore goes away.
                    try
                    {
                        await Task.WhenAll(running).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // reported above, or cancellation that the caller sees
                    }

                    Events.Progress(new ProgressInfo(activity, "done", 100, id: 2, completed: true));
                }
            }
        }

        /// <summary>How many inputs per worker <see cref="ForEachBoundedAsync"/> starts ahead of the one it emits next.</summary>
        public const int WindowPerWorker = 4;

        /// <summary>Where a message may name the location: no secrets.</summary>
        public string Shown(string location) => HttpPipeline.Display(location);
    }
}
