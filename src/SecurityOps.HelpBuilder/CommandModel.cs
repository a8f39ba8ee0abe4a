using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SecurityOps.HelpBuilder
{
    /// <summary>A parameter as the engine binds it: metadata from the compiled cmdlet, never from the markdown.</summary>
    public sealed class ParameterModel
    {
        public string Name { get; set; }

        public Type Type { get; set; }

        public bool IsSwitch => Type == typeof(SwitchParameter);

        public bool Mandatory { get; set; }

        /// <summary>Position, or null when named only.</summary>
        public int? Position { get; set; }

        public bool ByValue { get; set; }

        public bool ByPropertyName { get; set; }

        public bool Globbing { get; set; }

        public IReadOnlyList<string> Aliases { get; set; } = Array.Empty<string>();

        public IReadOnlyList<string> AcceptedValues { get; set; } = Array.Empty<string>();

        public string PipelineInput =>
            ByValue && ByPropertyName ? "True (ByPropertyName, ByValue)"
            : ByValue ? "True (ByValue)"
            : ByPropertyName ? "True (ByPropertyName)"
            : "False";
    }

    public sealed class ParameterSetModel
    {
        public string Name { get; set; }

        public bool IsDefault { get; set; }

        public List<ParameterModel> Parameters { get; } = new List<ParameterModel>();
    }

    public sealed class CommandModel
    {
        public string Name { get; set; }

        public string Verb { get; set; }

        public string Noun { get; set; }

        public List<ParameterSetModel> ParameterSets { get; } = new List<ParameterSetModel>();

        /// <summary>Every parameter once (its first appearance), common parameters excluded.</summary>
        public List<ParameterModel> Parameters { get; } = new List<ParameterModel>();

        public List<string> OutputTypes { get; } = new List<string>();
    }

    /// <summary>Imports the staged module into a runspace and reads each exported cmdlet's parameters as the engine sees them.</summary>
    public static class CommandModelReader
    {
        /// <summary>Parameters every cmdlet has; Get-Help lists them as [&lt;CommonParameters&gt;].</summary>
        public static readonly HashSet<string> CommonParameters = new HashSet<string>(Cmdlet.CommonParameters, StringComparer.OrdinalIgnoreCase);

        public static List<CommandModel> Read(string manifestPath)
        {
            var iss = InitialSessionState.CreateDefault2();
            using var runspace = RunspaceFactory.CreateRunspace(iss);
            runspace.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddCommand("Import-Module").AddParameter("Name", manifestPath).AddParameter("PassThru").AddParameter("ErrorAction", "Stop");
            var module = ps.Invoke().Select(o => o.BaseObject).OfType<PSModuleInfo>().FirstOrDefault()
                ?? throw new InvalidOperationException("Import-Module returned no module for " + manifestPath);

            return module.ExportedCmdlets.Values.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(ToModel).ToList();
        }

        private static CommandModel ToModel(CmdletInfo cmdlet)
        {
            var model = new CommandModel { Name = cmdlet.Name, Verb = cmdlet.Verb, Noun = cmdlet.Noun };
            model.OutputTypes.AddRange(cmdlet.OutputType.Select(t => t.Type?.FullName ?? t.Name).Where(n => n != null && n != "System.Void"));
            var seen = new Dictionary<string, ParameterModel>(StringComparer.OrdinalIgnoreCase);
            foreach (CommandParameterSetInfo set in cmdlet.ParameterSets)
            {
                var setModel = new ParameterSetModel { Name = set.Name, IsDefault = set.IsDefault };
                var parameters = set.Parameters.Where(p => !CommonParameters.Contains(p.Name)).ToList();
                // Positional parameters first in position order, then the rest as declared (what Get-Help shows too).
                foreach (CommandParameterInfo p in parameters.Where(p => p.Position >= 0).OrderBy(p => p.Position)
                             .Concat(parameters.Where(p => p.Position < 0)))
                {
                    var parameter = new ParameterModel
                    {
                        Name = p.Name,
                        Type = p.ParameterType,
                        Mandatory = p.IsMandatory,
                        Position = p.Position >= 0 ? p.Position : (int?)null,
                        ByValue = p.ValueFromPipeline,
                        ByPropertyName = p.ValueFromPipelineByPropertyName,
                        Globbing = p.Attributes.OfType<SupportsWildcardsAttribute>().Any(),
                        Aliases = p.Aliases.ToList(),
                        AcceptedValues = p.Attributes.OfType<ValidateSetAttribute>().SelectMany(a => a.ValidValues).ToList(),
                    };
                    setModel.Parameters.Add(parameter);
                    if (!seen.ContainsKey(p.Name))
                    {
                        seen[p.Name] = parameter;
                        model.Parameters.Add(parameter);
                    }
                }

                model.ParameterSets.Add(setModel);
            }

            // Sets named by the engine's default ("__AllParameterSets") come first, as Get-Help would list them.
            model.ParameterSets.Sort((a, b) => b.IsDefault.CompareTo(a.IsDefault));
            return model;
        }

        /// <summary>"String[]", "Double", "SwitchParameter": the short names platyPS writes.</summary>
        public static string FriendlyName(Type type)
        {
            if (type == null)
            {
                return "Object";
            }

            Type underlying = Nullable.GetUnderlyingType(type);
            if (underlying != null)
            {
                return FriendlyName(underlying);
            }

            if (type.IsArray)
            {
                return FriendlyName(type.GetElementType()) + "[]";
            }

            if (type.IsGenericType)
            {
                string name = type.Name.Substring(0, type.Name.IndexOf('`'));
                return name + "[" + string.Join(", ", type.GetGenericArguments().Select(FriendlyName)) + "]";
            }

            return type.Name;
        }
    }
}
