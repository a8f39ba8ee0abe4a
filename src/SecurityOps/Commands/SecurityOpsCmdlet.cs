using System;
using System.Management.Automation;
using System.Threading;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// The one base of every SecurityOps cmdlet: the command's <see cref="CommandSession"/> (state, config, clock, events,
    /// actor, cases, GitHub, SMTP, built on first use), cancellation on Ctrl+C, and turning the parts'
    /// <see cref="SecurityOpsException"/>s into ErrorRecords with a stable id, a category and the offending value.
    /// The classes between this one and a cmdlet only declare shared parameter groups (-StatePath; the GitHub
    /// parameters; a case id); services come from the session, not from inheritance.
    /// </summary>
    public abstract class SecurityOpsCmdlet : PSCmdlet, IDisposable
    {
        public const string StateEnvironmentVariable = "SECURITYOPS_STATE";

        private CancellationTokenSource cancellation = new CancellationTokenSource();
        private CommandSession session;

        /// <summary>What this command works with, built on first use.</summary>
        internal CommandSession Session => session ??= new CommandSession(this);

        /// <summary>The -StatePath the user gave (declared by <see cref="StateCmdlet"/>); null when none.</summary>
        internal virtual string ExplicitStatePath => null;

        /// <summary>-StatePath, else $env:SECURITYOPS_STATE, else the nearest folder at or above the current location that holds securityops.yaml.</summary>
        internal string ResolveStateRoot()
        {
            string explicitPath = ExplicitStatePath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ExplicitStatePath);
            return StateRepository.Locate(explicitPath,
                Environment.GetEnvironmentVariable(StateEnvironmentVariable),
                SessionState.Path.CurrentFileSystemLocation.ProviderPath);
        }

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
            session?.Dispose();
            session = null;
            cancellation?.Dispose();
            cancellation = null;
            GC.SuppressFinalize(this);
        }

        /// <summary>What a cmdlet holds across its pipeline (a batch's state lock, say), let go however the pipeline ends.</summary>
        protected virtual void ReleaseResources()
        {
        }

        /// <summary>A non-terminating error: this item failed, the pipeline goes on.</summary>
        protected internal void WriteFailure(SecurityOpsException ex) => WriteError(ToErrorRecord(ex));

        /// <summary>A terminating error: the command cannot go on.</summary>
        protected internal void ThrowFailure(SecurityOpsException ex) => ThrowTerminatingError(ToErrorRecord(ex));

        protected override void EndProcessing()
        {
            session?.CloseGitHub();
            base.EndProcessing();
        }

        /// <summary>
        /// Runs async work on workers while this (the pipeline) thread writes what it reports; the session's event sink
        /// (which the GitHub gateway and the services were given) points at the work's queue meanwhile. Errors propagate.
        /// </summary>
        private protected T RunOnWorkers<T>(Func<IEventSink, System.Threading.Tasks.Task<T>> work)
        {
            EventRelay events = Session.Events;
            IEventSink before = events.Target;
            try
            {
                return new PipelineEvents().Run(this, sink =>
                {
                    events.Target = sink;
                    return work(sink);
                });
            }
            finally
            {
                events.Target = before;
            }
        }

        private protected void RunOnWorkers(Func<IEventSink, System.Threading.Tasks.Task> work) =>
            RunOnWorkers(async sink =>
            {
                await work(sink).ConfigureAwait(false);
                return true;
            });

        /// <summary>As <see cref="RunOnWorkers{T}"/>, a failure being a non-terminating error. True when it succeeded.</summary>
        private protected bool RunStep<T>(Func<IEventSink, System.Threading.Tasks.Task<T>> work, out T result)
        {
            T value = default;
            bool ok = TryRun(() => value = RunOnWorkers(work));
            result = value;
            return ok;
        }

        /// <summary>
        /// Runs the work for one item (one CVE id, one record) of a batch: any SecurityOps error, a broken state file of
        /// that item included, is a non-terminating error for it and the batch goes on. The item's file is read before
        /// anything is written, so a file that cannot be read is never written over.
        /// </summary>
        protected bool TryRunItem(Action action)
        {
            try
            {
                action();
                return true;
            }
            catch (SecurityOpsException ex)
            {
                WriteFailure(ex);
                return false;
            }
        }

        /// <summary>Runs an action, turning a SecurityOpsException into a non-terminating error; true when it succeeded.</summary>
        protected bool TryRun(Action action)
        {
            try
            {
                action();
                return true;
            }
            catch (StateFileException ex)
            {
                // A broken state file stops the command: going on could overwrite what a person must fix by hand.
                ThrowFailure(ex);
                return false;
            }
            catch (SecurityOpsException ex)
            {
                WriteFailure(ex);
                return false;
            }
        }

        /// <summary>
        /// True when ShouldProcess will show its words to someone: -WhatIf (or its preference), -Confirm, a confirmation
        /// prompt <paramref name="impact"/> meets under $ConfirmPreference, or -Verbose (or a verbose preference). A
        /// cmdlet whose words cost work (a file lookup per item) builds them only then.
        /// </summary>
        protected bool ShouldProcessIsShown(ConfirmImpact impact)
        {
            var bound = MyInvocation.BoundParameters;
            bool Set(string name) => bound.TryGetValue(name, out object value) && value is SwitchParameter s && s.IsPresent;
            if (GitHubCmdletSupport.IsWhatIf(this) || Set("Confirm") || Set("Verbose"))
            {
                return true;
            }

            if (!bound.ContainsKey("Verbose") &&
                (!Preference("VerbosePreference", out ActionPreference verbose) || (verbose != ActionPreference.SilentlyContinue && verbose != ActionPreference.Ignore)))
            {
                return true;
            }

            return !bound.ContainsKey("Confirm") &&
                (!Preference("ConfirmPreference", out ConfirmImpact confirm) || (confirm != ConfirmImpact.None && confirm <= impact));
        }

        /// <summary>A preference variable's value; false (read as "it may show") when it holds something else.</summary>
        private bool Preference<T>(string name, out T value) where T : struct
        {
            object raw = SessionState.PSVariable.GetValue(name);
            raw = raw is PSObject wrapped ? wrapped.BaseObject : raw;
            if (raw is T typed)
            {
                value = typed;
                return true;
            }

            return Enum.TryParse(raw?.ToString(), ignoreCase: true, out value);
        }

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
