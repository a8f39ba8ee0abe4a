using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// What a source's last reads left behind (feeds/&lt;source&gt;.yaml): the HTTP validators of its main document, so an
    /// unchanged feed costs one 304, and the advisory ids already seen with their version (an update time or a marker),
    /// so that only new or changed advisories are followed and emitted.
    /// </summary>
    internal sealed class FeedSourceState : IVersionedDocument
    {
        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        public string Source { get; set; }

        /// <summary>The URL the validators belong to; a changed URL starts afresh.</summary>
        public string Url { get; set; }

        public string ETag { get; set; }

        public string LastModified { get; set; }

        /// <summary>
        /// When the source was last read: the latest time is kept in .cache/ (never committed); the committed file holds
        /// the time of the last read that changed something, so a day with nothing new changes no committed file.
        /// </summary>
        public DateTimeOffset? LastChecked { get; set; }

        /// <summary>Advisory id -> version marker ("" when the source has none).</summary>
        public Dictionary<string, string> Seen { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>Where feed state is loaded and saved (State/FeedStateStore over the state repository).</summary>
    internal interface IFeedStateStore
    {
        /// <summary>The source's state, or null when it was never read.</summary>
        FeedSourceState Load(string sourceName);

        void Save(FeedSourceState state);
    }
}
