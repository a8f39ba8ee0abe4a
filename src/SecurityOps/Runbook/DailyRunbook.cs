using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Advisories;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Embargo;
using SecurityOps.Feeds;
using SecurityOps.GitHub;
using SecurityOps.Inventory;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.Rotation;
using SecurityOps.Scoring;
using SecurityOps.State;

namespace SecurityOps.Runbook
{
    /// <summary>What one run of the daily runbook is asked to do.</summary>
    internal sealed class RunbookOptions
    {
        /// <summary>The sources to read (the cmdlet resolves -Source; default: every enabled source).</summary>
        public IReadOnlyList<SecuritySource> Sources { get; set; }

        /// <summary>Only items published at or after this time.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>-WhatIf: read the feeds, plan offline, write nothing (state, GitHub, summary files).</summary>
        public bool DryRun { get; set; }

        /// <summary>Every source's first read: record what it holds as seen and file nothing (after adding sources, say).</summary>
        public bool Baseline { get; set; }

        /// <summary>Push the state commit to state.remote.</summary>
        public bool Push { get; set; }

        /// <summary>owner/name; null: github.issueRepository.</summary>
        public string Repository { get; set; }

        /// <summary>null: github.apiUrl, else https://api.github.com/.</summary>
        public string ApiUrl { get; set; }

        /// <summary>-Token / -Credential; null: GITHUB_TOKEN, else GH_TOKEN, else offline.</summary>
        public GitHubToken Token { get; set; }

        /// <summary>Where the token variables are read (tests); null: the process environment.</summary>
        public Func<string, string> Environment { get; set; }

        /// <summary>Who the case timelines name for what the run records (default securityops-runbook).</summary>
        public string Actor { get; set; }
    }

    /// <summary>
    /// The day's work in one call, composed of the parts that each cmdlet uses: every source through
    /// <see cref="FeedService"/> -> new CVEs into <see cref="CveDatabase"/> (and onto the <see cref="CveFilingQueue"/>
    /// first) -> issues through <see cref="CveIssuePublisher"/> for everything pending -> a state commit through
    /// <see cref="StateCommitter"/> -> who is on duty (<see cref="RosterStore"/>) and what is due
    /// (<see cref="ReminderService"/>, <see cref="MembershipService.Health"/>). A failure in one step is a
    /// <see cref="RunbookProblem"/> (and an exception for the cmdlet's error stream); the later steps still run, so what
    /// succeeded is saved. When nothing changed upstream it reads no CVE record: one request per source, no GitHub call.
    /// </summary>
    internal sealed class DailyRunbook
    {
        public const string Activity = "Daily security runbook";
        public const int ProgressId = 10;
        private const int StepCount = 6;

        private readonly SecurityState state;
        private readonly IEventSink events;
        private readonly object gate = new object();
        private readonly List<RunbookProblem> problems = new List<RunbookProblem>();
        private readonly HashSet<string> written = new HashSet<string>(StringComparer.Ordinal);
        private RelevanceService relevance;

        public DailyRunbook(SecurityState state, IEventSink events = null)
        {
            this.state = state;
            this.events = events ?? NullEventSink.Instance;
        }

        /// <summary>The failures of the last run, as exceptions with id, kind and target (for ErrorRecords), in order.</summary>
        public List<SecurityOpsException> Failures { get; } = new List<SecurityOpsException>();

        public async Task<SecurityRunbookResult> RunAsync(RunbookOptions options, CancellationToken token = default)
        {
            if (options.DryRun)
            {
                return await RunLockedAsync(options, token).ConfigureAwait(false);
            }

            // One run per state from the first read to the push: a second run waits, so the two never file the same issue.
            using (StateRunLock run = StateRunLock.Acquire(state.Root, TimeSpan.FromSeconds(Math.Max(0, state.Config.State.RunLockWaitSeconds)),
                       owner => events.Warning($"Another run holds the state ({owner ?? "owner unknown"}); waiting for it to finish.")))
            {
                if (run.PreviousOwner != null)
                {
                    events.Warning($"The previous run ({run.PreviousOwner}) ended without releasing the state; its lock was taken over.");
                }

                return await RunLockedAsync(options, token).ConfigureAwait(false);
            }
        }

