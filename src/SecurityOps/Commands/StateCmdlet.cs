using System.Management.Automation;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The -StatePath parameter of every cmdlet that works on a state repository (the state itself comes from the
    /// command's session): -StatePath, else $env:SECURITYOPS_STATE, else the nearest folder at or above the current
    /// location that holds securityops.yaml.
    /// </summary>
    public abstract class StateCmdlet : SecurityOpsCmdlet
    {
        /// <summary>The state repository's folder.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string StatePath { get; set; }

        internal override string ExplicitStatePath => StatePath;
    }
}
