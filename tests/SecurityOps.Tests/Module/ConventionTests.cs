using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using System.Xml.Linq;
using SecurityOps.Commands;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Module
{
    /// <summary>House rules every cmdlet follows; driven by reflection so new cmdlets are checked as they arrive.</summary>
    public sealed class ConventionTests
    {
        private static readonly HashSet<string> ChangingVerbs = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "New", "Set", "Add", "Remove", "Save", "Initialize", "Send", "Publish", "Register", "Approve", "Deny", "Export",
            "Invoke", "Import", "Request", "Update", "Submit", "Clear", "Move", "Sync",
        };

        private static readonly string[] ForeignNamespaces = { "Octokit", "YamlDotNet", "CodeHollow" };

        [Fact]
        public void CmdletsThatChangeThingsSupportShouldProcess()
        {
            var missing = ModuleSurface.CmdletTypes
                .Where(t => ChangingVerbs.Contains(t.GetCustomAttribute<CmdletAttribute>().VerbName))
                .Where(t => !t.GetCustomAttribute<CmdletAttribute>().SupportsShouldProcess)
                .Select(ModuleSurface.CmdletName).ToList();
            Assert.True(missing.Count == 0, "Without SupportsShouldProcess: " + string.Join(", ", missing));
        }

        [Fact]
        public void PublicWritesAndMailConfirmAtHighImpact()
        {
            // At the default $ConfirmPreference (High) these ask first: they write to public GitHub repositories
            // (issues, the runbook's filing), send mail or post announcements. Scheduled runs pass -Confirm:$false.
            var publicWriters = new[] { "New-CveIssue", "Invoke-SecurityRunbook" };
            var low = ModuleSurface.CmdletTypes
                .Where(t => publicWriters.Contains(ModuleSurface.CmdletName(t)) || t.GetCustomAttribute<CmdletAttribute>().VerbName is "Send" or "Publish")
                .Where(t => t.GetCustomAttribute<CmdletAttribute>().ConfirmImpact != ConfirmImpact.High)
                .Select(ModuleSurface.CmdletName).ToList();
            Assert.True(low.Count == 0, "Below ConfirmImpact High: " + string.Join(", ", low));
        }

        /// <summary>
        /// The shared parameter groups have one shape each: -StatePath, -ApiUrl and -Token are declared once, by their
        /// group; -Credential is the GitHub token (the GitHub group) everywhere, except the hidden refusal on the mail
        /// cmdlets; -SmtpCredential is the mail group's (Send-TeamReminder, which also files a GitHub issue, declares
        /// its own) and -SmtpServer the direct-mail group's; -Actor is a plain optional name; a case id is -Id (alias -CaseId), completes case ids and binds by
        /// property name.
        /// </summary>
        [Fact]
        public void SharedParametersHaveOneShapeEach()
        {
            var offences = new List<string>();
            foreach (Type cmdlet in ModuleSurface.CmdletTypes)
            {
                string name = ModuleSurface.CmdletName(cmdlet);
                foreach (PropertyInfo p in ModuleSurface.Parameters(cmdlet))
                {
                    Type declaring = p.DeclaringType;
                    var attribute = p.GetCustomAttributes<ParameterAttribute>().First();
                    switch (p.Name)
                    {
                        case "StatePath" when declaring != typeof(StateCmdlet):
                        case "ApiUrl" when declaring != typeof(GitHubCmdlet):
                        case "Token" when declaring != typeof(GitHubCmdlet):
                            offences.Add($"{name} -{p.Name} is declared by {declaring.Name}, not by its group");
                            break;
                        case "Credential" when declaring != typeof(GitHubCmdlet) && !(declaring == typeof(MailCmdlet) && attribute.DontShow):
                            offences.Add($"{name} -Credential is neither the GitHub token of GitHubCmdlet nor MailCmdlet's hidden refusal");
                            break;
                        case "SmtpCredential" when declaring != typeof(MailCmdlet) && cmdlet != typeof(SendTeamReminderCommand):
                        case "SmtpServer" when declaring != typeof(DirectMailCmdlet):
                            offences.Add($"{name} -{p.Name} is declared by {declaring.Name}, not by its group");
                            break;
                        case "Actor" when p.PropertyType != typeof(string) || attribute.Mandatory:
                            offences.Add($"{name} -Actor is not an optional name");
                            break;
                    }

                    bool caseId = p.GetCustomAttributes<ArgumentCompleterAttribute>().Any(a => a.Type == typeof(CaseIdCompleter));
                    if (caseId && p.Name == "Id" && (!p.GetCustomAttributes<AliasAttribute>().Any(a => a.AliasNames.Contains("CaseId")) || !attribute.ValueFromPipelineByPropertyName))
                    {
                        offences.Add($"{name} -Id (a case) lacks the CaseId alias or binding by property name");
                    }
                }
            }

            Assert.True(offences.Count == 0, string.Join("\n", offences));
        }

        [Fact]
        public void VerbsAreApproved()
        {
            var approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic), typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther) }
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)).Select(f => (string)f.GetValue(null))
                .ToHashSet(StringComparer.Ordinal);
            Assert.Contains("Initialize", approved);
            var bad = ModuleSurface.CmdletTypes.Select(t => t.GetCustomAttribute<CmdletAttribute>().VerbName).Where(v => !approved.Contains(v)).ToList();
            Assert.True(bad.Count == 0, "Unapproved verbs: " + string.Join(", ", bad));
        }

        [Fact]
        public void EveryCmdletDeclaresOutputTypeAndIsSealed()
        {
            var bad = ModuleSurface.CmdletTypes.Where(t => !t.IsSealed || !t.GetCustomAttributes<OutputTypeAttribute>().Any()).Select(t => t.Name).ToList();
            Assert.True(bad.Count == 0, "Not sealed or without [OutputType]: " + string.Join(", ", bad));
        }

        [Fact]
        public void NoDependencyTypeOnThePublicSurface()
        {
            var offences = new List<string>();
            foreach (Type cmdlet in ModuleSurface.CmdletTypes)
            {
                foreach (PropertyInfo parameter in ModuleSurface.Parameters(cmdlet))
                {
                    offences.AddRange(Foreign(parameter.PropertyType).Select(t => $"{cmdlet.Name}.{parameter.Name}: {t}"));
                }

                foreach (Type output in ModuleSurface.OutputTypes(cmdlet))
                {
                    offences.AddRange(Foreign(output).Select(t => $"{cmdlet.Name} [OutputType]: {t}"));
                    offences.AddRange(output.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                        .SelectMany(p => Foreign(p.PropertyType).Select(t => $"{output.Name}.{p.Name}: {t}")));
                }

                for (Type b = cmdlet.BaseType; b != null; b = b.BaseType)
                {
                    offences.AddRange(Foreign(b).Select(t => $"{cmdlet.Name} base: {t}"));
                }
            }

            Assert.True(offences.Count == 0, "Dependency types on the public surface:\n" + string.Join("\n", offences));
        }

        /// <summary>Import-Module lists exported types before the module initializer runs: no public type may derive from a dependency's type.</summary>
        [Fact]
        public void NoPublicTypeDerivesFromADependencyType()
        {
            var bad = ModuleSurface.Assembly.GetExportedTypes()
                .Where(t => t.BaseType != null && t.BaseType.Assembly != ModuleSurface.Assembly && !IsPlatform(t.BaseType.Assembly))
                .Select(t => $"{t.FullName} : {t.BaseType.FullName} ({t.BaseType.Assembly.GetName().Name})").ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
        }

        private static bool IsPlatform(Assembly assembly)
        {
            string name = assembly.GetName().Name;
            return name == "System.Management.Automation" || name.StartsWith("System.", StringComparison.Ordinal) || name == "System" ||
                   name == "netstandard" || name == "mscorlib" || name == "System.Private.CoreLib";
        }

        private static IEnumerable<string> Foreign(Type type)
        {
            if (type == null)
            {
                yield break;
            }

            if (ForeignNamespaces.Any(n => (type.Namespace ?? string.Empty).StartsWith(n, StringComparison.Ordinal)))
            {
                yield return type.FullName;
            }

            if (type.HasElementType)
            {
                foreach (string t in Foreign(type.GetElementType()))
                {
                    yield return t;
                }
            }

            if (type.IsGenericType)
            {
                foreach (string t in type.GetGenericArguments().SelectMany(Foreign))
                {
                    yield return t;
                }
            }
        }

        [Fact]
        public void EveryOutputTypeHasATableViewKeyedByFullTypeName()
        {
            var format = XDocument.Load(Path.Combine(RepoPaths.StagedModuleDir, "SecurityOps.Format.ps1xml"));
            var views = format.Descendants("View")
                .Where(v => v.Element("TableControl") != null)
                .SelectMany(v => v.Element("ViewSelectedBy").Elements("TypeName").Select(n => n.Value.Trim()))
                .ToHashSet(StringComparer.Ordinal);
            Assert.NotEmpty(views);
            var missing = ModuleSurface.CmdletTypes.SelectMany(ModuleSurface.OutputTypes).Where(t => t.Assembly == ModuleSurface.Assembly).Select(t => t.FullName).Distinct()
                .Where(n => !views.Contains(n)).ToList();
            Assert.True(missing.Count == 0, "No table view in SecurityOps.Format.ps1xml for: " + string.Join(", ", missing));
        }

        /// <summary>Every script, module and data file in the repository parses with the engine's parser.</summary>
        [Fact]
        public void EveryPowerShellFileParses()
        {
            var skip = new[] { "bin", "obj", "out", ".git", "TestResults", "node_modules", "BenchmarkDotNet.Artifacts" };
            var files = Directory.EnumerateFiles(RepoPaths.Root, "*.*", SearchOption.AllDirectories)
                .Where(f => new[] { ".ps1", ".psm1", ".psd1" }.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Where(f => !Path.GetRelativePath(RepoPaths.Root, f).Split(Path.DirectorySeparatorChar).Any(skip.Contains))
                .ToList();
            var names = files.Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/')).ToList();
            Assert.Contains("SecurityOps.psd1", names);
            Assert.Contains("examples/Demo.ps1", names);
            Assert.Contains("build.ps1", names);
            Assert.Contains("tests/Pester/SecurityOps.Tests.ps1", names);

            var problems = new List<string>();
            foreach (string file in files)
            {
                Parser.ParseFile(file, out _, out ParseError[] errors);
                problems.AddRange(errors.Select(e => $"{Path.GetRelativePath(RepoPaths.Root, file)}:{e.Extent.StartLineNumber}: {e.Message}"));
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
    }
}
