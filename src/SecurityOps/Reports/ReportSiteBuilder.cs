using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using HandlebarsDotNet;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Embargo;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.Rotation;
using SecurityOps.State;

namespace SecurityOps.Reports
{
    /// <summary>One file of the report site, rendered in memory.</summary>
    internal sealed class ReportFile
    {
        /// <summary>The path inside the site ("index.html", "cases/SEC-2026-0001.json").</summary>
        public string RelativePath { get; set; }

        public byte[] Content { get; set; }
    }

    /// <summary>
    /// The report site from the state, rendered with Handlebars templates shipped with the module (HTML-escaped values):
    /// the team's private view (on duty and the weeks ahead, the next meeting, open cases with their SLA clocks and a bar
    /// per milestone, recent CVEs with relevance and issues, reminders, the distributors list's health; a page per
    /// case) or the public page (published advisories only, through the public gate, with an Atom feed). Every page's
    /// data is written as JSON beside it; long lists are paginated so that no page grows past about 1 MB. No
    /// JavaScript; light and dark through CSS.
    /// </summary>
    internal sealed class ReportSiteBuilder
    {
        /// <summary>CVE rows per page of the CVE list: a page stays well under 1 MB.</summary>
        public const int CvesPerPage = 1000;

        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        private readonly SecurityState state;
        private readonly IHandlebars handlebars;
        private readonly HandlebarsTemplate<object, object> layout;
        private readonly IEventSink events;
        private readonly Dictionary<string, HandlebarsTemplate<object, object>> compiled = new Dictionary<string, HandlebarsTemplate<object, object>>(StringComparer.Ordinal);
        private readonly Dictionary<string, DisclosurePolicy> policies = new Dictionary<string, DisclosurePolicy>(StringComparer.Ordinal);

        public ReportSiteBuilder(SecurityState state, IEventSink events = null)
        {
            this.state = state;
            this.events = events ?? NullEventSink.Instance;
            handlebars = Handlebars.Create(new HandlebarsConfiguration { ThrowOnUnresolvedBindingExpression = false });
            layout = Compile("layout.hbs");
        }

        private string Project => state.Config.Project?.Name ?? "Project";

