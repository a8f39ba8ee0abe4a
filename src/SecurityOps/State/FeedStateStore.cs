using System.Text.RegularExpressions;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>Feed state as feeds/&lt;source&gt;.yaml in the state repository (atomic writes, unknown keys kept).</summary>
    public sealed class FeedStateStore : IFeedStateStore
    {
        public const string Folder = "feeds";
        private static readonly Regex Unsafe = new Regex(@"[^A-Za-z0-9._-]", RegexOptions.Compiled);

        private readonly StateRepository files;

        public FeedStateStore(StateRepository files) => this.files = files;

        public static string RelativePath(string sourceName) => Folder + "/" + Unsafe.Replace(sourceName ?? "unnamed", "_") + ".yaml";

        public FeedSourceState Load(string sourceName) => files.Read<FeedSourceState>(RelativePath(sourceName));

        public void Save(FeedSourceState state) => files.Write(RelativePath(state.Source), state);
    }
}
