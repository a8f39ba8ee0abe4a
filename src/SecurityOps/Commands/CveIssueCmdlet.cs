using System.Management.Automation;
using System.Net;
using System.Security;
using SecurityOps.GitHub;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The GitHub parameters of the cmdlets that file CVE issues (New-CveIssue, Invoke-SecurityRunbook): where
    /// (-Repository, -ApiUrl) and with which token (-Token or -Credential, else GITHUB_TOKEN / GH_TOKEN).
    /// </summary>
    public abstract class CveIssueCmdlet : StateCmdlet
    {
        protected const string TokenSet = "Token";
        protected const string CredentialSet = "Credential";

        /// <summary>owner/name; default: github.issueRepository in the config.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Repository { get; set; }

        /// <summary>The REST API root, used as given (GitHub Enterprise: https://HOST/api/v3/).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApiUrl { get; set; }

        [Parameter(ParameterSetName = TokenSet)]
        public SecureString Token { get; set; }

        [Parameter(ParameterSetName = CredentialSet)]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>The token given as -Token (SecureString) or -Credential (its password); null when neither.</summary>
        protected GitHubToken ExplicitToken() => GitHubCmdletSupport.ExplicitToken(Token, Credential);
    }
}
