using System;
using System.Collections.Generic;
using System.Linq;
using SecurityOps.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.TypeInspectors;

namespace SecurityOps.State
{
    /// <summary>
    /// Which properties of the Model records are stored in the state files, decided here so that Model stays plain
    /// data with no YAML attributes: a property without a setter is a view computed from stored fields (never stored),
    /// and the few settable properties below are per-call facts (a pipeline flag, where a policy was loaded from).
    /// </summary>
    internal sealed class StateMapping : TypeInspectorSkeleton
    {
        /// <summary>Settable properties that describe one call or one load, not the record.</summary>
        private static readonly Dictionary<Type, HashSet<string>> Transient = new Dictionary<Type, HashSet<string>>
        {
            [typeof(CveRecord)] = Names(nameof(CveRecord.IsNew), nameof(CveRecord.Changed)),
            [typeof(DisclosurePolicy)] = Names(nameof(DisclosurePolicy.Origin), nameof(DisclosurePolicy.IsCurrent)),
            [typeof(CaseAdvisory)] = Names(nameof(CaseAdvisory.CaseId)),
            [typeof(InventoryPackage)] = Names(nameof(InventoryPackage.Inventory)),
        };

        /// <summary>The config's GitHub section is spelled <c>github:</c> in files, as people write it.</summary>
        public static readonly YamlMemberAttribute GitHubKey = new YamlMemberAttribute { Alias = "github" };

        private readonly ITypeInspector inner;

        public StateMapping(ITypeInspector inner) => this.inner = inner;

        public static bool IsStored(Type type, string propertyName, bool canWrite) =>
            canWrite && !(Transient.TryGetValue(type, out HashSet<string> names) && names.Contains(propertyName));

        public override IEnumerable<IPropertyDescriptor> GetProperties(Type type, object container) =>
            inner.GetProperties(type, container).Where(p => IsStored(type, p.Name, p.CanWrite));

        public override string GetEnumName(Type enumType, string name) => inner.GetEnumName(enumType, name);

        public override string GetEnumValue(object enumValue) => inner.GetEnumValue(enumValue);

        private static HashSet<string> Names(params string[] names) => new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
    }
}
