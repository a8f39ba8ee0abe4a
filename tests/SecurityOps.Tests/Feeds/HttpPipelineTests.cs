using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using SecurityOps.Net;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Feeds
{
    public sealed class HttpPipelineTests
    {
        [Fact]
        public async Task ConditionalGetSendsValidatorsAndReturns304()
        {
            await using var server = new LoopbackServer(LoopbackServer.StaticFiles(FeedFixtures.Folder("rustsec")));
            using var http = FeedFixtures.FastPipeline();
            var first = await http.GetAsync(new HttpFetchRequest(server.Url("feed-2025-02.xml").ToString()), CancellationToken.None);
            Assert.Equal(200, first.StatusCode);
            Assert.NotNull(first.ETag);
            Assert.Equal(File.ReadAllBytes(FeedFixtures.Folder("rustsec", "feed-2025-02.xml")), first.Content);

            var second = await http.GetAsync(new HttpFetchRequest(server.Url("feed-2025-02.xml").ToString()) { ETag = first.ETag, LastModified = first.LastModified }, CancellationToken.None);
            Assert.True(second.NotModified);
            Assert.Null(second.Content);
            Assert.Equal(first.ETag, server.Requests[1].Headers["If-None-Match"]);
            Assert.StartsWith("SecurityOps/", server.Requests[0].Headers["User-Agent"]);
        }

        [Fact]
        public async Task RetriesServerErrorsThenSucceeds()
        {
            int calls = 0;
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                if (Interlocked.Increment(ref calls) <= 2)
                {
                    ctx.Response.StatusCode = calls == 1 ? 503 : 429;
                    return;
                }

                await ctx.Response.WriteAsync("ok");
            });
            using var http = FeedFixtures.FastPipeline(retries: 3);
            int retries = 0;
            http.Retrying += (_, _, _, _) => retries++;
            var result = await http.GetAsync(new HttpFetchRequest(server.Url("x").ToString()), CancellationToken.None);
            Assert.Equal("ok", Encoding.UTF8.GetString(result.Content));
            Assert.Equal(3, result.Attempts);
            Assert.Equal(2, retries);
            Assert.Equal(3, server.Requests.Count);
        }

        [Fact]
        public async Task HonoursRetryAfter()
        {
            int calls = 0;
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    ctx.Response.StatusCode = 429;
                    ctx.Response.Headers["Retry-After"] = "1";
                    return;
                }

                await ctx.Response.WriteAsync("ok");
            });
            using var http = FeedFixtures.FastPipeline();
            var watch = Stopwatch.StartNew();
            await http.GetAsync(new HttpFetchRequest(server.Url("x").ToString()), CancellationToken.None);
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {watch.ElapsedMilliseconds} ms");
            Assert.True(server.Requests[1].At - server.Requests[0].At >= TimeSpan.FromMilliseconds(950));
        }

        [Fact]
        public async Task RetryAfterLongerThanAllowedFailsAtOnce()
        {
            await using var server = new LoopbackServer((ctx, req) =>
            {
                ctx.Response.StatusCode = 503;
                ctx.Response.Headers["Retry-After"] = "3600";
                return Task.CompletedTask;
            });
            using var http = FeedFixtures.FastPipeline();
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("x").ToString()), CancellationToken.None));
            Assert.Equal("HttpRetryAfterTooLong", ex.ErrorId);
            Assert.Single(server.Requests);
        }

        [Fact]
        public async Task ClientErrorIsNotRetried()
        {
            await using var server = new LoopbackServer((ctx, req) => { ctx.Response.StatusCode = 404; return Task.CompletedTask; });
            using var http = FeedFixtures.FastPipeline();
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("gone").ToString()), CancellationToken.None));
            Assert.Equal("HttpRequestFailed", ex.ErrorId);
            Assert.Contains("404", ex.Message);
            Assert.Single(server.Requests);
        }

        [Fact]
        public async Task SlowResponseTimesOutAndIsRetriedThenFails()
        {
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ctx.RequestAborted).ContinueWith(_ => { });
            });
            using var http = FeedFixtures.FastPipeline(retries: 1, timeoutSeconds: 0.3);
            var watch = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("slow").ToString()), CancellationToken.None));
            Assert.Equal("HttpTimeout", ex.ErrorId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");

            // The server records a request once it has dispatched it; on a busy machine the retry's can be dispatched
            // after the client has already given up on it.
            for (var wait = Stopwatch.StartNew(); server.Requests.Count < 2 && wait.Elapsed < TimeSpan.FromSeconds(2);)
            {
                await Task.Delay(20);
            }

            Assert.Equal(2, server.Requests.Count);
        }

        [Fact]
        public async Task SlowBodyTimesOutToo()
        {
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                await ctx.Response.WriteAsync("<rss>");
                await ctx.Response.Body.FlushAsync();
                await Task.Delay(TimeSpan.FromSeconds(5), ctx.RequestAborted).ContinueWith(_ => { });
            });
            using var http = FeedFixtures.FastPipeline(retries: 0, timeoutSeconds: 0.3);
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("slow").ToString()), CancellationToken.None));
            Assert.Equal("HttpTimeout", ex.ErrorId);
        }

        [Fact]
        public async Task CancellationStopsWaitingAtOnce()
        {
            await using var server = new LoopbackServer(async (ctx, req) => await Task.Delay(TimeSpan.FromSeconds(5), ctx.RequestAborted).ContinueWith(_ => { }));
            using var http = FeedFixtures.FastPipeline(timeoutSeconds: 30);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => http.GetAsync(new HttpFetchRequest(server.Url("slow").ToString()), cts.Token));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
        }

        [Fact]
        public async Task DeclaredOversizeIsRefusedBeforeTheBodyIsRead()
        {
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                ctx.Response.ContentLength = 10_000_000;
                var chunk = new byte[64 * 1024];
                try
                {
                    for (int i = 0; i < 152; i++)
                    {
                        await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
                    }
                }
                catch (Exception)
                {
                }
            });
            var counting = new CountingHandler(HttpPipeline.CreateHandler());
            using var http = new HttpPipeline(new HttpPipelineOptions { MaxRetries = 0, MaxResponseBytes = 100_000 }, counting, disposeHandler: true);
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("big").ToString()), CancellationToken.None));
            Assert.Equal("ResponseTooLarge", ex.ErrorId);
            Assert.Contains("10000000", ex.Message);
            Assert.Equal(0, counting.BytesRead); // refused on the Content-Length header: not one byte of the body read
            Assert.Single(server.Requests);
        }

        [Fact]
        public async Task UndeclaredOversizeIsRefusedWhileStreaming()
        {
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                var chunk = new byte[64 * 1024];
                try
                {
                    for (int i = 0; i < 1600 && !ctx.RequestAborted.IsCancellationRequested; i++) // 100 MB, chunked, no Content-Length
                    {
                        await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
                    }
                }
                catch (Exception)
                {
                }
            });

            // Counted where the pipeline reads the body: what the server hands Kestrel after the client left is
            // discarded without error until Kestrel notices, so the server's own count says nothing under load.
            var counting = new CountingHandler(HttpPipeline.CreateHandler());
            using var http = new HttpPipeline(new HttpPipelineOptions { MaxRetries = 0, MaxResponseBytes = 200_000 }, counting, disposeHandler: true);
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("big").ToString()), CancellationToken.None));
            Assert.Equal("ResponseTooLarge", ex.ErrorId);
            Assert.InRange(counting.BytesRead, 200_001, 200_000 + 81_920);
        }

        /// <summary>Counts the response body bytes the client actually read.</summary>
        private sealed class CountingHandler : System.Net.Http.DelegatingHandler
        {
            private long bytesRead;

            public CountingHandler(System.Net.Http.HttpMessageHandler inner)
                : base(inner)
            {
            }

            public long BytesRead => Interlocked.Read(ref bytesRead);

            protected override async Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var response = await base.SendAsync(request, cancellationToken);
                var original = response.Content;
                var counted = new System.Net.Http.StreamContent(new CountingStream(await original.ReadAsStreamAsync(cancellationToken), n => Interlocked.Add(ref bytesRead, n)));
                foreach (var header in original.Headers)
                {
                    counted.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content = counted;
                return response;
            }
        }

        private sealed class CountingStream : Stream
        {
            private readonly Stream inner;
            private readonly Action<int> count;

            public CountingStream(Stream inner, Action<int> count)
            {
                this.inner = inner;
                this.count = count;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int length)
            {
                int n = inner.Read(buffer, offset, length);
                count(n);
                return n;
            }

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int length, CancellationToken cancellationToken)
            {
                int n = await inner.ReadAsync(buffer, offset, length, cancellationToken);
                count(n);
                return n;
            }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                int n = await inner.ReadAsync(buffer, cancellationToken);
                count(n);
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        [Fact]
        public void TheSharedHandlerNeverDrainsARefusedBody()
        {
            using var handler = HttpPipeline.CreateHandler();
            var drain = handler.GetType().GetProperty("MaxResponseDrainSize");
            Assert.NotNull(drain);
            Assert.Equal(0, drain.GetValue(handler));
        }

        [Fact]
        public async Task TruncatedBodyIsAConnectionFault()
        {
            await using var server = new LoopbackServer(async (ctx, req) =>
            {
                ctx.Response.ContentLength = 1000;
                await ctx.Response.WriteAsync("<rss><channel>");
                await ctx.Response.Body.FlushAsync();
                ctx.Abort();
            });
            using var http = FeedFixtures.FastPipeline(retries: 1);
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(server.Url("cut").ToString()), CancellationToken.None));
            Assert.Equal("HttpConnectionFailed", ex.ErrorId);
            Assert.Equal(2, server.Requests.Count);
        }

        [Fact]
        public async Task SecretsNeverReachMessages()
        {
            await using var server = new LoopbackServer((ctx, req) => { ctx.Response.StatusCode = 500; return Task.CompletedTask; });
            using var http = FeedFixtures.FastPipeline(retries: 0);
            string url = $"http://alice:s3cretPass@127.0.0.1:{server.BaseUri.Port}/feed?token=tok123secret&page=2";
            var ex = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(url), CancellationToken.None));
            Assert.DoesNotContain("s3cretPass", ex.Message);
            Assert.DoesNotContain("tok123secret", ex.Message);
            Assert.DoesNotContain("s3cretPass", ex.Target.ToString());
            Assert.Contains("page=2", ex.Message);
            // The user info went as Basic authentication, not in the request line.
            Assert.StartsWith("Basic ", server.Requests[0].Headers["Authorization"]);
            Assert.DoesNotContain("alice", server.Requests[0].PathAndQuery);
        }

        [Fact]
        public async Task FilesAndPlainPathsUseTheSameCall()
        {
            string path = FeedFixtures.Folder("rustsec", "feed-2023-06.xml");
            using var http = FeedFixtures.FastPipeline();
            var byPath = await http.GetAsync(new HttpFetchRequest(path), CancellationToken.None);
            var byUrl = await http.GetAsync(new HttpFetchRequest(new Uri(path).AbsoluteUri), CancellationToken.None);
            Assert.Equal(byPath.Content, byUrl.Content);
            var again = await http.GetAsync(new HttpFetchRequest(path) { LastModified = byPath.LastModified }, CancellationToken.None);
            Assert.True(again.NotModified);
            var tooBig = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(path) { MaxResponseBytes = 100 }, CancellationToken.None));
            Assert.Equal("ResponseTooLarge", tooBig.ErrorId);
            var missing = await Assert.ThrowsAsync<SecurityOpsException>(() => http.GetAsync(new HttpFetchRequest(path + ".nope"), CancellationToken.None));
            Assert.Equal("LocalFileNotFound", missing.ErrorId);
            var scheme = Assert.Throws<SecurityOpsException>(() => HttpPipeline.ToUri("ftp://example.org/feed"));
            Assert.Equal("UnsupportedScheme", scheme.ErrorId);
        }
    }
}
