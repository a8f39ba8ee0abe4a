using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace SecurityOps.Net
{
    /// <summary>How the pipeline behaves; one instance per pipeline, the defaults suit feeds.</summary>
    internal sealed class HttpPipelineOptions
    {
        /// <summary>Time for one attempt, headers and body together.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Retries after the first attempt (on 5xx, 408, 429, timeouts and connection faults).</summary>
        public int MaxRetries { get; set; } = 3;

        /// <summary>The first backoff delay; each retry doubles it, with up to 50% random jitter on top.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

        /// <summary>The longest single wait, Retry-After included: a server asking for longer fails the request.</summary>
        public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How to wait between attempts; null means Task.Delay. Tests pass one that records the waits instead of sleeping.</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; }

        /// <summary>Responses larger than this are refused (by Content-Length before reading, else while streaming).</summary>
        public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

        public string UserAgent { get; set; } = DefaultUserAgent;

        public static string DefaultUserAgent { get; } =
            "SecurityOps/" + (typeof(HttpPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0")
            + " (+https://github.com/securityops/SecurityOps)";
    }

    /// <summary>
    /// One request: a GET (where, the validators of the copy we hold, extra headers; Authorization stays out of
    /// messages) or, with <see cref="Post"/>, a POST of a body (webhooks).
    /// </summary>
    internal sealed class HttpFetchRequest
    {
        public HttpFetchRequest(string location) => Location = location;

        /// <summary>A POST of <paramref name="body"/> as <paramref name="contentType"/>; sent again on a retry, so only for posts that may repeat (webhooks).</summary>
        public static HttpFetchRequest Post(string location, byte[] body, string contentType) =>
            new HttpFetchRequest(location) { Method = "POST", Body = body ?? new byte[0], ContentType = contentType ?? "application/octet-stream" };

        /// <summary>GET (default) or POST.</summary>
        public string Method { get; set; } = "GET";

        /// <summary>The body of a POST.</summary>
        public byte[] Body { get; set; }

        /// <summary>The body's media type (application/json; charset=utf-8 ...).</summary>
        public string ContentType { get; set; }

        /// <summary>
        /// What messages call the location instead of the URL, for a URL that is itself a secret (a webhook): then the
        /// URL, its path and query appear in no message, event or error.
        /// </summary>
        public string DisplayName { get; set; }

        /// <summary>
        /// False: a final HTTP answer that is not a success (not retryable, retries spent, or a Retry-After over the
        /// cap) is returned as a result with its <see cref="HttpFetchResult.StatusCode"/> and <see cref="HttpFetchResult.Failure"/>
        /// rather than thrown. Connection faults and timeouts still throw: there is no answer to return.
        /// </summary>
        public bool ThrowOnFailure { get; set; } = true;

        /// <summary>Called before each retry wait of this request: (attempt just failed, delay, reason).</summary>
        public Action<int, TimeSpan, string> Retrying { get; set; }

        /// <summary>An http(s) URL, a file:// URL or a plain file path.</summary>
        public string Location { get; }

        /// <summary>The ETag of the copy we hold: sent as If-None-Match.</summary>
        public string ETag { get; set; }

        /// <summary>The Last-Modified of the copy we hold (RFC 1123): sent as If-Modified-Since.</summary>
        public string LastModified { get; set; }

        /// <summary>Overrides the pipeline's size cap for this request.</summary>
        public long? MaxResponseBytes { get; set; }

        public string Accept { get; set; }

        public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>What came back: the bytes (null on 304), the validators to keep, and how many attempts it took.</summary>
    internal sealed class HttpFetchResult
    {
        public Uri Uri { get; set; }

        public int StatusCode { get; set; }

        public bool NotModified => StatusCode == 304;

        public byte[] Content { get; set; }

        public string ContentType { get; set; }

        public string ETag { get; set; }

        public string LastModified { get; set; }

        public int Attempts { get; set; }

        /// <summary>True for a 2xx (or 304) answer.</summary>
        public bool IsSuccess => NotModified || (StatusCode >= 200 && StatusCode < 300);

        /// <summary>Why a request with ThrowOnFailure = false ended without success (the message it would have thrown); null on success.</summary>
        public string Failure { get; set; }

        /// <summary>The error id it would have thrown: HttpRequestFailed or HttpRetryAfterTooLong.</summary>
        public string FailureId { get; set; }

        public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The one road out for HTTP: a shared HttpClient with per-attempt timeouts, retries with exponential backoff and
    /// jitter (honouring Retry-After) through the one <see cref="RetryLoop"/>, conditional GET, a size cap enforced while streaming, cancellation, a
    /// User-Agent, and file:// URLs and plain paths served through the same call. Every message names the location
    /// with user info and secret query values removed.
    /// Errors: HttpRequestFailed (final status not 2xx/304), HttpConnectionFailed (no answer after the retries),
    /// HttpTimeout, ResponseTooLarge, HttpRetryAfterTooLong, LocalFileNotFound; cancellation is an OperationCanceledException.
    /// </summary>
    internal sealed class HttpPipeline : IDisposable
    {
        private static readonly Lazy<HttpMessageHandler> SharedHandler = new Lazy<HttpMessageHandler>(() => CreateHandler());

        private static readonly Lazy<HttpPipeline> SharedPipeline = new Lazy<HttpPipeline>(() => new HttpPipeline(new HttpPipelineOptions()));

        private readonly HttpClient client;
        private readonly bool ownsClient;

        /// <summary>A pipeline over the process-wide handler (connections are pooled across pipelines).</summary>
        public HttpPipeline(HttpPipelineOptions options)
            : this(options, SharedHandler.Value, disposeHandler: false)
        {
        }

        /// <summary>A pipeline over a given handler (tests, or a caller that needs its own proxy settings).</summary>
        public HttpPipeline(HttpPipelineOptions options, HttpMessageHandler handler, bool disposeHandler)
        {
            Options = options ?? new HttpPipelineOptions();
            client = new HttpClient(handler, disposeHandler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            ownsClient = true;
        }

        /// <summary>
        /// On .NET (PowerShell 7) a SocketsHttpHandler that never drains a refused body (MaxResponseDrainSize = 0: an
        /// oversized response closes its connection instead of being read to the end in the background) and renews
        /// pooled connections (DNS changes); on .NET Framework an HttpClientHandler. Set by reflection: this assembly
        /// targets netstandard2.0.
        /// </summary>
        internal static HttpMessageHandler CreateHandler(bool allowRedirects = true)
        {
            Type sockets = Type.GetType("System.Net.Http.SocketsHttpHandler, System.Net.Http", throwOnError: false);
            if (sockets != null && Activator.CreateInstance(sockets) is HttpMessageHandler handler)
            {
                void Set(string name, object value) => sockets.GetProperty(name)?.SetValue(handler, value);
                Set("AllowAutoRedirect", allowRedirects);
                Set("MaxAutomaticRedirections", 5);
                Set("AutomaticDecompression", DecompressionMethods.GZip | DecompressionMethods.Deflate);
                Set("UseCookies", false);
                Set("MaxResponseDrainSize", 0);
                Set("PooledConnectionLifetime", TimeSpan.FromMinutes(5));
                return handler;
            }

            return new HttpClientHandler
            {
                AllowAutoRedirect = allowRedirects,
                MaxAutomaticRedirections = 5,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                UseCookies = false,
            };
        }

        /// <summary>The process-wide pipeline with default options.</summary>
        public static HttpPipeline Shared => SharedPipeline.Value;

        public HttpPipelineOptions Options { get; }

        /// <summary>Raised before each retry wait: (location for display, attempt just failed, delay, reason).</summary>
        public event Action<string, int, TimeSpan, string> Retrying;

        /// <summary>A location as it may be shown: no user info, no token, no secret query value.</summary>
        public static string Display(string location) => Redact.Urls(location);

        /// <summary>Turns a location into a URI: http(s) and file URLs as given, anything else as a file path.</summary>
        public static Uri ToUri(string location)
        {
            if (string.IsNullOrWhiteSpace(location))
            {
                throw new SecurityOpsException("InvalidLocation", FailureKind.InvalidArgument, location, "No URL or path was given.");
            }

            if (Uri.TryCreate(location, UriKind.Absolute, out Uri uri) &&
                (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeFile))
            {
                return uri;
            }

            if (Uri.TryCreate(location, UriKind.Absolute, out uri) && uri.Scheme.Length > 1 && !Path.IsPathRooted(location))
            {
                throw new SecurityOpsException("UnsupportedScheme", FailureKind.InvalidArgument, Display(location),
                    $"'{Display(location)}' uses the scheme '{uri.Scheme}'; only http, https, file and plain paths are read.");
            }

            return new Uri(Path.GetFullPath(location));
        }

        public async Task<HttpFetchResult> GetAsync(HttpFetchRequest request, CancellationToken cancellationToken)
        {
            Uri uri = ToUri(request.Location);
            long cap = request.MaxResponseBytes ?? Options.MaxResponseBytes;
            if (uri.IsFile && !string.Equals(request.Method ?? "GET", "GET", StringComparison.OrdinalIgnoreCase))
            {
                throw new SecurityOpsException("UnsupportedScheme", FailureKind.InvalidArgument, request.DisplayName ?? Display(request.Location),
                    $"Only http(s) locations take a {request.Method}.");
            }

            return uri.IsFile
                ? ReadFile(uri, request, cap)
                : await GetHttpAsync(uri, request, cap, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Any request (GET or POST) through the same road: <see cref="GetAsync"/> under a name that says what it does.</summary>
        public Task<HttpFetchResult> SendAsync(HttpFetchRequest request, CancellationToken cancellationToken) => GetAsync(request, cancellationToken);

        public void Dispose()
        {
            if (ownsClient)
            {
                client.Dispose();
            }
        }

        private static HttpFetchResult ReadFile(Uri uri, HttpFetchRequest request, long cap)
        {
            string path = uri.LocalPath;
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new SecurityOpsException("LocalFileNotFound", FailureKind.ObjectNotFound, path, $"{path} does not exist.");
            }

            // Files answer conditional reads too: the modification time (to the second) plays Last-Modified.
            string lastModified = new DateTimeOffset(info.LastWriteTimeUtc).ToString("R", CultureInfo.InvariantCulture);
            var result = new HttpFetchResult { Uri = uri, LastModified = lastModified, Attempts = 1 };
            if (request.LastModified != null && request.LastModified == lastModified)
            {
                result.StatusCode = 304;
                return result;
            }

            if (info.Length > cap)
            {
                throw TooLarge(path, cap, info.Length);
            }

            result.StatusCode = 200;
            result.Content = File.ReadAllBytes(path);
            return result;
        }

        private Task<HttpFetchResult> GetHttpAsync(Uri uri, HttpFetchRequest request, long cap, CancellationToken cancellationToken)
        {
            string shown = request.DisplayName ?? Display(uri.OriginalString);
            string verb = (request.Method ?? "GET").ToUpperInvariant();
            string Clean(string text) => request.DisplayName == null ? Redact.Urls(text) : HideLocation(text, uri, request.DisplayName);

            // One attempt: an answer to return, or why to try again and what to say when the attempts or the patience run out.
            async Task<RetryStep<HttpFetchResult>> Attempt(int attempt)
            {
                string retryReason;
                TimeSpan? retryAfter = null;
                HttpFetchResult lastAnswer = null;
                bool timedOut = false;
                using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    attemptCts.CancelAfter(Options.Timeout);
                    try
                    {
                        using (HttpRequestMessage message = BuildRequest(uri, request))
                        using (HttpResponseMessage response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false))
                        {
                            int status = (int)response.StatusCode;
                            if (status == 304 || (status >= 200 && status < 300))
                            {
                                return RetryStep<HttpFetchResult>.Done(await ReadResponseAsync(uri, response, cap, attempt, shown, attemptCts.Token).ConfigureAwait(false));
                            }

                            if (!IsRetryable(status))
                            {
                                return RetryStep<HttpFetchResult>.Done(Fail(new HttpFetchResult { Uri = uri, StatusCode = status, Attempts = attempt }, request, "HttpRequestFailed", FailureKind.ConnectionError, shown,
                                    $"{verb} {shown} answered {status} {Reason(response)}."));
                            }

                            retryReason = $"{status} {Reason(response)}";
                            retryAfter = ParseRetryAfter(response);
                            lastAnswer = new HttpFetchResult { Uri = uri, StatusCode = status, Attempts = attempt };
                        }
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (OperationCanceledException)
                    {
                        retryReason = $"no complete answer within {Options.Timeout.TotalSeconds:0.###} s";
                        timedOut = true;
                    }
                    catch (HttpRequestException ex)
                    {
                        retryReason = "connection failed: " + Clean(Innermost(ex).Message);
                    }
                    catch (IOException ex)
                    {
                        retryReason = "connection broke: " + Clean(Innermost(ex).Message);
                    }
                }

                string spentMessage = $"{verb} {shown}: {retryReason} (tried {attempt} times).";
                Func<HttpFetchResult> whenSpent;
                if (timedOut)
                {
                    whenSpent = () => throw new SecurityOpsException("HttpTimeout", FailureKind.OperationTimeout, shown, spentMessage);
                }
                else if (lastAnswer != null)
                {
                    whenSpent = () => Fail(lastAnswer, request, "HttpRequestFailed", FailureKind.ConnectionError, shown, spentMessage);
                }
                else
                {
                    string errorId = retryReason.StartsWith("connection", StringComparison.Ordinal) ? "HttpConnectionFailed" : "HttpRequestFailed";
                    whenSpent = () => throw new SecurityOpsException(errorId, FailureKind.ConnectionError, shown, spentMessage);
                }

                Func<HttpFetchResult> whenTooLong = retryAfter == null ? null : () => Fail(lastAnswer, request, "HttpRetryAfterTooLong", FailureKind.LimitsExceeded, shown,
                    $"{verb} {shown}: {retryReason}, and the server asks to wait {retryAfter.Value.TotalSeconds:0} s (more than the {Options.MaxDelay.TotalSeconds:0} s allowed).");
                return RetryStep<HttpFetchResult>.Backoff(retryReason, whenSpent, retryAfter, whenTooLong);
            }

            return NewRetryLoop().RunAsync(Attempt, cancellationToken, (attempt, delay, reason) =>
            {
                Retrying?.Invoke(shown, attempt, delay, reason);
                request.Retrying?.Invoke(attempt, delay, reason);
            });
        }

        /// <summary>The retry loop as the options say now (they may be changed between requests).</summary>
        private RetryLoop NewRetryLoop() =>
            new RetryLoop(Options.MaxRetries + 1, RetryLoop.ExponentialBackoff(Options.BaseDelay, Options.MaxDelay, jitter: true))
            {
                MaxServerWait = Options.MaxDelay,
                Delay = Options.Delay,
            };

        private HttpRequestMessage BuildRequest(Uri uri, HttpFetchRequest request)
        {
            // User info in a URL becomes Basic authentication and leaves the URL (so it never reaches a log).
            Uri target = uri;
            string basic = null;
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo)));
                target = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri;
            }

            string verb = (request.Method ?? "GET").ToUpperInvariant();
            var message = new HttpRequestMessage(verb == "GET" ? HttpMethod.Get : verb == "POST" ? HttpMethod.Post : new HttpMethod(verb), target);
            if (request.Body != null)
            {
                message.Content = new ByteArrayContent(request.Body);
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType ?? "application/octet-stream");
            }

            message.Headers.TryAddWithoutValidation("User-Agent", Options.UserAgent);
            message.Headers.TryAddWithoutValidation("Accept", request.Accept ?? "*/*");
            if (basic != null)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            }

            if (!string.IsNullOrEmpty(request.ETag))
            {
                message.Headers.TryAddWithoutValidation("If-None-Match", request.ETag);
            }

            if (!string.IsNullOrEmpty(request.LastModified))
            {
                message.Headers.TryAddWithoutValidation("If-Modified-Since", request.LastModified);
            }

            foreach (var header in request.Headers)
            {
                message.Headers.Remove(header.Key);
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return message;
        }

        private static async Task<HttpFetchResult> ReadResponseAsync(Uri uri, HttpResponseMessage response, long cap, int attempt, string shown, CancellationToken token)
        {
            var result = new HttpFetchResult
            {
                Uri = uri,
                StatusCode = (int)response.StatusCode,
                Attempts = attempt,
                ETag = response.Headers.ETag?.ToString(),
                LastModified = response.Content?.Headers.LastModified?.ToString("R", CultureInfo.InvariantCulture),
                ContentType = response.Content?.Headers.ContentType?.MediaType,
            };
            foreach (var header in response.Headers)
            {
                result.Headers[header.Key] = string.Join(",", header.Value);
            }

            if (result.NotModified || response.Content == null)
            {
                return result;
            }

            long? declared = response.Content.Headers.ContentLength;
            if (declared.HasValue && declared.Value > cap)
            {
                throw TooLarge(shown, cap, declared.Value);
            }

            using (Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            using (var buffer = new MemoryStream(declared.HasValue ? (int)Math.Min(declared.Value, int.MaxValue) : 64 * 1024))
            {
                byte[] chunk = new byte[81920];
                while (true)
                {
                    int read = await body.ReadAsync(chunk, 0, chunk.Length, token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    if (buffer.Length + read > cap)
                    {
                        throw TooLarge(shown, cap, null);
                    }

                    buffer.Write(chunk, 0, read);
                }

                if (declared.HasValue && buffer.Length < declared.Value)
                {
                    throw new IOException($"the body ended after {buffer.Length} of {declared.Value} bytes");
                }

                result.Content = buffer.ToArray();
            }

            return result;
        }

        /// <summary>Throws the failure, or (ThrowOnFailure = false) returns the answer with the failure on it.</summary>
        private static HttpFetchResult Fail(HttpFetchResult answer, HttpFetchRequest request, string errorId, FailureKind kind, string shown, string message)
        {
            if (request.ThrowOnFailure || answer == null)
            {
                throw new SecurityOpsException(errorId, kind, shown, message);
            }

            answer.FailureId = errorId;
            answer.Failure = message;
            return answer;
        }

        /// <summary>Removes a secret location (the URL, its path and query) from text, leaving its display name.</summary>
        private static string HideLocation(string text, Uri uri, string name)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            text = text.Replace(uri.OriginalString, name).Replace(uri.AbsoluteUri, name);
            if (uri.PathAndQuery.Length > 1)
            {
                text = text.Replace(uri.PathAndQuery, "/[redacted]");
            }

            if (uri.AbsolutePath.Length > 1)
            {
                text = text.Replace(uri.AbsolutePath, "/[redacted]");
            }

            return Redact.Urls(text);
        }

        private static SecurityOpsException TooLarge(string shown, long cap, long? size) =>
            new SecurityOpsException("ResponseTooLarge", FailureKind.LimitsExceeded, shown,
                size.HasValue
                    ? $"{shown} is {size.Value} bytes, over the {cap}-byte cap; it was not read."
                    : $"{shown} grew past the {cap}-byte cap while being read; it was refused.");

        private static bool IsRetryable(int status) => status == 408 || status == 429 || status >= 500;

        private static string Reason(HttpResponseMessage response) => response.ReasonPhrase ?? string.Empty;

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }

        internal static TimeSpan? ParseRetryAfter(HttpResponseMessage response) =>
            response.Headers.TryGetValues("Retry-After", out var values)
                ? RetryTiming.RetryAfter(string.Join(",", values), ModuleContext.UtcNow)
                : null;
    }
}
