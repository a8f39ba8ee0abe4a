using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;

namespace SecurityOps.Embargo
{
    /// <summary>
    /// The case details notices and announcements are rendered from (Set-VulnerabilityReport -FixedVersion, -Patches,
    /// -Mitigations...): null fields stay as they are; a change appends one "details" event naming the fields.
    /// </summary>
    public sealed class CaseDetails
    {
        public string[] AffectedVersions { get; set; }

        public string[] FixedVersions { get; set; }

        public string Patches { get; set; }

        public string Mitigations { get; set; }

        public string Impact { get; set; }

        public string Reproduction { get; set; }

        public string[] Credits { get; set; }

        public string BinariesUrl { get; set; }

        public string ReleaseNotesUrl { get; set; }

        public bool IsEmpty => AffectedVersions == null && FixedVersions == null && Patches == null && Mitigations == null && Impact == null &&
                               Reproduction == null && Credits == null && BinariesUrl == null && ReleaseNotesUrl == null;

        /// <summary>Applies the details to the case in place (the caller works on a copy); returns the event, or null when nothing changed.</summary>
        public CaseEvent ApplyTo(VulnerabilityCase c, string actor, DateTimeOffset at)
        {
            var changed = new List<string>();
            void Text(string value, Func<string> get, Action<string> set, string name)
            {
                if (value == null)
                {
                    return;
                }

                string v = value.Trim();
                if (v != (get() ?? string.Empty))
                {
                    set(v.Length == 0 ? null : v);
                    changed.Add(name);
                }
            }

            void List(string[] values, List<string> target, string name)
            {
                if (values == null)
                {
                    return;
                }

                var v = values.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()).Distinct().ToList();
                if (!v.SequenceEqual(target))
                {
                    target.Clear();
                    target.AddRange(v);
                    changed.Add(name);
                }
            }

            void Url(string value, Func<string> get, Action<string> set, string name)
            {
                if (value != null && value.Trim().Length > 0 &&
                    (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri u) || (u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp)))
                {
                    throw new SecurityOpsException("InvalidUrl", FailureKind.InvalidArgument, value, $"-{name} '{value}' is not an http(s) link.");
                }

                Text(value, get, set, name);
            }

            Url(BinariesUrl, () => c.BinariesUrl, v => c.BinariesUrl = v, "BinariesUrl");
            Url(ReleaseNotesUrl, () => c.ReleaseNotesUrl, v => c.ReleaseNotesUrl = v, "ReleaseNotesUrl");
            List(AffectedVersions, c.AffectedVersions, "affected versions");
            List(FixedVersions, c.FixedVersions, "fixed versions");
            Text(Patches, () => c.Patches, v => c.Patches = v, "patches");
            Text(Mitigations, () => c.Mitigations, v => c.Mitigations = v, "mitigations");
            Text(Impact, () => c.Impact, v => c.Impact = v, "impact");
            Text(Reproduction, () => c.Reproduction, v => c.Reproduction = v, "reproduction steps");
            List(Credits, c.Credits, "credits");
            if (changed.Count == 0)
            {
                return null;
            }

            var e = new CaseEvent { At = at, Actor = actor, Kind = "details", What = "Details updated: " + string.Join(", ", changed) + "." };
            c.Timeline.Add(e);
            return e;
        }
    }
}
