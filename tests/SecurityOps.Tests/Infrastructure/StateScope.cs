using System;
using System.Collections.Generic;
using System.IO;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>A fresh state repository in a temp folder, initialized through the real cmdlet.</summary>
    public sealed class StateScope : IDisposable
    {
        private readonly TempFolder folder = new TempFolder("secops-state");

        public StateScope(PowerShellFixture ps, bool git = true)
        {
            Ps = ps;
            Path = folder.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{Path}'{(git ? string.Empty : " -NoGit")} | Out-Null").AssertNoErrors();
        }

        public PowerShellFixture Ps { get; }

        public string Path { get; }

        public string File(string relative) => System.IO.Path.Combine(Path, relative);

        public string ReadFile(string relative) => System.IO.File.ReadAllText(File(relative));

        public void WriteFile(string relative, string text)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(File(relative)));
            System.IO.File.WriteAllText(File(relative), text);
        }

        /// <summary>Runs script text with $state set to this state's folder.</summary>
        public ScriptResult Run(string script) => Ps.Run(script, new Dictionary<string, object> { ["state"] = Path });

        public void Dispose() => folder.Dispose();
    }
}
