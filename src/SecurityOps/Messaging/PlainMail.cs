using MimeKit;

namespace SecurityOps.Messaging
{
    /// <summary>Unencrypted mail (the public announce list, the team's own reminders), sent through <see cref="MailSender"/> like any other.</summary>
    internal static class PlainMail
    {
        public static OutgoingMail Build(string id, string from, string to, string subject, string body)
        {
            var mime = new MimeMessage();
            mime.From.Add(MailboxAddress.Parse(from));
            mime.To.Add(MailboxAddress.Parse(to));
            mime.Subject = subject;
            mime.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
            mime.Body = new TextPart("plain") { Text = body };
            return new OutgoingMail { MemberId = id, Recipient = to, Message = mime };
        }
    }
}
