using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>What Set-VulnerabilityReport asks to change; null fields stay as they are.</summary>
    internal sealed class CaseChange
    {
        public string Status { get; set; }

        /// <summary>accepted or rejected (with -Status triaged).</summary>
        public string Resolution { get; set; }

        public string Reason { get; set; }

        public string[] FixTeam { get; set; }

        public string CveId { get; set; }

        public DateTimeOffset? PlannedPublicDate { get; set; }

        public string AdvisoryUrl { get; set; }

        public bool? PubliclyDisclosed { get; set; }

        public string CvssVector { get; set; }

        public string Severity { get; set; }

        /// <summary>The release that fixed the issue: becomes the first of the case's fixed versions.</summary>
        public string FixedIn { get; set; }

        /// <summary>The versions that carry the fix (replaces the list; the first is the fixing release).</summary>
        public string[] FixedVersions { get; set; }

        /// <summary>The affected versions (replaces the list).</summary>
        public string[] AffectedVersions { get; set; }

        /// <summary>The patches, or where distributors get them.</summary>
        public string Patches { get; set; }

        /// <summary>A proof of concept or reproduction steps for the distributors ('' clears it).</summary>
        public string Reproduction { get; set; }

        /// <summary>Where the fixed binaries are (an http(s) link).</summary>
        public string BinariesUrl { get; set; }

        /// <summary>The fixing release's notes (an http(s) link).</summary>
        public string ReleaseNotesUrl { get; set; }

        /// <summary>Links to what introduced the issue (replace the list).</summary>
        public string[] IntroducedBy { get; set; }

        /// <summary>Links to what fixed the issue (replace the list).</summary>
        public string[] FixedBy { get; set; }

        public string Impact { get; set; }

        public string Mitigation { get; set; }

        /// <summary>Who is credited publicly (replaces the list).</summary>
        public string[] Credits { get; set; }

        /// <summary>Who agreed to be named in the public retrospective (replaces the list).</summary>
        public string[] NamingConsent { get; set; }

        /// <summary>The distributors got the second notice before the release.</summary>
        public bool DistributorsReminded { get; set; }

        public string Note { get; set; }

        /// <summary>When it happened (default now): to record an acknowledgement sent earlier.</summary>
        public DateTimeOffset? At { get; set; }
    }

    /// <summary>
    /// The case state machine. received -> acknowledged -> triaged (or rejected) -> fixing -> distributors-notified ->
    /// released / disclosed -> retrospective-done. Every change appends a timeline event; an illegal change throws
    /// InvalidCaseTransition (or a field error) and leaves the case exactly as it was.
    /// </summary>
    internal static class CaseWorkflow
    {
        private static readonly Dictionary<string, string[]> Moves = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            [CaseStatus.Received] = new[] { CaseStatus.Acknowledged, CaseStatus.Rejected },
            [CaseStatus.Acknowledged] = new[] { CaseStatus.Triaged, CaseStatus.Rejected },
            [CaseStatus.Triaged] = new[] { CaseStatus.Fixing },
            [CaseStatus.Fixing] = new[] { CaseStatus.DistributorsNotified, CaseStatus.Released, CaseStatus.Disclosed },
            [CaseStatus.DistributorsNotified] = new[] { CaseStatus.Released, CaseStatus.Disclosed },
            [CaseStatus.Released] = new[] { CaseStatus.Disclosed, CaseStatus.RetrospectiveDone },
            [CaseStatus.Disclosed] = new[] { CaseStatus.RetrospectiveDone },
            [CaseStatus.RetrospectiveDone] = new string[0],
            [CaseStatus.Rejected] = new string[0],
        };

        public static IReadOnlyList<string> NextStatuses(string status) =>
            Moves.TryGetValue(status ?? string.Empty, out var next) ? next : Array.Empty<string>();

        /// <summary>A new case's first event.</summary>
        /// <remarks>It happened when the report was received; when it is entered later, the event says when it was recorded.</remarks>
        public static CaseEvent Created(VulnerabilityCase c, string actor, DateTimeOffset now) => new CaseEvent
        {
            At = c.ReceivedAt <= now ? c.ReceivedAt : now,
            RecordedAt = c.ReceivedAt < now.AddMinutes(-1) ? now : (DateTimeOffset?)null,
            Actor = actor,
            Kind = "created",
            To = CaseStatus.Received,
            What = $"Report received by {c.Channel} at {DateTimeOffsetConverter.Format(c.ReceivedAt)}; handled under the {c.Policy} policy.",
        };

        /// <summary>
        /// Applies a change to a copy of the case and returns the copy with the new events, or throws and changes
        /// nothing. The caller saves the copy.
        /// </summary>
        public static VulnerabilityCase Apply(VulnerabilityCase original, CaseChange change, string actor, DateTimeOffset now)
        {
            VulnerabilityCase c = CaseStore.Clone(original);
            DateTimeOffset at = (change.At ?? now).ToUniversalTime();
            if (at < c.ReceivedAt)
            {
                throw new SecurityOpsException("InvalidEventTime", FailureKind.InvalidArgument, change.At,
                    $"{c.Id}: {DateTimeOffsetConverter.Format(at)} is before the report was received ({DateTimeOffsetConverter.Format(c.ReceivedAt)}).");
            }

            if (at > now)
            {
                throw new SecurityOpsException("InvalidEventTime", FailureKind.InvalidArgument, change.At,
                    $"{c.Id}: {DateTimeOffsetConverter.Format(at)} is in the future; record what happened, when it happened.");
            }

            bool onlyNote = change.Status == null && change.Resolution == null && change.FixTeam == null && change.CveId == null &&
                            change.PlannedPublicDate == null && change.AdvisoryUrl == null && change.PubliclyDisclosed == null &&
                            change.CvssVector == null && change.Severity == null && !change.DistributorsReminded &&
                            !HasPublishingChange(change);
            if (c.Status == CaseStatus.Rejected && !onlyNote)
            {
                throw Illegal(c, change.Status ?? "(any change)",
                    $"{c.Id} was rejected ({c.RejectionReason}); a rejected case is closed and only takes notes.");
            }

            var events = new List<CaseEvent>();
            DateTimeOffset? recorded = at < now.AddMinutes(-1) ? now : (DateTimeOffset?)null; // -At: it happened earlier than it is recorded
            void Add(string kind, string what, string from = null, string to = null) =>
                events.Add(new CaseEvent { At = at, Actor = actor, Kind = kind, What = what, From = from, To = to, RecordedAt = recorded });

            if (change.FixTeam != null)
            {
                var team = change.FixTeam.Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (team.Count == 0)
                {
                    throw new SecurityOpsException("InvalidFixTeam", FailureKind.InvalidArgument, change.FixTeam, $"{c.Id}: the fix team needs at least one member.");
                }

                if (!team.SequenceEqual(c.FixTeam, StringComparer.OrdinalIgnoreCase))
                {
                    c.FixTeam = team;
                    Add("fix-team", "Fix team: " + string.Join(", ", team) + ".");
                }
            }

            if (change.CveId != null)
            {
                string cve = CveIdentifier.Require(change.CveId);
                if (cve != c.CveId)
                {
                    c.CveId = cve;
                    Add("cve", $"CVE id {cve}.");
                }
            }

            if (change.PlannedPublicDate != null)
            {
                DateTimeOffset date = change.PlannedPublicDate.Value.ToUniversalTime();
                if (date <= c.ReceivedAt)
                {
                    throw new SecurityOpsException("InvalidPublicDate", FailureKind.InvalidArgument, change.PlannedPublicDate,
                        $"{c.Id}: the planned public date {DateTimeOffsetConverter.Format(date)} is not after the report ({DateTimeOffsetConverter.Format(c.ReceivedAt)}).");
                }

                if (date != c.PlannedPublicDate)
                {
                    string was = c.PlannedPublicDate == null ? string.Empty : $" (was {DateTimeOffsetConverter.Format(c.PlannedPublicDate.Value)})";
                    c.PlannedPublicDate = date;
                    Add("public-date", $"Planned public date {DateTimeOffsetConverter.Format(date)}{was}.");
                }
            }

            if (change.AdvisoryUrl != null)
            {
                if (!Uri.TryCreate(change.AdvisoryUrl, UriKind.Absolute, out Uri url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                {
                    throw new SecurityOpsException("InvalidAdvisoryUrl", FailureKind.InvalidArgument, change.AdvisoryUrl,
                        $"'{change.AdvisoryUrl}' is not an http(s) link.");
                }

                if (change.AdvisoryUrl != c.AdvisoryUrl)
                {
                    c.AdvisoryUrl = change.AdvisoryUrl;
                    Add("advisory", "Advisory " + change.AdvisoryUrl + ".");
                }
            }

            if (change.PubliclyDisclosed != null && change.PubliclyDisclosed.Value != c.PubliclyDisclosed)
            {
                c.PubliclyDisclosed = change.PubliclyDisclosed.Value;
                c.PubliclyDisclosedAt = c.PubliclyDisclosed ? at : (DateTimeOffset?)null;
                Add("publicly-disclosed", c.PubliclyDisclosed ? "The issue is publicly known." : "Publicly-disclosed flag cleared.");
            }

            if (change.CvssVector != null || change.Severity != null)
            {
                string before = c.Severity;
                ApplySeverity(c, change.CvssVector, change.Severity);
                Add("severity", $"Severity {c.Severity ?? "unknown"}" + (c.CvssScore != null ? $" (CVSS {c.CvssScore.Value.ToString("0.0", CultureInfo.InvariantCulture)})" : string.Empty) +
                    (before != null && before != c.Severity ? $", was {before}." : "."));
            }

            ApplyPublishing(c, change, Add);

            if (change.Resolution != null && change.Status == null)
            {
                change.Status = CaseStatus.Triaged;
            }

            if (change.Status != null)
            {
                string target = change.Status;
                if (target == CaseStatus.Triaged && string.Equals(change.Resolution, "rejected", StringComparison.OrdinalIgnoreCase))
                {
                    target = CaseStatus.Rejected;
                }
                else if (change.Resolution != null && !string.Equals(change.Resolution, "accepted", StringComparison.OrdinalIgnoreCase) &&
                         !string.Equals(change.Resolution, "rejected", StringComparison.OrdinalIgnoreCase))
                {
                    throw new SecurityOpsException("InvalidResolution", FailureKind.InvalidArgument, change.Resolution, $"'{change.Resolution}' is not a resolution (accepted or rejected).");
                }
                else if (change.Resolution != null && target != CaseStatus.Triaged)
                {
                    throw new SecurityOpsException("InvalidResolution", FailureKind.InvalidArgument, change.Resolution, "-Resolution goes with -Status triaged.");
                }

                Move(c, target, change.Reason, Add);
            }

            if (change.DistributorsReminded)
            {
                if (c.Status != CaseStatus.DistributorsNotified)
                {
                    throw Illegal(c, "distributors-reminded",
                        $"{c.Id} is '{c.Status}': the distributors' second notice goes out after the first (status distributors-notified) and before the release.");
                }

                Add("distributors-reminded", "Distributors reminded ahead of the release.");
            }

            if (!string.IsNullOrWhiteSpace(change.Note))
            {
                Add("note", change.Note.Trim());
            }

            c.Timeline.AddRange(events);
            return c;
        }

        /// <summary>
        /// The details notices and announcements are rendered from (versions, patches, reproduction, links): null fields
        /// stay as they are; a change appends one "details" event naming the fields.
        /// </summary>
        private static void ApplyDetails(VulnerabilityCase c, CaseChange change, Action<string, string, string, string> add)
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

            Url(change.BinariesUrl, () => c.BinariesUrl, v => c.BinariesUrl = v, "BinariesUrl");
            Url(change.ReleaseNotesUrl, () => c.ReleaseNotesUrl, v => c.ReleaseNotesUrl = v, "ReleaseNotesUrl");
            List(change.AffectedVersions, c.AffectedVersions, "affected versions");
            List(change.FixedVersions, c.FixedVersions, "fixed versions");
            Text(change.Patches, () => c.Patches, v => c.Patches = v, "patches");
            Text(change.Reproduction, () => c.Reproduction, v => c.Reproduction = v, "reproduction steps");
            if (changed.Count > 0)
            {
                add("details", "Details updated: " + string.Join(", ", changed) + ".", null, null);
            }
        }

        private static bool HasPublishingChange(CaseChange change) =>
            change.FixedIn != null || change.IntroducedBy != null || change.FixedBy != null || change.Impact != null ||
            change.Mitigation != null || change.Credits != null || change.FixedVersions != null || change.AffectedVersions != null ||
            change.Patches != null || change.Reproduction != null || change.BinariesUrl != null || change.ReleaseNotesUrl != null ||
            change.NamingConsent != null;

        /// <summary>The fields release notes, retrospectives and OSV export read: fixed-in release, PR links, impact, mitigation, credits.</summary>
        private static void ApplyPublishing(VulnerabilityCase c, CaseChange change, Action<string, string, string, string> add)
        {
            if (change.FixedIn != null)
            {
                string release = change.FixedIn.Trim();
                if (release.Length == 0 || release.Any(char.IsWhiteSpace))
                {
                    throw new SecurityOpsException("InvalidRelease", FailureKind.InvalidArgument, change.FixedIn,
                        $"{c.Id}: '{change.FixedIn}' is not a release version (one word, such as v0.8.1 or 4152.2.1).");
                }

                if (release != c.FixedIn)
                {
                    c.FixedVersions.Remove(release);
                    c.FixedVersions.Insert(0, release);
                    add("release", $"Fixed in {release}.", null, null);
                }
            }

            ApplyDetails(c, change, add);

            List<string> Links(string[] values, string name)
            {
                var list = values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).ToList();
                foreach (string link in list)
                {
                    if (!Uri.TryCreate(link, UriKind.Absolute, out Uri url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                    {
                        throw new SecurityOpsException("InvalidLink", FailureKind.InvalidArgument, link, $"{c.Id}: {name} '{link}' is not an http(s) link.");
                    }
                }

                return list;
            }

            if (change.IntroducedBy != null)
            {
                var links = Links(change.IntroducedBy, "-IntroducedBy");
                if (!links.SequenceEqual(c.IntroducedBy))
                {
                    c.IntroducedBy = links;
                    add("links", "Introduced by " + (links.Count == 0 ? "(cleared)" : string.Join(", ", links)) + ".", null, null);
                }
            }

            if (change.FixedBy != null)
            {
                var links = Links(change.FixedBy, "-FixedBy");
                if (!links.SequenceEqual(c.FixedBy))
                {
                    c.FixedBy = links;
                    add("links", "Fixed by " + (links.Count == 0 ? "(cleared)" : string.Join(", ", links)) + ".", null, null);
                }
            }

            if (change.Impact != null && change.Impact.Trim() != (c.Impact ?? string.Empty))
            {
                c.Impact = change.Impact.Trim().Length == 0 ? null : change.Impact.Trim();
                add("note", "Impact described.", null, null);
            }

            if (change.Mitigation != null && change.Mitigation.Trim() != (c.Mitigation ?? string.Empty))
            {
                c.Mitigation = change.Mitigation.Trim().Length == 0 ? null : change.Mitigation.Trim();
                add("note", "Mitigation described.", null, null);
            }

            if (change.NamingConsent != null)
            {
                var consent = change.NamingConsent.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (!consent.SequenceEqual(c.NamingConsent, StringComparer.OrdinalIgnoreCase))
                {
                    c.NamingConsent = consent;
                    add("consent", consent.Count == 0 ? "No one agreed to be named in the public retrospective." : "Agreed to be named in the public retrospective: " + string.Join(", ", consent) + ".", null, null);
                }
            }

            if (change.Credits != null)
            {
                var credits = change.Credits.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (!credits.SequenceEqual(c.Credits))
                {
                    c.Credits = credits;
                    add("note", $"Credits: {credits.Count} name(s).", null, null);
                }
            }
        }

        /// <summary>Sets score and severity from a vector and/or an explicit severity (explicit wins).</summary>
        public static void ApplySeverity(VulnerabilityCase c, string vector, string severity)
        {
            string explicitSeverity = null;
            if (severity != null)
            {
                explicitSeverity = CaseSeverity.Normalize(severity) ?? throw new SecurityOpsException("InvalidSeverity", FailureKind.InvalidArgument, severity,
                    $"'{severity}' is not a severity ({string.Join(", ", CaseSeverity.Names)}).");
            }

            if (!string.IsNullOrWhiteSpace(vector))
            {
                var (score, rating, error) = CaseSeverity.Scorer(vector.Trim());
                if (error != null)
                {
                    throw new SecurityOpsException("InvalidCvssVector", FailureKind.InvalidArgument, vector, $"'{vector}' is not a valid CVSS vector: {error}");
                }

                c.CvssVector = vector.Trim();
                c.CvssScore = score;
                c.Severity = explicitSeverity ?? rating ?? c.Severity;
            }
            else if (explicitSeverity != null)
            {
                c.Severity = explicitSeverity;
            }
        }

        private static void Move(VulnerabilityCase c, string target, string reason, Action<string, string, string, string> add)
        {
            if (Array.IndexOf(CaseStatus.All, target) < 0)
            {
                throw new SecurityOpsException("InvalidCaseStatus", FailureKind.InvalidArgument, target,
                    $"'{target}' is not a case status ({string.Join(", ", CaseStatus.All)}).");
            }

            if (target == c.Status)
            {
                throw Illegal(c, target, $"{c.Id} is already '{target}' (since {Since(c, target)}); nothing was changed.");
            }

            var next = NextStatuses(c.Status);
            if (!next.Contains(target))
            {
                string why = c.Status == CaseStatus.RetrospectiveDone
                    ? "the case is closed"
                    : $"from '{c.Status}' it can move to: {string.Join(", ", next)}";
                if ((target == CaseStatus.Released || target == CaseStatus.Disclosed || target == CaseStatus.Fixing) && c.FirstReached(CaseStatus.Triaged) == null)
                {
                    why = "it has not been triaged yet; " + why;
                }

                throw Illegal(c, target, $"{c.Id} is '{c.Status}' and cannot move to '{target}': {why}.");
            }

            if (target == CaseStatus.Rejected)
            {
                if (string.IsNullOrWhiteSpace(reason))
                {
                    throw new SecurityOpsException("RejectionReasonRequired", FailureKind.InvalidArgument, target,
                        $"{c.Id}: rejecting a report needs a reason (-Reason), which the reporter will be told.");
                }

                c.Resolution = "rejected";
                c.RejectionReason = reason.Trim();
            }
            else if (target == CaseStatus.Triaged)
            {
                c.Resolution = "accepted";
            }

            string from = c.Status;
            c.Status = target;
            string what = target == CaseStatus.Rejected ? $"Rejected: {c.RejectionReason}" : $"Status {from} -> {target}.";
            if (target != CaseStatus.Rejected && !string.IsNullOrWhiteSpace(reason))
            {
                what += " " + reason.Trim();
            }

            add("status", what, from, target);
        }

        private static string Since(VulnerabilityCase c, string status)
        {
            DateTimeOffset? at = status == CaseStatus.Received ? c.ReceivedAt : c.FirstReached(status);
            return at == null ? "unknown" : DateTimeOffsetConverter.Format(at.Value);
        }

        private static SecurityOpsException Illegal(VulnerabilityCase c, string target, string message) =>
            new SecurityOpsException("InvalidCaseTransition", FailureKind.InvalidOperation, c.Id + " -> " + target, message);
    }
}
