namespace SecurityOps.Model
{
    /// <summary>What New-CveIssue did (or would do) for one CVE.</summary>
    public enum CveIssueAction
    {
        /// <summary>A new issue was opened with this CVE.</summary>
        Opened,

        /// <summary>The CVE was added to an open issue of the same package.</summary>
        Updated,

        /// <summary>Already filed: nothing was written (the record now names the issue).</summary>
        Unchanged,

        /// <summary>-WhatIf: an issue would be opened.</summary>
        WouldOpen,

        /// <summary>-WhatIf: the CVE would be added to an open issue.</summary>
        WouldUpdate,
    }

    /// <summary>One CVE's issue: pipe it to Set-CveRecord, or read IssueNumber and Url.</summary>
    public sealed class CveIssueResult
    {
        public string CveId { get; set; }

        public string Package { get; set; }

        public string Repository { get; set; }

        /// <summary>0 when the issue does not exist yet (-WhatIf).</summary>
        public int IssueNumber { get; set; }

        public string Url { get; set; }

        public CveIssueAction Action { get; set; }

        public string Title { get; set; }

        public string[] Labels { get; set; }

        public override string ToString() => $"{CveId} {Action} {Repository}#{IssueNumber}";
    }
}
