using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>One issue to open or edit for one package's records.</summary>
    internal sealed class CveIssuePlanItem
    {
        public string Package { get; set; }

        /// <summary>The open issue of the package; null when a new one is opened.</summary>
        public GitHubIssue Existing { get; set; }

        /// <summary>Records whose CVE is not yet in the issue.</summary>
        public List<CveRecord> ToAdd { get; set; } = new List<CveRecord>();

        /// <summary>Records whose CVE is already in the open issue but not linked (a rerun after a crash, or added by hand).</summary>
        public List<CveRecord> ToLink { get; set; } = new List<CveRecord>();

        public string Title { get; set; }

        /// <summary>Labels of a new issue, or the labels an existing one is given (null: unchanged).</summary>
        public List<string> Labels { get; set; }

        public bool IsNew => Existing == null;

        /// <summary>What ShouldProcess shows: the title and labels.</summary>
        public string Describe(GitHubRepositoryName repo)
        {
            string labels = string.Join(", ", Labels ?? Existing?.Labels ?? new List<string>());
            return IsNew
                ? $"Open issue '{Title}' in {repo} with labels [{labels}] for {string.Join(", ", ToAdd.Select(r => r.CveId))}"
                : ToAdd.Count > 0
                    ? $"Add {string.Join(", ", ToAdd.Select(r => r.CveId))} to issue #{Existing.Number} '{Existing.Title}' in {repo} (labels [{labels}]) and comment"
                    : $"Link {string.Join(", ", ToLink.Select(r => r.CveId))} to issue #{Existing.Number} '{Existing.Title}' in {repo}, which already lists them";
        }
    }

    /// <summary>What the caller decides for one planned issue: write it, show it (-WhatIf, or no token), or leave it.</summary>
    internal enum IssueDecision
    {
        Execute,
        WhatIf,
        Skip,
    }

    /// <summary>What a filing walk did: every result (already filed, filed, or planned), the refusals, the failures, a held flood.</summary>
    internal sealed class CveIssueWalk
    {
        public List<CveIssueResult> Results { get; } = new List<CveIssueResult>();

        /// <summary>Records the public gate kept out of a public repository (EmbargoedRecordRefused).</summary>
        public List<SecurityOpsException> Refused { get; } = new List<SecurityOpsException>();

        /// <summary>Planned issues whose write failed; their records stay unfiled.</summary>
        public List<(CveIssuePlanItem Item, SecurityOpsException Error)> Failed { get; } = new List<(CveIssuePlanItem, SecurityOpsException)>();

        /// <summary>When the plan would open more new issues than the cap: the CVEs of the whole batch, none filed.</summary>
        public List<string> HeldByCap { get; } = new List<string>();

        /// <summary>NewIssueCapExceeded, when the cap held the batch.</summary>
        public SecurityOpsException CapExceeded { get; set; }

        /// <summary>CVEs whose issue exists now (filed before or by this walk): off the pending-filing list.</summary>
        public IEnumerable<string> Filed => Results.Where(r => r.Action != CveIssueAction.WouldOpen && r.Action != CveIssueAction.WouldUpdate).Select(r => r.CveId);
    }

    /// <summary>A plan: the issues to write, the records already filed, and the records refused.</summary>
    internal sealed class CveIssuePlan
    {
        public List<CveIssuePlanItem> Items { get; } = new List<CveIssuePlanItem>();

        public List<CveIssueResult> Unchanged { get; } = new List<CveIssueResult>();

        public List<SecurityOpsException> Refused { get; } = new List<SecurityOpsException>();
    }

    /// <summary>
    /// The public issue filing service (New-CveIssue and the daily runbook both use it, plan -> approve each item ->
    /// execute): files CVE records as advisory issues, exactly once, behind the public gate, with GitHub as transport. Open issues carrying the listing label are read once per
    /// run (all pages) and matched by their hidden marker (else by title); a package with an open issue gets its new
    /// CVEs appended and a comment; every record is written back with its issue number as soon as its issue exists.
    /// Re-running finds the issues through the marker and never duplicates; a record whose CVE is already in an
    /// issue is only linked. A record the public gate holds back (its own embargo, or an embargoed case that names its
    /// CVE) is refused for a repository that <see cref="RepositoryVisibility"/> does not confirm private.
    /// </summary>
    internal sealed class CveIssuePublisher
    {
        private static readonly Dictionary<string, string> Colors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["security"] = "d73a4a",
            ["advisory"] = "5319e7",
            ["cvss/CRITICAL"] = "b60205",
            ["cvss/HIGH"] = "d93f0b",
            ["cvss/MEDIUM"] = "fbca04",
        };

        private readonly GitHubGateway gateway;
        private readonly GitHubRepositoryName repo;
        private readonly GitHubSettings settings;
        private readonly CveIssueFormat format;
        private readonly Action<CveRecord> saveLinkedRecord;
        private readonly Func<CveRecord, string> embargoReason;
        private readonly RepositoryVisibility visibility;
        private readonly IEventSink events;
        private Dictionary<string, GitHubIssue> byPackage;
        private Dictionary<string, GitHubIssue> byTitle;
        private HashSet<string> knownLabels;

        /// <param name="gateway">Null plans offline (-WhatIf without a token): every package looks new.</param>
        /// <param name="saveLinkedRecord">Saves a record once it is linked to its issue (the CVE database's Save).</param>
        /// <param name="embargoReason">The public gate: why a record must not reach a public repository now (null: it may).</param>
        /// <param name="visibility">The one visibility policy: whether the repository counts as public.</param>
        public CveIssuePublisher(GitHubGateway gateway, GitHubRepositoryName repo, GitHubSettings settings, CveIssueFormat format, Action<CveRecord> saveLinkedRecord,
            Func<CveRecord, string> embargoReason, RepositoryVisibility visibility, IEventSink events = null)
        {
            this.gateway = gateway;
            this.repo = repo;
            this.settings = settings ?? new GitHubSettings();
            this.format = format ?? new CveIssueFormat();
            this.saveLinkedRecord = saveLinkedRecord;
            this.embargoReason = embargoReason ?? throw new ArgumentNullException(nameof(embargoReason), "Issue filing asks the public gate: pass PublicGate's embargo reason.");
            this.visibility = visibility ?? throw new ArgumentNullException(nameof(visibility), "Issue filing asks the one visibility policy: pass a RepositoryVisibility.");
            this.events = events ?? NullEventSink.Instance;
        }

        /// <summary>
        /// The publisher for a resolved target over a state: the gate reads the state's cases (lazily), the visibility
        /// policy asks the same gateway, and a linked record is saved through the CVE database.
        /// </summary>
        /// <param name="gateway">Null plans offline.</param>
        public static CveIssuePublisher Create(CveIssueTarget target, GitHubGateway gateway, SecurityState state, IEventSink events) =>
            new CveIssuePublisher(gateway, target.Repository, target.Settings, target.Format, new CveDatabase(state.Files).Save,
                PublicGate.LazyEmbargoReason(new CaseStore(state.Files), ModuleContext.UtcNow), new RepositoryVisibility(target.Settings, gateway, events), events);

        private string ListingLabel => settings.Labels?.LastOrDefault() ?? "advisory";

        /// <summary>Decides, with reads only, what each record needs.</summary>
        /// <summary>
        /// The filing walk New-CveIssue and the daily runbook share: plan (reads only; a failure throws), then, unless the
        /// plan would open more than <paramref name="newIssueCap"/> new issues (0: no cap; a flood is never half-filed),
        /// ask <paramref name="decide"/> for each planned issue (the cmdlet's ShouldProcess, the runbook's token or not)
        /// and write, show or leave it. Results reach <paramref name="onResults"/> as they are known, in plan order.
        /// </summary>
        public async Task<CveIssueWalk> PublishAsync(IReadOnlyList<CveRecord> records, Func<CveIssuePlanItem, Task<IssueDecision>> decide, int newIssueCap,
            CancellationToken token = default, Action<IReadOnlyList<CveIssueResult>> onResults = null)
        {
            var walk = new CveIssueWalk();
            void Report(IReadOnlyList<CveIssueResult> results)
            {
                walk.Results.AddRange(results);
                if (results.Count > 0)
                {
                    onResults?.Invoke(results);
                }
            }

            CveIssuePlan plan = await PlanAsync(records, token).ConfigureAwait(false);
            walk.Refused.AddRange(plan.Refused);
            Report(plan.Unchanged);
            int opening = plan.Items.Count(i => i.IsNew);
            if (newIssueCap > 0 && opening > newIssueCap)
            {
                walk.HeldByCap.AddRange(plan.Items.SelectMany(i => i.ToAdd.Concat(i.ToLink)).Select(r => r.CveId).Distinct());
                walk.CapExceeded = new SecurityOpsException("NewIssueCapExceeded", FailureKind.LimitsExceeded, repo.ToString(),
                    $"This run would open {opening} new issues in {repo}, more than github.maxNewIssuesPerRun ({newIssueCap}): none was filed, and the {walk.HeldByCap.Count} CVE(s) stay pending. " +
                    "Check the sources (a new source should start with a baseline: Invoke-SecurityRunbook -Baseline), then raise the cap on purpose; the next run files each once.");
                return walk;
            }

            foreach (CveIssuePlanItem item in plan.Items)
            {
                switch (await decide(item).ConfigureAwait(false))
                {
                    case IssueDecision.Execute:
                        try
                        {
                            Report(await ExecuteAsync(item, token).ConfigureAwait(false));
                        }
                        catch (SecurityOpsException ex)
                        {
                            walk.Failed.Add((item, ex));
                        }

                        break;
                    case IssueDecision.WhatIf:
                        events.Verbose("Would " + char.ToLowerInvariant(item.Describe(repo)[0]) + item.Describe(repo).Substring(1) + ".");
                        Report(WhatIf(item));
                        break;
                }
            }

            if (gateway != null)
            {
                events.Verbose($"GitHub: {gateway.Statistics.Requests} request(s), {gateway.Statistics.Writes} write(s), {gateway.Statistics.Retries} retried, {gateway.Statistics.Waited.TotalSeconds:0} s waited.");
            }

            return walk;
        }

        public async Task<CveIssuePlan> PlanAsync(IReadOnlyList<CveRecord> records, CancellationToken token = default)
        {
            var plan = new CveIssuePlan();
            var pending = new List<CveRecord>();
            foreach (CveRecord record in records)
            {
                if (record.Issue != null && record.Issue.Number > 0 && string.Equals(record.Issue.Repository, repo.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    events.Verbose($"{record.CveId}: already filed as {repo}#{record.Issue.Number}.");
                    plan.Unchanged.Add(Result(record, record.Issue.Number, record.Issue.Url, CveIssueAction.Unchanged, null, null));
                    continue;
                }

                string embargo = embargoReason(record);
                VisibilityAnswer where = embargo == null ? null : await visibility.DecideAsync(repo, token).ConfigureAwait(false);
                if (where?.IsPublic == true)
                {
                    plan.Refused.Add(new SecurityOpsException("EmbargoedRecordRefused", FailureKind.SecurityError, record.CveId,
                        $"{embargo}; {repo} counts as public ({where.Why}), so no issue was filed. File it after the embargo or in a private repository."));
                    continue;
                }

                pending.Add(record);
            }

            if (pending.Count == 0)
            {
                return plan;
            }

            await LoadOpenIssuesAsync(token).ConfigureAwait(false);
            foreach (var group in pending.GroupBy(r => r.Package, StringComparer.OrdinalIgnoreCase))
            {
                string package = group.Key;
                GitHubIssue existing = Find(package);
                var item = new CveIssuePlanItem { Package = package, Existing = existing, Title = existing?.Title ?? format.Title(package) };
                var groupRecords = group.OrderBy(r => r.CveId, CveIdComparer.Instance).ToList();
                if (existing == null)
                {
                    item.ToAdd.AddRange(groupRecords);
                    item.Labels = NewLabels(groupRecords);
                }
                else
                {
                    ISet<string> present = CveIssueFormat.CvesIn(existing.Body);
                    item.ToAdd.AddRange(groupRecords.Where(r => !present.Contains(r.CveId)));
                    item.ToLink.AddRange(groupRecords.Where(r => present.Contains(r.CveId)));
                    string severity = settings.SeverityLabels ? CveIssueFormat.SeverityLabel(groupRecords.Select(r => r.CvssScore)) : null;
                    if (item.ToAdd.Count > 0 && severity != null && !existing.Labels.Any(l => l.StartsWith("cvss/", StringComparison.OrdinalIgnoreCase)))
                    {
                        item.Labels = existing.Labels.Concat(new[] { severity }).ToList();
                    }
                }

                plan.Items.Add(item);
            }

            return plan;
        }

        /// <summary>Writes one plan item and links its records. Returns one result per record.</summary>
        public async Task<IReadOnlyList<CveIssueResult>> ExecuteAsync(CveIssuePlanItem item, CancellationToken token = default)
        {
            RequireOnline();
            var results = new List<CveIssueResult>();
            if (item.IsNew)
            {
                await EnsureLabelsAsync(item.Labels, token).ConfigureAwait(false);
                string package = item.Package;
                GitHubIssue created = await gateway.CreateIssueAsync(repo,
                    new GitHubNewIssue { Title = item.Title, Body = format.Body(package, item.ToAdd), Labels = item.Labels },
                    issue => IsFor(issue, package), token).ConfigureAwait(false);
                events.Verbose($"Opened {repo}#{created.Number} '{created.Title}' for {string.Join(", ", item.ToAdd.Select(r => r.CveId))}.");
                Remember(package, created);
                foreach (CveRecord record in item.ToAdd)
                {
                    Link(record, created);
                    results.Add(Result(record, created.Number, created.HtmlUrl, CveIssueAction.Opened, created.Title, item.Labels));
                }

                return results;
            }

            GitHubIssue issue = item.Existing;
            var comment = new List<string>();
            if (item.ToAdd.Count > 0)
            {
                var (body, added) = format.Append(issue.Body, item.Package, item.ToAdd);
                if (item.Labels != null)
                {
                    await EnsureLabelsAsync(item.Labels, token).ConfigureAwait(false);
                }

                issue = await gateway.UpdateIssueAsync(repo, issue.Number, body, item.Labels, token).ConfigureAwait(false);
                Remember(item.Package, issue);
                comment.AddRange(added);
            }

            if (item.ToLink.Count > 0)
            {
                // Already in the body: announced unless the issue was opened with it or a comment names it already.
                ISet<string> opened = CveIssueFormat.ReadMarker(issue.Body)?.Opened ?? new HashSet<string>();
                var unannounced = item.ToLink.Where(r => !opened.Contains(r.CveId)).ToList();
                if (unannounced.Count > 0)
                {
                    var comments = await gateway.ListCommentsAsync(repo, issue.Number, token).ConfigureAwait(false);
                    ISet<string> mentioned = CveIssueFormat.CvesIn(string.Join("\n", comments.Select(c => c.Body)));
                    comment.AddRange(unannounced.Where(r => !mentioned.Contains(r.CveId)).Select(r => r.CveId));
                }
            }

            if (comment.Count > 0)
            {
                comment.Sort(CveIdComparer.Instance);
                await gateway.AddCommentAsync(repo, issue.Number, format.Comment(comment), token).ConfigureAwait(false);
                events.Verbose($"Added {string.Join(", ", comment)} to {repo}#{issue.Number}.");
            }

            foreach (CveRecord record in item.ToAdd)
            {
                Link(record, issue);
                results.Add(Result(record, issue.Number, issue.HtmlUrl, CveIssueAction.Updated, issue.Title, issue.Labels));
            }

            foreach (CveRecord record in item.ToLink)
            {
                Link(record, issue);
                results.Add(Result(record, issue.Number, issue.HtmlUrl, CveIssueAction.Unchanged, issue.Title, issue.Labels));
            }

            return results;
        }

        /// <summary>What -WhatIf reports for an item: no call is made.</summary>
        public IReadOnlyList<CveIssueResult> WhatIf(CveIssuePlanItem item)
        {
            var labels = item.Labels ?? item.Existing?.Labels;
            return item.ToAdd.Select(r => Result(r, item.Existing?.Number ?? 0, item.Existing?.HtmlUrl, item.IsNew ? CveIssueAction.WouldOpen : CveIssueAction.WouldUpdate, item.Title, labels))
                .Concat(item.ToLink.Select(r => Result(r, item.Existing.Number, item.Existing.HtmlUrl, CveIssueAction.Unchanged, item.Title, labels)))
                .ToList();
        }

        private List<string> NewLabels(IEnumerable<CveRecord> records)
        {
            var labels = (settings.Labels ?? new List<string> { "security", "advisory" }).ToList();
            string severity = settings.SeverityLabels ? CveIssueFormat.SeverityLabel(records.Select(r => r.CvssScore)) : null;
            if (severity != null)
            {
                labels.Add(severity);
            }

            return labels;
        }

        private async Task LoadOpenIssuesAsync(CancellationToken token)
        {
            if (byPackage != null)
            {
                return;
            }

            byPackage = new Dictionary<string, GitHubIssue>(StringComparer.OrdinalIgnoreCase);
            byTitle = new Dictionary<string, GitHubIssue>(StringComparer.OrdinalIgnoreCase);
            if (gateway == null)
            {
                events.Warning($"No GitHub token: the plan for {repo} was made offline, without its open issues; packages that already have an issue show as WouldOpen.");
                return;
            }

            var open = await gateway.ListOpenIssuesAsync(repo, ListingLabel, token).ConfigureAwait(false);
            foreach (GitHubIssue issue in open.OrderBy(i => i.Number))
            {
                var marker = CveIssueFormat.ReadMarker(issue.Body);
                if (marker != null && !byPackage.ContainsKey(marker.Value.Package))
                {
                    byPackage[marker.Value.Package] = issue;
                }
                else if (marker == null && issue.Title != null && !byTitle.ContainsKey(issue.Title.Trim()))
                {
                    byTitle[issue.Title.Trim()] = issue;
                }
            }

            events.Verbose($"Read {open.Count} open '{ListingLabel}' issue(s) of {repo}; {byPackage.Count} carry a SecurityOps marker.");
        }

        private GitHubIssue Find(string package) =>
            byPackage.TryGetValue(package, out GitHubIssue issue) ? issue
            : byTitle.TryGetValue(format.Title(package), out issue) ? issue : null;

        private void Remember(string package, GitHubIssue issue) => byPackage[package] = issue;

        private static bool IsFor(GitHubIssue issue, string package) =>
            string.Equals(CveIssueFormat.ReadMarker(issue.Body)?.Package, package, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(issue.State, "open", StringComparison.OrdinalIgnoreCase);

        private async Task EnsureLabelsAsync(IEnumerable<string> labels, CancellationToken token)
        {
            if (labels == null)
            {
                return;
            }

            if (knownLabels == null)
            {
                var existing = await gateway.ListLabelsAsync(repo, token).ConfigureAwait(false);
                knownLabels = new HashSet<string>(existing.Select(l => l.Name), StringComparer.OrdinalIgnoreCase);
            }

            foreach (string label in labels.Where(l => !knownLabels.Contains(l)).ToList())
            {
                await gateway.CreateLabelAsync(repo, new GitHubLabel(label, Colors.TryGetValue(label, out string color) ? color : "ededed", "Created by SecurityOps"), token).ConfigureAwait(false);
                knownLabels.Add(label);
                events.Verbose($"Created the label '{label}' in {repo}.");
            }
        }

        private void Link(CveRecord record, GitHubIssue issue)
        {
            record.Issue = new IssueLink { Repository = repo.ToString(), Number = issue.Number, Url = issue.HtmlUrl, FiledAt = ModuleContext.UtcNow };
            if (string.IsNullOrEmpty(record.Status) || record.Status == "new")
            {
                record.Status = "tracked";
            }

            saveLinkedRecord?.Invoke(record);
        }

        private CveIssueResult Result(CveRecord record, int number, string url, CveIssueAction action, string title, IEnumerable<string> labels) => new CveIssueResult
        {
            CveId = record.CveId,
            Package = record.Package,
            Repository = repo.ToString(),
            IssueNumber = number,
            Url = url,
            Action = action,
            Title = title,
            Labels = labels?.ToArray() ?? Array.Empty<string>(),
        };

        private void RequireOnline()
        {
            if (gateway == null)
            {
                throw GitHubToken.NotFound();
            }
        }
    }
}
