using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using SecurityOps.Commands;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Tests.Module
{
    /// <summary>What the module offers, found by reflection so the checks follow every cmdlet a part adds.</summary>
    internal static class ModuleSurface
    {
        public static Assembly Assembly => typeof(SecurityOpsCmdlet).Assembly;

        public static IReadOnlyList<Type> CmdletTypes =>
            Assembly.GetTypes().Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() != null).OrderBy(t => t.Name).ToList();

        public static string CmdletName(Type type)
        {
            var attribute = type.GetCustomAttribute<CmdletAttribute>();
            return attribute.VerbName + "-" + attribute.NounName;
        }

        /// <summary>Public parameters of a cmdlet (the base classes' -StatePath included).</summary>
        public static IEnumerable<PropertyInfo> Parameters(Type cmdlet) =>
            cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetCustomAttributes<ParameterAttribute>().Any());

        public static IEnumerable<Type> OutputTypes(Type cmdlet) =>
            cmdlet.GetCustomAttributes<OutputTypeAttribute>().SelectMany(a => a.Type).Select(t => t.Type).Where(t => t != null && t != typeof(void));

        public static string VersionPrefix =>
            XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value.Trim();

        /// <summary>The module's two builds, each a folder of the staged module: PowerShell 7's first, then Windows PowerShell's.</summary>
        public static IReadOnlyList<string> Frameworks { get; } = new[] { "net8.0", "netstandard2.0" };

        /// <summary>
        /// The ExpectedDependency list of Staging.targets for one build: the only DLLs allowed in its Dependencies/
        /// (an entry with Framework="..." belongs to that build alone).
        /// </summary>
        public static IReadOnlyList<string> ExpectedDependencies(string framework) =>
            XDocument.Load(Path.Combine(RepoPaths.Root, "src", "SecurityOps", "Staging.targets"))
                .Descendants().Where(e => e.Name.LocalName == "ExpectedDependency")
                .Where(e => e.Attribute("Framework") == null || e.Attribute("Framework").Value == framework)
                .Select(e => e.Attribute("Include").Value).ToList();
    }
}
