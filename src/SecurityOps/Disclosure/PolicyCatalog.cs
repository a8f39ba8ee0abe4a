using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>
    /// Where disclosure policies come from: the presets shipped inside the module (Resources/policies/*.yaml) and the
    /// state's own policy file. The state's current policy is the config's disclosure.policy (a preset name or a file
    /// in the state), else policy.yaml when the state has one, else the stacklok preset (the fullest published
    /// process). One preset per published process; the two older mixed presets still load, with a message saying
    /// which preset to move to, so a state and its cases keep working.
    /// </summary>
    internal static class PolicyCatalog
    {
        public const string DefaultPreset = "stacklok";
        public const string StatePolicyFile = "policy.yaml";
        private const string ResourcePrefix = "SecurityOps.Resources.policies/";

        /// <summary>Presets that still load but are no longer offered, and what to move to.</summary>
        private static readonly Dictionary<string, string> Retired = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["kubernetes-style"] = "The 'kubernetes-style' preset mixes KubeEdge's and Stacklok's rules, so each project got the other's; it is retired. Move to 'kubeedge' or 'stacklok' (disclosure.policy in securityops.yaml; Get-DisclosurePolicy -Name kubeedge,stacklok -Rule shows each rule and its source).",
            ["openssf"] = "The 'openssf' preset is retired: it is Confidential Containers' policy, now the 'confidential-containers' preset (disclosure.policy in securityops.yaml).",
        };

        private static readonly IReadOnlyList<string> AllPresetNames = typeof(PolicyCatalog).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(n => n.Substring(ResourcePrefix.Length, n.Length - ResourcePrefix.Length - ".yaml".Length))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

        /// <summary>The names of the shipped presets offered to new states and completion, sorted (retired ones left out).</summary>
        public static IReadOnlyList<string> PresetNames { get; } = AllPresetNames.Where(n => !Retired.ContainsKey(n)).ToList();

        /// <summary>True for every shipped preset, retired ones included (they still load).</summary>
        public static bool IsPreset(string name) => AllPresetNames.Contains(name, StringComparer.OrdinalIgnoreCase);

        /// <summary>What to move to when the preset is retired; null otherwise.</summary>
        public static string RetiredMessage(string name) => name != null && Retired.TryGetValue(name, out string message) ? message : null;

        public static DisclosurePolicy Preset(string name)
        {
            string match = AllPresetNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, name,
                    $"There is no preset '{name}'. Presets: {string.Join(", ", PresetNames)}.");
            string text = EmbeddedResources.ReadText("policies/" + match + ".yaml");
            DisclosurePolicy policy = Parse(text, "preset " + match);
            policy.Origin = "preset";
            policy.RetiredMessage = RetiredMessage(match);
            return policy;
        }

        /// <summary>Reads a policy file, throwing InvalidDisclosurePolicy listing every problem (field, file:line).</summary>
        public static DisclosurePolicy Load(string path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, path, $"Cannot read the policy file {path}: {ex.Message}", ex);
            }

            DisclosurePolicy policy = Parse(text, path);
            policy.Origin = path;
            return policy;
        }

        public static DisclosurePolicy Parse(string text, string file)
        {
            var (policy, problems) = PolicyValidator.Check(text, file);
            if (problems.Count > 0)
            {
                throw new SecurityOpsException("InvalidDisclosurePolicy", FailureKind.InvalidData, file,
                    $"The disclosure policy in {file} has {problems.Count} problem(s):\n" + string.Join("\n", problems));
            }

            return policy;
        }

        /// <summary>The policy new cases of this state get.</summary>
        public static DisclosurePolicy Current(SecurityState state)
        {
            string configured = state.Config.Disclosure?.Policy;
            DisclosurePolicy policy;
            if (string.IsNullOrWhiteSpace(configured))
            {
                policy = state.Files.Exists(StatePolicyFile) ? Load(state.Files.FullPath(StatePolicyFile)) : Preset(DefaultPreset);
            }
            else if (configured.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || configured.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            {
                string path = state.Files.FullPath(configured);
                if (!File.Exists(path))
                {
                    throw new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, configured,
                        $"securityops.yaml names the policy file '{configured}' (disclosure.policy), but {path} does not exist.");
                }

                policy = Load(path);
            }
            else if (IsPreset(configured))
            {
                policy = Preset(configured);
            }
            else
            {
                throw new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, configured,
                    $"securityops.yaml: disclosure.policy '{configured}' is neither a preset ({string.Join(", ", PresetNames)}) nor a .yaml file in the state.");
            }

            policy.IsCurrent = true;
            return policy;
        }

        /// <summary>A policy by name: the state's current policy when the name is its name, else a preset.</summary>
        public static DisclosurePolicy Resolve(SecurityState state, string name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return Current(state);
            }

            DisclosurePolicy current = null;
            try
            {
                current = Current(state);
            }
            catch (SecurityOpsException) when (IsPreset(name))
            {
                // A broken state policy does not stop a case that is handled under a preset.
            }

            if (current != null && string.Equals(current.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return current;
            }

            if (IsPreset(name))
            {
                return Preset(name);
            }

            throw new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, name,
                $"No policy named '{name}': it is not a preset ({string.Join(", ", PresetNames)}) and the state's policy is '{current?.Name}'.");
        }

        /// <summary>
        /// The distributors' membership criteria named <paramref name="name"/>: those of the policy of that name (a
        /// preset or the state's own). The policy is their one source.
        /// </summary>
        public static IList<MembershipCriterion> MembershipCriteria(SecurityState state, string name)
        {
            string policyName = name?.Trim();
            DisclosurePolicy policy;
            try
            {
                policy = string.IsNullOrEmpty(policyName) ? null : Resolve(state, policyName);
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "DisclosurePolicyNotFound")
            {
                policy = null;
            }

            List<MembershipCriterion> criteria = policy?.Distributors?.MembershipCriteria;
            if (criteria == null || criteria.Count == 0)
            {
                throw new SecurityOpsException("MembershipCriteriaUnknown", FailureKind.InvalidArgument, name,
                    $"No membership criteria '{name}': name a policy whose distributors.membershipCriteria lists them (oci, kubeedge, or the state's own policy).");
            }

            return criteria;
        }

        /// <summary>distributors.requiresPgp of the policy that holds the criteria named <paramref name="name"/>; true when unknown.</summary>
        public static bool MembershipPgpRequired(SecurityState state, string name)
        {
            try
            {
                return string.IsNullOrWhiteSpace(name) || Resolve(state, name.Trim()).Distributors?.RequiresPgp != false;
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "DisclosurePolicyNotFound")
            {
                return true;
            }
        }

        /// <summary>The published policy of the policy named <paramref name="name"/> (its first source); null when unknown.</summary>
        public static string PolicyLink(SecurityState state, string name)
        {
            try
            {
                return string.IsNullOrWhiteSpace(name) ? null : Resolve(state, name.Trim()).Sources.FirstOrDefault();
            }
            catch (SecurityOpsException ex) when (ex.ErrorId == "DisclosurePolicyNotFound")
            {
                return null;
            }
        }

        /// <summary>Every policy this state can use: the presets, plus the state's own file when it has one.</summary>
        public static IEnumerable<DisclosurePolicy> Available(SecurityState state)
        {
            DisclosurePolicy current = state == null ? null : Current(state);
            foreach (string name in PresetNames)
            {
                DisclosurePolicy preset = Preset(name);
                preset.IsCurrent = current != null && current.IsPreset && current.Name == name;
                yield return preset;
            }

            if (current != null && (!current.IsPreset || current.RetiredMessage != null))
            {
                yield return current;
            }
        }
    }
}
