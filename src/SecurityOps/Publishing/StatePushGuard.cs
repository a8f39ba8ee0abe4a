using System;
using System.Linq;
using SecurityOps.Disclosure;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>
    /// Pushing the state is a public output when its remote is public: then no embargoed case may be in it.
    /// The remote counts as public when the config says so (state.remoteIsPublic).
    /// </summary>
    public static class StatePushGuard
    {
        public static void EnsurePushAllowed(SecurityState state, DateTimeOffset now)
        {
            if (!state.Config.State.RemoteIsPublic)
            {
                return;
            }

            var embargoed = new CaseStore(state.Files).All().Where(c => c.IsEmbargoed(now)).ToList();
            if (embargoed.Count > 0)
            {
                // Only the count: the case ids of embargoed reports are not for a public push log either.
                throw new SecurityOpsException("EmbargoedStatePushRefused", FailureKind.SecurityError, state.Config.State.Remote,
                    $"Refused to push: the remote '{state.Config.State.Remote}' is marked public (state.remoteIsPublic) and the state holds {embargoed.Count} embargoed case(s). Keep cases in a private state repository.");
            }
        }
    }
}
