using System;
using System.Collections.Generic;
using System.IO;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>A fresh state repository in a temp folder, initialized through the real cmdlet.</summary>
    public sealed class StateScope : IDisposable
    {
        private readonly TempFolder folder = new TempFolder("secops-state");

        /// <param name="policy">A policy of Fixtures/policies written as the state's policy.yaml (default full-process, which
        /// has every clock); null leaves the state on the module's default policy.</param>
        public StateScope(PowerShellFixture ps, bool git = true, string policy = FullProcessPolicy)
        {
            Ps = ps;
            Path = folder.Combine("state");
            ps.Run($"Initialize-SecurityState -Path '{Path}'{(git ? string.Empty : " -NoGit")} | Out-Null").AssertNoErrors();
            if (policy != null)
            {
                WritePolicy(Path, policy);
            }
        }

        /// <summary>The test policy with every milestone (the retired kubernetes-style rules under their own name).</summary>
        public const string FullProcessPolicy = "full-process";

        /// <summary>Writes a Fixtures/policies policy as a state's policy.yaml (what new cases there get).</summary>
        public static void WritePolicy(string statePath, string policy) =>
            System.IO.File.Copy(RepoPaths.Fixture("policies", policy + ".yaml"), System.IO.Path.Combine(statePath, "policy.yaml"), overwrite: true);

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