        private async Task<SecurityRunbookResult> RunLockedAsync(RunbookOptions options, CancellationToken token)
        {
            var clock = Stopwatch.StartNew();
            Failures.Clear();
            problems.Clear();
            written.Clear();
            written.Add(CveFilingQueue.RelativePath);
            DateTimeOffset now = ModuleContext.UtcNow;
            var result = new SecurityRunbookResult { StatePath = state.Root, StartedAt = now, WhatIf = options.DryRun };
            var database = new CveDatabase(state.Files);
            var queue = new CveFilingQueue(state.Files, readOnly: options.DryRun);
            var planned = new Dictionary<string, CveRecord>(StringComparer.OrdinalIgnoreCase);
            relevance = LoadRelevance();

            if (!options.DryRun)
            {
                RecoverInterruptedRun(result);
            }

            Step(1, "reading the upstream sources");
            await ReadFeedsAsync(options, result, database, queue, planned, token).ConfigureAwait(false);

            Step(2, "filing GitHub issues");
            await FileIssuesAsync(options, result, database, queue, planned, token).ConfigureAwait(false);
            result.PendingFiling = queue.Pending.ToList();

            Step(3, "checking pending CVE requests");
            await CheckCveRequestsAsync(options, result, token).ConfigureAwait(false);

            Triage(result, database, options); // before the commit: the triage list is part of the state

            Step(4, "saving the state");
            await SaveStateAsync(options, result, token).ConfigureAwait(false);

            Step(5, "who is on duty");
            OnDuty(result, now);

            Step(6, "what is due");
            Findings(result, now);

            events.Progress(new ProgressInfo(Activity, "done", 100, ProgressId, completed: true));
            result.Problems.AddRange(problems);
            clock.Stop();
            result.Duration = clock.Elapsed;
            result.Markdown = RunbookSummary.Markdown(result);
            return result;
        }

        private void Step(int n, string what) =>
            events.Progress(new ProgressInfo(Activity, $"Step {n} of {StepCount}: {what}", (n - 1) * 100 / StepCount, ProgressId));

