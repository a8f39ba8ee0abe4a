using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>A feed source as it is in effect: a built-in default, a configured one, or a default the config changed.</summary>
    public sealed class SecuritySource
    {
        public string Name { get; set; }

        /// <summary>The reader: gentoo-glsa, rustsec, go-vulndb, oss-security, rss, atom, osv, github-advisories.</summary>
        public string Type { get; set; }

        /// <summary>An http(s) URL, a file:// URL or a path.</summary>
        public string Url { get; set; }

        public bool Enabled { get; set; } = true;

        /// <summary>"default", "config", or "default+config" when the config changed a default.</summary>
        public string Origin { get; set; }

        public Dictionary<string, string> Options { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>When the source was last read successfully (from the state), if ever.</summary>
        public DateTimeOffset? LastChecked { get; set; }

        /// <summary>How many advisory ids the state remembers as seen.</summary>
        public int SeenCount { get; set; }

        public string Option(string key, string fallback = null) =>
            Options != null && Options.TryGetValue(key, out string value) && !string.IsNullOrWhiteSpace(value) ? value : fallback;

        public override string ToString() => $"{Name} ({Type}) {Url}";
    }
}
