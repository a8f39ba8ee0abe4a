using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.State;

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

        public static SecurityStateInfo Describe(SecurityState state)
        {
            bool isGit = state.Git.IsRepository;
            return new SecurityStateInfo
            {
                StatePath = state.Root,
                ProjectName = state.Config.Project?.Name,
                IsGitRepository = isGit,
                CveCount = state.Files.EnumerateFiles("cves", "CVE-*.yaml", recursive: true).Count(),
                CaseCount = state.Files.EnumerateFiles("cases", "*.yaml", recursive: false).Count(),
                PendingChanges = isGit ? state.Git.Status().Select(c => c.Path).ToList() : (IReadOnlyList<string>)Array.Empty<string>(),
            };
        }
    }
}
