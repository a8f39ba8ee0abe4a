using System.Management.Automation;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The mail login in its one shape, for every cmdlet that sends mail: -SmtpCredential (user name and password, never
    /// shown). -Credential is the GitHub token on SecurityOps cmdlets; here it is hidden and refused with
    /// MailCredentialRenamed before anything happens, so an older script that passed its mail login that way fails clearly.
    /// </summary>
    public abstract class MailCmdlet : StateCmdlet
    {
        /// <summary>The SMTP login (user name and password); the password never appears in output.</summary>
        [Parameter]
        [Credential]
        public PSCredential SmtpCredential { get; set; }

        /// <summary>Not the mail login: see -SmtpCredential. Refused with MailCredentialRenamed, so an older script fails clearly.</summary>
        [Parameter(DontShow = true)]
        [Credential]
        public PSCredential Credential { get; set; }

        protected override void BeginProcessing()
        {
            RefuseCredentialAsMailLogin(Credential);
            base.BeginProcessing();
        }
    }

    /// <summary>The mail cmdlets that send to one recipient or a list they name: the mail login, and -SmtpServer / -Port over the config's.</summary>
    public abstract class DirectMailCmdlet : MailCmdlet
    {
        /// <summary>The SMTP server instead of messaging.smtp.host.</summary>
        [Parameter]
        public string SmtpServer { get; set; }

        /// <summary>The SMTP port instead of messaging.smtp.port.</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int? Port { get; set; }
    }
}
