using System;
using System.Threading;
using System.Threading.Tasks;

namespace SecurityOps.GitHub
{
    /// <summary>How a <see cref="GitHubGateway"/> talks to GitHub. Every member has a sensible default.</summary>
    internal sealed class GitHubGatewayOptions
    {
        public static readonly Uri DefaultApiUrl = new Uri("https://api.github.com/");

        /// <summary>
        /// The REST API root, used exactly as given (a trailing slash is added): https://api.github.com/ (default),
        /// https://HOST/api/v3/ for GitHub Enterprise Server, or a test server's root. Unlike
        /// <c>new GitHubClient(..., uri)</c>, no /api/v3/ is appended.
        /// </summary>
        public Uri ApiUrl { get; set; } = DefaultApiUrl;

        public GitHubToken Token { get; set; }

        /// <summary>Where waits, retries and progress are reported.</summary>
        public IEventSink Events { get; set; } = NullEventSink.Instance;

        /// <summary>The clock; null means <see cref="ModuleContext.Time"/>.</summary>
        public TimeProvider Clock { get; set; }

        /// <summary>How to wait; null means Task.Delay. Tests pass one that moves a fake clock instead of sleeping.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; }

        public int WritesPerMinute { get; set; } = 80;

        public int WritesPerHour { get; set; } = 500;

        /// <summary>The write pacer; null means the one shared per API address in this process.</summary>
        public WritePacer Pacer { get; set; }

        /// <summary>Attempts per request (first try included) for 5xx, dropped connections and rate limits.</summary>
        public int MaxAttempts { get; set; } = 5;

        /// <summary>The first backoff after a 5xx or a connection fault; it doubles each time.</summary>
        public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The longest single rate-limit wait before the request fails with GitHubRateLimited.</summary>
        public TimeSpan MaxWait { get; set; } = TimeSpan.FromHours(1);

        /// <summary>How long one request may take.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>The User-Agent product version.</summary>
        public string UserAgentVersion { get; set; } = typeof(GitHubGatewayOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        /// <summary>The options the github: section of the config asks for (pacing, attempts, longest wait), for a run.</summary>
        public static GitHubGatewayOptions From(Model.GitHubSettings settings, Uri apiUrl, GitHubToken token, IEventSink events)
        {
            settings = settings ?? new Model.GitHubSettings();
            return new GitHubGatewayOptions
            {
                ApiUrl = apiUrl ?? ParseApiUrl(settings.ApiUrl),
                Token = token,
                Events = events ?? NullEventSink.Instance,
                WritesPerMinute = settings.WritesPerMinute,
                WritesPerHour = settings.WritesPerHour,
                MaxAttempts = Math.Max(1, settings.MaxAttempts),
                MaxWait = TimeSpan.FromSeconds(Math.Max(0, settings.MaxWaitSeconds)),
            };
        }

        /// <summary>Normalizes an -ApiUrl value: absolute http(s), with a trailing slash. A bad value is InvalidApiUrl.</summary>
        public static Uri ParseApiUrl(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return DefaultApiUrl;
            }

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out Uri uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new SecurityOpsException("InvalidApiUrl", FailureKind.InvalidArgument, Redact.Urls(text),
                    $"'{Redact.Urls(text)}' is not a GitHub API address (expected https://api.github.com/ or https://HOST/api/v3/, without credentials).");
            }

            string s = uri.GetLeftPart(UriPartial.Path);
            return new Uri(s.EndsWith("/", StringComparison.Ordinal) ? s : s + "/");
        }
    }
}
