using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>
    /// The real PowerShell engine with the staged module (out/SecurityOps) imported, as a user would have it.
    /// Tests run script text through it and assert on typed output, error ids and files written.
    /// </summary>
    public sealed class PowerShellFixture : IDisposable
    {
        private readonly object gate = new object();

        public PowerShellFixture()
        {
            var iss = InitialSessionState.CreateDefault2();
            Runspace = RunspaceFactory.CreateRunspace(iss);
            Runspace.Open();
            var import = Run($"Import-Module '{RepoPaths.StagedModule}' -ErrorAction Stop -PassThru");
            if (import.Errors.Count > 0)
            {
                throw new InvalidOperationException("Import-Module failed: " + import.Errors[0]);
            }

            Module = (PSModuleInfo)import.Output.Single().BaseObject;
        }

        public Runspace Runspace { get; }

        public PSModuleInfo Module { get; }

        /// <summary>Runs script text; <paramref name="variables"/> become $name variables first.</summary>
        public ScriptResult Run(string script, IDictionary<string, object> variables = null)
        {
            lock (gate)
            {
                using var ps = PowerShell.Create();
                ps.Runspace = Runspace;
                if (variables != null)
                {
                    foreach (var pair in variables)
                    {
                        Runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
                    }
                }

                ps.AddScript(script);
                var result = new ScriptResult();
                try
                {
                    result.Output.AddRange(ps.Invoke());
                }
                catch (RuntimeException ex)
                {
                    result.Terminating = ex;
                }

                result.Errors.AddRange(ps.Streams.Error);
                result.Warnings.AddRange(ps.Streams.Warning.Select(w => w.Message));
                result.Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
                result.Progress.AddRange(ps.Streams.Progress);
                result.Information.AddRange(ps.Streams.Information.Select(i => i.MessageData?.ToString()));
                return result;
            }
        }

        public void Dispose() => Runspace.Dispose();
    }

    public sealed class ScriptResult
    {
        public List<PSObject> Output { get; } = new List<PSObject>();

        public List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();

        public List<string> Warnings { get; } = new List<string>();

        public List<string> Verbose { get; } = new List<string>();

        public List<ProgressRecord> Progress { get; } = new List<ProgressRecord>();

        public List<string> Information { get; } = new List<string>();

        /// <summary>A terminating error the script threw, if any.</summary>
        public RuntimeException Terminating { get; set; }

        public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();

        /// <summary>Fully qualified error ids of every error, the terminating one included.</summary>
        public IEnumerable<string> ErrorIds =>
            Errors.Select(e => e.FullyQualifiedErrorId)
                  .Concat(Terminating?.ErrorRecord == null ? Enumerable.Empty<string>() : new[] { Terminating.ErrorRecord.FullyQualifiedErrorId });

        /// <summary>Fails the test with the script's errors when there are any.</summary>
        public ScriptResult AssertNoErrors()
        {
            if (Terminating != null || Errors.Count > 0)
            {
                var lines = Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}").ToList();
                if (Terminating != null)
                {
                    lines.Add($"terminating {Terminating.ErrorRecord?.FullyQualifiedErrorId}: {Terminating.Message}");
                }

                Assert.Fail("The script wrote errors:\n" + string.Join("\n", lines));
            }

            return this;
        }
    }

    [CollectionDefinition(Name)]
    public sealed class PowerShellCollection : ICollectionFixture<PowerShellFixture>
    {
        public const string Name = "PowerShell engine";
    }
}
