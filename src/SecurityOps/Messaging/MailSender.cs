using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SecurityOps.Model;
using SecurityOps.Net;

namespace SecurityOps.Messaging
{
    /// <summary>A message for one member, built and ready, or refused before sending (no usable key...).</summary>
    internal sealed class OutgoingMail
    {
        public string MemberId { get; set; }

        public string Recipient { get; set; }

        public MimeMessage Message { get; set; }

        /// <summary>Set when the message could not be built; it is reported and never handed to the server.</summary>
        public SecurityOpsException Refusal { get; set; }

        public double EncryptSeconds { get; set; }
    }

    /// <summary>
    /// Sends a batch of messages over one SMTP connection with MailKit. TLS is required unless the config says
    /// security: none; a server without STARTTLS is an error, never a silent plaintext send. A 4xx reply or a dropped
    /// connection is retried with backoff (reconnecting when needed) through Net's <see cref="RetryLoop"/>, the same
    /// loop as every road out; a 5xx fails that recipient and the batch goes on.
    /// Every message gets a <see cref="MailDelivery"/> saying exactly what happened.
    /// </summary>
    internal sealed class MailSender
    {
        private readonly SmtpSettings settings;
        private readonly NetworkCredential credential;

        public MailSender(SmtpSettings settings, NetworkCredential credential)
        {
            this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
            this.credential = credential;
            if (string.IsNullOrWhiteSpace(settings.Host))
            {
                throw new SecurityOpsException("SmtpHostMissing", FailureKind.InvalidArgument, "messaging.smtp.host",
                    "No SMTP server: set messaging.smtp.host in securityops.yaml or pass -SmtpServer.");
            }
        }

        /// <summary>The delay after failed attempt n; null: messaging.smtp.retryDelaySeconds, doubling. Tests shorten it.</summary>
        public Func<int, TimeSpan> Backoff { get; set; }

        /// <summary>
        /// Called as soon as the server accepted a message, before the next one is sent, and awaited: the caller
        /// records the delivery there (so a crash later in the batch does not lose who was told). A failure of the
        /// callback stops the batch: nothing more is sent that could not be recorded.
        /// </summary>
        public Func<MailDelivery, Task> Accepted { get; set; }

