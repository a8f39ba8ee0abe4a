using System.Linq;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>The distributors-list cmdlets' shared services over the opened state.</summary>
    public abstract class MessagingCmdlet : StateCmdlet
    {
        private MembershipService membership;
        private TemplateRenderer templates;

        internal DistributorStore Distributors => new DistributorStore(State.Files);

        internal TemplateRenderer Templates => templates ??= new TemplateRenderer(State.Files);

        internal MembershipService Membership => membership ??= new MembershipService(Distributors, Templates, State.Config, name => Disclosure.PolicyCatalog.MembershipCriteria(State, name)) { PgpRequired = name => Disclosure.PolicyCatalog.MembershipPgpRequired(State, name), PolicyLink = name => Disclosure.PolicyCatalog.PolicyLink(State, name) };

        /// <summary>
        /// Sends a membership decision's message to its recipient (encrypted to <paramref name="armoredKey"/> when usable)
        /// and records the delivery on the decision; a failed send is an error naming the recipient, the decision stands.
        /// </summary>
        internal void SendDecision(MembershipDecision decision, string armoredKey, System.Management.Automation.PSCredential smtpCredential, string server, int? port)
        {
            DistributorMailer mailer = DistributorMailer.FromConfig(State.Files, State.Config, smtpCredential?.GetNetworkCredential(), SmtpWith(State.Config, server, port));
            var (mail, encrypted) = mailer.PrepareMembershipMail(decision.MemberId ?? decision.RequestId, decision.Message.To, armoredKey, decision.Message);
            System.Collections.Generic.List<MailDelivery> deliveries = new PipelineEvents().Run(this, sink => mailer.Sender.SendAsync(new[] { mail }, sink, CancellationToken));
            decision.Delivery = deliveries.Single();
            WriteVerbose($"The {decision.Message.Template} message to {decision.Message.To}: {decision.Delivery.Status}{(encrypted ? ", encrypted to the recipient's key" : ", in the clear (no usable key)")}.");
            if (decision.Delivery.Status != "Sent")
            {
                WriteFailure(new SecurityOpsException(decision.Delivery.ErrorId ?? "MembershipMailNotSent", FailureKind.ConnectionError, decision.Message.To,
                    $"The {decision.Message.Template} message to {decision.Message.To} was not sent: {decision.Delivery.Error}. The decision is recorded; send it again later."));
            }
        }

        /// <summary>The config's SMTP settings with -SmtpServer / -Port applied.</summary>
        internal static SmtpSettings SmtpWith(SecurityConfig config, string host, int? port)
        {
            SmtpSettings smtp = config.Messaging?.Smtp ?? new SmtpSettings();
            return new SmtpSettings
            {
                Host = host ?? smtp.Host,
                Port = port ?? smtp.Port,
                Security = smtp.Security,
                CertificateThumbprint = smtp.CertificateThumbprint,
                MaxAttempts = smtp.MaxAttempts,
                RetryDelaySeconds = smtp.RetryDelaySeconds,
                TimeoutSeconds = smtp.TimeoutSeconds,
            };
        }
    }
}
