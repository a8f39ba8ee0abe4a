using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Advisories;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Test-ReleaseArtifact: the release-day check of a GitHub release: published, each named asset on it, its bytes
    /// matching the release's checksums file and GitHub's digest, its detached signature verifying with the team's
    /// signing keys. With -Id the outcome is a dated event on the case's timeline.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "ReleaseArtifact", SupportsShouldProcess = true)]
    [OutputType(typeof(ReleaseArtifactResult))]
    public sealed class TestReleaseArtifactCommand : AdvisoryCmdlet
    {
        /// <summary>The release's tag (v1.2.3).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("TagName", "Release")]
        [ValidateNotNullOrEmpty]
        public string Tag { get; set; }

        /// <summary>owner/name; default: the case's advisory's repository, else advisories.repository.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Repository { get; set; }

        /// <summary>Assets that must be on the release (wildcards); default: every asset that is not a checksum or signature file.</summary>
        [Parameter]
        [SupportsWildcards]
        public string[] Asset { get; set; }

        /// <summary>Armored OpenPGP public keys that sign the artefacts; default: releases.signingKeys (paths in the state).</summary>
        [Parameter]
        public string[] SigningKeyPath { get; set; }

        /// <summary>The case whose release this is: the outcome goes on its timeline.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(CaseIdCompleter))]
        [Alias("CaseId")]
        public string Id { get; set; }

        protected override void ProcessRecord()
        {
            VulnerabilityCase c = null;
            if (!TryRun(() => c = Id == null ? null : Session.Cases.GetRequired(VulnerabilityCase.NormalizeId(Id) ?? throw Disclosure.CaseStore.InvalidId(Id))))
            {
                return;
            }

            GitHubRepositoryName repo = RepositoryFor(Repository, c);
            if (repo == null)
            {
                WriteFailure(new SecurityOpsException("ReleaseRepositoryNotSet", FailureKind.InvalidArgument, null,
                    "No repository: pass -Repository owner/name, or -Id a case with an advisory, or set advisories.repository in securityops.yaml."));
                return;
            }

            string keys = null;
            if (!TryRun(() => keys = SigningKeys()))
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(keys))
            {
                WriteWarning("No signing key (-SigningKeyPath or releases.signingKeys): signatures are not checked.");
            }

            if (Gateway == null)
            {
                ThrowFailure(GitHubToken.NotFound());
            }

            WriteVerbose($"Checking the release {Tag} of {repo}{(Asset == null ? string.Empty : $" for {string.Join(", ", Asset)}")}: published, checksums, signatures.");
            var checker = new ReleaseArtifactChecker(Gateway, new HttpPipeline(new HttpPipelineOptions()), Session.Events);
            if (!Run(_ => checker.CheckAsync(repo, Tag, Asset ?? Array.Empty<string>(), keys, CancellationToken), out var outcome))
            {
                return;
            }

            WriteObject(outcome.Results, enumerateCollection: true);
            foreach (SecurityOpsException error in outcome.Errors)
            {
                WriteFailure(error);
            }

            if (c != null)
            {
                bool passed = outcome.Errors.Count == 0 && outcome.Results.Count > 0 && outcome.Results.All(r => r.Passed);
                string what = passed
                    ? $"Release {Tag} of {repo} verified: {outcome.Results.Count} artefact(s) published, checksums match{(outcome.Results.All(r => r.Signature == "ok") ? ", signatures verify" : string.Empty)} ({string.Join(", ", outcome.Results.Select(r => r.Asset))})."
                    : $"Release {Tag} of {repo} NOT verified: {string.Join("; ", outcome.Errors.Select(e => e.ErrorId + " " + e.Target))}.";
                if (ShouldProcess(c.Id, $"Record on the timeline: {what}"))
                {
                    TryRun(() =>
                    {
                        VulnerabilityCase current = Session.Cases.GetRequired(c.Id);
                        current.Timeline.Add(new CaseEvent { At = Session.Now, Actor = Session.Actor(Actor), Kind = passed ? "release-artifacts-verified" : "release-artifacts-failed", What = what });
                        Session.Cases.Save(current);
                    });
                }
            }
        }

        private string SigningKeys()
        {
            IEnumerable<string> paths = SigningKeyPath != null
                ? SigningKeyPath.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p))
                : (Session.Config.Releases?.SigningKeys ?? new List<string>()).Select(p => Session.State.Files.FullPath(p));
            var texts = new List<string>();
            foreach (string path in paths)
            {
                if (!File.Exists(path))
                {
                    throw new SecurityOpsException("SigningKeyNotFound", FailureKind.ObjectNotFound, path, $"The signing key file {path} does not exist.");
                }

                texts.Add(File.ReadAllText(path));
            }

            return texts.Count == 0 ? null : string.Join("\n", texts);
        }
    }
}
