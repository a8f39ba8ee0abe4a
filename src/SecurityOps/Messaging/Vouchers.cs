using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Model;

namespace SecurityOps.Messaging
{
    /// <summary>Who a vouch names: a person of a member, or why no one could be found.</summary>
    internal sealed class VoucherResolution
    {
        public DistributorMember Member { get; set; }

        public MemberPerson Person { get; set; }

        /// <summary>A named person of an active member was found.</summary>
        public bool Resolved => Member != null && Person != null && Member.IsActive;

        /// <summary>Why no person of an active member could be found (null when resolved).</summary>
        public string Problem { get; set; }

        /// <summary>The person and member names the text was read as, for the report.</summary>
        public List<string> Tried { get; } = new List<string>();

        public string Describe() => Person == null ? null : $"{Vouchers.Format(Person)} of {Member.Id} ({Member.Organisation ?? Member.Id})";
    }

    /// <summary>
    /// Vouching on the distributors list (OCI, KubeEdge: "have someone already on the list vouch for the person
    /// requesting membership"): a voucher is a named person of an active member, found by their address, their name
    /// ("Jane Doe"), or their name and their member ("Jane Doe of Example Linux"), in the applicant's words.
    /// </summary>
    internal static class Vouchers
    {
        private static readonly Regex MailAddress = new Regex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant);
        private static readonly Regex NonWord = new Regex(@"[^\p{L}\p{Nd}]+", RegexOptions.CultureInvariant);
        private static readonly Regex NameOfOrg = new Regex(
            @"(?<name>\p{Lu}[\p{L}'’.-]*(?:[ \t]+\p{Lu}[\p{L}'’.-]*){0,3})[ \t]*(?:<[^>\n]*>[ \t]*)?,?[ \t]+(?:of|from|at)[ \t]+(?:the[ \t]+)?[""“]?(?<org>[\p{Lu}\p{Nd}][\w.-]*(?:[ \t]+[\p{Lu}\p{Nd}][\w.-]*){0,4})",
            RegexOptions.CultureInvariant);

        public static string Format(MemberPerson person) =>
            person == null ? null
            : string.IsNullOrWhiteSpace(person.Email) ? person.Name
            : string.IsNullOrWhiteSpace(person.Name) ? "<" + person.Email + ">"
            : person.Name + " <" + person.Email + ">";

        /// <summary>The person and member a vouch's text names, among the members of the list.</summary>
        public static VoucherResolution Resolve(string text, IEnumerable<DistributorMember> members)
        {
            var result = new VoucherResolution();
            var all = members.Where(m => m != null).ToList();
            if (string.IsNullOrWhiteSpace(text))
            {
                result.Problem = "The request names no one who vouches for it: a person of an active member must (their name, their address, or 'Name of Organisation').";
                return result;
            }

            string shown = Shorten(text);
            var emails = MailAddress.Matches(text).Cast<Match>().Select(m => m.Value.TrimEnd('.')).ToList();
            var candidates = new List<(DistributorMember Member, MemberPerson Person, bool ByEmail, string Org)>();
            foreach (DistributorMember member in all)
            {
                foreach (MemberPerson person in member.People ?? new List<MemberPerson>())
                {
                    bool byEmail = !string.IsNullOrWhiteSpace(person.Email) && emails.Any(e => string.Equals(e, person.Email.Trim(), StringComparison.OrdinalIgnoreCase));
                    Match name = NameIn(text, person.Name);
                    if (byEmail || name != null)
                    {
                        candidates.Add((member, person, byEmail, name == null ? null : OrgAfter(text, name)));
                    }
                }
            }

            // An address names one person; a name with "of <organisation>" must agree with the person's member.
            if (candidates.Any(c => c.ByEmail))
            {
                candidates = candidates.Where(c => c.ByEmail).ToList();
            }

            var wrongOrg = candidates.Where(c => !c.ByEmail && c.Org != null && !Names(c.Org, c.Member)).ToList();
            candidates = candidates.Except(wrongOrg).ToList();
            var mentioned = all.Where(m => Mentions(text, m)).ToList();
            if (candidates.Count > 1 && candidates.Any(c => mentioned.Contains(c.Member)))
            {
                candidates = candidates.Where(c => mentioned.Contains(c.Member)).ToList();
            }

            var active = candidates.Where(c => c.Member.IsActive).ToList();
            if (active.Count == 1)
            {
                result.Member = active[0].Member;
                result.Person = active[0].Person;
                return result;
            }

            if (active.Count > 1)
            {
                result.Tried.AddRange(active.Select(c => $"{Format(c.Person)} of {c.Member.Id}"));
                result.Problem = $"'{shown}' names more than one person of an active member ({string.Join("; ", result.Tried)}): write the person's address, or 'Name of Organisation'.";
                return result;
            }

            // Nobody: say what the text was read as, and what is on the list under those names.
            foreach (string e in emails)
            {
                result.Tried.Add($"the address {e}");
            }

            foreach (Match m in NameOfOrg.Matches(text))
            {
                result.Tried.Add($"the person '{m.Groups["name"].Value.Trim()}'");
                result.Tried.Add($"the member '{m.Groups["org"].Value.Trim()}'");
            }

            foreach (DistributorMember m in mentioned)
            {
                result.Tried.Add($"the member {m.Id} ({m.Organisation ?? m.Id})");
            }

            if (result.Tried.Count == 0)
            {
                result.Tried.Add($"the person '{shown}'");
            }

            var notes = new List<string>();
            foreach (var c in candidates.Where(c => !c.Member.IsActive))
            {
                notes.Add($"{Format(c.Person)} is a person of {c.Member.Id}, which is {c.Member.Status}, not active");
            }

            foreach (var c in wrongOrg)
            {
                notes.Add($"{Format(c.Person)} is a person of {c.Member.Id} ({c.Member.Organisation ?? c.Member.Id}), not of '{c.Org}'");
            }

            foreach (DistributorMember m in mentioned.Where(m => !candidates.Any(c => c.Member == m) && !wrongOrg.Any(c => c.Member == m)))
            {
                string theirs = m.People == null || m.People.Count == 0 ? "it has no people on record (people: in distributors.yaml)" : "its people are " + string.Join(", ", m.People.Select(Format));
                notes.Add($"{m.Id} is {(m.IsActive ? "an active member" : m.Status + ", not active")}, but no person of it is named: {theirs}");
            }

            int activeMembers = all.Count(m => m.IsActive);
            int people = all.Where(m => m.IsActive).Sum(m => m.People?.Count ?? 0);
            notes.Add($"no {(notes.Count > 0 ? "other " : string.Empty)}person of an active member has that name or address ({activeMembers} active member(s), {people} person(s) on record)");
            result.Problem = $"No person of an active member is named in '{shown}': tried {string.Join(", ", result.Tried.Distinct())}. "
                + "On the list: " + string.Join("; ", notes) + ". "
                + "A voucher is a person on an active member's record: name them, give their address, or write 'Name of Organisation'.";
            return result;
        }