        private async Task ReadFeedsAsync(RunbookOptions options, SecurityRunbookResult result, CveDatabase database, CveFilingQueue queue,
            Dictionary<string, CveRecord> planned, CancellationToken token)
        {
            IFeedStateStore store = new FeedStateStore(state.Files);
            var feeds = new FeedService(state.Config, options.DryRun ? new ReadOnlyFeedStore(store) : store);
            feeds.Http.Retrying += (where, attempt, delay, reason) =>
                events.Verbose($"{where}: attempt {attempt} failed ({reason}); retrying in {delay.TotalSeconds:0.#} s.");
            var sources = (options.Sources ?? feeds.EnabledSources.ToList()).ToList();
            written.UnionWith(sources.Select(s => FeedStateStore.RelativePath(s.Name)));
            events.Verbose($"Step 1: reading {sources.Count} source(s): {string.Join(", ", sources.Select(s => s.Name))}{(options.Since != null ? $", items since {options.Since.Value.UtcDateTime:u}" : string.Empty)}. Each new CVE is put on the pending-filing list ({CveFilingQueue.RelativePath}) before its record is written.");
            var perSource = sources.ToDictionary(s => s.Name, s => new RunbookSourceResult { Source = s.Name, Type = s.Type }, StringComparer.OrdinalIgnoreCase);

            // A source read for the first time (a new state, a source added later), or every source with -Baseline:
            // what it holds today is recorded as seen, and nothing of it is filed.
            var baseline = new HashSet<string>(sources
                .Where(s => options.Baseline || (state.Config.Feeds.BaselineNewSources && !state.Files.Exists(FeedStateStore.RelativePath(s.Name))))
                .Select(s => s.Name), StringComparer.OrdinalIgnoreCase);
            foreach (string name in baseline)
            {
                perSource[name].Baseline = true;
                result.BaselineSources.Add(name);
            }

            if (baseline.Count > 0)
            {
                events.Verbose($"Step 1: baseline for {string.Join(", ", baseline)}: what {(baseline.Count == 1 ? "it holds" : "they hold")} today is recorded as seen; no issue is filed for it.");
            }

            void Emit(SecurityFeedItem item)
            {
                lock (gate)
                {
                    perSource.TryGetValue(item.Source ?? string.Empty, out RunbookSourceResult source);
                    if (item.CvssVector != null && !Cvss.TryScore(item.CvssVector, out _, out string cvssError))
                    {
                        events.Warning($"{item.Source} {item.Id}: its CVSS vector '{item.CvssVector}' is not valid ({cvssError}); its CVEs are recorded without it.");
                        item.CvssVector = null;
                    }

                    if (item.CveIds == null || item.CveIds.Length == 0)
                    {
                        source?.Skip("no CVE id");
                        events.Verbose($"{item.Source} {item.Id}: names no CVE id; nothing to record.");
                    }

                    foreach (string raw in item.CveIds ?? Array.Empty<string>())
                    {
                        string id = CveRecord.NormalizeId(raw);
                        if (id == null)
                        {
                            source?.Skip("not a CVE id");
                            events.Verbose($"{item.Source} {item.Id}: '{raw}' is not a CVE id; skipped.");
                            continue;
                        }

                        try
                        {
                            if (Record(CveObservation.FromFeedItem(item, id), database, queue, planned, options.DryRun, file: !baseline.Contains(item.Source ?? string.Empty)) && !result.NewCves.Contains(id))
                            {
                                result.NewCves.Add(id);
                                source?.NewCves.Add(id);
                            }
                        }
                        catch (SecurityOpsException ex)
                        {
                            Fail("records", id, ex);
                        }
                    }
                }
            }

            IReadOnlyList<FeedSourceResult> read = await feeds.ReadAllAsync(sources, new FeedReadOptions { Since = options.Since }, Emit, events, token).ConfigureAwait(false);
            foreach (FeedSourceResult r in read)
            {
                RunbookSourceResult source = perSource[r.Source];
                source.Items = r.Items;
                source.Requests = r.Requests;
                source.NotModified = r.NotModified;
                source.Problems.AddRange(r.Problems);
                foreach (var skipped in r.Skipped)
                {
                    source.Skip(skipped.Key, skipped.Value);
                }
                if (r.Error != null)
                {
                    source.ErrorId = r.Error.ErrorId;
                    source.Error = r.Error.Message;
                    Fail("feeds", r.Source, r.Error);
                }

                result.Sources.Add(source);
            }
        }

        /// <summary>Records one observation; true when it made a new record. The id is queued before the record is written.</summary>
        private bool Record(CveObservation observation, CveDatabase database, CveFilingQueue queue, Dictionary<string, CveRecord> planned, bool dryRun, bool file = true)
        {
            string id = observation.CveId;
            if (dryRun)
            {
                if (planned.TryGetValue(id, out CveRecord known))
                {
                    CveDatabase.Merge(known, observation, ModuleContext.UtcNow);
                    return false;
                }

                if (database.Exists(id))
                {
                    return false;
                }

                var record = new CveRecord { CveId = id, FirstSeen = ModuleContext.UtcNow, IsNew = true };
                CveDatabase.Merge(record, observation, ModuleContext.UtcNow);
                relevance?.Apply(record, ModuleContext.UtcNow);
                if (!file)
                {
                    events.Verbose($"{id}: would be recorded as part of the baseline of {observation.Source} (not filed).");
                    return true;
                }

                planned[id] = record;
                events.Verbose($"{id}: would be recorded ({string.Join(", ", record.Packages)}) from {observation.Source}.");
                return true;
            }

            if (file && !database.Exists(id) && observation.Packages.Count > 0)
            {
                queue.Add(new[] { id });
            }

            CveRecord stored = database.Record(observation);
            if (stored.Changed)
            {
                written.Add(stored.RelativePath);
            }

            DecideRelevance(stored, database, queue, file || !stored.IsNew);
            if (stored.IsNew)
            {
                events.Verbose($"{id}: new record ({string.Join(", ", stored.Packages)}) from {observation.Source}.");
            }

            return stored.IsNew;
        }

