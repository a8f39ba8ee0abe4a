using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;
using SecurityOps.HelpBuilder;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Module
{
    /// <summary>The gallery package: what Install-PSResource would unpack imports by name and runs.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class PackageTests
    {
        [Fact]
        public void ThePackageHasTheGalleryLayoutAndItsModuleImportsByNameFromPSModulePath()
        {
            using var temp = new TempFolder("package");
            string package = ModulePackager.Pack(RepoPaths.StagedModule, temp.Combine("out"));
            string version = typeof(SecurityOps.Model.CveRecord).Assembly.GetName().Version.ToString(3);
            Assert.Equal($"SecurityOps.{version}.nupkg", Path.GetFileName(package));

            using (ZipArchive zip = ZipFile.OpenRead(package))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("SecurityOps.psd1", names);                 // the module's files at the package root
                Assert.Contains("SecurityOps.Format.ps1xml", names);
                Assert.Contains("en-US/SecurityOps.dll-Help.xml", names);
                foreach (string framework in ModuleSurface.Frameworks)            // both builds: the manifest picks one
                {
                    Assert.Contains(framework + "/SecurityOps.dll", names);
                    Assert.Contains(framework + "/Dependencies/YamlDotNet.dll", names);
                }

                Assert.Contains("[Content_Types].xml", names);
                Assert.Contains("_rels/.rels", names);

                XNamespace ns = "http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd";
                XElement metadata;
                using (Stream nuspec = zip.GetEntry("SecurityOps.nuspec").Open())
                {
                    metadata = XDocument.Load(nuspec).Root.Element(ns + "metadata");
                }

                Assert.Equal("SecurityOps", (string)metadata.Element(ns + "id"));
                Assert.Equal(version, (string)metadata.Element(ns + "version"));
                Assert.False(string.IsNullOrWhiteSpace((string)metadata.Element(ns + "description")));
                Assert.Equal("MIT", (string)metadata.Element(ns + "license"));
                Assert.StartsWith("https://", (string)metadata.Element(ns + "projectUrl"));
                var tags = ((string)metadata.Element(ns + "tags")).Split(' ');
                Assert.Contains("PSModule", tags);
                Assert.Contains("PSIncludes_Cmdlet", tags);
                Assert.Contains("PSCmdlet_Invoke-SecurityRunbook", tags);
                Assert.Equal(ModuleSurface.CmdletTypes.Count(), tags.Count(t => t.StartsWith("PSCmdlet_", StringComparison.Ordinal)));

                // Installed as PSResourceGet does it: <a PSModulePath folder>/SecurityOps/<version>/.
                string modules = temp.Combine("Modules");
                foreach (ZipArchiveEntry entry in zip.Entries.Where(e => !e.FullName.EndsWith(".nuspec") && !e.FullName.StartsWith("_rels/") && !e.FullName.StartsWith("[Content_Types]") && e.Name.Length > 0))
                {
                    string target = Path.Combine(modules, "SecurityOps", version, entry.FullName);
                    Directory.CreateDirectory(Path.GetDirectoryName(target));
                    entry.ExtractToFile(target);
                }

                string saved = Environment.GetEnvironmentVariable("PSModulePath");
                try
                {
                    Environment.SetEnvironmentVariable("PSModulePath", modules + Path.PathSeparator + saved);
                    using Runspace runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
                    runspace.Open();
                    using var ps = PowerShell.Create();
                    ps.Runspace = runspace;
                    ps.AddScript("Import-Module SecurityOps -ErrorAction Stop; (Get-Module SecurityOps).ModuleBase; (Get-CvssScore 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H').BaseScore; (Get-Module SecurityOps).Path");
                    var output = ps.Invoke();
                    Assert.False(ps.HadErrors, string.Join("\n", ps.Streams.Error));
                    Assert.Equal(Path.Combine(modules, "SecurityOps", version), output[0].ToString());
                    Assert.Equal(9.8, Convert.ToDouble(output[1].BaseObject));
                    Assert.Equal(Path.Combine(modules, "SecurityOps", version, "net8.0", "SecurityOps.dll"), output[2].ToString()); // PowerShell 7's build
                }
                finally
                {
                    Environment.SetEnvironmentVariable("PSModulePath", saved);
                }
            }
        }
    }
}