        public async Task<List<MailDelivery>> SendAsync(IReadOnlyList<OutgoingMail> batch, IEventSink sink, CancellationToken cancellationToken)
        {
            sink = sink ?? NullEventSink.Instance;
            var results = new List<MailDelivery>();
            RetryLoop retry = NewRetryLoop();
            SmtpClient client = null;
            bool connectedOnce = false;
            try
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    OutgoingMail mail = batch[i];
                    sink.Progress(new ProgressInfo("Sending encrypted mail", $"{mail.MemberId} ({i + 1} of {batch.Count})", batch.Count == 0 ? 100 : i * 100 / batch.Count));
                    var delivery = new MailDelivery
                    {
                        MemberId = mail.MemberId,
                        Recipient = mail.Recipient,
                        MessageId = mail.Message?.MessageId,
                        EncryptSeconds = mail.EncryptSeconds,
                    };
                    results.Add(delivery);
                    if (mail.Refusal != null || mail.Message == null)
                    {
                        delivery.Status = "Refused";
                        delivery.ErrorId = mail.Refusal?.ErrorId ?? "MessageNotBuilt";
                        delivery.Error = mail.Refusal?.Message ?? "The message was not built.";
                        continue;
                    }

                    var watch = Stopwatch.StartNew();
                    int index = i;
                    bool batchGoesOn = await retry.RunAsync(async attempt =>
                    {
                        delivery.Attempts = attempt;
                        try
                        {
                            if (client == null || !client.IsConnected)
                            {
                                client?.Dispose();
                                client = null;
                                client = await ConnectAsync(sink, cancellationToken).ConfigureAwait(false);
                                connectedOnce = true;
                            }

                            await client.SendAsync(mail.Message, cancellationToken).ConfigureAwait(false);
                            delivery.Status = "Sent";
                            delivery.SentAt = ModuleContext.UtcNow;
                            delivery.ErrorId = null;
                            delivery.Error = null;
                            sink.Verbose($"{mail.MemberId}: sent {mail.Message.MessageId} to {mail.Recipient}{(attempt > 1 ? $" (attempt {attempt})" : string.Empty)}.");
                            return RetryStep<bool>.Done(true);
                        }
                        catch (ServiceNotAuthenticatedException ex)
                        {
                            throw new SecurityOpsException("SmtpAuthenticationRequired", FailureKind.AuthenticationError, $"{settings.Host}:{settings.Port}",
                                $"{settings.Host}:{settings.Port} requires authentication: pass -Credential. {(results.Count(r => r.Status == "Sent") == 0 ? "Nothing was sent." : string.Empty)}", ex);
                        }
                        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 400 && (int)ex.StatusCode < 500)
                        {
                            return RetryStep<bool>.Backoff($"the server answered {(int)ex.StatusCode} ({ex.Message.Trim()}); retrying", () => Refused(delivery, mail, ex));
                        }
                        catch (SmtpCommandException ex)
                        {
                            return RetryStep<bool>.Done(Refused(delivery, mail, ex));
                        }
                        catch (SecurityOpsException ex) when (connectedOnce && ex.ErrorId == "SmtpConnectFailed")
                        {
                            return RetryStep<bool>.Backoff($"reconnecting failed ({ex.Message}); retrying", () => ServerWentAway(results, delivery, batch, index, ex));
                        }
                        catch (SecurityOpsException ex) when (connectedOnce)
                        {
                            return RetryStep<bool>.Done(ServerWentAway(results, delivery, batch, index, ex));
                        }
                        catch (Exception ex) when (IsConnectionLoss(ex))
                        {
                            client?.Dispose();
                            client = null;
                            return RetryStep<bool>.Backoff($"the connection was lost ({ex.Message.Trim()}); reconnecting", () =>
                            {
                                delivery.Status = "Failed";
                                delivery.ErrorId = "SmtpConnectionLost";
                                delivery.Error = $"The connection to {settings.Host}:{settings.Port} was lost {attempt} time(s) sending to {mail.Recipient}: {ex.Message.Trim()}";
                                return true;
                            });
                        }
                    }, cancellationToken, (attempt, wait, reason) => sink.Verbose($"{mail.MemberId}: {reason}.")).ConfigureAwait(false);
                    if (!batchGoesOn)
                    {
                        return results;
                    }

                    delivery.SendSeconds = watch.Elapsed.TotalSeconds;
                    if (delivery.Status == "Sent" && Accepted != null)
                    {
                        // Outside the send's try: a failure to record is never mistaken for a lost connection (and resent).
                        await Accepted(delivery).ConfigureAwait(false);
                    }
                }

                sink.Progress(new ProgressInfo("Sending encrypted mail", "done", 100, completed: true));
                if (client != null && client.IsConnected)
                {
                    await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                client?.Dispose();
            }

