using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>
    /// Feed state as feeds/&lt;source&gt;.yaml in the state repository (atomic writes, unknown keys kept). That file is
    /// committed, so it is written only when something in it really changed (the validators, the URL, the seen
    /// advisories): a day with nothing new leaves it as it is and makes no commit. The time of every check goes to
    /// .cache/feeds/&lt;source&gt;.yaml (never committed); <see cref="Load"/> answers the later of the two, so a fresh
    /// clone without .cache/ still has the time of the last read that changed something (a safe lower bound where a
    /// reader asks only for what changed since).
    /// </summary>
    internal sealed class FeedStateStore : IFeedStateStore
    {
        public const string Folder = "feeds";
        public const string CacheFolder = ".cache/feeds";
        private static readonly Regex Unsafe = new Regex(@"[^A-Za-z0-9._-]", RegexOptions.Compiled);

        private readonly StateRepository files;

        /// <summary>What each committed file held when this store read or wrote it: to tell a real change from a new time.</summary>
        private readonly Dictionary<string, FeedSourceState> committed = new Dictionary<string, FeedSourceState>(StringComparer.Ordinal);

        public FeedStateStore(StateRepository files) => this.files = files;

        public static string RelativePath(string sourceName) => Folder + "/" + FileName(sourceName);

        /// <summary>Where the time of the source's last check is kept, outside the committed state.</summary>
        public static string CachePath(string sourceName) => CacheFolder + "/" + FileName(sourceName);

        private static string FileName(string sourceName) => Unsafe.Replace(sourceName ?? "unnamed", "_") + ".yaml";

        public FeedSourceState Load(string sourceName)
        {
            string path = RelativePath(sourceName);
            FeedSourceState state = files.Read<FeedSourceState>(path);
            if (state == null)
            {
                return null;
            }

            lock (committed)
            {
                committed[path] = Copy(state);
            }

            DateTimeOffset? checkedAt = ReadCheckTime(sourceName);
            if (checkedAt.HasValue && (!state.LastChecked.HasValue || checkedAt.Value > state.LastChecked.Value))
            {
                state.LastChecked = checkedAt;
            }

            return state;
        }

        public void Save(FeedSourceState state)
        {
            string path = RelativePath(state.Source);
            FeedSourceState before;
            lock (committed)
            {
                committed.TryGetValue(path, out before);
            }

            before = before ?? files.Read<FeedSourceState>(path);
            if (before == null || !SameContent(before, state))
            {
                files.Write(path, state);
                lock (committed)
                {
                    committed[path] = Copy(state);
                }
            }

            if (state.LastChecked.HasValue)
            {
                // Written afresh (nothing of a broken or older cache file is kept): it is the module's own scratch.
                files.WriteTextAtomic(CachePath(state.Source), YamlFormat.Serialize(new FeedCheckTime { Source = state.Source, LastChecked = state.LastChecked }));
            }
        }

        /// <summary>The cached check time; null when there is none or it does not read (the cache is disposable).</summary>
        private DateTimeOffset? ReadCheckTime(string sourceName)
        {
            try
            {
                return files.Read<FeedCheckTime>(CachePath(sourceName))?.LastChecked;
            }
            catch (SecurityOpsException)
            {
                return null;
            }
        }

        /// <summary>Everything of the committed file except the check time.</summary>
        private static bool SameContent(FeedSourceState a, FeedSourceState b)
        {
            if (a.SchemaVersion != b.SchemaVersion || !string.Equals(a.Source, b.Source, StringComparison.Ordinal) ||
                !string.Equals(a.Url, b.Url, StringComparison.Ordinal) || !string.Equals(a.ETag, b.ETag, StringComparison.Ordinal) ||
                !string.Equals(a.LastModified, b.LastModified, StringComparison.Ordinal))
            {
                return false;
            }

            int countA = a.Seen?.Count ?? 0, countB = b.Seen?.Count ?? 0;
            if (countA != countB)
            {
                return false;
            }

            if (countA == 0)
            {
                return true;
            }

            foreach (KeyValuePair<string, string> seen in a.Seen)
            {
                if (!b.Seen.TryGetValue(seen.Key, out string version) || !string.Equals(seen.Value ?? string.Empty, version ?? string.Empty, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        private static FeedSourceState Copy(FeedSourceState state) => new FeedSourceState
        {
            SchemaVersion = state.SchemaVersion,
            Source = state.Source,
            Url = state.Url,
            ETag = state.ETag,
            LastModified = state.LastModified,
            LastChecked = state.LastChecked,
            Seen = state.Seen == null ? null : new Dictionary<string, string>(state.Seen, StringComparer.Ordinal),
        };
    }

    /// <summary>.cache/feeds/&lt;source&gt;.yaml: when the source was last checked (changes every run, never committed).</summary>
    internal sealed class FeedCheckTime
    {
        public string Source { get; set; }

        public DateTimeOffset? LastChecked { get; set; }
    }
}
