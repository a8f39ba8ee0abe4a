using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SecurityOps.Model;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// The values of a case that templates may name, under "case". Empty values are left out, so a template that names
    /// one the case lacks fails (TemplateFieldsMissing, naming every one and the command that fills it) before anything
    /// is sent. Every value has a has* flag (hasCveId, hasPatches, hasReproduction...), always present, so a template
    /// guards an optional part with {{#if case.hasCveId}}...{{else}}not yet assigned{{/if}}.
    /// </summary>
    internal static class CaseMessageModel
    {
        public static string FormatTime(DateTimeOffset? t) =>
            t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

        public static Dictionary<string, object> For(VulnerabilityCase c)
        {
            string Join(IEnumerable<string> values)
            {
                var list = (values ?? Enumerable.Empty<string>()).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).ToList();
                return list.Count == 0 ? null : string.Join(", ", list);
            }

            var model = new Dictionary<string, object>
            {
                ["id"] = c.Id,
                ["cveId"] = c.CveId,
                ["summary"] = c.Summary,
                ["component"] = c.Component,
                ["severity"] = c.Severity,
                ["cvssVector"] = c.CvssVector,
                ["cvssScore"] = c.CvssScore?.ToString("0.0", CultureInfo.InvariantCulture),
                ["hasCvssScore"] = c.CvssScore != null,
                ["affectedVersions"] = Join(c.AffectedVersions),
                ["fixedVersions"] = Join(c.FixedVersions),
                ["patches"] = c.Patches,
                ["mitigations"] = c.Mitigation,
                ["impact"] = c.Impact,
                ["reproduction"] = c.Reproduction,
                ["hasReproduction"] = !string.IsNullOrWhiteSpace(c.Reproduction),
                ["credits"] = Join(c.Credits),
                ["hasCredits"] = c.Credits?.Any(x => !string.IsNullOrWhiteSpace(x)) == true,
                ["binariesUrl"] = c.BinariesUrl,
                ["releaseNotesUrl"] = c.ReleaseNotesUrl,
                ["advisoryUrl"] = c.AdvisoryUrl,
                ["hasAdvisory"] = !string.IsNullOrWhiteSpace(c.AdvisoryUrl),
                ["publicDate"] = FormatTime(c.PlannedPublicDate),
                ["publicDateIso"] = c.PlannedPublicDate == null ? null : State.DateTimeOffsetConverter.Format(c.PlannedPublicDate.Value),
                ["revision"] = c.PublicDateRevision == 0 ? null : c.PublicDateRevision.ToString(CultureInfo.InvariantCulture),
            };
            foreach (string key in model.Keys.Where(k => !IsFlag(k)).ToList())
            {
                string flag = "has" + char.ToUpperInvariant(key[0]) + key.Substring(1);
                if (!model.ContainsKey(flag))
                {
                    model[flag] = model[key] is string text ? !string.IsNullOrWhiteSpace(text) : model[key] != null;
                }
            }

            return model;
        }

        private static bool IsFlag(string key) => key.Length > 3 && key.StartsWith("has", StringComparison.Ordinal) && char.IsUpper(key[3]);
    }
}
