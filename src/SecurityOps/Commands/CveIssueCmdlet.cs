using System.Management.Automation;

namespace SecurityOps.Commands
{
    /// <summary>The repository the CVE issues are filed in (New-CveIssue, Invoke-SecurityRunbook), beside the GitHub parameters.</summary>
    public abstract class CveIssueCmdlet : GitHubCmdlet
    {
        /// <summary>owner/name; default: github.issueRepository in the config.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Repository { get; set; }
    }
}
