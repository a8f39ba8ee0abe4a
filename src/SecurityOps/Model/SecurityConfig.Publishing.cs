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
        /// The id prefix of the team's OSV records when there is no GHSA id: a case without a GitHub advisory becomes
        /// PREFIX-YYYY-NNNN, a tracked CVE record PREFIX-CVE-YYYY-NNNN. A case with an advisory is named by its GHSA id.
        /// The official schema accepts only the home databases registered with OSV (GHSA, GO, RUSTSEC...): records that
        /// would need another prefix are not written (a warning says so). Empty: only cases with a GHSA id are exported.
        /// </summary>
        public string IdPrefix { get; set; }

        /// <summary>True: a record not written because the prefix is not one the schema accepts is an error; false: a warning.</summary>
        public bool StrictIdPrefix { get; set; }

        /// <summary>The OSV ecosystem of the project's own package (Go, PyPI, crates.io, npm...); empty: the records list
        /// no affected package (OSV has no ecosystem for a distribution's images).</summary>
        public string Ecosystem { get; set; }

        /// <summary>The project's package in that ecosystem (github.com/org/project); empty: a case's component.
        /// A case's concrete affected versions go to OSV's versions, its ranges (&lt; 1.4.2, &gt;= 1.2.0, &lt; 1.4.2, &lt;= 1.3.9) to
        /// ranges (SEMVER for Go, crates.io and npm, ECOSYSTEM otherwise), an open range closed by the fixed release.</summary>
        public string Package { get; set; }

        /// <summary>Where Export-OsvAdvisory writes without -Path, relative to the state repository.</summary>
        public string Folder { get; set; } = "osv";
    }
}
