using System.Management.Automation;

namespace SecurityOps.Commands
{
    /// <summary>The parameters of the cmdlets that post a case's public message to the announcement channels (see <see cref="PublicPosting"/>).</summary>
    public abstract class PublicPostingCmdlet : MailCmdlet
    {
        /// <summary>The case id (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        /// <summary>Only these channels (names from the announcements: section; wildcards).</summary>
        [Parameter]
        [SupportsWildcards]
        public string[] Channel { get; set; }

        /// <summary>Post again to channels that already have the message.</summary>
        [Parameter]
        public SwitchParameter Resend { get; set; }

        /// <summary>Who is recorded as posting (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }
    }
}
