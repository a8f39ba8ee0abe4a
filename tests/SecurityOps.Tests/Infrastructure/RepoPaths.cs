using System;
using System.IO;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>Where things are: the repository root, the staged module, the test fixtures (the repository stands alone).</summary>
    public static class RepoPaths
    {
        private static readonly Lazy<string> RootLazy = new Lazy<string>(() =>
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SecurityOps.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("SecurityOps.sln not found above " + AppContext.BaseDirectory);
        });

        public static string Root => RootLazy.Value;

        public static string StagedModule => Path.Combine(Root, "out", "SecurityOps", "SecurityOps.psd1");

        public static string StagedModuleDir => Path.Combine(Root, "out", "SecurityOps");

        public static string Fixture(params string[] parts) => Path.Combine(AppContext.BaseDirectory, "Fixtures", Path.Combine(parts));
    }
}
