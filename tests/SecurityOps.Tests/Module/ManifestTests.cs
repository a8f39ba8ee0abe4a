using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Module
{
    [Collection(PowerShellCollection.Name)]
    public sealed class ManifestTests
    {
        private readonly PowerShellFixture ps;

        public ManifestTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>
        /// The staged manifest as the engine of <paramref name="edition"/> reads it: PowerShell evaluates a manifest in the
        /// restricted language with $PSEdition allowed (RootModule depends on it), so here $PSEdition stands for the edition.
        /// </summary>
        private Hashtable ManifestData(string edition = "Core")
        {
            string text = File.ReadAllText(RepoPaths.StagedModule);
            Parser.ParseInput(text, out _, out ParseError[] errors);
            Assert.Empty(errors);
            string asEdition = System.Text.RegularExpressions.Regex.Replace(text, @"\$PSEdition\b", $"'{edition}'", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            var result = ps.Run(
                "$manifestBlock = [scriptblock]::Create($manifestText); $manifestBlock.CheckRestrictedLanguage([string[]]@(), [string[]]@('PSScriptRoot'), $false); & $manifestBlock",
                new System.Collections.Generic.Dictionary<string, object> { ["manifestText"] = asEdition }).AssertNoErrors();
            return (Hashtable)result.Output.Single().BaseObject;
        }

        [Fact]
        public void TestModuleManifestPassesAndExportsExactlyTheCmdletClasses()
        {
            var result = ps.Run("Test-ModuleManifest -Path $path -ErrorAction Continue", new System.Collections.Generic.Dictionary<string, object> { ["path"] = RepoPaths.StagedModule });
            // Test-ModuleManifest returns a module even when the manifest is broken: the error stream is the verdict.
            Assert.True(result.Errors.Count == 0 && result.Terminating == null, string.Join("\n", result.Errors.Select(e => e.ToString())) + result.Terminating?.Message);
            var module = Assert.IsType<PSModuleInfo>(result.Output.Single().BaseObject);

            var implemented = ModuleSurface.CmdletTypes.Select(ModuleSurface.CmdletName).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            var exported = module.ExportedCmdlets.Keys.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.NotEmpty(implemented);
            Assert.Equal(implemented, exported);

            // And what the imported module really exports, too.
            var imported = ps.Module.ExportedCmdlets.Keys.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.Equal(implemented, imported);
        }

        [Fact]
        public void CmdletsToExportIsAlphabetical()
        {
            var listed = ((object[])ManifestData()["CmdletsToExport"]).Cast<string>().ToList();
            Assert.Equal(listed.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList(), listed);
        }

        [Fact]
        public void ManifestVersionMatchesTheAssemblyAndDirectoryBuildProps()
        {
            var data = ManifestData();
            var manifestVersion = Version.Parse((string)data["ModuleVersion"]);
            var prefix = Version.Parse(ModuleSurface.VersionPrefix);
            Assert.Equal(prefix, manifestVersion);
            var assemblyVersion = ModuleSurface.Assembly.GetName().Version;
            Assert.Equal(prefix, new Version(assemblyVersion.Major, assemblyVersion.Minor, assemblyVersion.Build));
            foreach (string framework in ModuleSurface.Frameworks)
            {
                var staged = System.Reflection.AssemblyName.GetAssemblyName(Path.Combine(RepoPaths.StagedModuleDir, framework, "SecurityOps.dll")).Version;
                Assert.Equal(prefix, new Version(staged.Major, staged.Minor, staged.Build));
            }

            Assert.Equal(prefix, ps.Module.Version);
        }

        [Fact]
        public void ManifestIsExplicitAndListsNoDependencyDll()
        {
            var data = ManifestData();
            Assert.Equal("net8.0/SecurityOps.dll", data["RootModule"]);
            Assert.Equal(new[] { "SecurityOps.Format.ps1xml" }, ((object[])data["FormatsToProcess"]).Cast<string>());
            foreach (string key in new[] { "FunctionsToExport", "AliasesToExport", "VariablesToExport" })
            {
                Assert.True(data.ContainsKey(key), key + " must be listed explicitly");
                Assert.Empty(data[key] as object[] ?? new[] { data[key] });
            }

            foreach (string key in new[] { "NestedModules", "RequiredAssemblies" })
            {
                var listed = (data[key] as object[] ?? (data[key] == null ? Array.Empty<object>() : new[] { data[key] })).Select(o => Path.GetFileName(o.ToString()));
                Assert.Empty(listed.Intersect(ModuleSurface.Frameworks.SelectMany(ModuleSurface.ExpectedDependencies), StringComparer.OrdinalIgnoreCase));
            }

            foreach (string key in new[] { "PowerShellVersion", "CompatiblePSEditions", "GUID", "Description" })
            {
                Assert.True(data.ContainsKey(key), key + " is missing");
            }

            var psData = (Hashtable)((Hashtable)data["PrivateData"])["PSData"];
            Assert.False(string.IsNullOrEmpty(psData["ProjectUri"] as string));
            Assert.NotEmpty((object[])psData["Tags"]);
            Assert.Empty(ps.Module.ExportedFunctions);
            Assert.Empty(ps.Module.ExportedAliases);
            Assert.Empty(ps.Module.ExportedVariables);
        }

        [Fact]
        public void RootModuleIsTheNet8BuildForCoreAndTheNetstandardBuildForDesktop()
        {
            Assert.Equal("net8.0/SecurityOps.dll", ManifestData("Core")["RootModule"]);
            Assert.Equal("netstandard2.0/SecurityOps.dll", ManifestData("Desktop")["RootModule"]);
            foreach (string edition in new[] { "Core", "Desktop" })
            {
                Assert.True(File.Exists(Path.Combine(RepoPaths.StagedModuleDir, (string)ManifestData(edition)["RootModule"])), edition);
            }

            // Everything but RootModule reads the same in both editions.
            Hashtable core = ManifestData("Core"), desktop = ManifestData("Desktop");
            Assert.Equal(core.Keys.Cast<string>().OrderBy(k => k), desktop.Keys.Cast<string>().OrderBy(k => k));
            Assert.Equal(core["ModuleVersion"], desktop["ModuleVersion"]);
            Assert.Equal((object[])core["CmdletsToExport"], (object[])desktop["CmdletsToExport"]);

            // And this engine (PowerShell 7) reads it the same way.
            var tested = ps.Run("(Test-ModuleManifest -Path $path).RootModule", new System.Collections.Generic.Dictionary<string, object> { ["path"] = RepoPaths.StagedModule }).AssertNoErrors();
            Assert.Equal("net8.0/SecurityOps.dll", tested.Output.Single().ToString().Replace('\\', '/'));
        }

        [Fact]
        public void StagedLayoutHoldsExactlyTheExpectedFiles()
        {
            string root = RepoPaths.StagedModuleDir;
            var expected = new[] { "SecurityOps.psd1", "SecurityOps.Format.ps1xml", "THIRD-PARTY-NOTICES.md", "en-US/SecurityOps.dll-Help.xml" }
                .Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs", "en-US"), "about_*.help.txt").Select(f => "en-US/" + Path.GetFileName(f)))
                .Concat(ModuleSurface.Frameworks.Select(f => f + "/SecurityOps.dll"))
                .Concat(ModuleSurface.Frameworks.SelectMany(f => ModuleSurface.ExpectedDependencies(f).Select(d => f + "/Dependencies/" + d)))
                .OrderBy(p => p, StringComparer.Ordinal).ToList();
            var actual = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .OrderBy(p => p, StringComparer.Ordinal).ToList();
            Assert.Contains("en-US/about_SecurityOps.help.txt", expected);
            Assert.Equal(expected, actual);
        }
    }
}