        /// <summary>The inventories of the state; null (relevance not decided, filing as without) when there are none or they cannot be read.</summary>
        private RelevanceService LoadRelevance()
        {
            try
            {
                var service = new RelevanceService(state.Files, state.Config);
                events.Verbose(service.Enabled
                    ? $"Relevance: {service.Evaluator.Inventories.Count} inventory(ies) ({string.Join(", ", service.Evaluator.Inventories.Select(i => i.Name))}); affected CVEs are filed{(service.Config.FileUnknown ? ", and unknown ones" : "; unknown ones are listed for triage")}."
                    : "Relevance: no inventory in the state (Import-PackageInventory), so every CVE that names a package is filed.");
                return service.Enabled ? service : null;
            }
            catch (SecurityOpsException ex)
            {
                Fail("inventory", ex.Target?.ToString() ?? InventoryStore.Folder, ex);
                return null;
            }
        }

        /// <summary>
        /// Decides a stored record's relevance; when it changed, writes it, and when the record is now to be filed and has
        /// no issue (a package arrived from a later source), lists it for filing: once, since a filed record has its issue.
        /// A new record of a source's baseline run (<paramref name="mayFile"/> false) is decided but not listed.
        /// </summary>
        private void DecideRelevance(CveRecord stored, CveDatabase database, CveFilingQueue queue, bool mayFile)
        {
            if (relevance == null || !relevance.Apply(stored, ModuleContext.UtcNow))
            {
                return;
            }

            database.Save(stored);
            written.Add(stored.RelativePath);
            if (mayFile && stored.Issue == null && relevance.ShouldFile(stored) && !queue.Contains(stored.CveId))
            {
                queue.Add(new[] { stored.CveId });
                events.Verbose($"{stored.CveId}: now {stored.Relevance}; listed for filing.");
            }
        }

