using System.Collections.Generic;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        public ReleaseSettings Releases { get; set; } = new ReleaseSettings();
    }

    /// <summary>The releases section: what Test-ReleaseArtifact trusts.</summary>
    public sealed class ReleaseSettings
    {
        /// <summary>Armored OpenPGP public keys (paths in the state repository) that sign release artefacts.</summary>
        public List<string> SigningKeys { get; set; } = new List<string>();
    }
}
