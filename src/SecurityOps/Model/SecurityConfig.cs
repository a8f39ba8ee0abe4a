using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>
    /// securityops.yaml. Each part of the module adds its own section in a partial file beside this one
    /// (SecurityConfig.Feeds.cs, SecurityConfig.GitHub.cs...), so the parts do not crowd one class.
    /// </summary>
    public sealed partial class SecurityConfig : IVersionedDocument
    {
        public int SchemaVersion { get; set; } = SchemaVersions.Current;

        public ProjectSettings Project { get; set; } = new ProjectSettings();

        public StateSettings State { get; set; } = new StateSettings();
    }

    public sealed class ProjectSettings
    {
        /// <summary>The project's name, used in messages.</summary>
        public string Name { get; set; } = "Example Project";

        /// <summary>The team's contact address (never a person's).</summary>
        public string SecurityContact { get; set; }
    }

    public sealed class StateSettings
    {
        /// <summary>How long a run waits for another run's lock on the state before failing.</summary>
        public int LockTimeoutSeconds { get; set; } = 30;

        /// <summary>How long a run (Invoke-SecurityRunbook) waits for another run of the same state to finish.</summary>
        public int RunLockWaitSeconds { get; set; } = 600;

        /// <summary>Author of the commits Save-SecurityState makes.</summary>
        public string CommitAuthorName { get; set; } = "SecurityOps";

        public string CommitAuthorEmail { get; set; } = "securityops@localhost";

        /// <summary>The remote and branch Save-SecurityState -Push pushes to.</summary>
        public string Remote { get; set; } = "origin";

        public string Branch { get; set; }

        /// <summary>
        /// Is the remote public? true: pushing while embargoed cases exist is refused. false: the team vouches that it is
        /// private (GitHub is not asked). Not set (the default): a GitHub remote's visibility is asked of GitHub when
        /// embargoed cases exist, and unknown is refused; any other remote is treated as private.
        /// </summary>
        public bool? RemoteIsPublic { get; set; }
    }
}
