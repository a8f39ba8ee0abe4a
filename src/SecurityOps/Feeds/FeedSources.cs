using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Feeds.Readers;
using SecurityOps.Model;

namespace SecurityOps.Feeds
{
    /// <summary>The source types, the built-in sources, and the sources in effect for a configuration.</summary>
    internal static class FeedSources
    {
        public static readonly string[] Types = { "gentoo-glsa", "rustsec", "go-vulndb", "oss-security", "rss", "atom", "osv", "github-advisories" };

        /// <summary>The built-in sources: what the module reads when the config says nothing.</summary>
        public static IReadOnlyList<SecuritySource> Defaults() => new[]
        {
            Default("gentoo-glsa", "gentoo-glsa", "https://security.gentoo.org/glsa/feed.rss"),
            Default("rustsec", "rustsec", "https://rustsec.org/feed.xml"),
            Default("go-vulndb", "go-vulndb", "https://vuln.go.dev"),
            Default("oss-security", "oss-security", "https://seclists.org/rss/oss-sec.rss"),
        };

        internal static ISecurityFeedReader ReaderFor(string type)
        {
            switch (type)
            {
                case "gentoo-glsa": return new GentooGlsaReader();
                case "rustsec": return new RustSecReader();
                case "oss-security": return new OssSecurityReader();
                case "rss":
                case "atom": return new SyndicationReader(type);
                case "go-vulndb":
                case "osv": return new OsvReader(type);
                case "github-advisories": return new GitHubAdvisoryReader();
                default:
                    throw new SecurityOpsException("UnknownFeedType", FailureKind.InvalidArgument, type,
                        $"'{type}' is not a feed type; use one of {string.Join(", ", Types)}.");
            }
        }

        /// <summary>
        /// Defaults (unless feeds.useDefaults is false) changed by same-named config entries, then the config's own
        /// sources. A source without a usable type or URL is an InvalidFeedSource error naming it.
        /// </summary>
        public static List<SecuritySource> Resolve(SecurityConfig config)
        {
            var result = new List<SecuritySource>();
            if (config?.Feeds?.UseDefaults != false)
            {
                result.AddRange(Defaults());
            }

            foreach (FeedSourceConfig entry in config?.Sources ?? new List<FeedSourceConfig>())
            {
                if (entry == null)
                {
                    continue;
                }

                if (string.IsNullOrWhiteSpace(entry.Name))
                {
                    throw new SecurityOpsException("InvalidFeedSource", FailureKind.InvalidData, entry.Url ?? entry.Type,
                        "A source in securityops.yaml has no name; every source needs one.");
                }

                SecuritySource known = result.FirstOrDefault(s => string.Equals(s.Name, entry.Name, StringComparison.OrdinalIgnoreCase));
                if (known == null)
                {
                    known = new SecuritySource { Name = entry.Name.Trim(), Origin = "config" };
                    result.Add(known);
                }
                else
                {
                    known.Origin = "default+config";
                }

                known.Type = string.IsNullOrWhiteSpace(entry.Type) ? known.Type : entry.Type.Trim().ToLowerInvariant();
                known.Url = string.IsNullOrWhiteSpace(entry.Url) ? known.Url : entry.Url.Trim();
                known.Enabled = entry.Enabled ?? known.Enabled;
                foreach (var option in entry.Options ?? new Dictionary<string, string>())
                {
                    known.Options[option.Key] = option.Value;
                }
            }

            foreach (SecuritySource source in result)
            {
                Validate(source);
            }

            return result;
        }

        public static void Validate(SecuritySource source)
        {
            if (string.IsNullOrWhiteSpace(source.Type) || !Types.Contains(source.Type))
            {
                throw new SecurityOpsException("InvalidFeedSource", FailureKind.InvalidData, source.Name,
                    $"Source '{source.Name}' has type '{source.Type}'; use one of {string.Join(", ", Types)}.");
            }

            if (string.IsNullOrWhiteSpace(source.Url) && source.Type != "github-advisories")
            {
                throw new SecurityOpsException("InvalidFeedSource", FailureKind.InvalidData, source.Name,
                    $"Source '{source.Name}' has no url.");
            }
        }

        private static SecuritySource Default(string name, string type, string url) =>
            new SecuritySource { Name = name, Type = type, Url = url, Enabled = true, Origin = "default" };
    }
}
