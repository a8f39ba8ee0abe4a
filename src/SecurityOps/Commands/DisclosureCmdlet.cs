using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Shared plumbing of the disclosure cmdlets: the case store, the policy of a case, the actor and the clock.</summary>
    public abstract class DisclosureCmdlet : StateCmdlet
    {
        private readonly Dictionary<string, DisclosurePolicy> policies = new Dictionary<string, DisclosurePolicy>(StringComparer.OrdinalIgnoreCase);
        private CaseStore cases;

        private bool onDutyRead;
        private RotationSlot onDuty;

        /// <summary>Who is on duty at a time: the rotation's week in roster.yaml (null without a roster or before its start). A seam for tests.</summary>
        internal static Func<SecurityState, DateTimeOffset, RotationSlot> OnDutyLookup { get; set; } = (state, now) => new RosterStore(state.Files).OnDuty(now);

        /// <summary>The rotation's slot now (read once per command); an unusable roster is a warning and no slot, never a failure of the command.</summary>
        protected RotationSlot OnDutySlot
        {
            get
            {
                if (!onDutyRead)
                {
                    onDutyRead = true;
                    try
                    {
                        onDuty = OnDutyLookup(State, Now);
                    }
                    catch (SecurityOpsException ex)
                    {
                        WriteWarning($"The rotation could not be read, so no one on duty is known from it: {ex.Message}");
                    }
                }

                return onDuty;
            }
        }

        private protected CaseStore Cases => cases ??= new CaseStore(State.Files);

        protected static DateTimeOffset Now => ModuleContext.UtcNow;

        protected TimeSpan DueSoonWindow => TimeSpan.FromHours(Math.Max(0, State.Config.Disclosure?.DueSoonHours ?? 24));

        /// <summary>The policy a case is handled under (cached per command).</summary>
        protected DisclosurePolicy PolicyFor(VulnerabilityCase c)
        {
            string name = c.Policy ?? string.Empty;
            if (!policies.TryGetValue(name, out DisclosurePolicy policy))
            {
                policy = PolicyCatalog.Resolve(State, c.Policy);
                policies[name] = policy;
                if (policy.RetiredMessage != null)
                {
                    WriteWarning($"{c.Id}: {policy.RetiredMessage}");
                }
            }

            return policy;
        }

        /// <summary>Cases by id (exact ids read one file each; wildcards list the folder first).</summary>
        protected IEnumerable<VulnerabilityCase> FindCases(string[] ids)
        {
            if (ids == null || ids.Length == 0)
            {
                return Cases.All();
            }

            var patterns = ids.Select(i => new WildcardPattern(i.Trim(), WildcardOptions.IgnoreCase)).ToList();
            return ids.All(i => !WildcardPattern.ContainsWildcardCharacters(i))
                ? ids.Select(i => Cases.GetRequired(i))
                : Cases.Ids().Where(id => patterns.Any(p => p.IsMatch(id))).Select(id => Cases.GetRequired(id));
        }
    }
}
