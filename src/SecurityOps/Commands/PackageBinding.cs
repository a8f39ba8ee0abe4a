using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Turns what a pipeline offers as packages (strings, PackageRefs, objects with Name/Ecosystem) into PackageRefs.</summary>
    internal static class PackageBinding
    {
        public static List<PackageRef> ToPackages(object[] values)
        {
            var result = new List<PackageRef>();
            if (values == null)
            {
                return result;
            }

            foreach (object raw in values)
            {
                Add(result, raw);
            }

            return result;
        }

        private static void Add(List<PackageRef> result, object raw)
        {
            object value = raw is PSObject pso ? pso.BaseObject : raw;
            switch (value)
            {
                case null:
                    return;
                case PackageRef package:
                    result.Add(package);
                    return;
                case string text:
                    var parsed = PackageRef.Parse(text);
                    if (parsed != null)
                    {
                        result.Add(parsed);
                    }

                    return;
                case IEnumerable many when !(value is IDictionary):
                    foreach (object item in many)
                    {
                        Add(result, item);
                    }

                    return;
                default:
                    var wrapped = PSObject.AsPSObject(raw);
                    string name = wrapped.Properties["Name"]?.Value?.ToString();
                    string ecosystem = wrapped.Properties["Ecosystem"]?.Value?.ToString();
                    if (!string.IsNullOrWhiteSpace(name))
                    {
                        result.Add(new PackageRef(name, ecosystem));
                    }

                    return;
            }
        }
    }
}
