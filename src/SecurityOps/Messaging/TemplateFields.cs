using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// What a template's values are and how each one is filled: the one error (TemplateFieldsMissing) that names every
    /// value a message lacks, each with the exact command (or the state file) that gives it one.
    /// </summary>
    internal static class TemplateFields
    {
        public const string ErrorId = "TemplateFieldsMissing";

        /// <summary>The case values a team fills with Set-VulnerabilityReport: the value's name, then the parameter and an example.</summary>
        private static readonly Dictionary<string, (string Label, string Fill)> CaseFields = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            ["cveId"] = ("the CVE id", "-CveId 'CVE-YYYY-NNNN'"),
            ["cvssVector"] = ("the CVSS vector", "-CvssVector 'CVSS:3.1/...'"),
            ["cvssScore"] = ("the CVSS score (from the vector)", "-CvssVector 'CVSS:3.1/...'"),
            ["severity"] = ("the severity", "-Severity <CRITICAL|HIGH|MEDIUM|LOW|NONE>"),
            ["affectedVersions"] = ("the affected versions", "-AffectedVersion '...'"),
            ["fixedVersions"] = ("the fixed versions", "-FixedVersion '...'"),
            ["patches"] = ("the patches (or where to get them)", "-Patches '...'"),
            ["mitigations"] = ("the mitigations", "-Mitigation '...'"),
            ["impact"] = ("the impact", "-Impact '...'"),
            ["reproduction"] = ("the reproduction steps", "-Reproduction '...'"),
            ["credits"] = ("the credits", "-Credit '...'"),
            ["binariesUrl"] = ("where the fixed binaries are", "-BinariesUrl 'https://...'"),
            ["releaseNotesUrl"] = ("the release notes' link", "-ReleaseNotesUrl 'https://...'"),
            ["advisoryUrl"] = ("the advisory's link", "-AdvisoryUrl 'https://...'"),
            ["publicDate"] = ("the planned public date", "-PlannedPublicDate 'YYYY-MM-DDTHH:MM:SSZ'"),
            ["publicDateIso"] = ("the planned public date", "-PlannedPublicDate 'YYYY-MM-DDTHH:MM:SSZ'"),
            ["revision"] = ("the public date's revision (set with the date)", "-PlannedPublicDate 'YYYY-MM-DDTHH:MM:SSZ'"),
        };

        /// <summary>Values from the configuration (securityops.yaml).</summary>
        private static readonly Dictionary<string, string> ConfigFields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["project.name"] = "project: name: in securityops.yaml",
            ["project.securityContact"] = "project: securityContact: in securityops.yaml",
            ["team.name"] = "messaging: teamName: in securityops.yaml",
            ["team.from"] = "messaging: from: in securityops.yaml",
        };

        /// <summary>The name of the value for a path such as case.fixedVersions (or the path itself).</summary>
        public static string Label(string path)
        {
            string field = CaseField(path);
            return field != null && CaseFields.TryGetValue(field, out var known) ? known.Label : path;
        }

        /// <summary>How the value at <paramref name="path"/> is filled, for the case or member the model is about.</summary>
        public static string HowToFill(string path, IDictionary<string, object> model, string templateSource)
        {
            string caseId = Value(model, "case", "id");
            string field = CaseField(path);
            if (field != null)
            {
                string id = caseId ?? "<case id>";
                if (CaseFields.TryGetValue(field, out var known))
                {
                    return $"Set-VulnerabilityReport {id} {known.Fill}";
                }

                if (field == "summary" || field == "component")
                {
                    return $"the {field} is given when the case is created (New-VulnerabilityReport -{(field == "summary" ? "Summary" : "Component")}); set {field}: in cases/{id}.yaml";
                }

                return $"the case has no '{field}': take it out of {templateSource}";
            }

            if (ConfigFields.TryGetValue(path, out string config))
            {
                return config;
            }

            if (path.StartsWith("member.", StringComparison.Ordinal))
            {
                string member = Value(model, "member", "id");
                return $"the member record {(member == null ? string.Empty : member + " ")}in distributors.yaml has no '{path.Substring("member.".Length)}' (Get-DistributorMember shows it); or take it out of {templateSource}";
            }

            return $"this message has no value '{path}': take it out of {templateSource}";
        }

        /// <summary>
        /// The one error for a template that names values the message lacks: every missing value, each with how to fill
        /// it. The target is the case when the message is about one, else the template.
        /// </summary>
        public static SecurityOpsException Missing(string name, string source, IList<string> paths, IDictionary<string, object> model)
        {
            string caseId = Value(model, "case", "id");
            string about = caseId != null ? caseId + ": " : string.Empty;
            var lines = paths.Select(p => $"  - {p} ({Label(p)}): {HowToFill(p, model, source)}");
            return new SecurityOpsException(ErrorId, FailureKind.InvalidData, (object)caseId ?? source,
                $"{about}the {name} message (template {source}) needs {paths.Count} value(s) that {(caseId != null ? "the case does" : "it does")} not have: {string.Join(", ", paths)}. Nothing was sent. Fill each, then run again:\n" +
                string.Join("\n", lines));
        }

        private static string CaseField(string path) =>
            path != null && path.StartsWith("case.", StringComparison.Ordinal) && path.IndexOf('.', 5) < 0 ? path.Substring(5) : null;

        private static string Value(IDictionary<string, object> model, string section, string key) =>
            model != null && model.TryGetValue(section, out object s) && s is IDictionary<string, object> map && map.TryGetValue(key, out object v) && v is string text && !string.IsNullOrWhiteSpace(text)
                ? text
                : null;
    }
}
