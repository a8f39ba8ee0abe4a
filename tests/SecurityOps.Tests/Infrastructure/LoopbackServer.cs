using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>A request the loopback server received, kept for assertions.</summary>
    public sealed class RecordedRequest
    {
        public string Method { get; init; }

        public string Path { get; init; }

        public string Query { get; init; }

        public string Body { get; init; }

        public IReadOnlyDictionary<string, string> Headers { get; init; }

        public DateTimeOffset At { get; init; }

        public string PathAndQuery => Path + Query;

        public override string ToString() => $"{Method} {PathAndQuery}";
    }

    /// <summary>
    /// A real HTTP server (Kestrel) on 127.0.0.1 with a random port. Tests give it a handler that plays GitHub or a
    /// feed server; every request is recorded with its body so that tests assert on the exact calls made.
    /// </summary>
    public sealed class LoopbackServer : IAsyncDisposable, IDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentQueue<RecordedRequest> requests = new ConcurrentQueue<RecordedRequest>();

        public LoopbackServer(Func<HttpContext, RecordedRequest, Task> handler)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            app = builder.Build();
            app.Run(async context =>
            {
                string body;
                using (var reader = new StreamReader(context.Request.Body))
                {
                    body = await reader.ReadToEndAsync();
                }

                var recorded = new RecordedRequest
                {
                    Method = context.Request.Method,
                    Path = context.Request.Path.Value,
                    Query = context.Request.QueryString.Value,
                    Body = body,
                    Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    At = DateTimeOffset.UtcNow,
                };
                requests.Enqueue(recorded);
                await handler(context, recorded);
            });
            app.StartAsync().GetAwaiter().GetResult();
            var address = app.Urls.First();
            BaseUri = new Uri(address.EndsWith("/") ? address : address + "/");
        }

        /// <summary>http://127.0.0.1:PORT/</summary>
        public Uri BaseUri { get; }

        public IReadOnlyList<RecordedRequest> Requests => requests.ToList();

        public Uri Url(string relative) => new Uri(BaseUri, relative.TrimStart('/'));

        /// <summary>Serves files from a folder, answering conditional GETs with 304 by ETag and Last-Modified.</summary>
        /// <summary>
        /// A site that also answers /osv/&lt;id&gt;.json with an OSV record of that id and no aliases: where a rustsec
        /// source served by it follows its entries without a CVE (source option osvUrl: &lt;site&gt;/osv/{id}.json).
        /// </summary>
        public static Func<HttpContext, RecordedRequest, Task> WithOsvRecords(Func<HttpContext, RecordedRequest, Task> site) => async (context, request) =>
        {
            if (!request.Path.StartsWith("/osv/", StringComparison.Ordinal))
            {
                await site(context, request);
                return;
            }

            string id = request.Path.Substring(5).Replace(".json", string.Empty);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"id\":\"{id}\",\"modified\":\"2025-02-03T00:00:00Z\",\"aliases\":[]}}");
        };

        public static Func<HttpContext, RecordedRequest, Task> StaticFiles(string folder, string contentType = null) => async (context, request) =>
        {
            string path = Path.Combine(folder, request.Path.TrimStart('/'));
            if (!File.Exists(path))
            {
                context.Response.StatusCode = 404;
                return;
            }

            var info = new FileInfo(path);
            string etag = "\"" + info.Length.ToString("x") + "-" + info.LastWriteTimeUtc.Ticks.ToString("x") + "\"";
            var lastModified = new DateTimeOffset(info.LastWriteTimeUtc.AddTicks(-(info.LastWriteTimeUtc.Ticks % TimeSpan.TicksPerSecond)), TimeSpan.Zero);
            context.Response.Headers.ETag = etag;
            context.Response.Headers.LastModified = lastModified.ToString("R");
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                context.Response.StatusCode = 304;
                return;
            }

            context.Response.ContentType = contentType ?? (path.EndsWith(".json") ? "application/json" : "application/xml");
            await context.Response.SendFileAsync(path);
        };

        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
