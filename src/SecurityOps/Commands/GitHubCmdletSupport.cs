using System.Management.Automation;
using System.Net;
using System.Security;
using SecurityOps.GitHub;

namespace SecurityOps.Commands
{
    /// <summary>What every GitHub cmdlet shares: the explicit token and -WhatIf detection (the gateway comes from the session).</summary>
    internal static class GitHubCmdletSupport
    {
        /// <summary>-Token or -Credential as a <see cref="GitHubToken"/> (null when neither was given).</summary>
        public static GitHubToken ExplicitToken(SecureString token, PSCredential credential)
        {
            if (token != null)
            {
                return GitHubToken.FromValue(new NetworkCredential(string.Empty, token).Password, "-Token");
            }

            return credential == null ? null : GitHubToken.FromValue(credential.GetNetworkCredential().Password, "-Credential");
        }

        /// <summary>True when the command runs under -WhatIf (the parameter or $WhatIfPreference).</summary>
        public static bool IsWhatIf(PSCmdlet cmdlet)
        {
            bool whatIf = cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out object value) && ((SwitchParameter)value).IsPresent;
            object preference = cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference");
            return whatIf || (preference is SwitchParameter s && s.IsPresent) || (preference is bool b && b);
        }
    }
}