        private async Task FileIssuesAsync(RunbookOptions options, SecurityRunbookResult result, CveDatabase database, CveFilingQueue queue,
            Dictionary<string, CveRecord> planned, CancellationToken token)
        {
            var records = new List<CveRecord>();
            var done = new List<string>();
            foreach (string id in queue.Pending.ToList())
            {
                CveRecord record = null;
                try
                {
                    record = database.Get(id);
                }
                catch (SecurityOpsException ex)
                {
                    Fail("issues", id, ex);
                    continue;
                }

                if (record == null)
                {
                    events.Verbose($"{id} is pending but has no record (a run stopped before writing it); dropped from the list, the feed will bring it again.");
                    done.Add(id);
                }
                else if (relevance?.Enabled == true && !relevance.ShouldFile(record))
                {
                    events.Verbose($"{id} is {record.Relevance?.ToString() ?? "not decided"}: not filed ({(record.Relevance?.State == CveRelevance.Unknown ? "listed for triage; inventory.fileUnknown files such records" : "the inventories do not ship it at a vulnerable version")}).");
                    done.Add(id);
                }
                else if (string.IsNullOrWhiteSpace(record.Package))
                {
                    events.Warning($"{id} names no package, so it has no 'update: <package>' issue; dropped from the pending list. File it with Add-CveRecord -Package, then New-CveIssue.");
                    done.Add(id);
                }
                else
                {
                    records.Add(record);
                }
            }

            records.AddRange(planned.Values.Where(r => relevance?.Enabled == true ? relevance.ShouldFile(r) : !string.IsNullOrWhiteSpace(r.Package)));
            queue.Remove(done);
            if (records.Count == 0)
            {
                events.Verbose("Step 2: nothing to file (no new or pending CVE); GitHub is not called.");
                return;
            }

            CveIssueTarget target;
            try
            {
                target = CveIssueTarget.Resolve(state.Config.GitHub, options.Repository, options.ApiUrl, options.Token, state.Files.ReadText, options.Environment);
            }
            catch (SecurityOpsException ex)
            {
                Fail("issues", ex.Target?.ToString() ?? "github", ex);
                return;
            }

            result.Repository = target.Repository.ToString();
            written.UnionWith(records.Select(r => r.RelativePath)); // the filer links each record to its issue
            bool offline = options.DryRun || target.Token == null;
            events.Verbose(offline
                ? $"Step 2: {records.Count} CVE(s) to file in {target.Repository}; planning offline ({(options.DryRun ? "-WhatIf" : "no GitHub token")})."
                : $"Step 2: filing {records.Count} CVE(s) in {target.Repository} through {target.ApiUrl} with the {target.Token}; open issues are listed once.");
            if (offline && !options.DryRun)
            {
                events.Warning($"No GitHub token (-Token, -Credential, $env:GITHUB_TOKEN or $env:GH_TOKEN): {records.Count} CVE(s) were planned offline and stay pending; the next run with a token files them.");
            }

            using GitHubGateway gateway = offline ? null : target.CreateGateway(events);
            CveIssuePublisher filer = CveIssuePublisher.Create(target, gateway, state, events);
            CveIssueWalk walk;
            try
            {
                walk = await filer.PublishAsync(records, _ => Task.FromResult(offline ? IssueDecision.WhatIf : IssueDecision.Execute),
                    state.Config.GitHub?.MaxNewIssuesPerRun ?? 0, token).ConfigureAwait(false);
            }
            catch (SecurityOpsException ex)
            {
                Fail("issues", target.Repository.ToString(), new SecurityOpsException("CveIssueFilingFailed", ex.Kind, target.Repository.ToString(),
                    $"Could not read the open issues of {target.Repository}: {ex.Message} {records.Count} CVE(s) stay pending: {string.Join(", ", records.Select(r => r.CveId))}.", ex));
                return;
            }

            foreach (SecurityOpsException refused in walk.Refused)
            {
                Fail("issues", refused.Target?.ToString(), refused);
            }

            result.Issues.AddRange(walk.Results);
            queue.Remove(walk.Filed);
            if (walk.CapExceeded != null)
            {
                // A flood is a sign of a changed or misread source: file none of it rather than half of it.
                result.HeldByCap = walk.HeldByCap;
                Fail("issues", target.Repository.ToString(), walk.CapExceeded);
            }

            foreach (var (item, ex) in walk.Failed)
            {
                var ids = item.ToAdd.Concat(item.ToLink).Select(r => r.CveId).ToList();
                Fail("issues", ids.First(), new SecurityOpsException("CveIssueFilingFailed", ex.Kind, string.Join(", ", ids),
                    $"Filing {string.Join(", ", ids)} ({item.Package}) in {target.Repository} failed: {ex.Message} They stay pending for the next run.", ex));
            }
        }

        /// <summary>Commits what this run wrote; with -Push, then pushes it unless <see cref="StatePushGuard"/> refuses (the commit stays).</summary>
        private async Task SaveStateAsync(RunbookOptions options, SecurityRunbookResult result, CancellationToken token)
        {
            if (options.DryRun)
            {
                events.Verbose("Step 4: -WhatIf, nothing is committed.");
                return;
            }

            if (!state.Git.IsRepository)
            {
                events.Warning($"{state.Root} is not a git repository: the records are saved on disk but not committed.");
                return;
            }

            try
            {
                // Only what this run wrote: git need not scan a state of 100,000 records. Other changes in the work tree
                // (a hand edit) are left for Save-SecurityState.
                IReadOnlyCollection<string> paths = written.Count > 500 ? new[] { "cves", FeedStateStore.Folder, "runbook" } : written.ToList();
                StateCommit commit = StateCommitter.Commit(state, null, paths: paths);
                ClearUnfinishedRunMark(); // everything this run wrote is committed
                events.Verbose(commit.CommitId == null
                    ? "Step 4: nothing to commit, the state is unchanged."
                    : $"Step 4: committed {commit.Files.Count} file(s) as {commit.CommitId.Substring(0, Math.Min(12, commit.CommitId.Length))}: {commit.Message}");
                result.StateCommit = commit.CommitId == null ? null : commit;
                if (options.Push)
                {
                    GitHubToken pushToken = GitHubToken.TryResolve(options.Token, options.Environment);
                    await StateCommitter.PushAsync(state, () => StatePushGuard.EnsurePushAllowedAsync(state, ModuleContext.UtcNow, pushToken, options.ApiUrl, events, token),
                        events, token).ConfigureAwait(false);
                    commit.Pushed = commit.CommitId != null;
                    events.Verbose($"Pushed the state to {state.Config.State.Remote}.");
                }
            }
            catch (SecurityOpsException ex)
            {
                Fail("state", ex.Target?.ToString() ?? state.Root, ex);
            }
        }

