using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using SecurityOps.Model;

namespace SecurityOps.Disclosure
{
    /// <summary>
    /// A policy as a list of rules (Get-DisclosurePolicy -Rule): every field it sets, with its value and, where the
    /// policy says so in basis[], the rule in the module's words and a few words of the published sentence it comes
    /// from. A field left at "no rule" (empty, false, or a section the policy does not have) is not listed.
    /// </summary>
    internal static class PolicyRules
    {
        public static List<DisclosurePolicyRule> Describe(DisclosurePolicy policy)
        {
            var rules = new List<DisclosurePolicyRule>();
            string source = policy.Sources.FirstOrDefault();
            foreach (string field in PolicyValidator.RuleFields(typeof(DisclosurePolicy), string.Empty))
            {
                object value = ValueOf(policy, field, out bool sectionPresent);
                PolicyBasis basis = policy.Basis.FirstOrDefault(b => string.Equals(b.Field, field, StringComparison.Ordinal));
                string text = Format(value) ?? (basis != null && value != null && !(value is bool) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null);
                if (field == "embargo.removalAfterOffenses" && policy.Embargo?.RemoveRepeatOffenders != true)
                {
                    continue; // only means something with removeRepeatOffenders
                }

                if (!sectionPresent || (text == null && basis == null))
                {
                    continue;
                }

                rules.Add(new DisclosurePolicyRule
                {
                    Policy = policy.Name,
                    Field = field,
                    Value = text ?? "(none)",
                    Says = basis?.Says,
                    Anchor = basis?.Anchor,
                    Source = source,
                });
            }

            return rules;
        }

        /// <summary>The value at a dotted path; sectionPresent is false when a section on the way is absent.</summary>
        internal static object ValueOf(DisclosurePolicy policy, string field, out bool sectionPresent)
        {
            object current = policy;
            sectionPresent = true;
            foreach (string part in field.Split('.'))
            {
                if (current == null)
                {
                    sectionPresent = false;
                    return null;
                }

                PropertyInfo property = current.GetType().GetProperty(char.ToUpperInvariant(part[0]) + part.Substring(1), BindingFlags.Public | BindingFlags.Instance);
                current = property?.GetValue(current);
            }

            return current;
        }

        private static string Format(object value)
        {
            switch (value)
            {
                case null:
                    return null;
                case bool b:
                    return b ? "true" : null;
                case string s:
                    return string.IsNullOrWhiteSpace(s) ? null : s;
                case int i:
                    return i == 0 ? null : i.ToString(CultureInfo.InvariantCulture);
                case double d:
                    return d.ToString("0.0##", CultureInfo.InvariantCulture);
                case IEnumerable list:
                    var items = list.Cast<object>().Select(i => i is MembershipCriterion c ? c.Id : Convert.ToString(i, CultureInfo.InvariantCulture)).ToList();
                    return items.Count == 0 ? null : string.Join(", ", items);
                default:
                    return Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }
    }
}
