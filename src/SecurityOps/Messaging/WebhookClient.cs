using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Messaging
{
    /// <summary>The outcome of posting one payload to one webhook.</summary>
    internal sealed class WebhookPostResult
    {
        public bool Posted { get; set; }

        public int Attempts { get; set; }

        public int? StatusCode { get; set; }

        public string ErrorId { get; set; }

        /// <summary>What went wrong, with the webhook's URL never in it (only the channel's name).</summary>
        public string Error { get; set; }
    }

    /// <summary>
    /// Posts JSON to Slack and Discord incoming webhooks through the module's one HTTP road (<see cref="HttpPipeline"/>:
    /// per-attempt timeout, retries with backoff honouring Retry-After, cancellation). A webhook URL is a secret
    /// (whoever has it can post): it is used for the request and nowhere else: results, verbose text and errors name
    /// the channel only. 429 and 5xx answers, timeouts and dropped connections are retried; other 4xx fail at once.
    /// </summary>
    internal sealed class WebhookClient : IDisposable
    {
        /// <summary>Discord refuses message content longer than this.</summary>
        public const int DiscordLimit = 2000;

        private static readonly Regex AtMassMention = new Regex(@"@(channel|here|everyone)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly HttpPipeline http;
        private readonly int maxAttempts;

        public WebhookClient(int maxAttempts = 4, double retryDelaySeconds = 2, double maxRetryAfterSeconds = 120, int timeoutSeconds = 30, HttpMessageHandler handler = null)
        {
            this.maxAttempts = Math.Max(1, maxAttempts);
            var options = new HttpPipelineOptions
            {
                MaxRetries = this.maxAttempts - 1,
                BaseDelay = TimeSpan.FromSeconds(Math.Max(0, retryDelaySeconds)),
                MaxDelay = TimeSpan.FromSeconds(Math.Max(0, maxRetryAfterSeconds)),
                Timeout = TimeSpan.FromSeconds(Math.Max(1, timeoutSeconds)),
                MaxResponseBytes = 1024 * 1024,
            };
            http = handler == null ? new HttpPipeline(options) : new HttpPipeline(options, handler, disposeHandler: true);
        }

        /// <summary>A client with the attempts, delays and timeout of the announcements: section.</summary>
        public static WebhookClient For(AnnouncementSettings settings)
        {
            settings = settings ?? new AnnouncementSettings();
            return new WebhookClient(settings.MaxAttempts, settings.RetryDelaySeconds, settings.MaxRetryAfterSeconds, settings.TimeoutSeconds);
        }

        /// <summary>Slack's payload: &amp;, &lt; and &gt; escaped (so &lt;!channel&gt; is inert) and @channel/@here/@everyone defused.</summary>
        public static string SlackPayload(string text) =>
            JsonSerializer.Serialize(new Dictionary<string, object> { ["text"] = EscapeSlack(text), ["link_names"] = false });

        public static string EscapeSlack(string text)
        {
            string escaped = (text ?? string.Empty).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
            return AtMassMention.Replace(escaped, m => "@\u200B" + m.Groups[1].Value);
        }

        /// <summary>Discord's payloads: the text split at line boundaries into parts of at most 2,000 characters, no mention parsed.</summary>
        public static List<string> DiscordPayloads(string text)
        {
            var payloads = new List<string>();
            foreach (string part in SplitAtLines(text ?? string.Empty, DiscordLimit))
            {
                payloads.Add(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["content"] = part,
                    ["allowed_mentions"] = new Dictionary<string, object> { ["parse"] = new string[0] },
                }));
            }

            return payloads;
        }

        /// <summary>Splits text into parts of at most <paramref name="limit"/> characters, at line ends; a longer line is cut at spaces (or hard).</summary>
        public static List<string> SplitAtLines(string text, int limit)
        {
            var parts = new List<string>();
            var current = new StringBuilder();
            foreach (string rawLine in text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n'))
            {
                foreach (string line in CutLongLine(rawLine, limit))
                {
                    int needed = (current.Length == 0 ? 0 : 1) + line.Length;
                    if (current.Length + needed > limit)
                    {
                        parts.Add(current.ToString());
                        current.Clear();
                    }

                    if (current.Length > 0)
                    {
                        current.Append('\n');
                    }

                    current.Append(line);
                }
            }

            if (current.Length > 0 || parts.Count == 0)
            {
                parts.Add(current.ToString());
            }

            return parts;
        }

        private static IEnumerable<string> CutLongLine(string line, int limit)
        {
            while (line.Length > limit)
            {
                int cut = line.LastIndexOf(' ', limit - 1, limit);
                cut = cut <= 0 ? limit : cut;
                yield return line.Substring(0, cut);
                line = line.Substring(cut).TrimStart(' ');
            }

            yield return line;
        }

        /// <summary>Posts one JSON payload. <paramref name="channel"/> names the webhook in every message; the URL never appears.</summary>
        public async Task<WebhookPostResult> PostAsync(string url, string channel, string json, IEventSink sink, CancellationToken cancellationToken)
        {
            sink = sink ?? NullEventSink.Instance;
            var result = new WebhookPostResult();
            if (!Uri.TryCreate(url ?? string.Empty, UriKind.Absolute, out Uri uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                result.ErrorId = "WebhookUrlInvalid";
                result.Error = $"The webhook URL of channel '{channel}' is not an http(s) URL.";
                return result;
            }

            HttpFetchRequest request = HttpFetchRequest.Post(url, Encoding.UTF8.GetBytes(json ?? "{}"), "application/json; charset=utf-8");
            request.DisplayName = $"channel '{channel}'";
            request.ThrowOnFailure = false;
            request.Accept = "application/json, text/plain, */*";
            request.Retrying = (attempt, delay, reason) => sink.Verbose($"{channel}: {reason} (attempt {attempt}); retrying in {delay.TotalSeconds:0.###} s.");
            try
            {
                HttpFetchResult answer = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                result.Attempts = answer.Attempts;
                result.StatusCode = answer.StatusCode;
                if (answer.IsSuccess)
                {
                    result.Posted = true;
                    sink.Verbose($"{channel}: posted (HTTP {answer.StatusCode}{(answer.Attempts > 1 ? $", attempt {answer.Attempts}" : string.Empty)}).");
                    return result;
                }

                int code = answer.StatusCode;
                result.ErrorId = code == 429 ? "WebhookRateLimited" : code >= 500 ? "WebhookServerError" : "WebhookRejected";
                result.Error = answer.Failure + (answer.FailureId == "HttpRetryAfterTooLong" ? " (announcements.maxRetryAfterSeconds)" : string.Empty);
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "HttpConnectionFailed" || ex.ErrorId == "HttpTimeout")
            {
                // The pipeline's text names the channel only; the URL and its path are not in it.
                result.Attempts = maxAttempts;
                result.StatusCode = null;
                result.ErrorId = ex.ErrorId == "HttpTimeout" ? "WebhookTimeout" : "WebhookConnectionFailed";
                result.Error = RedactUrl(ex.Message, url);
            }

            return result;
        }

        /// <summary>Removes every occurrence of the secret URL (and its path) from text, for anything that might echo it.</summary>
        public static string RedactUrl(string text, string url)
        {
            if (string.IsNullOrEmpty(text) || string.IsNullOrEmpty(url))
            {
                return text;
            }

            text = text.Replace(url, "[webhook]");
            if (Uri.TryCreate(url, UriKind.Absolute, out Uri uri) && uri.AbsolutePath.Length > 1)
            {
                text = text.Replace(uri.AbsolutePath, "/[redacted]");
            }

            return text;
        }

        public void Dispose() => http.Dispose();
    }
}
