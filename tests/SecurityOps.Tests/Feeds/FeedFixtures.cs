using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Feeds;
using SecurityOps.Model;
using SecurityOps.Net;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Tests.Feeds
{
    /// <summary>The real feed data copied into Fixtures/feeds, and a one-call way to read a source in tests.</summary>
    internal static class FeedFixtures
    {
        public static string Folder(params string[] parts) => RepoPaths.Fixture(new[] { "feeds" }.Concat(parts));

        /// <summary>The source option (YAML, under a source) pointing a rustsec source at <see cref="LoopbackServer.WithOsvRecords"/>.</summary>
        public static string OsvUrlOption(LoopbackServer server, string indent = "    ") => $"\n{indent}options:\n{indent}  osvUrl: {server.Url("osv/{id}.json")}";

        public static HttpPipeline FastPipeline(int retries = 2, double timeoutSeconds = 10, long maxBytes = 64L * 1024 * 1024) =>
            new HttpPipeline(new HttpPipelineOptions
            {
                MaxRetries = retries,
                BaseDelay = TimeSpan.FromMilliseconds(20),
                Timeout = TimeSpan.FromSeconds(timeoutSeconds),
                MaxResponseBytes = maxBytes,
            });

        /// <summary>Reads one source; with a state folder, through FeedStateStore (seen ids and validators kept).</summary>
        public static (List<SecurityFeedItem> Items, FeedSourceResult Result, List<string> Warnings) Read(
            string type, string url, string stateFolder = null, HttpPipeline http = null, FeedSettings settings = null,
            FeedReadOptions options = null, Dictionary<string, string> sourceOptions = null, CancellationToken token = default)
        {
            var config = new SecurityConfig { Feeds = settings ?? new FeedSettings() };
            IFeedStateStore store = stateFolder == null ? null : new FeedStateStore(new StateRepository(stateFolder));
            var service = new FeedService(config, store, http ?? FastPipeline());
            var source = new SecuritySource { Name = "test-" + type, Type = type, Url = url };
            foreach (var option in sourceOptions ?? new Dictionary<string, string>())
            {
                source.Options[option.Key] = option.Value;
            }

            var items = new List<SecurityFeedItem>();
            var sink = new RecordingSink();
            FeedSourceResult result = service.ReadSourceAsync(source, options, i => { lock (items) { items.Add(i); } }, sink, token).GetAwaiter().GetResult();
            return (items, result, sink.Warnings);
        }
    }

    internal static class EnumerableConcat
    {
        public static string[] Concat(this string[] first, string[] second)
        {
            var all = new string[first.Length + second.Length];
            first.CopyTo(all, 0);
            second.CopyTo(all, first.Length);
            return all;
        }
    }

    internal sealed class RecordingSink : IEventSink
    {
        public List<string> Warnings { get; } = new List<string>();

        public List<string> Verbose { get; } = new List<string>();

        public List<ProgressInfo> ProgressRecords { get; } = new List<ProgressInfo>();

        void IEventSink.Verbose(string message) { lock (Verbose) { Verbose.Add(message); } }

        void IEventSink.Warning(string message) { lock (Warnings) { Warnings.Add(message); } }

        void IEventSink.Progress(ProgressInfo progress) { lock (ProgressRecords) { ProgressRecords.Add(progress); } }
    }
}