            return results;
        }

        /// <summary>Connects with the required security and authenticates; failures here stop the batch (nothing was sent).</summary>
        private async Task<SmtpClient> ConnectAsync(IEventSink sink, CancellationToken cancellationToken)
        {
            var client = new SmtpClient { Timeout = Math.Max(1, settings.TimeoutSeconds) * 1000 };
            string pinned = OpenPgpKeys.NormalizeFingerprint(settings.CertificateThumbprint);
            if (!string.IsNullOrEmpty(pinned))
            {
                client.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    errors == SslPolicyErrors.None || MatchesThumbprint(certificate, pinned);
            }

            SecureSocketOptions options = ParseSecurity(settings.Security);
            string endpoint = $"{settings.Host}:{settings.Port}";
            try
            {
                // Nagle's algorithm against the server's delayed ACKs costs ~40 ms per SMTP command round; commands are small.
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await Task.Run(() => socket.Connect(settings.Host, settings.Port), cancellationToken).ConfigureAwait(false);
                    await client.ConnectAsync(socket, settings.Host, settings.Port, options, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            catch (NotSupportedException ex)
            {
                client.Dispose();
                throw new SecurityOpsException("SmtpStartTlsUnavailable", FailureKind.SecurityError, endpoint,
                    $"{endpoint} does not offer STARTTLS, and TLS is required: nothing was sent. Use a server that supports TLS.", ex);
            }
            catch (AuthenticationException ex)
            {
                client.Dispose();
                throw new SecurityOpsException("SmtpTlsFailed", FailureKind.SecurityError, endpoint,
                    $"TLS with {endpoint} failed ({ex.Message}): nothing was sent. Check the certificate or messaging.smtp.certificateThumbprint.", ex);
            }
            catch (Exception ex) when (ex is SocketException || ex is IOException || ex is SslHandshakeException || ex is SmtpProtocolException)
            {
                client.Dispose();
                throw new SecurityOpsException("SmtpConnectFailed", FailureKind.ConnectionError, endpoint,
                    $"Could not connect to {endpoint}: {ex.Message}", ex);
            }

            sink.Verbose($"Connected to {endpoint} ({(client.IsSecure ? "TLS" : "plaintext, as configured")}).");
            if (credential != null)
            {
                try
                {
                    await client.AuthenticateAsync(credential, cancellationToken).ConfigureAwait(false);
                }
                catch (MailKit.Security.AuthenticationException ex)
                {
                    client.Dispose();
                    throw new SecurityOpsException("SmtpAuthenticationFailed", FailureKind.AuthenticationError, endpoint,
                        $"{endpoint} refused the credentials for '{credential.UserName}': nothing was sent.", ex);
                }

                sink.Verbose($"Authenticated to {endpoint} as {credential.UserName}.");
            }

            return client;
        }

        private static SecureSocketOptions ParseSecurity(string security)
        {
            switch ((security ?? "starttls").Trim().ToLowerInvariant())
            {
                case "starttls":
                    return SecureSocketOptions.StartTls;
                case "tls":
                case "ssl":
                    return SecureSocketOptions.SslOnConnect;
                case "none":
                    return SecureSocketOptions.None;
                default:
                    throw new SecurityOpsException("SmtpSecurityInvalid", FailureKind.InvalidArgument, security,
                        $"messaging.smtp.security is '{security}'; expected starttls, tls or none.");
            }
        }

        internal static bool MatchesThumbprint(X509Certificate certificate, string pinned)
        {
            if (certificate == null)
            {
                return false;
            }

            byte[] raw = certificate.GetRawCertData();
            using var sha256 = SHA256.Create();
            using var sha1 = SHA1.Create();
            return OpenPgpKeys.Hex(sha256.ComputeHash(raw)) == pinned || OpenPgpKeys.Hex(sha1.ComputeHash(raw)) == pinned;
        }

        private static bool IsConnectionLoss(Exception ex) =>
            ex is IOException || ex is SocketException || ex is ServiceNotConnectedException || ex is SmtpProtocolException;

        /// <summary>The attempts and backoff of one message (a 4xx reply, a lost connection, a failed reconnect), as the config or a test says.</summary>
        private RetryLoop NewRetryLoop() =>
            new RetryLoop(settings.MaxAttempts, Backoff ?? RetryLoop.ExponentialBackoff(TimeSpan.FromSeconds(Math.Max(0, settings.RetryDelaySeconds))));

        /// <summary>The server refused this message (5xx, or a 4xx that outlived the retries): it fails, the batch goes on.</summary>
        private static bool Refused(MailDelivery delivery, OutgoingMail mail, SmtpCommandException ex)
        {
            delivery.Status = "Failed";
            delivery.ErrorId = (int)ex.StatusCode >= 500 ? "SmtpRecipientRejected" : "SmtpTransientFailure";
            delivery.Error = $"The server refused the message to {mail.Recipient}: {(int)ex.StatusCode} {ex.Message.Trim()}";
            return true;
        }

        /// <summary>
        /// The server went away mid-batch: this and every later message are failed, and the results say exactly who got
        /// what, so a rerun sends only to the rest. False: the batch stops.
        /// </summary>
        private static bool ServerWentAway(List<MailDelivery> results, MailDelivery delivery, IReadOnlyList<OutgoingMail> batch, int index, SecurityOpsException ex)
        {
            delivery.Status = "Failed";
            delivery.ErrorId = ex.ErrorId;
            delivery.Error = ex.Message;
            for (int j = index + 1; j < batch.Count; j++)
            {
                results.Add(new MailDelivery
                {
                    MemberId = batch[j].MemberId,
                    Recipient = batch[j].Recipient,
                    MessageId = batch[j].Message?.MessageId,
                    Status = batch[j].Refusal != null ? "Refused" : "Failed",
                    ErrorId = batch[j].Refusal?.ErrorId ?? ex.ErrorId,
                    Error = batch[j].Refusal?.Message ?? "Not attempted: " + ex.Message,
                });
            }

            return false;
        }
    }
}
