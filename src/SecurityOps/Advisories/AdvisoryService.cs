using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Disclosure;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;

namespace SecurityOps.Advisories
{
    /// <summary>
    /// A case's life in GitHub's repository security advisories: import a private vulnerability report as a case, draft
    /// and update the advisory from the case, give the fix team access under the policy, request a CVE id and pick it
    /// up, make the temporary private fork and wait for it, and publish behind the public gate. Every write is planned
    /// first (<see cref="AdvisoryCall"/>, for -WhatIf), then sent through the GitHub gateway and put on the case's timeline.
    /// </summary>
    internal sealed class AdvisoryService
    {
        private static readonly Regex Login = new Regex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$", RegexOptions.CultureInvariant);
        private static readonly string[] CreditTypes = { "analyst", "finder", "reporter", "coordinator", "remediation_developer", "remediation_reviewer", "remediation_verifier", "tool", "sponsor", "other" };
        private static readonly HttpMethod Patch = new HttpMethod("PATCH");

        private readonly CaseStore cases;
        private readonly AdvisoryApi api;
        private readonly AdvisorySettings settings;
        private readonly IEventSink events;
        private readonly TimeProvider clock;
        private readonly Func<TimeSpan, CancellationToken, Task> delay;
        private readonly AdvisoryJournal journal;

        /// <param name="api">Null plans offline (-WhatIf without a token): planning that must read GitHub then fails.</param>
        public AdvisoryService(CaseStore cases, AdvisoryApi api, AdvisorySettings settings, IEventSink events = null, TimeProvider clock = null, Func<TimeSpan, CancellationToken, Task> delay = null)
        {
            this.cases = cases ?? throw new ArgumentNullException(nameof(cases));
            this.api = api;
            this.settings = settings ?? new AdvisorySettings();
            this.events = events ?? NullEventSink.Instance;
            this.clock = clock ?? ModuleContext.Time;
            this.delay = delay ?? ((t, c) => Task.Delay(t, c));
            journal = new AdvisoryJournal(cases.Files);
        }

        private DateTimeOffset Now => clock.GetUtcNow();

        private AdvisoryApi Api => api ?? throw GitHubToken.NotFound("This step reads GitHub, so it needs a token even with -WhatIf");