        /// <summary>The person of <paramref name="member"/> that <paramref name="who"/> names: an address, a name, or "Name &lt;address&gt;".</summary>
        public static bool Is(MemberPerson person, string who)
        {
            if (person == null || string.IsNullOrWhiteSpace(who))
            {
                return false;
            }

            string email = MailAddress.Match(who).Value;
            if (email.Length > 0)
            {
                return string.Equals(email, person.Email?.Trim(), StringComparison.OrdinalIgnoreCase);
            }

            return Key(who).Length > 0 && Key(who) == Key(person.Name);
        }

        /// <summary>The person on <paramref name="member"/>'s record with the name or address recorded for a vouch.</summary>
        public static MemberPerson Find(DistributorMember member, string name, string email) =>
            member?.People?.FirstOrDefault(p => !string.IsNullOrWhiteSpace(email) && string.Equals(p.Email?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? member?.People?.FirstOrDefault(p => !string.IsNullOrWhiteSpace(name) && Key(p.Name) == Key(name));

        /// <summary>A name's letters and digits, lower case: "Jane  Doe", "jane doe" and "JaneDoe" are one name.</summary>
        private static string Key(string name) => NonWord.Replace((name ?? string.Empty).ToLowerInvariant(), string.Empty);

        private static string[] Words(string text) => NonWord.Split((text ?? string.Empty).ToLowerInvariant()).Where(w => w.Length > 0).ToArray();

        /// <summary>Where the person's name stands in the text, whole words, spaces between them optional ("CrashOverride").</summary>
        private static Match NameIn(string text, string name)
        {
            string[] words = Words(name);
            if (words.Length == 0)
            {
                return null;
            }

            var pattern = new Regex(@"(?<![\p{L}\p{Nd}])" + string.Join(@"[^\p{L}\p{Nd}\n]{0,3}", words.Select(Regex.Escape)) + @"(?![\p{L}\p{Nd}])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            Match match = pattern.Match(text);
            return match.Success ? match : null;
        }

        /// <summary>The organisation written after a name ("Jane Doe of Example Linux", "Jane Doe &lt;jane@...&gt; from KubeOS").</summary>
        private static string OrgAfter(string text, Match name)
        {
            var after = new Regex(@"\G[ \t]*(?:<[^>\n]*>[ \t]*)?(?:\([^)\n]*\)[ \t]*)?,?[ \t]*(?:of|from|at)[ \t]+(?:the[ \t]+)?[""“]?(?<org>[^\n,;:()""”]+)",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            Match m = after.Match(text, name.Index + name.Length);
            if (!m.Success)
            {
                return null;
            }

            string[] words = m.Groups["org"].Value.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
            return string.Join(" ", words.Take(6)).TrimEnd('.');
        }

        /// <summary>Whether an organisation as written names the member: its id, organisation or distribution, as words.</summary>
        private static bool Names(string org, DistributorMember member)
        {
            string[] written = Words(org);
            return NamesOf(member).Any(n => n.Length > 0 && (Contains(written, n) || Enumerable.Range(1, written.Length).Any(k => string.Concat(written.Take(k)) == string.Concat(n))));
        }

        private static bool Mentions(string text, DistributorMember member) => NamesOf(member).Any(n => n.Length > 0 && Contains(Words(text), n));

        private static IEnumerable<string[]> NamesOf(DistributorMember member) =>
            new[] { member.Id, member.Organisation, member.Distribution }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(Words);

        private static bool Contains(string[] text, string[] phrase)
        {
            for (int i = 0; i + phrase.Length <= text.Length; i++)
            {
                if (text.Skip(i).Take(phrase.Length).SequenceEqual(phrase))
                {
                    return true;
                }
            }

            return false;
        }

        private static string Shorten(string text)
        {
            string t = Regex.Replace(text.Trim(), @"\s+", " ");
            return t.Length <= 120 ? t : t.Substring(0, 117) + "...";
        }
    }
}
