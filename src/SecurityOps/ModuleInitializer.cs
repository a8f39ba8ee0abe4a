using System.Management.Automation;
using SecurityOps.Internal;

namespace SecurityOps
{
    /// <summary>
    /// Runs when PowerShell imports the module: serves our dependencies from Dependencies/ so that another
    /// module's YamlDotNet or Octokit cannot replace ours (and ours cannot replace theirs).
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => DependencyResolver.Register();

        public void OnRemove(PSModuleInfo module) => DependencyResolver.Unregister();
    }
}