        /// <summary>A repository's advisories and private reports, filtered; each names the case that holds it.</summary>
        public async Task<IReadOnlyList<SecurityAdvisory>> ListAsync(GitHubRepositoryName repo, string state = null, string severity = null, string cveId = null, CancellationToken token = default, int pageSize = 100)
        {
            var list = await Api.ListAsync(repo, state, pageSize, token).ConfigureAwait(false);
            var byGhsa = cases.All().Where(c => c.Advisory?.GhsaId != null).GroupBy(c => c.Advisory.GhsaId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
            var result = list
                .Where(a => severity == null || string.Equals(a.Severity, severity, StringComparison.OrdinalIgnoreCase))
                .Where(a => cveId == null || string.Equals(a.CveId, cveId, StringComparison.OrdinalIgnoreCase))
                .ToList();
            foreach (var a in result)
            {
                a.CaseId = a.GhsaId != null && byGhsa.TryGetValue(a.GhsaId, out string id) ? id : null;
            }

            return result;
        }

        /// <summary>The private reports (state triage) of a repository, or the one with <paramref name="ghsaId"/>.</summary>
        public async Task<IReadOnlyList<SecurityAdvisory>> ReportsAsync(GitHubRepositoryName repo, string ghsaId = null, CancellationToken token = default)
        {
            if (!string.IsNullOrEmpty(ghsaId))
            {
                return new[] { await Api.GetAsync(repo, ghsaId, token).ConfigureAwait(false) };
            }

            return await ListAsync(repo, AdvisoryState.Triage, token: token).ConfigureAwait(false);
        }

        /// <summary>The case already holding this GHSA id, or null.</summary>
        public VulnerabilityCase FindCase(string ghsaId) =>
            cases.All().FirstOrDefault(c => string.Equals(c.Advisory?.GhsaId, ghsaId, StringComparison.OrdinalIgnoreCase));

        /// <summary>Turns a private report into a case, once: a report already imported gives back its case, unchanged.</summary>
        public (VulnerabilityCase Case, bool Created) Import(SecurityAdvisory report, string policy, string actor)
        {
            if (report?.GhsaId == null)
            {
                throw new ArgumentNullException(nameof(report));
            }

            DateTimeOffset now = Now;
            AdvisoryPackage first = report.Vulnerabilities.FirstOrDefault();
            var c = new VulnerabilityCase
            {
                ReceivedAt = report.CreatedAt == null || report.CreatedAt.Value > now ? now : report.CreatedAt.Value.ToUniversalTime(),
                Channel = "github",
                Reporter = report.Author,
                Summary = string.IsNullOrWhiteSpace(report.Summary) ? report.GhsaId : report.Summary.Trim(),
                Component = first?.Name ?? report.Repository,
                AffectedVersions = report.Vulnerabilities.Select(v => v.VulnerableVersionRange).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct().ToList(),
                Policy = policy,
                AdvisoryUrl = report.HtmlUrl,
                CveId = CveRecord.NormalizeId(report.CveId),
                Advisory = new CaseAdvisory
                {
                    GhsaId = report.GhsaId,
                    Repository = report.Repository,
                    HtmlUrl = report.HtmlUrl,
                    State = report.State,
                    ImportedFromReport = true,
                    Description = report.Description,
                    Ecosystem = first?.Ecosystem,
                    Package = first?.Name,
                    CweIds = report.CweIds.ToList(),
                    VulnerableFunctions = first?.VulnerableFunctions.ToList() ?? new List<string>(),
                    PrivateFork = report.PrivateFork,
                },
            };
            try
            {
                CaseWorkflow.ApplySeverity(c, report.CvssVector, report.Severity);
            }
            catch (SecurityOpsException ex)
            {
                events.Warning($"{report.GhsaId}: {ex.Message} The case keeps GitHub's severity only.");
                CaseWorkflow.ApplySeverity(c, null, report.Severity);
            }

            c.Timeline.Add(CaseWorkflow.Created(c, actor, now));
            c.Timeline.Add(Event(now, actor, $"Imported from GitHub private vulnerability report {report.GhsaId} in {report.Repository} ({report.State})."));
            VulnerabilityCase result = cases.FindOrCreate(x => string.Equals(x.Advisory?.GhsaId, report.GhsaId, StringComparison.OrdinalIgnoreCase), c, out bool created);
            return (result, created);
        }

        /// <summary>
        /// The POST that drafts the case's advisory; for a case imported from a private report still in triage, the
        /// PATCH that accepts it as the draft instead; null (with a warning) when the case already has its draft.
        /// </summary>
        public AdvisoryCall PlanCreate(VulnerabilityCase c, GitHubRepositoryName repo, CaseAdvisory content)
        {
            if (c.Advisory?.GhsaId != null && c.Advisory.State == AdvisoryState.Triage)
            {
                // An imported private report becomes the case's draft: accept it (state draft) with the case's fields.
                AdvisoryCall accept = PlanUpdate(c, content);
                ((AdvisoryUpdateRequest)accept.Body).State = AdvisoryState.Draft;
                accept.Action = $"Accept the private report {c.Advisory.GhsaId} as the draft advisory of {c.Id}";
                return accept;
            }

            if (c.Advisory?.GhsaId != null)
            {
                events.Warning($"{c.Id} already has the advisory {c.Advisory.GhsaId} in {c.Advisory.Repository}; not creating a second one (Set-SecurityAdvisory updates it).");
                return null;
            }

            if (repo == null)
            {
                throw new SecurityOpsException("AdvisoryRepositoryNotSet", FailureKind.InvalidArgument, c.Id,
                    $"{c.Id}: no repository for its advisory: pass -Repository owner/name or set advisories.repository in securityops.yaml.");
            }

            CaseAdvisory merged = Merge(new CaseAdvisory { Repository = repo.ToString() }, content, c);
            var body = new AdvisoryCreateRequest
            {
                Summary = c.Summary,
                Description = WithMarker(c.Id, Description(c, merged)),
                CveId = c.CveId,
                Vulnerabilities = Vulnerabilities(c, merged),
                CweIds = merged.CweIds.Count == 0 ? null : merged.CweIds,
                Credits = Credits(c),
            };
            (body.Severity, body.CvssVectorString) = Severity(c);
            return new AdvisoryCall
            {
                Kind = AdvisoryCallKind.Create,
                CaseId = c.Id,
                Repository = repo,
                Method = HttpMethod.Post,
                Path = AdvisoryApi.AdvisoriesPath(repo),
                Body = body,
                Content = merged,
                Action = $"Draft a security advisory for {c.Id} in {repo}",
            };
        }

        /// <summary>The PATCH that brings the advisory in line with the case.</summary>
        public AdvisoryCall PlanUpdate(VulnerabilityCase c, CaseAdvisory content)
        {
            CaseAdvisory current = RequireAdvisory(c);
            CaseAdvisory merged = Merge(CaseStore.Clone(c).Advisory, content, c);
            var body = new AdvisoryUpdateRequest
            {
                Summary = c.Summary,
                Description = WithMarker(c.Id, Description(c, merged)),
                CveId = c.CveId,
                Vulnerabilities = Vulnerabilities(c, merged),
                CweIds = merged.CweIds,
                Credits = Credits(c),
            };
            (body.Severity, body.CvssVectorString) = Severity(c);
            return Call(AdvisoryCallKind.Update, c, current, Patch, string.Empty, body, $"Update {current.GhsaId} from {c.Id}", merged);
        }

        /// <summary>The PATCH state=published, refused (EmbargoActive) before the case's public date and time.</summary>
        public AdvisoryCall PlanPublish(VulnerabilityCase c)
        {
            CaseAdvisory current = RequireAdvisory(c);
            PublicGate.EnsurePublic(c, Now, $"publish {current.GhsaId}");
            if (current.State == AdvisoryState.Published)
            {
                events.Warning($"{current.GhsaId} ({c.Id}) is already published.");
                return null;
            }

            return Call(AdvisoryCallKind.Publish, c, current, Patch, string.Empty, new AdvisoryUpdateRequest { State = AdvisoryState.Published }, $"Publish {current.GhsaId} of {c.Id}");
        }

        /// <summary>The PATCH state=closed (a rejected report, a withdrawn draft); null when it is closed already.</summary>
        public AdvisoryCall PlanClose(VulnerabilityCase c)
        {
            CaseAdvisory current = RequireAdvisory(c);
            if (current.State == AdvisoryState.Closed)
            {
                events.Warning($"{current.GhsaId} ({c.Id}) is already closed.");
                return null;
            }

            return Call(AdvisoryCallKind.Close, c, current, Patch, string.Empty, new AdvisoryUpdateRequest { State = AdvisoryState.Closed }, $"Close {current.GhsaId} of {c.Id}");
        }

        /// <summary>The POST .../cve; null (with a warning) when the case has a CVE id or a request is pending (unless <paramref name="force"/>: a pending request is sent again).</summary>
        public AdvisoryCall PlanCveRequest(VulnerabilityCase c, bool force = false)
        {
            CaseAdvisory current = RequireAdvisory(c);
            if (c.CveId != null || (current.CveRequestState != null && !(force && current.CvePending)))
            {
                events.Warning(c.CveId != null
                    ? $"{c.Id} already has {c.CveId}; no CVE request sent."
                    : $"{c.Id}: a CVE id was requested for {current.GhsaId} at {DateTimeOffsetConverter.Format(current.CveRequestedAt ?? Now)} ({current.CveRequestState}); not asking again (-Force asks again while it is pending).");
                return null;
            }

            AdvisoryCall call = Call(AdvisoryCallKind.RequestCve, c, current, HttpMethod.Post, "/cve", null, $"Request a CVE id for {current.GhsaId} of {c.Id}" + (force ? " (again: -Force)" : string.Empty));
            call.Force = force;
            return call;
        }

        /// <summary>The POST .../forks; null when the case's advisory has a fork already (then only wait for it).</summary>
        public AdvisoryCall PlanFork(VulnerabilityCase c)
        {
            CaseAdvisory current = RequireAdvisory(c);
            if (current.PrivateFork != null)
            {
                events.Verbose($"{c.Id}: the private fork {current.PrivateFork} was already requested; not creating another.");
                return null;
            }

            return Call(AdvisoryCallKind.CreateFork, c, current, HttpMethod.Post, "/forks", null, $"Create the temporary private fork of {current.GhsaId} for {c.Id}");
        }

        /// <summary>
        /// The PATCH that adds collaborators under the policy: code owners (CODEOWNERS) and the configured team always;
        /// the reporter only when the case came through a private channel; anyone else only with an approver, who is
        /// recorded. The approver must be on the security team: the roster's members or the configured team (advisories.team).
        /// Any refusal refuses the whole call (nothing is half-done).
        /// </summary>
        public async Task<AdvisoryCall> PlanCollaboratorsAsync(VulnerabilityCase c, IEnumerable<string> users, IEnumerable<string> teams, string approvedBy, string actor, CancellationToken token = default, IEnumerable<string> rosterMembers = null)
        {
            string approverName = string.IsNullOrWhiteSpace(approvedBy) ? null : approvedBy.Trim().TrimStart('@');
            if (approverName != null)
            {
                var securityTeam = (rosterMembers ?? Enumerable.Empty<string>()).Concat(settings.Team ?? Enumerable.Empty<string>())
                    .Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m.Trim().TrimStart('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (!securityTeam.Contains(approverName, StringComparer.OrdinalIgnoreCase))
                {
                    throw new SecurityOpsException("ApproverNotOnSecurityTeam", FailureKind.PermissionDenied, approverName,
                        $"{c.Id}: -ApprovedBy '{approverName}' is not a member of the security team (the roster, or advisories.team: "
                        + (securityTeam.Count == 0 ? "none configured" : string.Join(", ", securityTeam)) + "); only a team member can approve an outside collaborator.");
                }
            }

            CaseAdvisory current = RequireAdvisory(c);
            var repo = GitHubRepositoryName.Parse(current.Repository);
            var owners = Codeowners.Parse(await Api.GetCodeownersAsync(repo, settings.CodeownersPaths, token).ConfigureAwait(false), repo.Owner);
            events.Verbose($"CODEOWNERS of {repo}: {owners.Users.Count} user(s), {owners.Teams.Count} team(s) of {repo.Owner}.");
            SecurityAdvisory advisory = await Api.GetAsync(repo, current.GhsaId, token).ConfigureAwait(false);
            DateTimeOffset now = Now;
            string approver = approverName;
            string reporter = c.Reporter?.Trim().TrimStart('@');
            bool privateChannel = settings.PrivateChannels.Contains(c.Channel ?? string.Empty, StringComparer.OrdinalIgnoreCase);
            var added = new List<AdvisoryCollaborator>();
            var refused = new List<(string Name, string Why)>();

            foreach (string raw in (users ?? Enumerable.Empty<string>()).Select(u => u?.Trim().TrimStart('@')).Where(u => !string.IsNullOrEmpty(u)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!Login.IsMatch(raw))
                {
                    throw new SecurityOpsException("InvalidGitHubLogin", FailureKind.InvalidArgument, raw, $"'{raw}' is not a GitHub login.");
                }

                string source = owners.Users.Contains(raw) ? "codeowners"
                    : settings.Team.Contains(raw, StringComparer.OrdinalIgnoreCase) ? "team"
                    : string.Equals(raw, reporter, StringComparison.OrdinalIgnoreCase) ? (privateChannel ? "reporter" : null)
                    : approver != null ? "approved" : null;
                if (source == null)
                {
                    refused.Add((raw, string.Equals(raw, reporter, StringComparison.OrdinalIgnoreCase)
                        ? $"{raw} is the reporter, and the case came through '{c.Channel}', not a private channel ({string.Join(", ", settings.PrivateChannels)})"
                        : $"{raw} is neither a code owner of {repo} nor on the configured team (advisories.team); pass -ApprovedBy"));
                    continue;
                }

                added.Add(new AdvisoryCollaborator { Login = raw, Source = source, ApprovedBy = source == "approved" ? approver : null, At = now, AddedBy = actor });
            }

            foreach (string slug in (teams ?? Enumerable.Empty<string>()).Select(t => t?.Trim().TrimStart('@')).Where(t => !string.IsNullOrEmpty(t)).Select(t => t.Contains('/') ? t.Substring(t.IndexOf('/') + 1) : t).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                string source = owners.Teams.Contains(slug) ? "codeowners" : settings.Teams.Contains(slug, StringComparer.OrdinalIgnoreCase) ? "team" : approver != null ? "approved" : null;
                if (source == null)
                {
                    refused.Add((slug, $"team {slug} is neither a code owner of {repo} nor configured (advisories.teams); pass -ApprovedBy"));
                    continue;
                }

                added.Add(new AdvisoryCollaborator { Login = slug, IsTeam = true, Source = source, ApprovedBy = source == "approved" ? approver : null, At = now, AddedBy = actor });
            }

            if (refused.Count > 0)
            {
                throw new SecurityOpsException("CollaboratorNotAllowed", FailureKind.PermissionDenied, string.Join(", ", refused.Select(r => r.Name)),
                    $"{c.Id}: not added, the policy allows code owners and the configured team only: {string.Join("; ", refused.Select(r => r.Why))}.");
            }

            if (added.Count == 0)
            {
                throw new SecurityOpsException("NoCollaborator", FailureKind.InvalidArgument, c.Id, $"{c.Id}: name at least one -User or -Team.");
            }

            var body = new AdvisoryUpdateRequest
            {
                CollaboratingUsers = added.Any(a => !a.IsTeam) ? Union(advisory.CollaboratingUsers, added.Where(a => !a.IsTeam)) : null,
                CollaboratingTeams = added.Any(a => a.IsTeam) ? Union(advisory.CollaboratingTeams, added.Where(a => a.IsTeam)) : null,
            };
            var call = Call(AdvisoryCallKind.Collaborators, c, current, Patch, string.Empty, body,
                $"Give {string.Join(", ", added.Select(Describe))} access to {current.GhsaId} of {c.Id}");
            call.Added = added;
            return call;
        }

        /// <summary>
        /// Sends a planned call, then records its result and a timeline event on the case (re-read, so nothing is lost).
        /// A create, a CVE request and a fork first look for what an earlier run may have done and never recorded (its
        /// answer lost, or the process killed before the case was written): the advisory carrying the case's marker,
        /// a CVE id or a request in the local journal, the advisory's private fork. What is found is adopted, not made
        /// again; every write is put in the journal before it is sent and again with its answer.
        /// </summary>
        public async Task<object> ExecuteAsync(AdvisoryCall call, string actor, CancellationToken token = default)
        {
            object result;
            SecurityAdvisory advisory = null;
            string fork = null;
            string ghsa = call.Kind == AdvisoryCallKind.Create ? null : cases.GetRequired(call.CaseId).Advisory.GhsaId;
            string recovered = null;
            string assignedCve = null;
            DateTimeOffset? requestedAt = null;
            string request = $"{call.Method.Method} /{call.Path}";
            switch (call.Kind)
            {
                case AdvisoryCallKind.Create:
                    advisory = await FindEarlierCreateAsync(call, token).ConfigureAwait(false);
                    if (advisory != null)
                    {
                        recovered = $"Found GitHub advisory {advisory.GhsaId} in {advisory.Repository}, drafted for {call.CaseId} by an earlier run whose answer was lost; not creating a second one.";
                        events.Warning($"{call.CaseId}: {recovered}");
                        journal.Write(new AdvisoryJournalEntry
                        {
                            CaseId = call.CaseId, Kind = AdvisoryJournal.Create, Repository = advisory.Repository, GhsaId = advisory.GhsaId, Marker = CaseMarker(call.CaseId),
                            Request = request, Outcome = AdvisoryJournalEntry.Adopted, SentAt = journal.Get(call.CaseId, AdvisoryJournal.Create)?.SentAt ?? Now, AnsweredAt = Now,
                        });
                    }
                    else
                    {
                        var entry = new AdvisoryJournalEntry
                        {
                            CaseId = call.CaseId, Kind = AdvisoryJournal.Create, Repository = call.Repository.ToString(), Marker = CaseMarker(call.CaseId),
                            Request = request, Outcome = AdvisoryJournalEntry.Sent, SentAt = Now,
                        };
                        journal.Write(entry);
                        advisory = await Api.CreateAsync(call.Repository, (AdvisoryCreateRequest)call.Body, token).ConfigureAwait(false);
                        (entry.GhsaId, entry.Outcome, entry.AnsweredAt) = (advisory.GhsaId, AdvisoryJournalEntry.Answered, Now);
                        journal.Write(entry);
                    }

                    break;
                case AdvisoryCallKind.RequestCve:
                    SecurityAdvisory beforeCve = await Api.GetAsync(call.Repository, ghsa, token).ConfigureAwait(false);
                    AdvisoryJournalEntry earlierCve = journal.Get(call.CaseId, AdvisoryJournal.Cve);
                    bool earlierSent = earlierCve != null && string.Equals(earlierCve.GhsaId, ghsa, StringComparison.OrdinalIgnoreCase);
                    if (!string.IsNullOrEmpty(beforeCve?.CveId))
                    {
                        assignedCve = CveRecord.NormalizeId(beforeCve.CveId) ?? beforeCve.CveId;
                        recovered = $"{ghsa} already has {assignedCve} on GitHub; not requesting a CVE id.";
                        events.Warning($"{call.CaseId}: {recovered}");
                    }
                    else if (earlierSent && !call.Force)
                    {
                        // GitHub's API shows no pending request (cve_id stays null until the id is assigned), so the
                        // journal is the only trace of a request whose run died before the case recorded it.
                        requestedAt = earlierCve.SentAt;
                        recovered = $"A CVE id for {ghsa} was requested by an earlier run at {DateTimeOffsetConverter.Format(earlierCve.SentAt)} ({earlierCve.Outcome} in the local journal, its answer lost); "
                            + "taken as pending, not requested again (GitHub's API does not show a pending request: the advisory's page does; Request-AdvisoryCve -Force asks again).";
                        events.Warning($"{call.CaseId}: {recovered}");
                        earlierCve.Outcome = AdvisoryJournalEntry.Adopted;
                        earlierCve.AnsweredAt = Now;
                        journal.Write(earlierCve);
                    }
                    else
                    {
                        var entry = new AdvisoryJournalEntry
                        {
                            CaseId = call.CaseId, Kind = AdvisoryJournal.Cve, Repository = call.Repository.ToString(), GhsaId = ghsa, Request = request,
                            Outcome = AdvisoryJournalEntry.Sent, SentAt = Now,
                        };
                        journal.Write(entry);
                        bool confirmed = await Api.RequestCveAsync(call.Repository, ghsa, token).ConfigureAwait(false);
                        (entry.Outcome, entry.AnsweredAt) = (confirmed ? AdvisoryJournalEntry.Answered : AdvisoryJournalEntry.Unconfirmed, Now);
                        journal.Write(entry);
                        if (!confirmed)
                        {
                            recovered = $"Requested a CVE id from GitHub for {ghsa}; the answer was lost, so the request is taken as made and not sent again (the advisory's page on GitHub shows it).";
                            events.Warning($"{call.CaseId}: {recovered}");
                        }
                    }

                    break;
                case AdvisoryCallKind.CreateFork:
                    SecurityAdvisory beforeFork = await Api.GetAsync(call.Repository, ghsa, token).ConfigureAwait(false);
                    if (beforeFork?.PrivateFork != null)
                    {
                        fork = beforeFork.PrivateFork;
                        recovered = $"{ghsa} already has the private fork {fork} (an earlier request went through); not requesting another.";
                        events.Warning($"{call.CaseId}: {recovered}");
                        journal.Write(new AdvisoryJournalEntry
                        {
                            CaseId = call.CaseId, Kind = AdvisoryJournal.Fork, Repository = call.Repository.ToString(), GhsaId = ghsa, Request = request,
                            Outcome = AdvisoryJournalEntry.Adopted, SentAt = journal.Get(call.CaseId, AdvisoryJournal.Fork)?.SentAt ?? Now, AnsweredAt = Now, PrivateFork = fork,
                        });
                    }
                    else
                    {
                        var entry = new AdvisoryJournalEntry
                        {
                            CaseId = call.CaseId, Kind = AdvisoryJournal.Fork, Repository = call.Repository.ToString(), GhsaId = ghsa, Request = request,
                            Outcome = AdvisoryJournalEntry.Sent, SentAt = Now,
                        };
                        journal.Write(entry);
                        fork = await Api.CreateForkAsync(call.Repository, ghsa, token).ConfigureAwait(false);
                        (entry.Outcome, entry.AnsweredAt, entry.PrivateFork) = (AdvisoryJournalEntry.Answered, Now, fork);
                        journal.Write(entry);
                    }

                    break;
                default:
                    advisory = await Api.UpdateAsync(call.Repository, ghsa, (AdvisoryUpdateRequest)call.Body, token).ConfigureAwait(false);
                    break;
            }

            DateTimeOffset now = Now;
            VulnerabilityCase c = cases.GetRequired(call.CaseId);
            string what;
            if (call.Kind == AdvisoryCallKind.Create)
            {
                c.Advisory = call.Content;
                c.Advisory.GhsaId = advisory.GhsaId;
                c.Advisory.Repository = advisory.Repository ?? c.Advisory.Repository;
                c.Advisory.HtmlUrl = advisory.HtmlUrl;
                what = recovered ?? $"Drafted GitHub advisory {advisory.GhsaId} in {call.Repository} ({call.Request.Split(' ')[0]} {call.Path}).";
            }
            else if (call.Kind == AdvisoryCallKind.Update)
            {
                string ghsaId = c.Advisory.GhsaId;
                c.Advisory = call.Content;
                c.Advisory.GhsaId = ghsaId;
                what = ((AdvisoryUpdateRequest)call.Body).State == AdvisoryState.Draft
                    ? $"Accepted the private report {ghsaId} as the draft advisory."
                    : $"Updated GitHub advisory {ghsaId} from the case.";
            }
            else if (call.Kind == AdvisoryCallKind.Publish)
            {
                c.Advisory.PublishedAt = now;
                what = $"Published GitHub advisory {ghsa}.";
            }
            else if (call.Kind == AdvisoryCallKind.Close)
            {
                what = $"Closed GitHub advisory {ghsa}.";
            }
            else if (call.Kind == AdvisoryCallKind.Collaborators)
            {
                c.Advisory.Collaborators.AddRange(call.Added);
                what = $"Collaborators on {ghsa}: {string.Join(", ", call.Added.Select(Describe))}.";
            }
            else if (call.Kind == AdvisoryCallKind.RequestCve && assignedCve != null)
            {
                if (!string.Equals(c.CveId, assignedCve, StringComparison.OrdinalIgnoreCase))
                {
                    c = CaseWorkflow.Apply(c, new CaseChange { CveId = assignedCve }, actor, now);
                }

                c.Advisory.CveRequestState = "assigned";
                what = recovered;
            }
            else if (call.Kind == AdvisoryCallKind.RequestCve)
            {
                c.Advisory.CveRequestedAt = requestedAt ?? now;
                c.Advisory.CveRequestState = "pending";
                what = recovered ?? $"Requested a CVE id from GitHub for {ghsa}" + (call.Force ? " again (-Force)." : ".");
            }
            else
            {
                c.Advisory.PrivateFork = fork;
                what = recovered ?? $"Requested the temporary private fork {fork} of {ghsa}.";
            }

            if (advisory != null)
            {
                c.Advisory.State = advisory.State ?? c.Advisory.State;
                c.Advisory.HtmlUrl = advisory.HtmlUrl ?? c.Advisory.HtmlUrl;
                advisory.CaseId = c.Id;
            }

            c.Timeline.Add(Event(now, actor, what));
            if (advisory?.HtmlUrl != null && advisory.HtmlUrl != c.AdvisoryUrl && Uri.TryCreate(advisory.HtmlUrl, UriKind.Absolute, out _))
            {
                c = CaseWorkflow.Apply(c, new CaseChange { AdvisoryUrl = advisory.HtmlUrl }, actor, now);
            }

            cases.Save(c);
            events.Verbose($"{c.Id}: {what}");
            c.Advisory.CaseId = c.Id;
            result = (object)advisory ?? c.Advisory;
            return result;
        }

        /// <summary>
        /// The advisory an earlier run drafted for the case and never recorded on it, or null: the one the journal
        /// names (when it still carries the case's marker), else the one carrying the marker in the repository the
        /// journal says the draft went to and in the call's repository (every state: GitHub's list, all pages).
        /// </summary>
        private async Task<SecurityAdvisory> FindEarlierCreateAsync(AdvisoryCall call, CancellationToken token)
        {
            string marker = CaseMarker(call.CaseId);
            AdvisoryJournalEntry earlier = journal.Get(call.CaseId, AdvisoryJournal.Create);
            var repos = new List<GitHubRepositoryName>();
            if (earlier?.Repository != null && GitHubRepositoryName.IsValid(earlier.Repository))
            {
                repos.Add(GitHubRepositoryName.Parse(earlier.Repository));
            }

            if (!repos.Contains(call.Repository))
            {
                repos.Add(call.Repository);
            }

            if (earlier?.GhsaId != null && repos.Count > 0)
            {
                try
                {
                    SecurityAdvisory known = await Api.GetAsync(repos[0], earlier.GhsaId, token).ConfigureAwait(false);
                    if (known?.Description != null && known.Description.Contains(marker))
                    {
                        return known;
                    }
                }
                catch (SecurityOpsException ex) when (ex.ErrorId == "GitHubNotFound")
                {
                }
            }

            foreach (GitHubRepositoryName repo in repos)
            {
                SecurityAdvisory found = await Api.FindByMarkerAsync(repo, marker, token).ConfigureAwait(false);
                if (found != null)
                {
                    return found;
                }
            }

            if (earlier?.Outcome == AdvisoryJournalEntry.Sent)
            {
                events.Warning($"{call.CaseId}: an earlier run sent its draft to {earlier.Repository} at {DateTimeOffsetConverter.Format(earlier.SentAt)} and never heard back, and GitHub has no advisory marked for the case: drafting it now.");
            }

            return null;
        }

        /// <summary>Waits for the case's private fork to answer, polling with progress, until <paramref name="timeout"/> (then ForkNotReady).</summary>
        public async Task<CaseAdvisory> WaitForForkAsync(string caseId, string actor, TimeSpan timeout, CancellationToken token = default)
        {
            VulnerabilityCase c = cases.GetRequired(caseId);
            CaseAdvisory current = RequireAdvisory(c);
            string fork = current.PrivateFork ?? throw new SecurityOpsException("NoPrivateFork", FailureKind.InvalidOperation, caseId, $"{caseId} has no private fork yet; New-AdvisoryFork creates it.");
            DateTimeOffset start = Now;
            TimeSpan poll = TimeSpan.FromSeconds(Math.Max(0.05, settings.ForkPollSeconds));
            const string Activity = "Waiting for the temporary private fork";
            for (int attempt = 1; ; attempt++)
            {
                token.ThrowIfCancellationRequested();
                if (await Api.RepositoryAnswersAsync(fork, token).ConfigureAwait(false))
                {
                    events.Progress(new ProgressInfo(Activity, fork + " is ready", 100, completed: true));
                    c = cases.GetRequired(caseId);
                    if (c.Advisory.ForkReadyAt == null)
                    {
                        c.Advisory.ForkReadyAt = Now;
                        c.Timeline.Add(Event(Now, actor, $"The private fork {fork} is ready (after {(Now - start).TotalSeconds:0} s, {attempt} poll(s))."));
                        cases.Save(c);
                    }

                    c.Advisory.CaseId = c.Id;
                    return c.Advisory;
                }

                TimeSpan waited = Now - start;
                bool bounded = timeout > TimeSpan.Zero; // zero: as long as GitHub takes (Ctrl+C stops)
                if (bounded && waited >= timeout)
                {
                    events.Progress(new ProgressInfo(Activity, fork + " not ready", 100, completed: true));
                    throw new SecurityOpsException("ForkNotReady", FailureKind.OperationTimeout, fork,
                        $"{caseId}: the private fork {fork} did not answer within {timeout.TotalSeconds:0} s; run New-AdvisoryFork again to keep waiting (it is not created twice).");
                }

                int percent = bounded ? (int)Math.Min(99, waited.TotalSeconds * 100 / Math.Max(1, timeout.TotalSeconds)) : -1;
                events.Progress(new ProgressInfo(Activity, $"{fork}: not ready after {waited.TotalSeconds:0} s (poll {attempt})", percent)
                {
                    SecondsRemaining = bounded ? (int)(timeout - waited).TotalSeconds : -1,
                });
                await delay(poll, token).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The daily runbook's step: every case with a pending CVE request is checked on GitHub, and an assigned id is
        /// put on the case (a "cve" event). Returns the cases that got one. One case failing does not stop the others.
        /// </summary>
        public async Task<IReadOnlyList<VulnerabilityCase>> RefreshPendingCveRequestsAsync(string actor, IEnumerable<string> caseIds = null, CancellationToken token = default)
        {
            var wanted = caseIds == null ? null : new HashSet<string>(caseIds, StringComparer.OrdinalIgnoreCase);
            var updated = new List<VulnerabilityCase>();
            foreach (VulnerabilityCase pending in cases.All().Where(c => c.Advisory?.CvePending == true && (wanted == null || wanted.Contains(c.Id))).ToList())
            {
                try
                {
                    var repo = GitHubRepositoryName.Parse(pending.Advisory.Repository);
                    SecurityAdvisory advisory = await Api.GetAsync(repo, pending.Advisory.GhsaId, token).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(advisory.CveId))
                    {
                        events.Verbose($"{pending.Id}: no CVE id yet for {pending.Advisory.GhsaId} (requested {DateTimeOffsetConverter.Format(pending.Advisory.CveRequestedAt ?? Now)}).");
                        continue;
                    }

                    VulnerabilityCase c = CaseWorkflow.Apply(pending, new CaseChange { CveId = advisory.CveId }, actor, Now);
                    c.Advisory.CveRequestState = "assigned";
                    c.Advisory.State = advisory.State ?? c.Advisory.State;
                    c.Timeline.Add(Event(Now, actor, $"GitHub assigned {c.CveId} to {c.Advisory.GhsaId}."));
                    cases.Save(c);
                    events.Verbose($"{c.Id}: GitHub assigned {c.CveId}.");
                    updated.Add(c);
                }
                catch (SecurityOpsException ex) when (ex.Kind != FailureKind.AuthenticationError)
                {
                    events.Warning($"{pending.Id}: the CVE request could not be checked: {ex.Message}");
                }
            }

            return updated;
        }

        /// <summary>The advisory description from the case: summary, impact, patches, workarounds, references (or the kept description).</summary>
        /// <summary>
        /// The hidden line (an HTML comment GitHub does not render) that ties an advisory to its case, so that a run
        /// finds the advisory an earlier run created even when that run never heard the answer.
        /// </summary>
        public static string CaseMarker(string caseId) => "<!-- securityops-case: " + caseId + " -->";

        /// <summary>The description with the case's marker as its last line (once).</summary>
        public static string WithMarker(string caseId, string description)
        {
            string marker = CaseMarker(caseId);
            string text = (description ?? string.Empty).TrimEnd();
            return text.Contains(marker) ? text + "\n" : text + "\n\n" + marker + "\n";
        }

        public static string Description(VulnerabilityCase c, CaseAdvisory advisory)
        {
            if (!string.IsNullOrWhiteSpace(advisory?.Description))
            {
                return advisory.Description.Trim();
            }

            var text = new StringBuilder();
            text.Append(c.Summary?.Trim()).Append("\n");
            void Section(string title, string body)
            {
                if (!string.IsNullOrWhiteSpace(body))
                {
                    text.Append("\n### ").Append(title).Append("\n").Append(body.Trim()).Append("\n");
                }
            }

            Section("Impact", c.Impact);
            string patched = c.FixedVersions.Count > 0 ? "Fixed in " + string.Join(", ", c.FixedVersions) + "." : c.FixedIn != null ? $"Fixed in {c.FixedIn}." : null;
            Section("Patches", string.Join("\n", new[] { patched, c.Patches }.Where(s => !string.IsNullOrWhiteSpace(s))));
            Section("Workarounds", c.Mitigation);
            Section("References", string.Join("\n", c.FixedBy.Select(l => "- " + l)));
            return text.ToString().TrimEnd() + "\n";
        }

        private static AdvisoryCall Call(AdvisoryCallKind kind, VulnerabilityCase c, CaseAdvisory current, HttpMethod method, string suffix, object body, string action, CaseAdvisory content = null)
        {
            var repo = GitHubRepositoryName.Parse(current.Repository);
            return new AdvisoryCall
            {
                Kind = kind,
                CaseId = c.Id,
                Repository = repo,
                Method = method,
                Path = AdvisoryApi.AdvisoryPath(repo, current.GhsaId) + suffix,
                Body = body,
                Content = content,
                Action = action,
            };
        }

        private static CaseAdvisory RequireAdvisory(VulnerabilityCase c) =>
            c.Advisory?.GhsaId != null ? c.Advisory : throw new SecurityOpsException("AdvisoryNotFound", FailureKind.ObjectNotFound, c.Id,
                $"{c.Id} has no GitHub advisory yet; New-SecurityAdvisory drafts one (or Import-VulnerabilityReport links a private report).");

        /// <summary>The case's advisory fields with the given changes (null: keep; the package defaults to the case's component).</summary>
        private CaseAdvisory Merge(CaseAdvisory target, CaseAdvisory change, VulnerabilityCase c)
        {
            target ??= new CaseAdvisory();
            if (change != null)
            {
                target.Ecosystem = change.Ecosystem ?? target.Ecosystem;
                target.Package = change.Package ?? target.Package;
                target.Description = change.Description ?? target.Description;
                if (change.CweIds.Count > 0)
                {
                    target.CweIds = change.CweIds.Select(NormalizeCwe).Distinct(StringComparer.Ordinal).ToList();
                }

                if (change.VulnerableFunctions.Count > 0)
                {
                    target.VulnerableFunctions = change.VulnerableFunctions.ToList();
                }
            }

            target.Ecosystem ??= settings.Ecosystem ?? "other";
            target.Package ??= c.Component;
            return target;
        }

        private static string NormalizeCwe(string cwe)
        {
            string s = cwe?.Trim().ToUpperInvariant() ?? string.Empty;
            s = Regex.IsMatch(s, @"^\d+$") ? "CWE-" + s : s;
            return Regex.IsMatch(s, @"^CWE-\d+$") ? s : throw new SecurityOpsException("InvalidCweId", FailureKind.InvalidArgument, cwe, $"'{cwe}' is not a CWE id (CWE-NNN).");
        }

        /// <summary>One affected package entry per affected range (a bare version means exactly that version).</summary>
        private static List<VulnerabilityWire> Vulnerabilities(VulnerabilityCase c, CaseAdvisory a)
        {
            string patched = c.FixedVersions.Count > 0 ? string.Join(", ", c.FixedVersions) : null;
            var ranges = c.AffectedVersions.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Select(v => "<>=!".IndexOf(v[0]) >= 0 ? v : "= " + v).ToList();
            if (ranges.Count == 0)
            {
                ranges.Add(null);
            }

            return ranges.Select(r => new VulnerabilityWire
            {
                Package = new PackageWire { Ecosystem = a.Ecosystem, Name = a.Package },
                VulnerableVersionRange = r,
                PatchedVersions = patched,
                VulnerableFunctions = a.VulnerableFunctions.Count == 0 ? null : a.VulnerableFunctions.ToList(),
            }).ToList();
        }

        /// <summary>Credits from the case's list: "login" (finder) or "login:type"; names that are not GitHub logins are left out.</summary>
        private List<CreditWire> Credits(VulnerabilityCase c)
        {
            var credits = new List<CreditWire>();
            foreach (string entry in c.Credits)
            {
                string[] parts = entry.Trim().TrimStart('@').Split(new[] { ':' }, 2);
                string type = parts.Length > 1 ? parts[1].Trim().ToLowerInvariant() : "finder";
                if (Login.IsMatch(parts[0]) && CreditTypes.Contains(type))
                {
                    credits.Add(new CreditWire { Login = parts[0], Type = type });
                }
                else
                {
                    events.Verbose($"{c.Id}: the credit '{entry}' is not a GitHub login[:type]; it is left out of the advisory's credits.");
                }
            }

            return credits.Count == 0 ? null : credits;
        }

        /// <summary>GitHub takes a CVSS 3.x/4.0 vector or a severity, not both.</summary>
        private static (string Severity, string Vector) Severity(VulnerabilityCase c)
        {
            if (c.CvssVector != null && (c.CvssVector.StartsWith("CVSS:3.", StringComparison.Ordinal) || c.CvssVector.StartsWith("CVSS:4.", StringComparison.Ordinal)))
            {
                return (null, c.CvssVector);
            }

            string s = c.Severity?.ToLowerInvariant();
            return (s == "low" || s == "medium" || s == "high" || s == "critical" ? s : null, null);
        }

        private static List<string> Union(IEnumerable<string> existing, IEnumerable<AdvisoryCollaborator> added) =>
            (existing ?? Enumerable.Empty<string>()).Concat(added.Select(a => a.Login)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        private static string Describe(AdvisoryCollaborator a) =>
            (a.IsTeam ? "team " : string.Empty) + a.Login + " (" + (a.Source == "approved" ? "approved by " + a.ApprovedBy : a.Source) + ")";

        private static CaseEvent Event(DateTimeOffset at, string actor, string what) => new CaseEvent { At = at, Actor = actor, Kind = "advisory", What = what };
    }
}
