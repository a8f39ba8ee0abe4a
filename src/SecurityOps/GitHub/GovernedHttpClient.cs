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
    /// The one road to GitHub: Octokit's connection sends every request through this client. It decides what is
    /// GitHub's own, and leaves the loop, the backoff, the Retry-After reading and the waiting to Net's
    /// <see cref="RetryLoop"/> (the same loop as every other road out):
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

            // The backoff doubles from InitialBackoff up to 1024 times it; a rate limit's wait is GitHub's, capped by MaxWait.
            Retry = new RetryLoop(options.MaxAttempts, RetryLoop.ExponentialBackoff(options.InitialBackoff, TimeSpan.FromTicks(options.InitialBackoff.Ticks * 1024)))
            {
                MaxServerWait = options.MaxWait,
                Delay = options.Delay,
                ProgressStep = TimeSpan.FromSeconds(5),
                Waiting = (wait, reason) =>
                {
                    statistics.AddWait(wait);
                    Events.Verbose($"GitHub: {reason}; waiting {wait.TotalSeconds:0.#} s.");
                },
                WaitProgress = ReportWait,
            };
        }

        /// <summary>The retry loop every wait of the gateway goes through (rate limits, pacing, backoff, a lost write's retry).</summary>
        internal RetryLoop Retry { get; }

        private TimeProvider Clock => options.Clock ?? ModuleContext.Time;

        private IEventSink Events => options.Events ?? NullEventSink.Instance;

        public Task<IResponse> Send(IRequest request, CancellationToken cancellationToken, Func<object, object> preprocessResponseBody = null)
        {
            bool isWrite = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;
            bool idempotent = request.Method != HttpMethod.Post;
            string what = $"{request.Method} {request.Endpoint}";

            async Task<RetryStep<IResponse>> Attempt(int attempt)
            {
                await WaitForPrimaryLimitAsync(cancellationToken).ConfigureAwait(false);
                if (isWrite)
                {
                    TimeSpan pace = pacer.Reserve(Clock.GetUtcNow());
                    if (pace > TimeSpan.Zero)
                    {
                        await Retry.WaitAsync(pace, $"pacing writes (at most {pacer.PerMinute} a minute and {pacer.PerHour} an hour)", cancellationToken).ConfigureAwait(false);
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

                    return RetryStep<IResponse>.Backoff(RetryReason($"{what}: connection fault", attempt), () =>
                        throw new SecurityOpsException("GitHubConnectionFailed", FailureKind.ConnectionError, request.Endpoint?.ToString(),
                            $"{what} failed {attempt} times: {Redact.Urls(ex.Message)}", ex));
                }

                Observe(response);
                var (wait, reason) = RateLimitWait(response);
                if (wait != null)
                {
                    // Spent attempts or a wait over MaxWait: the answer goes back, Octokit raises its exception and the
                    // gateway maps it to GitHubRateLimited.
                    return RetryStep<IResponse>.After(wait.Value, reason, () => response);
                }

                if ((int)response.StatusCode >= 500)
                {
                    if (!idempotent)
                    {
                        throw new GitHubWriteOutcomeUnknownException(what, $"GitHub answered {(int)response.StatusCode} to {what}; it may or may not have done it.", null);
                    }

                    return RetryStep<IResponse>.Backoff(RetryReason($"{what}: HTTP {(int)response.StatusCode}", attempt), () => response);
                }

                return RetryStep<IResponse>.Done(response);
            }

            return Retry.RunAsync(Attempt, cancellationToken, (attempt, wait, reason) => statistics.CountRetry());
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

                await Retry.WaitAsync(wait, "primary rate limit spent (x-ratelimit-remaining: 0), waiting for x-ratelimit-reset", token).ConfigureAwait(false);
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

        private string RetryReason(string reason, int attempt) => $"{reason}; retry {attempt} of {Retry.MaxAttempts - 1}";

        /// <summary>Progress every few seconds of a wait, so that a long wait is visible.</summary>
        private void ReportWait(TimeSpan wait, TimeSpan left, string reason)
        {
            if (left <= TimeSpan.Zero)
            {
                Events.Progress(new ProgressInfo("Waiting for GitHub", "done", 100, id: 71, completed: true));
                return;
            }

            int percent = (int)Math.Round(100 * (1 - left.TotalMilliseconds / wait.TotalMilliseconds));
            Events.Progress(new ProgressInfo("Waiting for GitHub", reason, percent, id: 71) { SecondsRemaining = (int)Math.Ceiling(left.TotalSeconds) });
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
