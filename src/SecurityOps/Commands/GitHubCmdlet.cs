using System.Management.Automation;
using System.Security;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The GitHub parameters in their one shape, for every cmdlet that talks to GitHub: where (-ApiUrl) and with which
    /// token (-Token, or -Credential whose password is the token; else $env:GITHUB_TOKEN, then $env:GH_TOKEN). The
    /// gateway itself comes from the command's session.
    /// </summary>
    public abstract class GitHubCmdlet : StateCmdlet
    {
        /// <summary>The REST API root, used as given (GitHub Enterprise: https://HOST/api/v3/); default github.apiUrl, else api.github.com.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApiUrl { get; set; }

        /// <summary>A GitHub token; default $env:GITHUB_TOKEN, then $env:GH_TOKEN.</summary>
        [Parameter]
        public SecureString Token { get; set; }

        /// <summary>A credential whose password is the GitHub token (the user name is not used).</summary>
        [Parameter]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>This command's GitHub parameters for the session's gateway and token resolver.</summary>
        internal GitHubAccess GitHubAccess => new GitHubAccess(ApiUrl, GitHubCmdletSupport.ExplicitToken(Token, Credential));
    }
}
