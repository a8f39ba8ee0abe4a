using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Octokit;
using Octokit.Internal;
using SecurityOps.Net;

namespace SecurityOps.GitHub
{
    /// <summary>
    /// The one road to GitHub: Octokit's connection sends every request through this client, which
    /// - waits until x-ratelimit-reset when the primary limit is spent (before sending, and on a 403/429 that says so),
    /// - honours secondary limits (403/429 with Retry-After; without it, one minute as GitHub asks) and sends again,
    /// - paces writes (anything but GET/HEAD) through the <see cref="WritePacer"/>,
    /// - retries 5xx and connection faults with exponential backoff for idempotent methods (GET, HEAD, PUT, PATCH,
    ///   DELETE: PATCH here only ever sets fields to values, so repeating it is harmless),
    /// - never repeats a POST whose answer was lost (5xx or dropped connection): it throws
    ///   <see cref="GitHubWriteOutcomeUnknownException"/> so the caller can list before re-sending.
    /// Rate-limited requests were refused by GitHub, so re-sending those is safe for every method.
    /// </summary>
    internal sealed class GovernedHttpClient : IHttpClient
    {
        private readonly IHttpClient inner;
        private readonly GitHubGatewayOptions options;
        private readonly GitHubStatistics statistics;
        private readonly WritePacer pacer;
        private readonly object rateGate = new object();
        private int? remaining;
        private DateTimeOffset? resetAt;

        public GovernedHttpClient(IHttpClient inner, GitHubGatewayOptions options, GitHubStatistics statistics)
        {
            this.inner = inner;
            this.options = options;
            this.statistics = statistics;
            pacer = options.Pacer ?? WritePacer.For(options.ApiUrl, options.WritesPerMinute, options.WritesPerHour);
        }

        private TimeProvider Clock => options.Clock ?? ModuleContext.Time;

        private IEventSink Events => options.Events ?? NullEventSink.Instance;

