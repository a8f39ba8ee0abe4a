namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        public OsvSettings Osv { get; set; } = new OsvSettings();
    }

    /// <summary>The osv: section of securityops.yaml (Export-OsvAdvisory).</summary>
    public sealed class OsvSettings
    {
        /// <summary>
        /// The id prefix of the team's OSV records: cases become PREFIX-YYYY-NNNN, tracked CVE records PREFIX-CVE-YYYY-NNNN.
        /// The official schema accepts only the home databases registered with OSV (GHSA, GO, RUSTSEC...).
        /// </summary>
        public string IdPrefix { get; set; } = "SECOPS";

        /// <summary>True: an id prefix the official schema does not list is an error. False: a warning, and the rest of
        /// the document is still validated against the official schema.</summary>
        public bool StrictIdPrefix { get; set; }

        /// <summary>The OSV ecosystem of the project's own package (Go, PyPI, crates.io, npm...); empty: the records list
        /// no affected package (OSV has no ecosystem for a distribution's images).</summary>
        public string Ecosystem { get; set; }

        /// <summary>The project's package in that ecosystem (github.com/org/project); empty: a case's component.
        /// Its affected range is introduced 0, fixed in the release the case or CVE record was fixed in.</summary>
        public string Package { get; set; }

        /// <summary>Where Export-OsvAdvisory writes without -Path, relative to the state repository.</summary>
        public string Folder { get; set; } = "osv";
    }
}
