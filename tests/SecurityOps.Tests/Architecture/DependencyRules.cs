using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace SecurityOps.Tests.Architecture
{
    /// <summary>
    /// The house plan as data: which part may use which, read from the "may use" table of docs/ARCHITECTURE.md,
    /// and the check of a compiled assembly against it (IL type references, so a fully qualified name or a
    /// method body cannot hide a dependency the way a missing <c>using</c> line could).
    /// </summary>
    public sealed class DependencyRules
    {
        private DependencyRules(IReadOnlyDictionary<string, HashSet<string>> mayUse) => MayUse = mayUse;

        /// <summary>Part name (folder, without the slash) to the parts it may use.</summary>
        public IReadOnlyDictionary<string, HashSet<string>> MayUse { get; }

        /// <summary>Parts every part may use: shared plumbing (errors, clock, event sink) in the root namespace.</summary>
        public static readonly string[] Everywhere = { "Internal" };

        public static DependencyRules FromMarkdown(string markdown)
        {
            var rows = new Dictionary<string, string>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (string line in markdown.Split('\n'))
            {
                Match m = Regex.Match(line, @"^\|\s*`(?<part>[A-Za-z]+)/`\s*\|[^|]*\|(?<uses>[^|]*)\|\s*$");
                if (m.Success)
                {
                    rows[m.Groups["part"].Value] = m.Groups["uses"].Value.Trim();
                    order.Add(m.Groups["part"].Value);
                }
            }

            if (rows.Count == 0)
            {
                throw new InvalidDataException("No '| `Part/` | holds | may use |' rows in the architecture table.");
            }

            var mayUse = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (string part in order)
            {
                string uses = rows[part];
                var set = new HashSet<string>(StringComparer.Ordinal);
                if (uses.StartsWith("everything", StringComparison.OrdinalIgnoreCase))
                {
                    set.UnionWith(order.Where(p => p != part));
                }
                else
                {
                    foreach (Match name in Regex.Matches(uses, @"\b[A-Z][A-Za-z]+\b"))
                    {
                        if (!rows.ContainsKey(name.Value))
                        {
                            throw new InvalidDataException($"Part '{part}' may use '{name.Value}', which has no row of its own.");
                        }

                        set.Add(name.Value);
                    }
                }

                mayUse[part] = set;
            }

            return new DependencyRules(mayUse);
        }

        /// <summary>
        /// Every reference in <paramref name="assemblyPath"/> that breaks the rules, as readable lines. Types in
        /// <c>rootNamespace.Part</c> belong to Part; types directly in the root namespace are shared plumbing.
        /// </summary>
        public IReadOnlyList<string> Check(string assemblyPath, string rootNamespace, string powerShellDoor, string httpRoad, IEnumerable<string> powerShellExemptTypes)
        {
            var exempt = new HashSet<string>(powerShellExemptTypes, StringComparer.Ordinal);
            var offences = new SortedSet<string>(StringComparer.Ordinal);
            using (AssemblyDefinition assembly = AssemblyDefinition.ReadAssembly(assemblyPath))
            {
                foreach (TypeDefinition type in assembly.MainModule.GetTypes())
                {
                    string part = PartOf(OuterMost(type).Namespace, rootNamespace);
                    if (part == null)
                    {
                        continue;
                    }

                    foreach (TypeReference used in ReferencedTypes(type))
                    {
                        TypeReference element = OuterMost(used.GetElementType());
                        string scope = element.Scope?.Name ?? string.Empty;
                        string usedPart = PartOf(element.Namespace, rootNamespace);
                        string where = $"{type.FullName} ({part}/)";
                        if (usedPart != null && usedPart != part && usedPart != "Internal" && !Everywhere.Contains(usedPart))
                        {
                            if (!MayUse.TryGetValue(part, out HashSet<string> allowed))
                            {
                                offences.Add($"{where} is in a part the plan does not list.");
                            }
                            else if (!allowed.Contains(usedPart))
                            {
                                offences.Add($"{where} uses {element.FullName} ({usedPart}/), which the plan does not allow.");
                            }
                        }

                        if ((scope.StartsWith("System.Management.Automation", StringComparison.Ordinal) || element.Namespace.StartsWith("System.Management.Automation", StringComparison.Ordinal))
                            && part != powerShellDoor && !exempt.Contains(OuterMost(type).FullName))
                        {
                            offences.Add($"{where} uses {element.FullName}: PowerShell stays in {powerShellDoor}/.");
                        }

                        if (element.Namespace == "System.Net.Http" && (element.Name == "HttpClient" || element.Name == "HttpClientHandler" || element.Name == "SocketsHttpHandler")
                            && part != httpRoad)
                        {
                            offences.Add($"{where} uses {element.FullName}: every HTTP request goes through {httpRoad}/.");
                        }
                    }
                }
            }

            return offences.ToList();
        }

        private static string PartOf(string ns, string root)
        {
            if (ns == root)
            {
                return "Internal";
            }

            if (!ns.StartsWith(root + ".", StringComparison.Ordinal))
            {
                return null;
            }

            string rest = ns.Substring(root.Length + 1);
            int dot = rest.IndexOf('.');
            return dot < 0 ? rest : rest.Substring(0, dot);
        }

        private static TypeReference OuterMost(TypeReference type)
        {
            while (type.DeclaringType != null)
            {
                type = type.DeclaringType;
            }

            return type;
        }

        private static IEnumerable<TypeReference> ReferencedTypes(TypeDefinition type)
        {
            if (type.BaseType != null)
            {
                foreach (TypeReference t in Expand(type.BaseType)) yield return t;
            }

            foreach (InterfaceImplementation i in type.Interfaces)
            {
                foreach (TypeReference t in Expand(i.InterfaceType)) yield return t;
            }

            foreach (CustomAttribute a in type.CustomAttributes) yield return a.AttributeType;

            foreach (FieldDefinition f in type.Fields)
            {
                foreach (TypeReference t in Expand(f.FieldType)) yield return t;
            }

            foreach (PropertyDefinition p in type.Properties)
            {
                foreach (TypeReference t in Expand(p.PropertyType)) yield return t;
                foreach (CustomAttribute a in p.CustomAttributes) yield return a.AttributeType;
            }

            foreach (MethodDefinition m in type.Methods)
            {
                foreach (TypeReference t in Expand(m.ReturnType)) yield return t;
                foreach (ParameterDefinition p in m.Parameters)
                {
                    foreach (TypeReference t in Expand(p.ParameterType)) yield return t;
                }

                foreach (CustomAttribute a in m.CustomAttributes) yield return a.AttributeType;
                if (!m.HasBody)
                {
                    continue;
                }

                foreach (VariableDefinition v in m.Body.Variables)
                {
                    foreach (TypeReference t in Expand(v.VariableType)) yield return t;
                }

                foreach (Instruction instruction in m.Body.Instructions)
                {
                    switch (instruction.Operand)
                    {
                        case TypeReference t:
                            foreach (TypeReference e in Expand(t)) yield return e;
                            break;
                        case MemberReference member when member.DeclaringType != null:
                            foreach (TypeReference e in Expand(member.DeclaringType)) yield return e;
                            if (member is MethodReference method)
                            {
                                foreach (TypeReference e in Expand(method.ReturnType)) yield return e;
                            }
                            else if (member is FieldReference field)
                            {
                                foreach (TypeReference e in Expand(field.FieldType)) yield return e;
                            }

                            break;
                    }
                }
            }
        }

        /// <summary>A type and, for generic instances and arrays, the types inside it.</summary>
        private static IEnumerable<TypeReference> Expand(TypeReference type)
        {
            if (type == null || type is GenericParameter)
            {
                yield break;
            }

            if (type is GenericInstanceType generic)
            {
                yield return generic.ElementType;
                foreach (TypeReference argument in generic.GenericArguments)
                {
                    foreach (TypeReference t in Expand(argument)) yield return t;
                }

                yield break;
            }

            if (type is TypeSpecification spec)
            {
                foreach (TypeReference t in Expand(spec.ElementType)) yield return t;
                yield break;
            }

            yield return type;
        }
    }
}
