using System.Collections.Generic;

namespace SecurityOps.Model
{
    public sealed partial class SecurityConfig
    {
        /// <summary>The advisories: section (GitHub repository security advisories, CVE requests, private forks).</summary>
        public AdvisorySettings Advisories { get; set; } = new AdvisorySettings();
    }

    public sealed class AdvisorySettings
    {
        /// <summary>owner/name used when a case has no advisory yet and -Repository is not given.</summary>
        public string Repository { get; set; }

        /// <summary>GitHub's ecosystem of the affected package when -Ecosystem is not given.</summary>
        public string Ecosystem { get; set; } = "other";

        /// <summary>Logins that may always collaborate on advisories (besides the repository's code owners).</summary>
        public List<string> Team { get; set; } = new List<string>();

        /// <summary>Team slugs (of the repository's organization) that may always collaborate.</summary>
        public List<string> Teams { get; set; } = new List<string>();

        /// <summary>Channels that count as private: only a reporter who came through one may collaborate.</summary>
        public List<string> PrivateChannels { get; set; } = new List<string> { "github", "email" };

        /// <summary>Where CODEOWNERS is looked for, in order.</summary>
        public List<string> CodeownersPaths { get; set; } = new List<string> { ".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS" };

        /// <summary>Seconds between polls of a new private fork.</summary>
        public double ForkPollSeconds { get; set; } = 5;

        /// <summary>How long New-AdvisoryFork waits for the fork (GitHub says up to 5 minutes).</summary>
        public int ForkTimeoutSeconds { get; set; }
    }
}
