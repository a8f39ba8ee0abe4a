using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace SecurityOps.Internal
{
    /// <summary>
    /// Resolves the module's dependencies from the Dependencies/ folder beside SecurityOps.dll, and from nowhere else.
    /// On .NET (PowerShell 7) they load into a load context of their own; on .NET Framework (Windows PowerShell 5.1)
    /// through AppDomain.AssemblyResolve, which only fires for what the normal probe did not find.
    /// </summary>
    internal static class DependencyResolver
    {
        private static readonly object Gate = new object();
        private static bool registered;

        internal static string DependencyDirectory { get; } =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? ".", "Dependencies");

        internal static bool IsNetFramework =>
            RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

        public static void Register()
        {
            lock (Gate)
            {
                if (registered || !Directory.Exists(DependencyDirectory))
                {
                    return;
                }

                if (IsNetFramework)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += ResolveOnFramework;
                }
                else
                {
                    CoreClrResolver.Register(DependencyDirectory);
                }

                registered = true;
            }
        }

        public static void Unregister()
        {
            lock (Gate)
            {
                if (!registered)
                {
                    return;
                }

                if (IsNetFramework)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnFramework;
                }
                else
                {
                    CoreClrResolver.Unregister();
                }

                registered = false;
            }
        }

        private static Assembly ResolveOnFramework(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name);
            string path = Path.Combine(DependencyDirectory, name.Name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }

        /// <summary>Kept in its own class so .NET Framework never JIT-compiles a use of AssemblyLoadContext.</summary>
        private static class CoreClrResolver
        {
            private static DependencyLoadContext context;

            public static void Register(string directory)
            {
                context = new DependencyLoadContext(directory);
                AssemblyLoadContext.Default.Resolving += OnResolving;
            }

            public static void Unregister() => AssemblyLoadContext.Default.Resolving -= OnResolving;

            private static Assembly OnResolving(AssemblyLoadContext defaultContext, AssemblyName name)
            {
                return context.IsOurs(name) ? context.LoadFromAssemblyName(name) : null;
            }
        }

        private sealed class DependencyLoadContext : AssemblyLoadContext
        {
            private readonly string directory;
            private readonly HashSet<string> platform;

            public DependencyLoadContext(string directory)
            {
                this.directory = directory;

                // Anything the runtime itself ships (System.Memory, System.Text.Json...) must come from the
                // platform, or the same type would exist twice. Only true third-party assemblies load here.
                string tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
                platform = new HashSet<string>(
                    tpa.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries)
                       .Select(Path.GetFileNameWithoutExtension),
                    StringComparer.OrdinalIgnoreCase);
            }

            public bool IsOurs(AssemblyName name) =>
                !platform.Contains(name.Name) && File.Exists(Path.Combine(directory, name.Name + ".dll"));

            protected override Assembly Load(AssemblyName name)
            {
                return IsOurs(name) ? LoadFromAssemblyPath(Path.Combine(directory, name.Name + ".dll")) : null;
            }
        }
    }
}
