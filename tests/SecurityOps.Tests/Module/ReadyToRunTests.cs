using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Module
{
    /// <summary>
    /// Start-up (issue 17): PowerShell 7 loads the net8.0 build, whose code is compiled ahead of time (ReadyToRun), and
    /// Windows PowerShell the netstandard2.0 build, each with its own Dependencies/. This test process holds the module's
    /// assembly already (it is compiled against it), so what a PowerShell 7 process loads is checked in secops-host, the
    /// engine run as its own process as a scheduled job would.
    /// </summary>
    public sealed class ReadyToRunTests
    {
        /// <summary>Imports the module, scores a vector and creates a state (YAML): which files the module and YamlDotNet came from.</summary>
        private const string Probe = @"
param([string] $State)
'module=' + (Get-Module SecurityOps).ImplementingAssembly.Location
'score=' + (Get-CvssScore 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H').BaseScore
Initialize-SecurityState -Path $State -NoGit -Confirm:$false | Out-Null
'yaml=' + ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' } | Select-Object -First 1).Location
";

        private static string Net8Dir => Path.Combine(RepoPaths.StagedModuleDir, "net8.0");

        private static string NetstandardDir => Path.Combine(RepoPaths.StagedModuleDir, "netstandard2.0");

        [Fact]
        public void PowerShell7ImportsTheNet8BuildAndRunsItsReadyToRunCodeWithoutJitCompilingIt()
        {
            using var folder = new TempFolder("r2r");
            File.WriteAllText(folder.Combine("probe.ps1"), Probe);
            // The runtime lists every method it JIT-compiles (a release-runtime switch): code taken from the ReadyToRun
            // image is not among them, except when it grows hot and is compiled again at tier 1.
            string jitLog = folder.Combine("jit.txt");
            var environment = new Dictionary<string, string> { ["DOTNET_JitStdOutFile"] = jitLog, ["DOTNET_JitDisasmSummary"] = "1" };
            using HostProcess host = HostProcess.Start(new[] { folder.Combine("probe.ps1"), folder.Combine("state") }, environment, folder.Path);
            Assert.True(host.WaitForExit(120_000), "secops-host did not finish:\n" + host.Log);
            Assert.True(host.ExitCode == 0, host.Log);

            string module = Value(host.Log, "module");
            Assert.Equal(Path.Combine(Net8Dir, "SecurityOps.dll"), module);
            Assert.True(IsReadyToRun(module), module + " has no ReadyToRun code");
            Assert.Equal("9.8", Value(host.Log, "score"));
            Assert.Equal(Path.Combine(Net8Dir, "Dependencies", "YamlDotNet.dll"), Value(host.Log, "yaml")); // from its own load context

            // Import, the module initializer, a cmdlet and a state written through YamlDotNet: none of the module's own
            // methods went through the JIT at tier 0, which is where code without usable ReadyToRun code starts.
            var jitted = File.ReadAllLines(jitLog)
                .Where(l => l.Contains("JIT compiled SecurityOps.", StringComparison.Ordinal) && !l.Contains("JIT compiled SecurityOps.Host", StringComparison.Ordinal))
                .Where(l => l.Contains("Tier0", StringComparison.Ordinal))
                .ToList();
            Assert.True(File.ReadAllLines(jitLog).Length > 100, "The JIT log is nearly empty: did the runtime take DOTNET_JitStdOutFile?");
            Assert.True(jitted.Count == 0, "JIT-compiled at tier 0 although the image has their code:\n" + string.Join("\n", jitted.Take(40)));
        }

        [Fact]
        public void TheNet8FolderHoldsReadyToRunImagesOfTheNet8BuildAndTheNetstandardFolderItsIL()
        {
            string core = Path.Combine(Net8Dir, "SecurityOps.dll");
            Assert.Equal(".NETCoreApp,Version=v8.0", TargetFramework(core));
            // Every DLL the module loads itself. What the .NET runtime ships too (System.Text.Json...) is never loaded from
            // Dependencies/ on .NET (DependencyResolver leaves it to the platform), and the compiler leaves it as IL.
            var platform = new HashSet<string>(
                Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Select(Path.GetFileName), StringComparer.OrdinalIgnoreCase);
            var own = Directory.EnumerateFiles(Net8Dir, "*.dll", SearchOption.AllDirectories).Where(f => !platform.Contains(Path.GetFileName(f))).ToList();
            Assert.Contains(Path.Combine(Net8Dir, "Dependencies", "YamlDotNet.dll"), own);
            Assert.Contains(Path.Combine(Net8Dir, "Dependencies", "MimeKit.dll"), own);
            foreach (string dll in own)
            {
                Assert.True(IsReadyToRun(dll), Path.GetRelativePath(RepoPaths.StagedModuleDir, dll) + " is not ReadyToRun");
            }

            if (RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64 && OperatingSystem.IsLinux())
            {
                // Compiled for linux-x64 (ModuleReadyToRunRuntime's default): the machine field says so (AMD64 xor 0x7B79).
                using var pe = new PEReader(File.OpenRead(core));
                Assert.Equal((Machine)(0x8664 ^ 0x7B79), pe.PEHeaders.CoffHeader.Machine);
            }

            string desktop = Path.Combine(NetstandardDir, "SecurityOps.dll");
            Assert.Equal(".NETStandard,Version=v2.0", TargetFramework(desktop));
            Assert.False(IsReadyToRun(desktop));
            Assert.Equal(
                System.Reflection.AssemblyName.GetAssemblyName(core).Version,
                System.Reflection.AssemblyName.GetAssemblyName(desktop).Version);
        }

        [Fact]
        public void TheNetstandardBuildImportsOnItsOwnAndServesItsOwnDependencies()
        {
            // Windows PowerShell is not here; its build is the same module, so PowerShell 7 can import it by path: its
            // module initializer must find netstandard2.0/Dependencies, the layout Windows PowerShell resolves from too.
            using var folder = new TempFolder("r2r-ns");
            File.WriteAllText(folder.Combine("probe.ps1"), Probe);
            string dll = Path.Combine(NetstandardDir, "SecurityOps.dll");
            using HostProcess host = HostProcess.Start(new[] { "--module", dll, folder.Combine("probe.ps1"), folder.Combine("state") }, null, folder.Path);
            Assert.True(host.WaitForExit(120_000), "secops-host did not finish:\n" + host.Log);
            Assert.True(host.ExitCode == 0, host.Log);
            Assert.Equal(dll, Value(host.Log, "module"));
            Assert.Equal("9.8", Value(host.Log, "score"));
            Assert.Equal(Path.Combine(NetstandardDir, "Dependencies", "YamlDotNet.dll"), Value(host.Log, "yaml"));
            Assert.True(File.Exists(Path.Combine(folder.Path, "state", "securityops.yaml")));
        }

        private static string Value(string log, string name)
        {
            string line = log.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(name + "=", StringComparison.Ordinal));
            Assert.True(line != null, $"No {name}= line in:\n{log}");
            return line.Substring(name.Length + 1);
        }

        /// <summary>A ReadyToRun image carries a managed native header (the READYTORUN_HEADER) beside its IL.</summary>
        internal static bool IsReadyToRun(string path)
        {
            using var pe = new PEReader(File.OpenRead(path));
            return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
        }

        private static string TargetFramework(string path)
        {
            using var pe = new PEReader(File.OpenRead(path));
            MetadataReader md = pe.GetMetadataReader();
            foreach (CustomAttributeHandle handle in md.GetAssemblyDefinition().GetCustomAttributes())
            {
                CustomAttribute attribute = md.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind == HandleKind.MemberReference)
                {
                    MemberReference constructor = md.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                    if (constructor.Parent.Kind == HandleKind.TypeReference &&
                        md.GetString(md.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) == "TargetFrameworkAttribute")
                    {
                        BlobReader value = md.GetBlobReader(attribute.Value);
                        value.ReadUInt16(); // prolog
                        return value.ReadSerializedString();
                    }
                }
            }

            return null;
        }
    }
}