        /// <summary>The team's private view. It holds embargoed detail: a run artifact, never a public page.</summary>
        public IEnumerable<ReportFile> Team(DateTimeOffset now, int recentDays = 14)
        {
            var cases = new CaseStore(state.Files).All().Where(c => !c.IsClosed).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            var database = new CveDatabase(state.Files);
            var recent = database.Query(new CveQuery { Since = now.AddDays(-recentDays) }).Where(r => r.FirstSeen >= now.AddDays(-recentDays)).OrderByDescending(r => r.FirstSeen).ThenBy(r => r.CveId, CveIdComparer.Instance).ToList();
            var issuesByCve = cases.Where(c => c.CveId != null).Select(c => database.Get(c.CveId)).Where(r => r?.Issue?.Url != null)
                .GroupBy(r => r.CveId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Issue, StringComparer.OrdinalIgnoreCase);

            var caseRows = new List<object>();
            int n = 0;
            foreach (VulnerabilityCase c in cases)
            {
                events.Progress(new ProgressInfo("Rendering the team's report", $"case {c.Id}", ++n * 100 / Math.Max(1, cases.Count + 2), 3));
                List<DisclosureMilestone> clocks = TimelineCalculator.Compute(c, Policy(c.Policy), now, TimeSpan.FromHours(state.Config.Disclosure?.DueSoonHours ?? 24));
                var open = clocks.Where(m => m.DueAt != null && (m.State == MilestoneState.Overdue || m.State == MilestoneState.DueSoon || m.State == MilestoneState.Pending)).ToList();
                DisclosureMilestone next = open.Where(m => m.State == MilestoneState.Overdue).OrderBy(m => m.DueAt).FirstOrDefault() ?? open.OrderBy(m => m.DueAt).FirstOrDefault();
                caseRows.Add(new
                {
                    id = c.Id, href = $"cases/{c.Id}.html", summary = c.Summary, status = c.Status, severity = c.Severity ?? "-",
                    next = next?.Title ?? "-", clock = next?.State.ToString(), due = Time(next?.DueAt), publicDate = Time(c.PlannedPublicDate), embargoed = c.IsEmbargoed(now),
                });
                foreach (ReportFile f in Page($"cases/{c.Id}", $"{c.Id}: {c.Summary}", "case.hbs", CaseModel(c, clocks, issuesByCve), "../", "security team"))
                {
                    yield return f;
                }
            }

            RotationSchedule schedule = new RosterStore(state.Files).Load();
            DateTime today = now.UtcDateTime.Date;
            var slots = schedule.WeekNumberOf(today) < 0 ? new List<RotationSlot>() : schedule.Slots(today, 4, now).ToList();
            string meeting = null;
            if (state.Config.Meetings?.First != null)
            {
                meeting = MeetingSchedule.Create(state.Config.Meetings, Project, StateRepository.ConfigFileName).Next(now, 1).Select(m => Time(m.Start)).FirstOrDefault();
            }

            var templates = new TemplateRenderer(state.Files);
            var reminders = new ReminderService(state, templates).Collect(now, TimeSpan.FromHours(state.Config.Disclosure?.DueSoonHours ?? 24), cases);
            var health = state.Files.Exists(DistributorStore.FileName)
                ? new MembershipService(new DistributorStore(state.Files), templates, state.Config).Health(state.Config.Messaging?.KeyExpiryWarningDays ?? 30)
                : new List<DistributorHealthFinding>();
            int pages = Math.Max(1, (recent.Count + CvesPerPage - 1) / CvesPerPage);
            var index = new
            {
                example = slots.Any(s => s.ExampleRoster),
                rotation = slots.Select(s => new { isoWeek = s.IsoWeek, from = s.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), primary = s.Primary, secondary = s.Secondary }).ToList(),
                meeting,
                cases = caseRows,
                caseCount = caseRows.Count,
                reminderCount = reminders.Count,
                days = recentDays,
                cveCount = recent.Count,
                cvesHref = "cves/page-1.html",
                forTriage = recent.Count(r => r.Status == "new" && r.Issue == null && r.RelevanceState != CveRelevance.Affected && r.RelevanceState != CveRelevance.NotAffected),
                reminders = reminders.Select(r => new { category = r.Category, state = r.State, subject = r.Subject, due = Time(r.DueAt), detail = r.Detail }).ToList(),
                health = health.Select(h => new { member = h.MemberId, severity = h.Severity == "error" ? "Overdue" : "DueSoon", detail = h.Detail }).ToList(),
            };
            foreach (ReportFile f in Page("index", "Security team report", "team-index.hbs", index, string.Empty, "security team"))
            {
                yield return f;
            }

            for (int page = 1; page <= pages; page++)
            {
                var rows = recent.Skip((page - 1) * CvesPerPage).Take(CvesPerPage).Select(r => new
                {
                    id = r.CveId, package = r.Package ?? "-", relevance = r.RelevanceState ?? "unknown", status = r.Status ?? "new",
                    issue = r.Issue == null ? "-" : $"{r.Issue.Repository}#{r.Issue.Number}", issueUrl = r.Issue?.Url, seen = Time(r.FirstSeen),
                }).ToList();
                var model = new
                {
                    since = Time(now.AddDays(-recentDays)), page, pages,
                    previous = page > 1 ? $"page-{page - 1}.html" : null, next = page < pages ? $"page-{page + 1}.html" : null, cves = rows,
                };
                foreach (ReportFile f in Page($"cves/page-{page}", $"CVEs of the last {recentDays} days", "cves.hbs", model, "../", "security team"))
                {
                    yield return f;
                }
            }

            yield return Style();
            events.Progress(new ProgressInfo("Rendering the team's report", "done", 100, 3, completed: true));
        }