        /// <summary>What every summary says while the roster is the example one.</summary>
        internal const string ExampleRosterNote = "roster.yaml still holds the example people (alice, bob, carol at example.org): nobody real is on duty. Replace them with Initialize-SecurityState -Member or by editing roster.yaml.";

        private void OnDuty(SecurityRunbookResult result, DateTimeOffset now)
        {
            try
            {
                var roster = new RosterStore(state.Files);
                result.OnDuty = roster.OnDuty(now);
                result.OnDutyNote = result.OnDuty == null
                    ? (state.Files.Exists(Roster.FileName) ? $"The rotation starts on {roster.Load().Start:yyyy-MM-dd}." : $"There is no {Roster.FileName}.")
                    : null;
                if (result.OnDuty?.ExampleRoster == true)
                {
                    result.OnDutyNote = ExampleRosterNote;
                    events.Warning(ExampleRosterNote);
                }
            }
            catch (SecurityOpsException ex)
            {
                // Who is on duty is information for the summary, not the day's work: a broken roster is a note.
                result.OnDutyNote = ex.Message;
                events.Warning($"No on-duty information: {ex.Message}");
            }

            events.Verbose(result.OnDuty != null
                ? $"Step 5: on duty this week ({result.OnDuty.WeekStart:yyyy-MM-dd}): Primary {result.OnDuty.Primary}, Secondary {result.OnDuty.Secondary}."
                : "Step 5: no one is on duty: " + result.OnDutyNote);
        }

        /// <summary>
        /// Cases whose advisory asked GitHub for a CVE id: the ids GitHub has assigned since land on the cases (and in
        /// this run's commit). Without a token, or under -WhatIf, the requests are listed, not checked.
        /// </summary>
        private async Task CheckCveRequestsAsync(RunbookOptions options, SecurityRunbookResult result, CancellationToken token)
        {
            if (!Directory.Exists(state.Files.FullPath("cases")))
            {
                events.Verbose("Step 3: no cases, so no CVE requests to check.");
                return;
            }

            var cases = new CaseStore(state.Files);
            List<string> pending;
            try
            {
                pending = cases.All().Where(c => c.Advisory?.CvePending == true).Select(c => c.Id).ToList();
            }
            catch (SecurityOpsException ex)
            {
                Fail("cve-requests", ex.Target?.ToString() ?? "cases", ex);
                return;
            }

            result.CveRequestsPending = pending;
            GitHubToken gitHubToken = GitHubToken.TryResolve(options.Token, options.Environment);
            if (pending.Count == 0 || options.DryRun || gitHubToken == null)
            {
                events.Verbose(pending.Count == 0
                    ? "Step 3: no pending CVE requests."
                    : $"Step 3: {pending.Count} pending CVE request(s) not checked ({(options.DryRun ? "-WhatIf" : "no GitHub token")}): {string.Join(", ", pending)}.");
                return;
            }

            try
            {
                Uri apiUrl = GitHubGatewayOptions.ParseApiUrl(options.ApiUrl ?? state.Config.GitHub?.ApiUrl);
                using var gateway = new GitHubGateway(GitHubGatewayOptions.From(state.Config.GitHub, apiUrl, gitHubToken, events));
                var advisories = new AdvisoryService(cases, new AdvisoryApi(gateway), state.Config.Advisories, events);
                IReadOnlyList<VulnerabilityCase> assigned = await advisories.RefreshPendingCveRequestsAsync(options.Actor ?? "securityops-runbook", pending, token).ConfigureAwait(false);
                written.UnionWith(assigned.Select(c => c.RelativePath));
                result.CvesAssigned = assigned.Select(c => new CveAssignment { CaseId = c.Id, CveId = c.CveId, GhsaId = c.Advisory?.GhsaId }).ToList();
                result.CveRequestsPending = pending.Except(assigned.Select(c => c.Id), StringComparer.OrdinalIgnoreCase).ToList();
                events.Verbose($"Step 3: {assigned.Count} of {pending.Count} pending CVE request(s) answered by GitHub.");
            }
            catch (SecurityOpsException ex)
            {
                Fail("cve-requests", ex.Target?.ToString() ?? "github", ex);
            }
        }

