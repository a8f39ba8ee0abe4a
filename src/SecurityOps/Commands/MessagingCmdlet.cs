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

        internal MembershipService Membership => membership ??= new MembershipService(Distributors, Templates, State.Config, name => Disclosure.PolicyCatalog.MembershipCriteria(State, name)) { PgpRequired = name => Disclosure.PolicyCatalog.MembershipPgpRequired(State, name) };

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
