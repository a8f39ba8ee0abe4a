using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>A summary of a state repository.</summary>
    public sealed class SecurityStateInfo
    {
        public string StatePath { get; set; }

        public string ProjectName { get; set; }

        public bool IsGitRepository { get; set; }

        /// <summary>CVE records per year folder, counted from file names (no record is parsed).</summary>
        public int CveCount { get; set; }

        public int CaseCount { get; set; }

        /// <summary>Files changed since the last commit.</summary>
        public IReadOnlyList<string> PendingChanges { get; set; } = Array.Empty<string>();
    }
}
