using System;
using System.Management.Automation;
using System.Threading;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The shared plumbing of every SecurityOps cmdlet: cancellation on Ctrl+C, and turning the parts'
    /// <see cref="SecurityOpsException"/>s into ErrorRecords with a stable id, a category and the offending value.
    /// </summary>
    public abstract class SecurityOpsCmdlet : PSCmdlet, IDisposable
    {
        private CancellationTokenSource cancellation = new CancellationTokenSource();

        /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing); every network call gets it.</summary>
        protected CancellationToken CancellationToken => cancellation.Token;

        protected override void StopProcessing()
        {
            cancellation.Cancel();
            base.StopProcessing();
        }

        public void Dispose()
        {
            ReleaseResources();
            cancellation?.Dispose();
            cancellation = null;
            GC.SuppressFinalize(this);
        }

        /// <summary>What a cmdlet holds across its pipeline (a batch's state lock, say), let go however the pipeline ends.</summary>
        protected virtual void ReleaseResources()
        {
        }

        /// <summary>A non-terminating error: this item failed, the pipeline goes on.</summary>
        protected void WriteFailure(SecurityOpsException ex) => WriteError(ToErrorRecord(ex));

        /// <summary>A terminating error: the command cannot go on.</summary>
        protected void ThrowFailure(SecurityOpsException ex) => ThrowTerminatingError(ToErrorRecord(ex));

        /// <summary>
        /// -Credential means a GitHub token on every SecurityOps cmdlet; the mail cmdlets take their SMTP login as
        /// -SmtpCredential. A script written for the older -Credential gets this clear error instead of its mail login
        /// being used as something else.
        /// </summary>
        protected void RefuseCredentialAsMailLogin(PSCredential credential)
        {
            if (credential != null)
            {
                ThrowFailure(new SecurityOpsException("MailCredentialRenamed", FailureKind.InvalidArgument, "-Credential",
                    $"{MyInvocation.MyCommand.Name} takes the SMTP login as -SmtpCredential; -Credential is the GitHub token on SecurityOps cmdlets and this one does not use GitHub. Pass the mail credential as -SmtpCredential."));
            }
        }

        public static ErrorRecord ToErrorRecord(SecurityOpsException ex)
        {
            return new ErrorRecord(ex, ex.ErrorId, Map(ex.Kind), ex.Target)
            {
                ErrorDetails = new ErrorDetails(ex.Message),
            };
        }

        public static ErrorCategory Map(FailureKind kind)
        {
            switch (kind)
            {
                case FailureKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FailureKind.InvalidData: return ErrorCategory.InvalidData;
                case FailureKind.ObjectNotFound: return ErrorCategory.ObjectNotFound;
                case FailureKind.ResourceExists: return ErrorCategory.ResourceExists;
                case FailureKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                case FailureKind.ConnectionError: return ErrorCategory.ConnectionError;
                case FailureKind.AuthenticationError: return ErrorCategory.AuthenticationError;
                case FailureKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case FailureKind.InvalidOperation: return ErrorCategory.InvalidOperation;
                case FailureKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                case FailureKind.LimitsExceeded: return ErrorCategory.LimitsExceeded;
                case FailureKind.SecurityError: return ErrorCategory.SecurityError;
                case FailureKind.ParserError: return ErrorCategory.ParserError;
                case FailureKind.WriteError: return ErrorCategory.WriteError;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
