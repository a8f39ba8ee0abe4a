using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>A release tag read as SemVer: [v]MAJOR.MINOR.PATCH[-pre][+build].</summary>
    internal sealed class ReleaseTag
    {
        private static readonly Regex Pattern = new Regex(
            @"^(?<prefix>v?)(?<major>0|[1-9]\d*)\.(?<minor>0|[1-9]\d*)\.(?<patch>0|[1-9]\d*)(?:-(?<pre>[0-9A-Za-z.-]+))?(?:\+(?<build>[0-9A-Za-z.-]+))?$",
            RegexOptions.CultureInvariant);

        public string Tag { get; private set; }

        public string Prefix { get; private set; }

        public int Major { get; private set; }

        public int Minor { get; private set; }

        public int Patch { get; private set; }

        public string PreRelease { get; private set; }

        public bool IsPreRelease => !string.IsNullOrEmpty(PreRelease);

        public static ReleaseTag Parse(string tag)
        {
            var m = Pattern.Match(tag?.Trim() ?? string.Empty);
            if (!m.Success || !int.TryParse(m.Groups["major"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int major) ||
                !int.TryParse(m.Groups["minor"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int minor) ||
                !int.TryParse(m.Groups["patch"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int patch))
            {
                return null;
            }

            return new ReleaseTag
            {
                Tag = tag.Trim(),
                Prefix = m.Groups["prefix"].Value,
                Major = major,
                Minor = minor,
                Patch = patch,
                PreRelease = m.Groups["pre"].Success ? m.Groups["pre"].Value : null,
            };
        }
    }

    /// <summary>
    /// Which release lines get a fix, from the release tags and the policy's supportedVersions rule (latest: the
    /// newest line; latest-minors N: the newest N MAJOR.MINOR lines), each with the version the fix ships as.
    /// Pre-releases are skipped; tags that are not versions are reported through the sink and skipped.
    /// </summary>
    internal static class BackportPlanner
    {
        public static List<BackportTarget> Plan(IEnumerable<string> tags, DisclosurePolicy policy, IEventSink sink)
        {
            var releases = new List<ReleaseTag>();
            foreach (string tag in tags.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal))
            {
                ReleaseTag parsed = ReleaseTag.Parse(tag);
                if (parsed == null)
                {
                    sink.Warning($"Tag '{tag}' is not a release version ([v]MAJOR.MINOR.PATCH); skipped.");
                }
                else if (parsed.IsPreRelease)
                {
                    sink.Verbose($"Tag '{tag}' is a pre-release; skipped.");
                }
                else
                {
                    releases.Add(parsed);
                }
            }

            var rule = policy.SupportedVersions;
            if (rule == null)
            {
                sink.Warning($"The {policy.Name} policy names no supported versions (supportedVersions); only the newest release line is shown.");
                rule = new SupportedVersionsRule { Policy = "latest", Count = 1 };
            }

            int lines = rule.Policy == "latest-minors" ? rule.Count : 1;
            var newestPerLine = releases
                .GroupBy(t => (t.Major, t.Minor))
                .Select(g => g.OrderByDescending(t => t.Patch).ThenBy(t => t.Prefix, StringComparer.Ordinal).First())
                .OrderByDescending(t => t.Major).ThenByDescending(t => t.Minor)
                .Take(lines)
                .ToList();
            sink.Verbose($"{releases.Count} release tag(s) in {releases.Select(t => (t.Major, t.Minor)).Distinct().Count()} line(s); the {policy.Name} policy supports {(rule.Policy == "latest-minors" ? $"the newest {rule.Count} minor line(s)" : "the newest line only")}.");

            return newestPerLine.Select((t, i) => new BackportTarget
            {
                Line = $"{t.Prefix}{t.Major}.{t.Minor}",
                LatestRelease = t.Tag,
                NextPatch = $"{t.Prefix}{t.Major}.{t.Minor}.{t.Patch + 1}",
                Rank = i + 1,
                Policy = policy.Name,
            }).ToList();
        }

        /// <summary>The tags of a local git clone.</summary>
        public static IReadOnlyList<string> TagsOf(string path)
        {
            var git = new GitRepository(path);
            if (!System.IO.Directory.Exists(path) || !git.IsRepository)
            {
                throw new SecurityOpsException("NotAGitRepository", FailureKind.ObjectNotFound, path, $"{path} is not a git clone; pass -Path to a clone, or the tags with -Tag.");
            }

            return git.Run(new[] { "tag", "--list" }).Output
                .Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(t => t.Trim())
                .ToList();
        }
    }
}
