using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>A commit Save-SecurityState made.</summary>
    public sealed class StateCommit
    {
        public string StatePath { get; set; }

        public string CommitId { get; set; }

        public string Message { get; set; }

        public IReadOnlyList<string> Files { get; set; }

        public bool Pushed { get; set; }
    }
}