        /// <summary>The CVEs that wait for a person's decision (never filed as they are), listed until triaged.</summary>
        private void Triage(SecurityRunbookResult result, CveDatabase database, RunbookOptions options)
        {
            try
            {
                if (relevance?.Enabled == true && !options.DryRun)
                {
                    foreach (string id in result.NewCves)
                    {
                        string state = database.Get(id)?.RelevanceState ?? CveRelevance.Unknown;
                        result.NewCveRelevance[state] = result.NewCveRelevance.TryGetValue(state, out int n) ? n + 1 : 1;
                    }
                }

                var list = new CveTriageList(state.Files, relevance, readOnly: options.DryRun);
                var records = list.Current(database, result.NewCves);
                if (list.Written)
                {
                    written.Add(CveTriageList.RelativePath);
                }
                result.ForTriage = records.Select(r => r.CveId).ToList();
                if (records.Count > 0)
                {
                    events.Verbose($"{records.Count} CVE(s) wait for triage (not filed as they are): {string.Join("; ", records.Take(10).Select(r => r.CveId + " " + RelevanceService.TriageReason(r)))}{(records.Count > 10 ? "; ..." : string.Empty)}.");
                }
            }
            catch (SecurityOpsException ex)
            {
                Fail("triage", null, ex);
            }
        }

        private void Findings(SecurityRunbookResult result, DateTimeOffset now)
        {
            bool hasList = state.Files.Exists(DistributorStore.FileName);
            bool hasCases = Directory.Exists(state.Files.FullPath("cases")) && new CaseStore(state.Files).Ids().Any();
            if (!hasList && !hasCases)
            {
                events.Verbose("Step 6: no cases and no distributors list in the state: no reminders.");
                return;
            }

            try
            {
                var templates = new TemplateRenderer(state.Files);
                if (hasList)
                {
                    int days = state.Config.Messaging?.KeyExpiryWarningDays ?? 30;
                    result.DistributorHealth = new MembershipService(new DistributorStore(state.Files), templates, state.Config).Health(days);
                }

                TimeSpan dueSoon = TimeSpan.FromHours(Math.Max(0, state.Config.Disclosure?.DueSoonHours ?? 24));
                result.Reminders = new ReminderService(state, templates).Collect(now, dueSoon)
                    .Where(i => i.Category != "key-expiry" && i.Category != "removal" && i.Category != ReminderService.TriageCategory)
                    .ToList();
                events.Verbose($"Step 6: {result.Reminders.Count} reminder(s), {result.DistributorHealth?.Count ?? 0} distributors-list finding(s).");
            }
            catch (SecurityOpsException ex)
            {
                Fail("reminders", ex.Target?.ToString(), ex);
            }
        }

        /// <summary>The folders a run writes: what an interrupted run left there is this run's to commit.</summary>
        private static readonly string[] RunFolders = { "cves", FeedStateStore.Folder, "runbook", "cases" };