        /// <summary>The public page: only what the public gate lets out (cases past their public date, released or disclosed).</summary>
        public IEnumerable<ReportFile> Public(DateTimeOffset now, string siteUrl = null)
        {
            var published = new CaseStore(state.Files).All()
                .Where(c => PublicGate.IsPublic(c, now) && (c.Status == CaseStatus.Released || c.Status == CaseStatus.Disclosed || c.Status == CaseStatus.RetrospectiveDone))
                .OrderByDescending(c => c.PlannedPublicDate ?? c.ReceivedAt).ThenBy(c => c.Id, StringComparer.Ordinal)
                .ToList();
            // Each published case's OSV record beside the page (valid against the official schema, or left out with a note).
            var osvSettings = state.Config.Osv ?? new OsvSettings();
            var exporter = new OsvExporter(osvSettings, events);
            var osvFiles = new Dictionary<string, OsvAdvisoryFile>(StringComparer.Ordinal);
            foreach (VulnerabilityCase c in published)
            {
                try
                {
                    osvFiles[c.Id] = exporter.Render(OsvDocumentBuilder.FromCase(c, osvSettings, now));
                }
                catch (SecurityOpsException ex)
                {
                    events.Verbose($"{c.Id}: no OSV file on the public page ({ex.Message})");
                }
            }

            var rows = published.Select(c => new
            {
                id = c.Advisory?.GhsaId ?? c.Id,
                entryId = "urn:securityops:" + Uri.EscapeDataString(Project) + ":" + c.Id,
                cve = c.CveId,
                summary = c.Summary,
                severity = c.Severity ?? "unknown",
                score = c.CvssScore?.ToString("0.0", CultureInfo.InvariantCulture),
                affected = c.AffectedVersions.Count == 0 ? "-" : string.Join(", ", c.AffectedVersions),
                @fixed = c.FixedVersions.Count == 0 ? "-" : string.Join(", ", c.FixedVersions),
                published = Time(c.PlannedPublicDate),
                updatedIso = (c.Timeline.Select(e => (DateTimeOffset?)e.At).Max() ?? c.ReceivedAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                advisoryUrl = c.Advisory?.HtmlUrl ?? c.AdvisoryUrl,
                links = Links(c.Advisory?.HtmlUrl ?? c.AdvisoryUrl, "advisory", c.ReleaseNotesUrl, "release notes", c.BinariesUrl, "fixed release")
                    .Concat(osvFiles.TryGetValue(c.Id, out OsvAdvisoryFile osv) ? new object[] { new { href = "osv/" + osv.Id + ".json", label = "OSV" } } : Array.Empty<object>()).ToList(),
            }).ToList();
            foreach (OsvAdvisoryFile osv in osvFiles.Values)
            {
                yield return new ReportFile { RelativePath = "osv/" + osv.Id + ".json", Content = Encoding.UTF8.GetBytes(osv.Json) };
            }

            var model = new { project = Project, contact = state.Config.Project?.SecurityContact ?? "the project's security contact", advisories = rows };
            foreach (ReportFile f in Page("index", $"{Project} security advisories", "public-index.hbs", model, string.Empty, "security advisories", feed: "feed.atom"))
            {
                yield return f;
            }

            string feed = Compile("feed.hbs")(new
            {
                project = Project,
                feedId = "urn:securityops:" + Uri.EscapeDataString(Project) + ":advisories",
                updated = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                self = (siteUrl?.TrimEnd('/') ?? ".") + "/feed.atom",
                advisories = rows,
            });
            yield return new ReportFile { RelativePath = "feed.atom", Content = Encoding.UTF8.GetBytes(feed) };
            yield return Style();
        }

        private object CaseModel(VulnerabilityCase c, List<DisclosureMilestone> clocks, Dictionary<string, IssueLink> issuesByCve)
        {
            DateTimeOffset start = c.ReceivedAt;
            DateTimeOffset end = clocks.Select(m => m.DueAt ?? m.MetAt).Where(t => t != null).Select(t => t.Value).DefaultIfEmpty(start.AddDays(1)).Max();
            double span = Math.Max(1, (end - start).TotalHours);
            double Pct(DateTimeOffset? t) => t == null ? 0 : Math.Round(Math.Max(0, Math.Min(100, (t.Value - start).TotalHours * 100 / span)), 1);
            var issue = c.CveId != null && issuesByCve.TryGetValue(c.CveId, out IssueLink link) ? link : null;
            return new
            {
                id = c.Id, summary = c.Summary, status = c.Status, severity = c.Severity ?? "-", cve = c.CveId ?? "-",
                publicDate = Time(c.PlannedPublicDate), embargoed = c.IsEmbargoed(ModuleContext.UtcNow), policy = c.Policy,
                links = Links(c.Advisory?.HtmlUrl ?? c.AdvisoryUrl, "advisory " + (c.Advisory?.GhsaId ?? string.Empty), issue?.Url, "issue " + issue?.Repository + "#" + issue?.Number,
                    c.ReleaseNotesUrl, "release notes", c.Advisory?.PrivateFork == null ? null : "https://github.com/" + c.Advisory.PrivateFork, "private fork"),
                clocks = clocks.Select(m =>
                {
                    double from = Pct(m.EarliestAt ?? start);
                    double to = Pct(m.MetAt ?? m.DueAt ?? m.EarliestAt ?? start);
                    return new
                    {
                        title = m.Title, state = m.State.ToString(), due = Time(m.DueAt), met = Time(m.MetAt),
                        late = m.State == MilestoneState.Overdue && m.TimeLeft != null ? $"{Math.Abs(m.TimeLeft.Value.TotalHours):0} h late" : null,
                        start = from.ToString(CultureInfo.InvariantCulture), width = Math.Max(1, to - from).ToString(CultureInfo.InvariantCulture),
                    };
                }).ToList(),
                noticeCount = c.Notices.Count,
                notices = c.Notices.Select(x => new { member = x.MemberId, status = x.Status, at = Time(x.At), revision = x.Revision }).ToList(),
                cveRequest = c.Advisory?.CveRequestState,
                timeline = c.Timeline.OrderBy(e => e.At).Select(e => new { at = Time(e.At), kind = e.Kind, what = e.What }).ToList(),
            };
        }

        private static List<object> Links(params string[] pairs)
        {
            var links = new List<object>();
            for (int i = 0; i + 1 < pairs.Length; i += 2)
            {
                if (Uri.TryCreate(pairs[i], UriKind.Absolute, out Uri u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp))
                {
                    links.Add(new { href = u.AbsoluteUri, label = pairs[i + 1].Trim() });
                }
            }

            return links;
        }

        private IEnumerable<ReportFile> Page(string path, string title, string template, object model, string root, string kind, string feed = null)
        {
            string name = Path.GetFileName(path);
            string body = Compile(template)(model);
            string html = layout(new
            {
                title, project = Project, kind, root, feed, body, json = name + ".json",
                generated = Time(ModuleContext.UtcNow),
                nav = root.Length == 0 && kind == "security team" ? new[] { new { href = "cves/page-1.html", label = "CVEs" } } : Array.Empty<object>(),
            });
            yield return new ReportFile { RelativePath = path + ".html", Content = Encoding.UTF8.GetBytes(html) };
            yield return new ReportFile { RelativePath = path + ".json", Content = JsonSerializer.SerializeToUtf8Bytes(model, Json) };
        }

        private static ReportFile Style() => new ReportFile { RelativePath = "style.css", Content = Encoding.UTF8.GetBytes(EmbeddedResources.ReadText("reports/style.css")) };

        /// <summary>Each template compiled once per builder: compiling is the costly part of rendering.</summary>
        private HandlebarsTemplate<object, object> Compile(string name)
        {
            if (!compiled.TryGetValue(name, out var template))
            {
                compiled[name] = template = handlebars.Compile(EmbeddedResources.ReadText("reports/" + name));
            }

            return template;
        }

        private DisclosurePolicy Policy(string name)
        {
            string key = name ?? string.Empty;
            if (!policies.TryGetValue(key, out DisclosurePolicy policy))
            {
                policies[key] = policy = PolicyCatalog.Resolve(state, name);
            }

            return policy;
        }

        private static string Time(DateTimeOffset? t) => t == null ? "-" : t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
    }
}
