using System.Linq;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Module
{
    [Collection(PowerShellCollection.Name)]
    public sealed class ModuleLoadTests
    {
        private readonly PowerShellFixture ps;

        public ModuleLoadTests(PowerShellFixture ps) => this.ps = ps;

        [Fact]
        public void StagedModuleImportsAndExportsCmdlets()
        {
            var result = ps.Run("Get-Command -Module SecurityOps | ForEach-Object Name").AssertNoErrors();
            Assert.Contains("Add-CveRecord", result.Output.Select(o => o.ToString()));
        }
    }
}
