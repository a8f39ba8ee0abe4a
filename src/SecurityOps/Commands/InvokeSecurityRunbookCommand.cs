using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using SecurityOps.Feeds;
using SecurityOps.Model;
using SecurityOps.Runbook;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Invoke-SecurityRunbook: the day's work in one command: every enabled source, new CVEs recorded, their GitHub
    /// issues filed exactly once (a pending-filing list carries what a failed run left over), the state committed, who
    /// is on duty and what is due. Returns a SecurityRunbookResult and writes its markdown to -SummaryPath and
    /// $env:GITHUB_STEP_SUMMARY. A partial failure saves what succeeded, then writes one non-terminating error per
    /// failure AFTER the state is committed and the result is written: $? is false, and a step run with
    /// $ErrorActionPreference = 'Stop' (GitHub's shell: pwsh) fails at that point.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "SecurityRunbook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(SecurityRunbookResult))]
    public sealed class InvokeSecurityRunbookCommand : CveIssueCmdlet
    {
        public const string StepSummaryVariable = "GITHUB_STEP_SUMMARY";

        /// <summary>Configured source names (wildcards allowed); without it, every enabled source.</summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(SecuritySourceCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Source { get; set; }

        /// <summary>Only items published at or after this time (items without a date are kept).</summary>
        [Parameter]
        public DateTime? Since { get; set; }

        /// <summary>Push the state commit to the configured remote and branch.</summary>
        [Parameter]
        public SwitchParameter Push { get; set; }

        /// <summary>Make this run every source's baseline: record what the sources hold today as seen, file nothing.</summary>
        [Parameter]
        public SwitchParameter Baseline { get; set; }

        /// <summary>Also write the markdown summary to this file (replaced).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string SummaryPath { get; set; }

        protected override void EndProcessing()
        {
            var state = Session.State;
            List<SecuritySource> sources = null;
            try
            {
                sources = SourceSelection.Select(this, new FeedService(state.Config, store: null), Source);
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }

            string repository = Repository ?? state.Config.GitHub?.IssueRepository ?? "(github.issueRepository not set)";
            string action = $"Read {sources.Count} source(s), record new CVEs, file their issues in {repository}, commit the state{(Push ? " and push it" : string.Empty)}";
            bool dryRun = false;
            if (!ShouldProcess($"{action} (state: {state.Root}).", $"{action} (state: {state.Root})?", "Invoke-SecurityRunbook", out ShouldProcessReason reason))
            {
                if ((reason & ShouldProcessReason.WhatIf) == 0)
                {
                    return;
                }

                dryRun = true;
                WriteVerbose("-WhatIf: the feeds are read and the issues planned offline; nothing is written to the state, to GitHub or to a summary file.");
            }

            var options = new RunbookOptions
            {
                Sources = sources,
                Since = Since == null ? (DateTimeOffset?)null : new DateTimeOffset(Since.Value.ToUniversalTime(), TimeSpan.Zero),
                DryRun = dryRun,
                Baseline = Baseline,
                Push = Push,
                Repository = Repository,
                ApiUrl = ApiUrl,
                Token = GitHubAccess.ExplicitToken,
            };

            var events = new PipelineEvents();
            var runbook = new DailyRunbook(state, events);
            SecurityRunbookResult result;
            try
            {
                result = events.Run(this, sink => runbook.RunAsync(options, CancellationToken));
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                return; // Ctrl+C: what finished is on disk; the pending-filing list carries the rest to the next run.
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
                return;
            }

            if (!dryRun)
            {
                WriteSummaries(result.Markdown);
            }

            WriteObject(result);
            if (!result.Succeeded)
            {
                WriteVerbose($"{result.Problems.Count} problem(s): what succeeded is saved; one error per problem follows, so $? is false and a step with $ErrorActionPreference = 'Stop' fails.");
            }

            foreach (SecurityOpsException failure in runbook.Failures)
            {
                WriteFailure(failure);
            }
        }

        private void WriteSummaries(string markdown)
        {
            string stepSummary = Environment.GetEnvironmentVariable(StepSummaryVariable);
            string explicitPath = SummaryPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(SummaryPath);
            var utf8 = new UTF8Encoding(false);
            try
            {
                if (explicitPath != null)
                {
                    File.WriteAllText(explicitPath, markdown, utf8);
                    WriteVerbose($"Wrote the summary to {explicitPath}.");
                }

                if (!string.IsNullOrWhiteSpace(stepSummary) && !string.Equals(Path.GetFullPath(stepSummary), explicitPath, StringComparison.Ordinal))
                {
                    File.AppendAllText(stepSummary, markdown + "\n", utf8);
                    WriteVerbose($"Appended the summary to ${StepSummaryVariable} ({stepSummary}).");
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                WriteFailure(new SecurityOpsException("SummaryWriteFailed", FailureKind.WriteError, explicitPath ?? stepSummary,
                    $"The summary could not be written: {ex.Message}", ex));
            }
        }
    }
}
