using System.Collections.Generic;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        public DisclosureSettings Disclosure { get; set; } = new DisclosureSettings();
    }

    /// <summary>The disclosure: section of securityops.yaml.</summary>
    public sealed class DisclosureSettings
    {
        /// <summary>The policy new cases get: a preset name (flatcar, oci, kubeedge, stacklok, confidential-containers) or a file in the
        /// state (policy.yaml). Empty: policy.yaml when the state has one, else stacklok.</summary>
        public string Policy { get; set; }

        /// <summary>Days (UTC dates, 2026-12-25) on which no release is proposed.</summary>
        public List<string> Holidays { get; set; } = new List<string>();

        /// <summary>A milestone due within this many hours is "due soon".</summary>
        public int DueSoonHours { get; set; } = 24;
    }
}
