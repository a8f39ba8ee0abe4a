using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Messaging;
using SecurityOps.Net;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Embargo
{
    /// <summary>Webhook posts take the module's one HTTP road (Net/HttpPipeline): its POST, retries, Retry-After and cancellation.</summary>
    public sealed class WebhookRoadTests
    {
        [Fact]
        public async Task APostIsRetriedWithItsBodyAndAFinalAnswerCanBeReturnedInsteadOfThrown()
        {
            int calls = 0;
            await using var server = new LoopbackServer((context, request) =>
            {
                context.Response.StatusCode = Interlocked.Increment(ref calls) == 1 ? 502 : request.Path.EndsWith("/gone") ? 410 : 204;
                return Task.CompletedTask;
            });
            using var http = new HttpPipeline(new HttpPipelineOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(20) });
            var retries = new List<string>();
            var post = HttpFetchRequest.Post(server.Url("hook").ToString(), Encoding.UTF8.GetBytes("{\"text\":\"hi\"}"), "application/json; charset=utf-8");
            post.Retrying = (attempt, delay, reason) => retries.Add($"{attempt}: {reason}");
            HttpFetchResult ok = await http.SendAsync(post, CancellationToken.None);
            Assert.True(ok.IsSuccess);
            Assert.Equal(2, ok.Attempts);
            Assert.Equal(new[] { "1: 502 Bad Gateway" }, retries);
            Assert.All(server.Requests, r =>
            {
                Assert.Equal("POST", r.Method);
                Assert.Equal("{\"text\":\"hi\"}", r.Body);
                Assert.StartsWith("application/json", r.Headers["Content-Type"]);
                Assert.StartsWith("SecurityOps/", r.Headers["User-Agent"]);
            });

            // A GET still throws on a final 4xx; a POST that asks for the answer gets it, with the failure spelled out.
            var gone = HttpFetchRequest.Post(server.Url("gone").ToString(), new byte[0], null);
            gone.ThrowOnFailure = false;
            gone.DisplayName = "channel 'ops'";
            HttpFetchResult answer = await http.SendAsync(gone, CancellationToken.None);
            Assert.False(answer.IsSuccess);
            Assert.Equal(410, answer.StatusCode);
            Assert.Equal("HttpRequestFailed", answer.FailureId);
            Assert.Equal("POST channel 'ops' answered 410 Gone.", answer.Failure);
            var thrown = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("gone").ToString()), CancellationToken.None));
            Assert.Equal("HttpRequestFailed", thrown.ErrorId);
        }

        [Fact]
        public async Task AWebhookHonoursAnHttpDateRetryAfterRefusesOneOverTheCapAndNeverShowsItsUrl()
        {
            string secret = AnnouncementTests.Secret();
            int calls = 0;
            await using var dated = new LoopbackServer((context, request) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    context.Response.StatusCode = 503;
                    context.Response.Headers["Retry-After"] = DateTimeOffset.UtcNow.AddSeconds(2).ToString("R", CultureInfo.InvariantCulture);
                }
                else
                {
                    context.Response.StatusCode = 200;
                }

                return Task.CompletedTask;
            });
            using var client = new WebhookClient(maxAttempts: 3, retryDelaySeconds: 0.01, maxRetryAfterSeconds: 5);
            var verbose = new List<string>();
            var posted = await client.PostAsync(dated.Url("services/T0/B0/" + secret).ToString(), "announce", "{\"text\":\"x\"}", new AnnouncementTests.ListSink(verbose), default);
            Assert.True(posted.Posted, posted.Error);
            Assert.Equal(2, posted.Attempts);
            var times = dated.Requests.Select(r => r.At).ToList();
            Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(0.9), $"waited {(times[1] - times[0]).TotalSeconds} s for an HTTP-date Retry-After");
            Assert.StartsWith("SecurityOps/", dated.Requests[0].Headers["User-Agent"]);
            Assert.Contains(verbose, v => v.StartsWith("announce: 503", StringComparison.Ordinal) && v.Contains("retrying"));

            await using var slow = new LoopbackServer((context, request) =>
            {
                context.Response.StatusCode = 429;
                context.Response.Headers["Retry-After"] = "3600";
                return Task.CompletedTask;
            });
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var limited = await client.PostAsync(slow.Url("api/webhooks/1/" + secret).ToString(), "announce", "{}", new AnnouncementTests.ListSink(verbose), default);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.False(limited.Posted);
            Assert.Equal("WebhookRateLimited", limited.ErrorId);
            Assert.Single(slow.Requests);
            Assert.Contains("3600 s", limited.Error);
            Assert.Contains("'announce'", limited.Error);

            // A server that never answers: the per-attempt timeout, then a timeout error naming the channel only.
            await using var silent = new LoopbackServer(async (context, request) => await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted));
            using var impatient = new WebhookClient(maxAttempts: 2, retryDelaySeconds: 0.01, timeoutSeconds: 1);
            var timedOut = await impatient.PostAsync(silent.Url("hooks/" + secret).ToString(), "announce", "{}", new AnnouncementTests.ListSink(verbose), default);
            Assert.Equal("WebhookTimeout", timedOut.ErrorId);
            Assert.Equal(2, silent.Requests.Count);

            string everything = string.Join("\n", verbose) + posted.Error + limited.Error + timedOut.Error;
            Assert.DoesNotContain(secret, everything);
            Assert.DoesNotContain("services/T0", everything);
        }

        [Fact]
        public async Task CancellingAWebhookPostStopsItsRetryWait()
        {
            // Cancelled once the first attempt has reached the server (a fixed delay from the start could, on a busy
            // machine, cancel before any request was made); the 20 s only keeps the test from hanging.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await using var server = new LoopbackServer((context, request) =>
            {
                context.Response.StatusCode = 503;
                context.Response.Headers["Retry-After"] = "30";
                cts.CancelAfter(TimeSpan.FromMilliseconds(300));
                return Task.CompletedTask;
            });
            using var client = new WebhookClient(maxAttempts: 3, retryDelaySeconds: 0.01, maxRetryAfterSeconds: 60);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PostAsync(server.Url("hook").ToString(), "ops", "{}", null, cts.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Single(server.Requests);
        }
    }
}