        /// <summary>
        /// Commits what an interrupted run (killed, crashed, a lost machine) wrote and did not commit, before this run
        /// reads anything: its records, their issue links and the feed state that marks their advisories as seen go in
        /// together, so no later run can skip an advisory whose records are not committed. Each file is read first; one
        /// that does not read is left for a person and reported, never committed.
        /// </summary>
        /// <summary>Written before a run's first write and removed once its work is committed (in .cache: never committed).</summary>
        internal const string UnfinishedRunMark = ".cache/runbook-unfinished";

        private void ClearUnfinishedRunMark()
        {
            try
            {
                File.Delete(state.Files.FullPath(UnfinishedRunMark));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                events.Warning($"Could not remove {UnfinishedRunMark} ({ex.Message}): the next run will look for uncommitted files it does not need to.");
            }
        }

        private void RecoverInterruptedRun(SecurityRunbookResult result)
        {
            if (!state.Git.IsRepository)
            {
                return;
            }

            foreach (string what in state.Git.ClearInterruptedOperations())
            {
                events.Warning($"An earlier run was interrupted in the middle of a git operation: cleared {what}.");
            }

            // A run leaves its mark from before its first write until its commit: only when an earlier run left it is the
            // work tree searched for what that run wrote (on 100,000 records the search is most of a quiet day's cost).
            string mark = state.Files.FullPath(UnfinishedRunMark);
            bool interrupted = File.Exists(mark);
            StateRepository.WriteFileAtomic(mark, $"started {DateTimeOffsetConverter.Format(ModuleContext.UtcNow)} by process {System.Diagnostics.Process.GetCurrentProcess().Id}\n", durable: true);
            if (!interrupted)
            {
                return;
            }

            var valid = new List<string>();
            // One git status for every folder a run writes: on a state of 100,000 records each call costs a pass over the index.
            foreach (GitChange change in state.Git.Status(RunFolders.Where(f => Directory.Exists(state.Files.FullPath(f))).ToList()))
            {
                if (change.Status == "D" || !change.Path.EndsWith(".yaml", StringComparison.Ordinal))
                {
                    valid.Add(change.Path);
                    continue;
                }

                try
                {
                    if (change.Path.StartsWith("cves/", StringComparison.Ordinal))
                    {
                        state.Files.Read<CveRecord>(change.Path);
                    }
                    else if (change.Path.StartsWith("cases/", StringComparison.Ordinal))
                    {
                        state.Files.Read<VulnerabilityCase>(change.Path);
                    }
                    else
                    {
                        YamlFormat.ParseNode(state.Files.ReadText(change.Path), state.Files.FullPath(change.Path));
                    }

                    valid.Add(change.Path);
                }
                catch (SecurityOpsException ex)
                {
                    Fail("recovery", change.Path, ex);
                }
            }

            if (valid.Count == 0)
            {
                return;
            }

            StateCommit commit = StateCommitter.Commit(state, $"Recover {valid.Count} file(s) an interrupted run wrote and did not commit", paths: valid);
            if (commit?.CommitId != null)
            {
                result.Recovered = commit.Files.ToList();
                events.Warning($"An earlier run was interrupted before its commit: committed the {commit.Files.Count} file(s) it left ({commit.CommitId.Substring(0, Math.Min(12, commit.CommitId.Length))}).");
            }
        }

        private void Fail(string step, string target, SecurityOpsException ex)
        {
            lock (Failures)
            {
                Failures.Add(ex);
                problems.Add(new RunbookProblem { Step = step, Target = target, ErrorId = ex.ErrorId, Message = ex.Message });
            }

            events.Verbose($"{step}: {target}: {ex.ErrorId}: {ex.Message}");
        }

        /// <summary>-WhatIf: reads the feed state, never writes it.</summary>
        private sealed class ReadOnlyFeedStore : IFeedStateStore
        {
            private readonly IFeedStateStore inner;

            public ReadOnlyFeedStore(IFeedStateStore inner) => this.inner = inner;

            public FeedSourceState Load(string sourceName) => inner.Load(sourceName);

            public void Save(FeedSourceState feedState)
            {
            }
        }
    }
}
