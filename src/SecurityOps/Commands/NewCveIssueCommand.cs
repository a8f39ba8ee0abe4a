using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Publishing;

namespace SecurityOps.Commands
{
    /// <summary>
    /// New-CveIssue: files CVE records from the pipeline as advisory issues on GitHub (Flatcar's format by default),
    /// exactly once: a package with an open issue gets the CVE appended and a comment; the record keeps the issue number.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "CveIssue", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(CveIssueResult))]
    public sealed class NewCveIssueCommand : CveIssueCmdlet
    {
        private readonly List<string> ids = new List<string>();

        /// <summary>The CVE ids of records in the database (bound from Get-CveRecord / Add-CveRecord output).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Cve")]
        public string[] CveId { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string raw in CveId ?? Array.Empty<string>())
            {
                string id = CveRecord.NormalizeId(raw);
                if (id == null)
                {
                    WriteFailure(CveIdentifier.Invalid(raw));
                }
                else if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (ids.Count == 0)
            {
                return;
            }

            CveIssueTarget target = null;
            try
            {
                target = CveIssueTarget.Resolve(Session.Config.GitHub, Repository, ApiUrl, GitHubAccess.ExplicitToken, Session.State.Files.ReadText);
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }

            GitHubRepositoryName repo = target.Repository;
            GitHubToken token = target.Token;
            if (token == null && !GitHubCmdletSupport.IsWhatIf(this))
            {
                ThrowFailure(GitHubToken.NotFound());
            }

            WriteVerbose(token == null
                ? $"No GitHub token: planning offline for {repo}."
                : $"Filing in {repo} through {target.ApiUrl} with the {token}.");

            var database = new CveDatabase(Session.State.Files);
            var records = new List<CveRecord>();
            foreach (string id in ids)
            {
                TryRun(() =>
                {
                    CveRecord record = database.Get(id) ?? throw new SecurityOpsException("CveRecordNotFound", FailureKind.ObjectNotFound, id,
                        $"No record for {id}; add it with Add-CveRecord first.");
                    if (string.IsNullOrWhiteSpace(record.Package))
                    {
                        throw new SecurityOpsException("CveRecordHasNoPackage", FailureKind.InvalidData, id,
                            $"{id} names no package, so it has no 'update: <package>' issue; add one with Add-CveRecord -Package.");
                    }

                    records.Add(record);
                });
            }

            if (records.Count == 0)
            {
                return;
            }

            using GitHubGateway gateway = target.CreateGateway(Session.Events);
            CveIssuePublisher filer = CveIssuePublisher.Create(target, gateway, Session.State, Session.Events);
            if (!RunStep(sink => filer.PublishAsync(records, item => Decide((PipelineEvents)sink, item, repo), 0, CancellationToken,
                    results => ((PipelineEvents)sink).Post(c => c.WriteObject(results, enumerateCollection: true))), out CveIssueWalk walk))
            {
                return;
            }

            foreach (SecurityOpsException refused in walk.Refused)
            {
                WriteFailure(refused);
            }

            foreach (var (_, error) in walk.Failed)
            {
                WriteFailure(error);
            }
        }

        /// <summary>ShouldProcess for one planned issue, on the pipeline thread (the walk itself runs on a worker).</summary>
        private async System.Threading.Tasks.Task<IssueDecision> Decide(PipelineEvents pipeline, CveIssuePlanItem item, GitHubRepositoryName repo)
        {
            IssueDecision decision = IssueDecision.Skip;
            string description = item.Describe(repo);
            await pipeline.Invoke(_ =>
            {
                if (ShouldProcess(description, description + "?", "New-CveIssue", out ShouldProcessReason reason))
                {
                    decision = IssueDecision.Execute;
                }
                else if ((reason & ShouldProcessReason.WhatIf) != 0)
                {
                    decision = IssueDecision.WhatIf;
                }
            }, CancellationToken).ConfigureAwait(false);
            return decision;
        }
    }
}
