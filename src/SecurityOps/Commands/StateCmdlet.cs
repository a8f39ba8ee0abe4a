using System;
using System.Management.Automation;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>A cmdlet that works on a state repository: -StatePath, else $env:SECURITYOPS_STATE, else the nearest
    /// folder at or above the current location that holds securityops.yaml.</summary>
    public abstract class StateCmdlet : SecurityOpsCmdlet
    {
        public const string StateEnvironmentVariable = "SECURITYOPS_STATE";

        private SecurityState state;

        /// <summary>The state repository's folder.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string StatePath { get; set; }

        /// <summary>The opened state; a missing or broken state is a terminating error.</summary>
        protected SecurityState State
        {
            get
            {
                if (state == null)
                {
                    string root = ResolveStateRoot();
                    try
                    {
                        state = SecurityState.Open(root);
                    }
                    catch (SecurityOpsException ex)
                    {
                        ThrowFailure(ex);
                    }

                    WriteVerbose($"Using the state repository at {state.Root}.");
                }

                return state;
            }
        }

        protected string ResolveStateRoot()
        {
            string explicitPath = StatePath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(StatePath);
            return StateRepository.Locate(explicitPath,
                Environment.GetEnvironmentVariable(StateEnvironmentVariable),
                SessionState.Path.CurrentFileSystemLocation.ProviderPath);
        }

        /// <summary>
        /// Runs one async step with its events written on the pipeline thread (the relay points at them meanwhile); a
        /// failure is a non-terminating error. True when it succeeded.
        /// </summary>
        private protected bool RunStep<T>(EventRelay relay, Func<IEventSink, System.Threading.Tasks.Task<T>> work, out T result)
        {
            T value = default;
            bool ok = TryRun(() => value = new PipelineEvents().Run(this, sink =>
            {
                relay.Target = sink;
                return work(sink);
            }));
            relay.Target = null;
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

        /// <summary>The person recorded on timeline events: -Actor, else $env:USER / $env:USERNAME, else git's user.name.</summary>
        protected string ResolveActor(string actor)
        {
            if (!string.IsNullOrWhiteSpace(actor))
            {
                return actor.Trim();
            }

            string user = Environment.GetEnvironmentVariable("USER") ?? Environment.GetEnvironmentVariable("USERNAME");
            if (!string.IsNullOrWhiteSpace(user))
            {
                return user;
            }

            try
            {
                string name = State.Git.Run(new[] { "config", "user.name" }, throwOnError: false).Output.Trim();
                return string.IsNullOrEmpty(name) ? "unknown" : name;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                return "unknown";
            }
        }
    }
}