        public async Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object> preprocessResponseBody = null)
        {
            bool isWrite = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;
            bool idempotent = request.Method != HttpMethod.Post;
            string what = $"{request.Method} {request.Endpoint}";
            int attempt = 0;
            while (true)
            {
                attempt++;
                await WaitForPrimaryLimitAsync(cancellationToken).ConfigureAwait(false);
                if (isWrite)
                {
                    TimeSpan pace = pacer.Reserve(Clock.GetUtcNow());
                    if (pace > TimeSpan.Zero)
                    {
                        await WaitAsync(pace, $"pacing writes (at most {pacer.PerMinute} a minute and {pacer.PerHour} an hour)", cancellationToken).ConfigureAwait(false);
                    }
                }

                IResponse response;
                try
                {
                    statistics.CountRequest(isWrite);
                    response = await inner.Send(request, cancellationToken, preprocessResponseBody).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsConnectionFault(ex, cancellationToken))
                {
                    if (!idempotent)
                    {
                        throw new GitHubWriteOutcomeUnknownException(what, $"The connection failed during {what} ({ex.GetType().Name}); GitHub may or may not have done it.", ex);
                    }

                    if (attempt >= options.MaxAttempts)
                    {
                        throw new SecurityOpsException("GitHubConnectionFailed", FailureKind.ConnectionError, request.Endpoint?.ToString(),
                            $"{what} failed {attempt} times: {Redact.Urls(ex.Message)}", ex);
                    }

                    await BackoffAsync(attempt, $"{what}: connection fault", cancellationToken).ConfigureAwait(false);
                    continue;
                }

                Observe(response);
                var (wait, reason) = RateLimitWait(response);
                if (wait != null)
                {
                    if (attempt >= options.MaxAttempts || wait.Value > options.MaxWait)
                    {
                        return response; // Octokit raises its exception; the gateway maps it to GitHubRateLimited
                    }

                    statistics.CountRetry();
                    await WaitAsync(wait.Value, reason, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if ((int)response.StatusCode >= 500)
                {
                    if (!idempotent)
                    {
                        throw new GitHubWriteOutcomeUnknownException(what, $"GitHub answered {(int)response.StatusCode} to {what}; it may or may not have done it.", null);
                    }

                    if (attempt < options.MaxAttempts)
                    {
                        await BackoffAsync(attempt, $"{what}: HTTP {(int)response.StatusCode}", cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                return response;
            }
        }

        public void SetRequestTimeout(TimeSpan timeout) => inner.SetRequestTimeout(timeout);

        public void Dispose() => inner.Dispose();

        private static bool IsConnectionFault(Exception ex, CancellationToken token) =>
            ex is HttpRequestException || ex is IOException || ex is WebException ||
            (ex is OperationCanceledException && !token.IsCancellationRequested); // a timeout, not Ctrl+C

        private void Observe(IResponse response)
        {
            int? left = IntHeader(response, "x-ratelimit-remaining");
            long? reset = LongHeader(response, "x-ratelimit-reset");
            if (left == null)
            {
                return;
            }

            lock (rateGate)
            {
                remaining = left;
                resetAt = reset == null ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeSeconds(reset.Value);
            }
        }

        private async Task WaitForPrimaryLimitAsync(CancellationToken token)
        {
            TimeSpan wait;
            lock (rateGate)
            {
                if (remaining != 0 || resetAt == null)
                {
                    return;
                }

                wait = resetAt.Value - Clock.GetUtcNow() + TimeSpan.FromSeconds(1);
                remaining = null; // after the reset the budget is unknown until the next answer tells
            }

            if (wait > TimeSpan.Zero)
            {
                if (wait > options.MaxWait)
                {
                    throw new SecurityOpsException("GitHubRateLimited", FailureKind.LimitsExceeded, options.ApiUrl.ToString(),
                        $"GitHub's rate limit is spent until {resetAt:u}, longer than the {options.MaxWait.TotalMinutes:0} minutes this run may wait.");
                }

                await WaitAsync(wait, "primary rate limit spent (x-ratelimit-remaining: 0), waiting for x-ratelimit-reset", token).ConfigureAwait(false);
            }
        }

        /// <summary>How long to wait before sending again, when the answer is a rate limit; null otherwise.</summary>
        private (TimeSpan?, string) RateLimitWait(IResponse response)
        {
            int status = (int)response.StatusCode;
            if (status != 403 && status != 429)
            {
                return (null, null);
            }

            string retryAfter = Header(response, "Retry-After");
            if (RetryTiming.RetryAfter(retryAfter, Clock.GetUtcNow()) is TimeSpan wait)
            {
                return (wait, $"secondary rate limit (HTTP {status}, Retry-After: {retryAfter.Trim()})");
            }

            if (IntHeader(response, "x-ratelimit-remaining") == 0 && LongHeader(response, "x-ratelimit-reset") is long reset)
            {
                TimeSpan until = DateTimeOffset.FromUnixTimeSeconds(reset) - Clock.GetUtcNow() + TimeSpan.FromSeconds(1);
                lock (rateGate)
                {
                    remaining = null;
                }

                return (until < TimeSpan.Zero ? TimeSpan.Zero : until, $"primary rate limit spent (HTTP {status}), waiting for x-ratelimit-reset");
            }

            string body = response.Body as string ?? string.Empty;
            if (status == 429 || body.IndexOf("secondary rate limit", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return (TimeSpan.FromMinutes(1), $"secondary rate limit (HTTP {status}, no Retry-After: one minute)");
            }

            return (null, null); // a plain 403: permissions, not limits
        }

        private Task BackoffAsync(int attempt, string reason, CancellationToken token)
        {
            statistics.CountRetry();
            TimeSpan delay = RetryTiming.Exponential(options.InitialBackoff, Math.Min(attempt, 11));
            return WaitAsync(delay, $"{reason}; retry {attempt} of {options.MaxAttempts - 1}", token);
        }

        /// <summary>Waits, reporting progress every few seconds so that a long wait is visible.</summary>
        private async Task WaitAsync(TimeSpan wait, string reason, CancellationToken token)
        {
            statistics.AddWait(wait);
            Events.Verbose($"GitHub: {reason}; waiting {wait.TotalSeconds:0.#} s.");
            var delay = options.Delay ?? ((t, c) => Task.Delay(t, c));
            TimeSpan left = wait;
            TimeSpan step = TimeSpan.FromSeconds(5);
            while (left > TimeSpan.Zero)
            {
                int percent = (int)Math.Round(100 * (1 - left.TotalMilliseconds / wait.TotalMilliseconds));
                Events.Progress(new ProgressInfo("Waiting for GitHub", reason, percent, id: 71) { SecondsRemaining = (int)Math.Ceiling(left.TotalSeconds) });
                TimeSpan now = left < step ? left : step;
                await delay(now, token).ConfigureAwait(false);
                left -= now;
            }

            Events.Progress(new ProgressInfo("Waiting for GitHub", "done", 100, id: 71, completed: true));
        }

        private static string Header(IResponse response, string name)
        {
            if (response.Headers == null)
            {
                return null;
            }

            foreach (KeyValuePair<string, string> pair in response.Headers)
            {
                if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair.Value;
                }
            }

            return null;
        }

        private static int? IntHeader(IResponse response, string name) =>
            int.TryParse(Header(response, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : (int?)null;

        private static long? LongHeader(IResponse response, string name) =>
            long.TryParse(Header(response, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : (long?)null;
    }

    /// <summary>A POST whose answer was lost (5xx or a dropped connection): GitHub may or may not have done it.</summary>
    internal sealed class GitHubWriteOutcomeUnknownException : SecurityOpsException
    {
        public GitHubWriteOutcomeUnknownException(string target, string message, Exception inner)
            : base("GitHubWriteOutcomeUnknown", FailureKind.ConnectionError, target, message, inner)
        {
        }
    }
}
