using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Architecture
{
    /// <summary>docs/ARCHITECTURE.md is the house plan; these tests hold the compiled module to it.</summary>
    public sealed class ArchitectureTests
    {
        private static string PlanPath => Path.Combine(RepoPaths.Root, "docs", "ARCHITECTURE.md");

        private static readonly string[] ModuleInitializerTypes = { "SecurityOps.ModuleInitializer" };

        [Fact]
        public void TheModuleKeepsToThePlan()
        {
            DependencyRules rules = DependencyRules.FromMarkdown(File.ReadAllText(PlanPath));
            string assembly = typeof(SecurityOps.Model.CveRecord).Assembly.Location;
            var offences = rules.Check(assembly, "SecurityOps", "Commands", "Net", ModuleInitializerTypes);
            Assert.True(offences.Count == 0, "The code leans the wrong way (docs/ARCHITECTURE.md):\n" + string.Join("\n", offences));
        }

        [Fact]
        public void EveryFolderOfTheModuleIsAPartOfThePlan()
        {
            DependencyRules rules = DependencyRules.FromMarkdown(File.ReadAllText(PlanPath));
            string src = Path.Combine(RepoPaths.Root, "src", "SecurityOps");
            var folders = Directory.GetDirectories(src).Select(Path.GetFileName)
                .Where(f => Directory.EnumerateFiles(Path.Combine(src, f), "*.cs", SearchOption.AllDirectories).Any())
                .Where(f => f != "bin" && f != "obj").ToList();
            var missing = folders.Where(f => !rules.MayUse.ContainsKey(f)).ToList();
            Assert.True(missing.Count == 0, "Folders with code but no row in docs/ARCHITECTURE.md: " + string.Join(", ", missing));
        }

        [Fact]
        public void AWrongWayReferenceFailsTheCheck()
        {
            // The fixture below is a tiny house: Model may use nothing, State may use Model, Net may use nothing.
            const string plan = "| part | holds | may use |\n|---|---|---|\n| `Model/` | records | nothing |\n| `State/` | files | Model |\n| `Net/` | http | — |\n| `Commands/` | cmdlets | everything above |\n";
            DependencyRules rules = DependencyRules.FromMarkdown(plan);
            string assembly = typeof(ArchitectureTests).Assembly.Location;
            var offences = rules.Check(assembly, "SecurityOps.Tests.Architecture.WrongWay", "Commands", "Net", new string[0]);

            Assert.Contains(offences, o => o.Contains("WrongWay.Model.Record") && o.Contains("WrongWay.State.Store") && o.Contains("does not allow"));
            Assert.Contains(offences, o => o.Contains("WrongWay.Model.Record") && o.Contains("System.Net.Http.HttpClient"));
            Assert.Contains(offences, o => o.Contains("WrongWay.State.Store") && o.Contains("PowerShell stays in Commands/"));
            // The right way round passes: State using Model, Commands using everything.
            Assert.DoesNotContain(offences, o => o.StartsWith("SecurityOps.Tests.Architecture.WrongWay.Commands"));
            Assert.DoesNotContain(offences, o => o.Contains("WrongWay.State.Store (State/) uses SecurityOps.Tests.Architecture.WrongWay.Model"));
        }

        [Fact]
        public void CmdletBaseClassesDeclareParametersAndTheSessionHoldsTheServices()
        {
            var offences = CmdletBaseRules.Check(typeof(SecurityOps.Commands.SecurityOpsCmdlet).Assembly.GetTypes());
            Assert.True(offences.Count == 0, string.Join("\n", offences));

            // The rule catches a base class that keeps a service, and lets one that declares a parameter pass.
            var fixture = CmdletBaseRules.Check(new[] { typeof(WrongWay.Commands.ServiceHoldingCmdlet), typeof(WrongWay.Commands.ParameterOnlyCmdlet) });
            Assert.Equal(new[] { "SecurityOps.Tests.Architecture.WrongWay.Commands.ServiceHoldingCmdlet holds 'policies'" },
                fixture.Select(o => o.Substring(0, o.IndexOf(" (", StringComparison.Ordinal))));
        }

        [Fact]
        public void TheRepositoryStandsAlone()
        {
            // Users clone only this repository: no code, test, benchmark or doc may reach for a folder beside it.
            var offenders = new List<string>();
            foreach (string file in Directory.EnumerateFiles(RepoPaths.Root, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
                if (relative.StartsWith(".git/") || relative.Split('/').Any(p => p == "bin" || p == "obj" || p == "out" || p == "TestResults" || p == "BenchmarkDotNet.Artifacts")
                    || relative == "tests/SecurityOps.Tests/Architecture/ArchitectureTests.cs")
                {
                    continue;
                }

                string ext = Path.GetExtension(file);
                if (new[] { ".cs", ".ps1", ".psd1", ".md", ".yaml", ".yml", ".csproj", ".props", ".targets", ".json", ".sh", "" }.Contains(ext)
                    && File.ReadAllText(file).Contains("../shared", StringComparison.Ordinal))
                {
                    offenders.Add(relative);
                }
            }

            Assert.True(offenders.Count == 0, "Files that reach outside the repository (../shared): " + string.Join(", ", offenders));
        }

        [Fact]
        public void ThePlanNamesOnlyPartsItDefines()
        {
            var ex = Assert.Throws<InvalidDataException>(() => DependencyRules.FromMarkdown("| `Model/` | x | nothing |\n| `State/` | y | Model, Vault |\n"));
            Assert.Contains("Vault", ex.Message);
        }
    }
}

namespace SecurityOps.Tests.Architecture.WrongWay.Model
{
    /// <summary>Fixture: a record that reaches into State and out to the network, both against the plan.</summary>
    internal sealed class Record
    {
        public SecurityOps.Tests.Architecture.WrongWay.State.Store Owner { get; set; }

        public System.Net.Http.HttpClient Client { get; set; }
    }
}

namespace SecurityOps.Tests.Architecture.WrongWay.State
{
    /// <summary>Fixture: State may use Model, but not PowerShell.</summary>
    internal sealed class Store
    {
        public SecurityOps.Tests.Architecture.WrongWay.Model.Record Load() => new SecurityOps.Tests.Architecture.WrongWay.Model.Record();

        public object Write(System.Management.Automation.PSObject item) => item;
    }
}

namespace SecurityOps.Tests.Architecture.WrongWay.Commands
{
    /// <summary>Fixture: the door may use every part.</summary>
    internal sealed class Door
    {
        public object Run() => new SecurityOps.Tests.Architecture.WrongWay.State.Store().Load();
    }
}
