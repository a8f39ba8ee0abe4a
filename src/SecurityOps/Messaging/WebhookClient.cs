using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace SecurityOps.Messaging
{
    /// <summary>The outcome of posting one payload to one webhook.</summary>
    public sealed class WebhookPostResult
    {
        public bool Posted { get; set; }

        public int Attempts { get; set; }

        public int? StatusCode { get; set; }

        public string ErrorId { get; set; }

        /// <summary>What went wrong, with the webhook's URL never in it (only the channel's name).</summary>
        public string Error { get; set; }
    }

    /// <summary>
    /// Posts JSON to Slack and Discord incoming webhooks. A webhook URL is a secret (whoever has it can post): it is
    /// used for the request and nowhere else: results, verbose text and errors name the channel only. 429 and 5xx
    /// answers and dropped connections are retried, honouring Retry-After (seconds or an HTTP date); other 4xx fail.
    /// (A small client of its own until the module's Net/ pipeline exists; then this should go through it.)
    /// </summary>
    public sealed class WebhookClient : IDisposable
    {
        /// <summary>Discord refuses message content longer than this.</summary>
        public const int DiscordLimit = 2000;

        private static readonly Regex SlackMassMention = new Regex(@"<!(channel|here|everyone)(\|[^>]*)?>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex AtMassMention = new Regex(@"@(channel|here|everyone)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly HttpClient http;
        private readonly int maxAttempts;
        private readonly TimeSpan retryDelay;
        private readonly TimeSpan maxRetryAfter;

        public WebhookClient(int maxAttempts = 4, double retryDelaySeconds = 2, double maxRetryAfterSeconds = 120, int timeoutSeconds = 30, HttpMessageHandler handler = null)
        {
            http = handler == null ? new HttpClient() : new HttpClient(handler);
            http.Timeout = TimeSpan.FromSeconds(Math.Max(1, timeoutSeconds));
            this.maxAttempts = Math.Max(1, maxAttempts);
            retryDelay = TimeSpan.FromSeconds(Math.Max(0, retryDelaySeconds));
            maxRetryAfter = TimeSpan.FromSeconds(Math.Max(0, maxRetryAfterSeconds));
        }

        /// <summary>Waits between attempts; tests may replace it to observe the delays.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (d, ct) => d <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(d, ct);

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

            for (int attempt = 1; attempt <= maxAttempts; attempt++)
            {
                result.Attempts = attempt;
                TimeSpan? wait = null;
                try
                {
                    using var content = new StringContent(json, Encoding.UTF8, "application/json");
                    using HttpResponseMessage response = await http.PostAsync(uri, content, cancellationToken).ConfigureAwait(false);
                    int code = (int)response.StatusCode;
                    result.StatusCode = code;
                    if (response.IsSuccessStatusCode)
                    {
                        result.Posted = true;
                        result.ErrorId = null;
                        result.Error = null;
                        sink.Verbose($"{channel}: posted (HTTP {code}{(attempt > 1 ? $", attempt {attempt}" : string.Empty)}).");
                        return result;
                    }

                    bool retryable = code == 429 || code >= 500;
                    result.ErrorId = code == 429 ? "WebhookRateLimited" : code >= 500 ? "WebhookServerError" : "WebhookRejected";
                    result.Error = $"Channel '{channel}' answered HTTP {code} {response.ReasonPhrase}.";
                    if (!retryable)
                    {
                        return result;
                    }

                    wait = RetryAfter(response);
                    if (wait != null && wait > maxRetryAfter)
                    {
                        result.Error += $" Its Retry-After ({wait.Value.TotalSeconds:0} s) is longer than announcements.maxRetryAfterSeconds.";
                        return result;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException || ex is System.IO.IOException)
                {
                    // The exception's text may carry the URL (with its secret path): only its kind is reported.
                    result.StatusCode = null;
                    result.ErrorId = ex is TaskCanceledException ? "WebhookTimeout" : "WebhookConnectionFailed";
                    result.Error = $"Channel '{channel}': {(ex is TaskCanceledException ? "the request timed out" : "the connection failed")} ({ex.GetType().Name}).";
                }

                if (attempt < maxAttempts)
                {
                    TimeSpan delay = wait ?? TimeSpan.FromTicks(retryDelay.Ticks * (1L << Math.Min(attempt - 1, 10)));
                    sink.Verbose($"{channel}: {result.Error} Retrying in {delay.TotalSeconds:0.###} s.");
                    await Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }

            return result;
        }

        /// <summary>Retry-After as seconds or an HTTP date (from the module's clock); null when absent.</summary>
        public static TimeSpan? RetryAfter(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header == null)
            {
                return null;
            }

            if (header.Delta != null)
            {
                return header.Delta;
            }

            if (header.Date != null)
            {
                TimeSpan d = header.Date.Value - ModuleContext.UtcNow;
                return d < TimeSpan.Zero ? TimeSpan.Zero : d;
            }

            return null;
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
