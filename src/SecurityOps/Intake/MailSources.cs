using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Threading;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using SecurityOps.Messaging;

namespace SecurityOps.Intake
{
    /// <summary>Where reports are read from: a folder of .eml files, or a mailbox over IMAP.</summary>
    internal static class MailSources
    {
        /// <summary>The .eml files of a folder (or the one file named), oldest first by name.</summary>
        public static IEnumerable<InboxMessage> Folder(string path)
        {
            if (File.Exists(path))
            {
                return new[] { new InboxMessage(path, new FileInfo(path).Length, () => File.OpenRead(path)) };
            }

            if (!Directory.Exists(path))
            {
                throw new SecurityOpsException("MailFolderNotFound", FailureKind.ObjectNotFound, path, $"There is no folder or .eml file {path}.");
            }

            return Directory.EnumerateFiles(path, "*.eml").OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new InboxMessage(f, new FileInfo(f).Length, () => File.OpenRead(f))).ToList();
        }
    }

    /// <summary>
    /// A mailbox read over IMAP with MailKit: TLS on connect (993) or STARTTLS, the login from a credential, the folder
    /// opened read-only (nothing is flagged, moved or deleted: the cases remember what was read). A server certificate
    /// that does not validate is accepted only when its SHA-256 or SHA-1 thumbprint is pinned.
    /// </summary>
    internal sealed class ImapMailbox : IDisposable
    {
        private readonly ImapClient client = new ImapClient();

        public ImapMailbox(string host, int port, NetworkCredential credential, string pinnedThumbprint, int timeoutSeconds, CancellationToken cancellationToken)
        {
            client.Timeout = Math.Max(1, timeoutSeconds) * 1000;
            string pinned = OpenPgpKeys.NormalizeFingerprint(pinnedThumbprint);
            if (!string.IsNullOrEmpty(pinned))
            {
                client.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    errors == SslPolicyErrors.None || MailSender.MatchesThumbprint(certificate, pinned);
            }

            try
            {
                client.Connect(host, port, port == 993 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException || ex is System.Net.Sockets.SocketException || ex is SslHandshakeException || ex is ImapProtocolException)
            {
                throw new SecurityOpsException("ImapConnectFailed", FailureKind.ConnectionError, $"{host}:{port}",
                    $"Could not connect to the IMAP server {host}:{port} with TLS ({ex.Message}). A self-signed certificate needs -CertificateThumbprint.", ex);
            }

            try
            {
                client.Authenticate(credential, cancellationToken);
            }
            catch (AuthenticationException ex)
            {
                // The server's words only: the login and its password never go into an error.
                throw new SecurityOpsException("ImapLoginFailed", FailureKind.AuthenticationError, $"{host}:{port}",
                    $"The IMAP server {host}:{port} refused the login (-ImapCredential): {ex.Message}", ex);
            }
        }

        /// <summary>The messages of a folder, oldest first; each read when the caller opens it.</summary>
        public IEnumerable<InboxMessage> Messages(string folderName, CancellationToken cancellationToken)
        {
            IMailFolder folder;
            try
            {
                folder = string.Equals(folderName, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : client.GetFolder(folderName, cancellationToken);
            }
            catch (FolderNotFoundException ex)
            {
                throw new SecurityOpsException("ImapFolderNotFound", FailureKind.ObjectNotFound, folderName, $"The mailbox has no folder '{folderName}'.", ex);
            }

            folder.Open(FolderAccess.ReadOnly, cancellationToken);
            IList<IMessageSummary> summaries = folder.Fetch(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
            foreach (IMessageSummary summary in summaries.OrderBy(s => s.UniqueId.Id))
            {
                UniqueId uid = summary.UniqueId;
                // The raw bytes (BODY.PEEK[]), not MailKit's parse: a message that is no mail is refused by the inbox with
                // its own clear error, like a malformed .eml file, and the rest of the mailbox is still read.
                yield return new InboxMessage($"imap:{folder.FullName}/{folder.UidValidity}/{uid.Id}", summary.Size.HasValue ? (long)summary.Size.Value : -1,
                    () => folder.GetStream(uid, string.Empty, cancellationToken));
            }
        }

        public void Dispose()
        {
            try
            {
                if (client.IsConnected)
                {
                    client.Disconnect(true);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is ImapProtocolException || ex is ImapCommandException)
            {
                // The run is done; a failed goodbye changes nothing.
            }

            client.Dispose();
        }
    }
}
