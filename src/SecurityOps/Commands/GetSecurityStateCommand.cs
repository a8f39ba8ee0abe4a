using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Get-SecurityState: where the state is, what it holds and what is not yet committed.</summary>
    [Cmdlet(VerbsCommon.Get, "SecurityState")]
    [OutputType(typeof(SecurityStateInfo))]
    public sealed class GetSecurityStateCommand : StateCmdlet
    {
        protected override void EndProcessing()
        {
            try
            {
                WriteObject(Session.State.Describe());
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }
        }
    }
}
