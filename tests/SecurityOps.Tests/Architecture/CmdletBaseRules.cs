using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using SecurityOps.Commands;

namespace SecurityOps.Tests.Architecture
{
    /// <summary>
    /// "One base cmdlet and a session object": what a command works with lives in its <c>CommandSession</c>, built on
    /// first use. The classes between <see cref="SecurityOpsCmdlet"/> and a cmdlet may only declare shared parameter
    /// groups (and helpers over the session): an instance field there, other than the backing field of a [Parameter]
    /// property, is a service handed out by inheritance again.
    /// </summary>
    internal static class CmdletBaseRules
    {
        public static List<string> Check(IEnumerable<Type> types)
        {
            var offences = new List<string>();
            foreach (Type type in types.Where(t => t.IsClass && t.IsAbstract && t != typeof(SecurityOpsCmdlet) && typeof(SecurityOpsCmdlet).IsAssignableFrom(t)))
            {
                foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (!IsParameterBackingField(type, field))
                    {
                        offences.Add($"{type.FullName} holds '{field.Name}' ({field.FieldType.Name}): a cmdlet base class declares parameters only; put what a command works with in its session.");
                    }
                }
            }

            return offences;
        }

        private static bool IsParameterBackingField(Type type, FieldInfo field)
        {
            if (field.GetCustomAttribute<CompilerGeneratedAttribute>() == null || !field.Name.StartsWith("<", StringComparison.Ordinal))
            {
                return false;
            }

            string property = field.Name.Substring(1, field.Name.IndexOf('>') - 1);
            PropertyInfo declared = type.GetProperty(property, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            return declared?.GetCustomAttributes<ParameterAttribute>().Any() == true;
        }
    }
}

namespace SecurityOps.Tests.Architecture.WrongWay.Commands
{
    /// <summary>The rule's own wrong-way fixture: a base class that keeps a service of its own, beside one that declares a parameter only.</summary>
    public abstract class ServiceHoldingCmdlet : SecurityOpsCmdlet
    {
        private readonly System.Collections.Generic.Dictionary<string, string> policies = new System.Collections.Generic.Dictionary<string, string>();

        [Parameter]
        public string Actor { get; set; }

        public int PolicyCount => policies.Count;
    }

    public abstract class ParameterOnlyCmdlet : SecurityOpsCmdlet
    {
        [Parameter]
        public string CaseId { get; set; }
    }
}
