using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        /// <summary>How feeds are fetched (timeouts, retries, caps, parallelism) and whether the built-in sources apply.</summary>
        public FeedSettings Feeds { get; set; } = new FeedSettings();

        /// <summary>
        /// Feed sources: an entry whose name is a built-in default changes that default (enabled: false disables it);
        /// any other name adds a source.
        /// </summary>
        public List<FeedSourceConfig> Sources { get; set; } = new List<FeedSourceConfig>();
    }

    public sealed class FeedSettings
    {
        /// <summary>Include the built-in sources (gentoo-glsa, rustsec, go-vulndb, oss-security).</summary>
        public bool UseDefaults { get; set; } = true;

        /// <summary>
        /// The first read of a source (a new state, a source added later) is its baseline: what it holds that day is
        /// recorded as seen and no issue is filed for it, so a back catalogue never floods the tracker.
        /// </summary>
        public bool BaselineNewSources { get; set; } = true;

        /// <summary>Time for one HTTP attempt, headers and body.</summary>
        public int TimeoutSeconds { get; set; } = 30;

        /// <summary>Retries after a 5xx, 408, 429, timeout or connection fault (exponential backoff with jitter).</summary>
        public int Retries { get; set; } = 3;

        /// <summary>The longest wait between attempts, Retry-After included.</summary>
        public int MaxRetryDelaySeconds { get; set; } = 60;

        /// <summary>Any one document larger than this is refused before it is read whole.</summary>
        public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

        /// <summary>
        /// The generic rss/atom reader holds a feed whole (a tree for CodeHollow.FeedReader): a feed larger than this is
        /// refused before it is parsed (FeedTooLarge). The named sources stream and have only <see cref="MaxResponseBytes"/>.
        /// </summary>
        public long MaxRssAtomBytes { get; set; } = DefaultMaxRssAtomBytes;

        public const long DefaultMaxRssAtomBytes = 16L * 1024 * 1024;

        /// <summary>How many advisory details (GLSA XML, OSV records) are fetched at once.</summary>
        public int Parallelism { get; set; } = 4;
    }

    /// <summary>One entry of the sources: list.</summary>
    public sealed class FeedSourceConfig
    {
        public string Name { get; set; }

        public string Type { get; set; }

        public string Url { get; set; }

        /// <summary>Null keeps the default's setting (true for a new source).</summary>
        public bool? Enabled { get; set; }

        public Dictionary<string, string> Options { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }
}
