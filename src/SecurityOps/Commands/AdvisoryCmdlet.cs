using System;
using System.Management.Automation;
using System.Threading.Tasks;
using SecurityOps.Advisories;
using SecurityOps.GitHub;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The GitHub advisory cmdlets: the GitHub parameters, the actor on the timeline, the advisory service over the
    /// session's gateway, and sending a planned call behind ShouldProcess (-WhatIf shows the exact request; no token is
    /// ever shown).
    /// </summary>
    public abstract class AdvisoryCmdlet : GitHubCmdlet
    {
        /// <summary>Who is recorded on the case's timeline (default: $env:USER or git's user.name).</summary>
        [Parameter]
        public string Actor { get; set; }

        private protected AdvisorySettings Settings => Session.AdvisorySettings;

        /// <summary>The advisory service of the session, with a gateway when a token is found; without one only -WhatIf may go on (planning offline).</summary>
        private protected AdvisoryService Service => Session.Advisories(GitHubAccess, offlineAllowed: GitHubCmdletSupport.IsWhatIf(this));

        /// <summary>The command's one gateway (null when planning offline without a token).</summary>
        private protected GitHubGateway Gateway => Session.OpenGitHub(GitHubAccess, offlineAllowed: true);

        /// <summary>-Repository, else the case's advisory's repository, else advisories.repository; null when none.</summary>
        private protected GitHubRepositoryName RepositoryFor(string explicitRepository, VulnerabilityCase c = null)
        {
            string text = explicitRepository ?? c?.Advisory?.Repository ?? Settings.Repository;
            return string.IsNullOrWhiteSpace(text) ? null : GitHubRepositoryName.Parse(text);
        }

        /// <summary>Runs async work of the service with its events on the pipeline thread; false (error written) when it failed.</summary>
        private protected bool Run<T>(Func<AdvisoryService, Task<T>> work, out T result)
        {
            AdvisoryService s = Service;
            return RunStep(sink => work(s), out result);
        }

        /// <summary>Sends a planned call when ShouldProcess agrees (its target is the exact request) and writes the result.</summary>
        private protected object Perform(AdvisoryCall call)
        {
            if (call == null)
            {
                return null;
            }

            WriteVerbose($"{call.Action}: {call.Request}");
            if (!ShouldProcess(call.Request, call.Action))
            {
                return null;
            }

            string actor = Session.Actor(Actor);
            return Run(s => s.ExecuteAsync(call, actor, CancellationToken), out object result) ? result : null;
        }
    }

    /// <summary>
    /// Writes straight to the cmdlet: for a service's messages while it works on the pipeline thread. Progress is
    /// written only when asked for (and then once per percent step), since a service that plans here may report it
    /// from other threads too.
    /// </summary>
    internal sealed class PipelineThreadSink : IEventSink
    {
        private readonly Cmdlet cmdlet;
        private readonly bool writeProgress;
        private (string Activity, int Percent) last;

        public PipelineThreadSink(Cmdlet cmdlet, bool writeProgress = false)
        {
            this.cmdlet = cmdlet;
            this.writeProgress = writeProgress;
        }

        public void Verbose(string message) => cmdlet.WriteVerbose(message);

        public void Warning(string message) => cmdlet.WriteWarning(message);

        public void Progress(ProgressInfo progress)
        {
            if (!writeProgress || (!progress.Completed && last == (progress.Activity, progress.Percent)))
            {
                return;
            }

            last = (progress.Activity, progress.Percent);
            cmdlet.WriteProgress(new ProgressRecord(progress.Id, progress.Activity, string.IsNullOrEmpty(progress.Status) ? "..." : progress.Status)
            {
                PercentComplete = progress.Percent,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            });
        }
    }

    /// <summary>The advisory fields New- and Set-SecurityAdvisory take beyond the case's own.</summary>
    public abstract class AdvisoryContentCmdlet : AdvisoryCmdlet
    {
        /// <summary>The case (SEC-YYYY-NNNN).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }

        /// <summary>GitHub's ecosystem of the affected package (default: kept, else advisories.ecosystem).</summary>
        [Parameter]
        [ValidateSet("actions", "composer", "erlang", "go", "maven", "npm", "nuget", "other", "pip", "pub", "rubygems", "rust", "swift")]
        public string Ecosystem { get; set; }

        /// <summary>The affected package's name in its ecosystem (default: kept, else the case's component).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Package { get; set; }

        /// <summary>CWE ids (CWE-79 or 79).</summary>
        [Parameter]
        public string[] CweId { get; set; }

        /// <summary>Vulnerable functions of the package.</summary>
        [Parameter]
        public string[] VulnerableFunction { get; set; }

        /// <summary>The advisory's description (markdown); default: built from the case.</summary>
        [Parameter]
        public string Description { get; set; }

        protected CaseAdvisory Content() => new CaseAdvisory
        {
            Ecosystem = Ecosystem,
            Package = Package,
            Description = Description,
            CweIds = new System.Collections.Generic.List<string>(CweId ?? Array.Empty<string>()),
            VulnerableFunctions = new System.Collections.Generic.List<string>(VulnerableFunction ?? Array.Empty<string>()),
        };
    }

    /// <summary>An advisory cmdlet that reads a repository's advisories: -Repository and -GhsaId (both by property name).</summary>
    public abstract class RepositoryAdvisoryCmdlet : AdvisoryCmdlet
    {
        /// <summary>owner/name; default: advisories.repository.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Repository { get; set; }

        /// <summary>One advisory or report by its GHSA id.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidatePattern(@"^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$")]
        public string GhsaId { get; set; }

        /// <summary>The repository to read; none given or configured is AdvisoryRepositoryNotSet.</summary>
        protected GitHub.GitHubRepositoryName RequireRepository() =>
            RepositoryFor(Repository) ?? throw new SecurityOpsException("AdvisoryRepositoryNotSet", FailureKind.InvalidArgument, null,
                "No repository: pass -Repository owner/name or set advisories.repository in securityops.yaml.");
    }

    /// <summary>An advisory cmdlet that works on one case given by -Id.</summary>
    public abstract class CaseAdvisoryCmdlet : AdvisoryCmdlet
    {
        /// <summary>The case (SEC-YYYY-NNNN) whose advisory this acts on.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        [ValidateNotNullOrEmpty]
        public string Id { get; set; }
    }
}
