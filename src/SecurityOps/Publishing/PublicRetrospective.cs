using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// The public part of a finished retrospective (Stacklok: the retrospective goes to the public channels). Only
    /// what is public is taken: the case's public fields, the links to the pull requests and the advisory, the process
    /// timeline as milestones met or missed (computed from the case, never its people), and the three sections people
    /// write for it: "What went well", "What did not go well", "Follow-ups". Everything else in the file (the people
    /// involved, the private timeline with its actors, other sections, HTML comments) stays private. Blameless: public
    /// text that names a person of the case (fix team, timeline actors, reporter, collaborators, distributors) or any mail
    /// address is refused, unless that person is credited, or agreed to be named under a policy that names the people
    /// involved (retrospective.namesPeople: Stacklok's "details on everyone involved"), who are then listed with their part.
    /// </summary>
    internal static class PublicRetrospective
    {
        /// <summary>The template the public retrospective is rendered from (state override: templates/public-retrospective.hbs).</summary>
        public const string Template = "public-retrospective";

        public const string WentWell = "What went well";
        public const string DidNotGoWell = "What did not go well";
        public const string FollowUps = "Follow-ups";

        /// <summary>The sections of the file that are published (matched by their "## " heading, case-insensitively).</summary>
        public static readonly string[] PublicSections = { WentWell, DidNotGoWell, FollowUps };

        /// <summary>
        /// Account names a timeline actor often is when nobody gave -Actor ($env:USER of a CI runner or a container): not
        /// people, and words a retrospective uses ("the root cause", "the CI runner"), so they are not looked for.
        /// </summary>
        private static readonly HashSet<string> SystemAccounts = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "unknown", "root", "runner", "admin", "administrator", "user", "ci", "bot", "github-actions", "github-actions[bot]", "securityops",
        };

        private static readonly Regex Comment = new Regex("<!--.*?-->", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        private static readonly Regex Heading = new Regex(@"^(?<level>#{1,6})[ \t]+(?<title>.+?)[ \t]*#*[ \t]*$", RegexOptions.CultureInvariant);
        private static readonly Regex Placeholder = new Regex(@"^\s*(-|\*|- \[ \]|\(fill in\))\s*$", RegexOptions.CultureInvariant);
        private static readonly Regex MailAddress = new Regex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant);

        /// <summary>The public sections' text (HTML comments and empty placeholder lines removed; a level-2 heading ends a section).</summary>
        public static Dictionary<string, string> Sections(string markdown)
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string text = Comment.Replace((markdown ?? string.Empty).Replace("\r\n", "\n"), string.Empty);
            string current = null;
            var lines = new List<string>();
            bool inFence = false;
            void Flush()
            {
                if (current != null)
                {
                    string body = string.Join("\n", lines.Where(l => !Placeholder.IsMatch(l))).Trim('\n', ' ', '\t');
                    if (body.Length > 0)
                    {
                        result[current] = result.TryGetValue(current, out string before) ? before + "\n" + body : body;
                    }
                }

                lines.Clear();
            }

            foreach (string line in text.Split('\n'))
            {
                if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    inFence = !inFence;
                }

                Match h = inFence ? Match.Empty : Heading.Match(line);
                if (h.Success && h.Groups["level"].Length <= 2)
                {
                    Flush();
                    string title = h.Groups["title"].Value.Trim();
                    current = PublicSections.FirstOrDefault(s => string.Equals(s, title, StringComparison.OrdinalIgnoreCase));
                    continue;
                }

                if (current != null)
                {
                    lines.Add(line);
                }
            }

            Flush();
            return result;
        }

        /// <summary>
        /// The people of a case who must not be named in public: everyone but the credited, and, when the policy names
        /// people (<paramref name="namesPeople"/>), those who agreed to be named.
        /// </summary>
        public static List<string> People(VulnerabilityCase c, bool namesPeople = false)
        {
            var credits = new HashSet<string>((c.Credits ?? new List<string>()).Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()), StringComparer.OrdinalIgnoreCase);
            if (namesPeople)
            {
                credits.UnionWith(c.NamingConsent.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()));
            }

            IEnumerable<string> all = (c.FixTeam ?? new List<string>())
                .Concat(c.Timeline.Select(e => e.Actor))
                .Concat(c.Timeline.Select(e => e.Member))
                .Concat(c.Leaks.Select(l => l.MemberId))
                .Concat(c.Notices.Select(n => n.MemberId))
                .Concat((c.Advisory?.Collaborators ?? new List<AdvisoryCollaborator>()).SelectMany(x => new[] { x.Login, x.ApprovedBy, x.AddedBy }))
                .Concat(new[] { c.Reporter });
            return all.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim())
                .Where(p => p.Length >= 2 && !SystemAccounts.Contains(p) && !credits.Contains(p))
                .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(p => p, StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>Each person or mail address the public sections name, as "name (section)"; empty when the text is blameless.</summary>
        public static List<string> NamedPeople(IDictionary<string, string> sections, VulnerabilityCase c, string allowedAddress = null, bool namesPeople = false)
        {
            var found = new List<string>();
            List<string> people = People(c, namesPeople);
            foreach (var section in sections)
            {
                foreach (string person in people)
                {
                    if (Regex.IsMatch(section.Value, @"(?<![\w.-])@?" + Regex.Escape(person) + @"(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
                    {
                        found.Add($"{person} ({section.Key})");
                    }
                }

                foreach (Match m in MailAddress.Matches(section.Value))
                {
                    if (!string.Equals(m.Value, allowedAddress?.Trim(), StringComparison.OrdinalIgnoreCase) &&
                        !people.Any(p => string.Equals(p, m.Value, StringComparison.OrdinalIgnoreCase)))
                    {
                        found.Add($"{m.Value} ({section.Key})");
                    }
                }
            }

            return found.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>The "retrospective" values of the public template.</summary>
        /// <summary>Those who agreed to be named, each with their part in the case ("alice (fix team)"), in consent order.</summary>
        public static List<string> NamedWithConsent(VulnerabilityCase c)
        {
            var list = new List<string>();
            foreach (string person in c.NamingConsent.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()))
            {
                var parts = new List<string>();
                if (c.FixTeam.Contains(person, StringComparer.OrdinalIgnoreCase))
                {
                    parts.Add("fix team");
                }

                if (string.Equals(c.Reporter, person, StringComparison.OrdinalIgnoreCase) || c.Credits.Contains(person, StringComparer.OrdinalIgnoreCase))
                {
                    parts.Add("reported or credited");
                }

                if ((c.Advisory?.Collaborators ?? new List<AdvisoryCollaborator>()).Any(x => string.Equals(x.Login, person, StringComparison.OrdinalIgnoreCase)))
                {
                    parts.Add("advisory collaborator");
                }

                if (parts.Count == 0 && c.Timeline.Any(e => string.Equals(e.Actor, person, StringComparison.OrdinalIgnoreCase)))
                {
                    parts.Add("security team");
                }

                list.Add(parts.Count == 0 ? person : $"{person} ({string.Join(", ", parts)})");
            }

            return list;
        }

        public static Dictionary<string, object> Model(VulnerabilityCase c, IReadOnlyList<DisclosureMilestone> milestones, IDictionary<string, string> sections, DateTimeOffset now,
            bool namesPeople = false)
        {
            string Section(string name) => sections.TryGetValue(name, out string v) ? v : null;
            string Join(IEnumerable<string> values)
            {
                var list = (values ?? Enumerable.Empty<string>()).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList();
                return list.Count == 0 ? null : string.Join(", ", list);
            }

            var steps = new List<object>();
            int met = 0, missed = 0;
            foreach (DisclosureMilestone m in milestones.Where(m => m.State != MilestoneState.NotApplicable))
            {
                if (m.State == MilestoneState.Met)
                {
                    met++;
                }
                else if (m.State == MilestoneState.MetLate || m.State == MilestoneState.Overdue)
                {
                    missed++;
                }

                steps.Add(new Dictionary<string, object>
                {
                    ["title"] = m.Title,
                    ["due"] = CaseMessageModel.FormatTime(m.DueAt) ?? "-",
                    ["done"] = CaseMessageModel.FormatTime(m.MetAt) ?? "not done",
                    ["result"] = RetrospectiveBuilder.Result(m, now),
                });
            }

            return new Dictionary<string, object>
            {
                ["name"] = c.CveId ?? c.Summary ?? c.Id,
                ["reported"] = CaseMessageModel.FormatTime(c.ReceivedAt),
                ["released"] = CaseMessageModel.FormatTime(c.FirstReached(CaseStatus.Released, CaseStatus.Disclosed)),
                ["hasReleased"] = c.FirstReached(CaseStatus.Released, CaseStatus.Disclosed) != null,
                ["milestones"] = steps,
                ["hasMilestones"] = steps.Count > 0,
                ["met"] = met.ToString(CultureInfo.InvariantCulture),
                ["missed"] = missed.ToString(CultureInfo.InvariantCulture),
                ["introducedBy"] = Join(c.IntroducedBy),
                ["hasIntroducedBy"] = c.IntroducedBy.Any(x => !string.IsNullOrWhiteSpace(x)),
                ["fixedBy"] = Join(c.FixedBy),
                ["hasFixedBy"] = c.FixedBy.Any(x => !string.IsNullOrWhiteSpace(x)),
                ["wentWell"] = Section(WentWell),
                ["hasWentWell"] = Section(WentWell) != null,
                ["didNotGoWell"] = Section(DidNotGoWell),
                ["hasDidNotGoWell"] = Section(DidNotGoWell) != null,
                ["followUps"] = Section(FollowUps),
                ["hasFollowUps"] = Section(FollowUps) != null,
                ["people"] = namesPeople ? Join(NamedWithConsent(c)) : null,
                ["hasPeople"] = namesPeople && c.NamingConsent.Any(x => !string.IsNullOrWhiteSpace(x)),
            };
        }
    }
}
