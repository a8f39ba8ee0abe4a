using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// Encrypted mail to distributors: for each (member, rendered message) it checks the member's key, builds the
    /// OpenPGP/MIME message to that member alone, and hands the batch to <see cref="MailSender"/> over one connection.
    /// A member without a usable key is refused (reported, never sent in clear). Send-EmbargoNotice builds on this.
    /// </summary>
    internal sealed class DistributorMailer
    {
        public const string SigningPassphraseVariable = "SECURITYOPS_SIGNING_PASSPHRASE";

        private readonly PgpMimeBuilder builder;
        private readonly MailSender sender;

        /// <summary>The members' keys read so far in this run, by their armored text (a key shared by members, or a batch sent twice, is parsed once).</summary>
        private readonly Dictionary<string, OpenPgpKeyInfo> parsedKeys = new Dictionary<string, OpenPgpKeyInfo>(StringComparer.Ordinal);

        public DistributorMailer(PgpMimeBuilder builder, MailSender sender)
        {
            this.builder = builder;
            this.sender = sender;
        }

        public MailSender Sender => sender;

        /// <summary>The mailer the config describes: From, generic subject, optional signing key, SMTP.</summary>
        public static DistributorMailer FromConfig(StateRepository files, SecurityConfig config, NetworkCredential credential, SmtpSettings smtpOverride = null)
        {
            MessagingSettings messaging = config.Messaging ?? new MessagingSettings();
            OpenPgpSigner signer = null;
            if (!string.IsNullOrWhiteSpace(messaging.SigningKeyPath))
            {
                string path = Path.IsPathRooted(messaging.SigningKeyPath) ? messaging.SigningKeyPath : files.FullPath(messaging.SigningKeyPath);
                if (!File.Exists(path))
                {
                    throw new SecurityOpsException("SigningKeyNotFound", FailureKind.ObjectNotFound, path, $"messaging.signingKeyPath names {path}, which does not exist.");
                }

                signer = OpenPgpSigner.Load(File.ReadAllText(path), Environment.GetEnvironmentVariable(SigningPassphraseVariable)?.ToCharArray(), path);
            }

            var builder = new PgpMimeBuilder(messaging.From ?? config.Project?.SecurityContact, messaging.GenericSubject, signer);
            return new DistributorMailer(builder, new MailSender(smtpOverride ?? messaging.Smtp ?? new SmtpSettings(), credential));
        }

        /// <summary>Builds one member's message, or a refusal that says why it cannot be sent.</summary>
        public OutgoingMail Prepare(DistributorMember member, RenderedMessage message)
        {
            var mail = new OutgoingMail { MemberId = member.Id, Recipient = member.SecurityAlias };
            var watch = Stopwatch.StartNew();
            try
            {
                if (!member.IsActive)
                {
                    throw new SecurityOpsException("DistributorMemberInactive", FailureKind.InvalidOperation, member.Id, $"Member '{member.Id}' is {member.Status}: nothing is sent to it.");
                }

                OpenPgpKeyInfo key = OpenPgpKeys.RequireUsable(member, ModuleContext.UtcNow, parsedKeys);
                mail.Message = builder.Build(member.SecurityAlias, message, key);
            }
            catch (SecurityOpsException ex)
            {
                mail.Refusal = ex;
            }

            mail.EncryptSeconds = watch.Elapsed.TotalSeconds;
            return mail;
        }

        /// <summary>
        /// A message to one address (a membership decision, a reply to a reporter): encrypted to the recipient's key when it
        /// has a usable one, else in the clear (callers send no embargoed detail this way); Encrypted says which.
        /// </summary>
        public (OutgoingMail Mail, bool Encrypted) PrepareDirectMail(string id, string to, string armoredKey, RenderedMessage message)
        {
            OpenPgpKeyInfo key = string.IsNullOrWhiteSpace(armoredKey) ? null : OpenPgpKeys.Inspect(armoredKey, ModuleContext.UtcNow);
            if (key != null && key.Readable && !key.Revoked && !key.IsExpired(ModuleContext.UtcNow) && key.EncryptionKey != null)
            {
                return (new OutgoingMail { MemberId = id, Recipient = to, Message = builder.Build(to, message, key) }, true);
            }

            return (PlainMail.Build(id, builder.From.ToString(), to, message.Subject, message.Body), false);
        }

        public Task<List<MailDelivery>> SendAsync(IEnumerable<(DistributorMember Member, RenderedMessage Message)> items, IEventSink sink, CancellationToken cancellationToken)
        {
            List<OutgoingMail> batch = items.Select(i => Prepare(i.Member, i.Message)).ToList();
            return sender.SendAsync(batch, sink, cancellationToken);
        }

        /// <summary>A short random code the member quotes back to confirm the test message was read.</summary>
        public static string NewConfirmationCode()
        {
            byte[] bytes = new byte[5];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(bytes);
            }

            return BitConverter.ToString(bytes).Replace("-", string.Empty);
        }

        /// <summary>
        /// A member's test message and the hash of its new confirmation code (<see cref="TestMessageCodes.Hash"/>): the
        /// code itself lives only in the message, which is encrypted to the member.
        /// </summary>
        public static (RenderedMessage Message, string CodeHash) RenderTestMessage(MembershipService membership, TemplateRenderer templates, DistributorMember member)
        {
            string code = NewConfirmationCode();
            var model = membership.Model(member);
            model["message"] = new Dictionary<string, object>
            {
                ["date"] = ModuleContext.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                ["code"] = code,
            };
            return (templates.Render("test-message", model, member.SecurityAlias), TestMessageCodes.Hash(member.Id, code));
        }
    }
}
