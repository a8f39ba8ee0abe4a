using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.State;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace SecurityOps.Disclosure
{
    /// <summary>One problem in a policy file: the field, where it is and what is wrong.</summary>
    internal sealed class PolicyProblem
    {
        public PolicyProblem(string file, string field, long line, long column, string message)
        {
            File = file;
            Field = field;
            Line = line;
            Column = column;
            Message = message;
        }

        public string File { get; }

        public string Field { get; }

        public long Line { get; }

        public long Column { get; }

        public string Message { get; }

        public override string ToString() =>
            (Line > 0 ? $"{File}:{Line}:{Column}: " : $"{File}: ") + (string.IsNullOrEmpty(Field) ? Message : $"{Field}: {Message}");
    }

    /// <summary>
    /// Reads and checks a disclosure policy: YAML syntax, unknown keys (a typo is an error, not a silently ignored
    /// field), types, and the rules each field must meet. Every problem names the field and its file:line:column.
    /// </summary>
    internal static class PolicyValidator
    {
        public static readonly string[] Milestones = { "acknowledge", "fix-team", "fix", "distributor-notice", "distributor-final-notice", "release", "retrospective" };
        public static readonly string[] RelaxableMilestones = { "fix", "release", "retrospective", "distributor-notice" };
        public static readonly string[] FixVersions = { "next-patch", "next-release", "patch-or-next-release" };
        public static readonly string[] Artifacts = { "release", "os-image" };
        public static readonly string[] SupportPolicies = { "latest", "latest-minors" };

        private static readonly Regex NamePattern = new Regex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant);

        /// <summary>What the module checks for a membership criterion besides its answer (distributors.membershipCriteria[].check).</summary>
        private static readonly string[] CriterionChecks = { "statement", "alias", "vouch", "pgp" };

        /// <summary>Parses and checks policy text; returns the policy (null when it cannot be read) and every problem.</summary>
        public static (DisclosurePolicy Policy, List<PolicyProblem> Problems) Check(string text, string file)
        {
            var problems = new List<PolicyProblem>();
            YamlNode root;
            try
            {
                root = YamlFormat.ParseNode(text, file);
            }
            catch (StateFileException ex)
            {
                problems.Add(new PolicyProblem(file, null, ex.Line, ex.Column, StripLocation(ex)));
                return (null, problems);
            }

            if (!(root is YamlMappingNode map))
            {
                problems.Add(new PolicyProblem(file, null, root?.Start.Line ?? 0, root?.Start.Column ?? 0, "a policy is a YAML mapping (name:, acknowledge:, release: ...)."));
                return (null, problems);
            }

            CheckKeys(map, typeof(DisclosurePolicy), string.Empty, file, problems);

            DisclosurePolicy policy;
            try
            {
                policy = YamlFormat.Deserialize<DisclosurePolicy>(text, file);
            }
            catch (StateFileException ex)
            {
                string field = FieldAtLine(map, string.Empty, ex.Line);
                problems.Add(new PolicyProblem(file, field, ex.Line, ex.Column, "wrong type of value: " + StripLocation(ex)));
                return (null, problems);
            }

            if (policy == null)
            {
                problems.Add(new PolicyProblem(file, null, 0, 0, "the file is empty."));
                return (null, problems);
            }

            var check = new Checker(map, file, problems);
            check.Rules(policy);
            return (policy, problems);
        }

        private static string StripLocation(StateFileException ex)
        {
            string prefix = $"{ex.File}:{ex.Line}:{ex.Column}: ";
            return ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message.Substring(prefix.Length) : ex.Message;
        }

        private static void CheckKeys(YamlMappingNode map, Type type, string prefix, string file, List<PolicyProblem> problems)
        {
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite && p.GetCustomAttribute<YamlIgnoreAttribute>() == null)
                .ToDictionary(p => CamelCase(p.Name), p => p, StringComparer.Ordinal);
            foreach (var entry in map.Children)
            {
                string key = (entry.Key as YamlScalarNode)?.Value ?? string.Empty;
                string path = prefix.Length == 0 ? key : prefix + "." + key;
                if (!properties.TryGetValue(key, out PropertyInfo property))
                {
                    string known = string.Join(", ", properties.Keys.OrderBy(k => k, StringComparer.Ordinal));
                    problems.Add(new PolicyProblem(file, path, entry.Key.Start.Line, entry.Key.Start.Column,
                        $"unknown field (the fields here are: {known})."));
                    continue;
                }

                Type propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (entry.Value is YamlMappingNode child && IsSection(propertyType))
                {
                    CheckKeys(child, propertyType, path, file, problems);
                }
                else if (entry.Value is YamlSequenceNode seq && propertyType.IsGenericType && typeof(IList).IsAssignableFrom(propertyType))
                {
                    Type item = propertyType.GetGenericArguments()[0];
                    for (int i = 0; i < seq.Children.Count; i++)
                    {
                        if (seq.Children[i] is YamlMappingNode itemMap && IsSection(item))
                        {
                            CheckKeys(itemMap, item, $"{path}[{i}]", file, problems);
                        }
                    }
                }
            }
        }

        /// <summary>The dotted paths of every rule field (release.hourUtc, distributors.membershipCriteria): what basis[].field may name.</summary>
        internal static IEnumerable<string> RuleFields(Type type, string prefix)
        {
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.CanWrite && p.GetCustomAttribute<YamlIgnoreAttribute>() == null))
            {
                string name = CamelCase(property.Name);
                if (prefix.Length == 0 && (name == "schemaVersion" || name == "name" || name == "title" || name == "description" ||
                                           name == "sources" || name == "basis" || name == "origin" || name == "isCurrent"))
                {
                    continue;
                }

                string path = prefix.Length == 0 ? name : prefix + "." + name;
                Type t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (IsSection(t))
                {
                    foreach (string inner in RuleFields(t, path))
                    {
                        yield return inner;
                    }
                }
                else
                {
                    yield return path;
                }
            }
        }

        private static bool IsSection(Type t) => t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t);

        internal static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);

        /// <summary>The dotted path of the key whose value starts on a line (for type errors YamlDotNet reports by position).</summary>
        private static string FieldAtLine(YamlNode node, string prefix, long line)
        {
            if (node is YamlMappingNode map)
            {
                foreach (var entry in map.Children)
                {
                    string key = (entry.Key as YamlScalarNode)?.Value;
                    string path = prefix.Length == 0 ? key : prefix + "." + key;
                    string inner = FieldAtLine(entry.Value, path, line);
                    if (inner != null)
                    {
                        return inner;
                    }

                    if (entry.Key.Start.Line == line || (entry.Value is YamlScalarNode && entry.Value.Start.Line == line))
                    {
                        return path;
                    }
                }
            }
            else if (node is YamlSequenceNode seq)
            {
                for (int i = 0; i < seq.Children.Count; i++)
                {
                    string inner = FieldAtLine(seq.Children[i], $"{prefix}[{i}]", line);
                    if (inner != null)
                    {
                        return inner;
                    }

                    if (seq.Children[i].Start.Line == line)
                    {
                        return $"{prefix}[{i}]";
                    }
                }
            }

            return null;
        }

        private sealed class Checker
        {
            private readonly YamlMappingNode root;
            private readonly string file;
            private readonly List<PolicyProblem> problems;

            public Checker(YamlMappingNode root, string file, List<PolicyProblem> problems)
            {
                this.root = root;
                this.file = file;
                this.problems = problems;
            }

            public void Rules(DisclosurePolicy p)
            {
                if (string.IsNullOrWhiteSpace(p.Name))
                {
                    Fail("name", "is required (a short identifier such as my-project).");
                }
                else if (!NamePattern.IsMatch(p.Name))
                {
                    Fail("name", $"'{p.Name}' must be lower-case letters, digits and dashes.");
                }

                if (p.SchemaVersion < 1 || p.SchemaVersion > StateRepository.CurrentSchemaVersion)
                {
                    Fail("schemaVersion", $"{p.SchemaVersion} is not supported (this module reads 1 to {StateRepository.CurrentSchemaVersion}).");
                }

                for (int i = 0; i < p.Sources.Count; i++)
                {
                    if (!Uri.TryCreate(p.Sources[i], UriKind.Absolute, out _))
                    {
                        Fail($"sources[{i}]", $"'{p.Sources[i]}' is not an absolute link.");
                    }
                }

                Hours("acknowledge.withinHours", p.Acknowledge?.WithinHours, min: 1);
                Hours("fixTeam.withinHours", p.FixTeam?.WithinHours, min: 1);
                Range("fix", p.Fix);
                Range("retrospective", p.Retrospective);
                if (p.Retrospective != null && p.Retrospective.Publish && p.Retrospective.MaxDays < 1 && p.Retrospective.MinDays >= 0)
                {
                    Fail("retrospective.publish", "a published retrospective is still held in a window after the release: give retrospective.minDays and maxDays as well.");
                }

                if (p.Distributors != null)
                {
                    Hours("distributors.noticeDaysBeforePublic", p.Distributors.NoticeDaysBeforePublic, min: 0);
                    Hours("distributors.finalNoticeHoursBeforeRelease", p.Distributors.FinalNoticeHoursBeforeRelease, min: 0);
                    if (p.Distributors.List != null && !p.Distributors.List.Contains("@"))
                    {
                        Fail("distributors.list", $"'{p.Distributors.List}' is not a mail address.");
                    }

                    var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    for (int i = 0; i < p.Distributors.MembershipCriteria.Count; i++)
                    {
                        var c = p.Distributors.MembershipCriteria[i];
                        string at = $"distributors.membershipCriteria[{i}]";
                        if (string.IsNullOrWhiteSpace(c?.Id) || !NamePattern.IsMatch(c.Id))
                        {
                            Fail(at + ".id", "is required: lower-case letters, digits and dashes.");
                        }
                        else if (!seen.Add(c.Id))
                        {
                            Fail(at + ".id", $"'{c.Id}' appears twice.");
                        }

                        if (string.IsNullOrWhiteSpace(c?.Text))
                        {
                            Fail(at + ".text", "is required.");
                        }

                        if (c != null && Array.IndexOf(CriterionChecks, c.Check ?? "statement") < 0)
                        {
                            Fail(at + ".check", $"'{c.Check}' is not one of {string.Join(", ", CriterionChecks)}.");
                        }
                    }
                }

                if (p.Release != null)
                {
                    var r = p.Release;
                    if (r.MinDays < 0)
                    {
                        Fail("release.minDays", $"{r.MinDays} must be 0 or more.");
                    }

                    if (r.MaxDays != null && r.MaxDays < 1)
                    {
                        Fail("release.maxDays", $"{r.MaxDays} must be at least 1.");
                    }
                    else if (r.MaxDays != null && r.MinDays != null && r.MaxDays < r.MinDays)
                    {
                        Fail("release.maxDays", $"{r.MaxDays} is less than release.minDays ({r.MinDays}).");
                    }

                    if (r.HourUtc != null && (r.HourUtc < 0 || r.HourUtc > 23))
                    {
                        Fail("release.hourUtc", $"{r.HourUtc} is not an hour (0-23).");
                    }

                    var days = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    for (int i = 0; i < r.Weekdays.Count; i++)
                    {
                        if (!Enum.TryParse(r.Weekdays[i], true, out DayOfWeek _) || int.TryParse(r.Weekdays[i], out _))
                        {
                            Fail($"release.weekdays[{i}]", $"'{r.Weekdays[i]}' is not a day of the week (Monday ... Sunday).");
                        }
                        else if (!days.Add(r.Weekdays[i]))
                        {
                            Fail($"release.weekdays[{i}]", $"'{r.Weekdays[i]}' appears twice.");
                        }
                    }

                    if (r.FixVersion != null)
                    {
                        OneOf("release.fixVersion", r.FixVersion, FixVersions);
                    }

                    if (r.Artifact != null)
                    {
                        OneOf("release.artifact", r.Artifact, Artifacts);
                    }
                }

                if (p.LowSeverity != null)
                {
                    if (p.LowSeverity.CvssBelow <= 0 || p.LowSeverity.CvssBelow > 10)
                    {
                        Fail("lowSeverity.cvssBelow", $"{p.LowSeverity.CvssBelow.ToString(CultureInfo.InvariantCulture)} is not a CVSS score (above 0, at most 10).");
                    }

                    for (int i = 0; i < p.LowSeverity.Relaxes.Count; i++)
                    {
                        OneOf($"lowSeverity.relaxes[{i}]", p.LowSeverity.Relaxes[i], RelaxableMilestones);
                    }
                }

                if (p.PublicDisclosure != null)
                {
                    Hours("publicDisclosure.asapWithinHours", p.PublicDisclosure.AsapWithinHours, min: 0);
                }

                var fields = new HashSet<string>(RuleFields(typeof(DisclosurePolicy), string.Empty), StringComparer.Ordinal);
                for (int i = 0; i < p.Basis.Count; i++)
                {
                    PolicyBasis b = p.Basis[i];
                    if (string.IsNullOrWhiteSpace(b?.Field) || !fields.Contains(b.Field))
                    {
                        Fail($"basis[{i}].field", $"'{b?.Field}' is not a rule of a policy (such as release.hourUtc).");
                    }

                    if (string.IsNullOrWhiteSpace(b?.Says))
                    {
                        Fail($"basis[{i}].says", "is required: the rule in your words.");
                    }
                }

                if (p.SupportedVersions != null)
                {
                    OneOf("supportedVersions.policy", p.SupportedVersions.Policy, SupportPolicies);
                    if (p.SupportedVersions.Count < 1)
                    {
                        Fail("supportedVersions.count", $"{p.SupportedVersions.Count} must be at least 1.");
                    }
                }
            }

            private void Range(string field, DaysRange range)
            {
                if (range == null)
                {
                    return;
                }

                if (range.MinDays < 0)
                {
                    Fail(field + ".minDays", $"{range.MinDays} must be 0 or more.");
                }

                if (range.MaxDays < 1)
                {
                    Fail(field + ".maxDays", $"{range.MaxDays} must be at least 1 (is the field missing?).");
                }
                else if (range.MaxDays < range.MinDays)
                {
                    Fail(field + ".maxDays", $"{range.MaxDays} is less than {field}.minDays ({range.MinDays}).");
                }
            }

            private void Hours(string field, int? value, int min)
            {
                if (value != null && value < min)
                {
                    Fail(field, $"{value} must be at least {min}" + (min > 0 ? " (is the field missing?)." : "."));
                }
            }

            private void OneOf(string field, string value, string[] allowed)
            {
                if (value == null || !allowed.Contains(value, StringComparer.Ordinal))
                {
                    Fail(field, $"'{value}' is not one of: {string.Join(", ", allowed)}.");
                }
            }

            private void Fail(string field, string message)
            {
                YamlNode node = Locate(field);
                problems.Add(new PolicyProblem(file, field, node?.Start.Line ?? 0, node?.Start.Column ?? 0, message));
            }

            /// <summary>The node of a dotted path (release.weekdays[2]); the nearest existing parent when the field is missing.</summary>
            private YamlNode Locate(string field)
            {
                YamlNode node = root;
                foreach (string part in field.Split('.'))
                {
                    var m = Regex.Match(part, @"^(?<key>[^\[]+)(\[(?<i>\d+)\])?$");
                    if (!(node is YamlMappingNode map) || !map.Children.TryGetValue(new YamlScalarNode(m.Groups["key"].Value), out YamlNode next))
                    {
                        return node;
                    }

                    node = next;
                    if (m.Groups["i"].Success && node is YamlSequenceNode seq)
                    {
                        int i = int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture);
                        if (i < seq.Children.Count)
                        {
                            node = seq.Children[i];
                        }
                    }
                }

                return node;
            }
        }
    }
}
