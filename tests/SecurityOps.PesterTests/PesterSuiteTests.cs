using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.PesterTests
{
    /// <summary>
    /// Runs every Describe block of tests/Pester/*.Tests.ps1 with real Pester, one xunit case per block, so a failing
    /// Pester test fails CI and is named in the report.
    /// </summary>
    public sealed class PesterSuiteTests
    {
        private static string Root => RepoPaths.Root;

        public static IEnumerable<object[]> DescribeBlocks()
        {
            foreach (string file in Directory.GetFiles(Path.Combine(Root, "tests", "Pester"), "*.Tests.ps1").OrderBy(f => f, StringComparer.Ordinal))
            {
                ScriptBlockAst ast = Parser.ParseFile(file, out _, out ParseError[] errors);
                if (errors.Length > 0)
                {
                    throw new InvalidOperationException($"{file}:{errors[0].Extent.StartLineNumber}: {errors[0].Message}");
                }

                var names = ast.FindAll(a => a is CommandAst c && c.GetCommandName() == "Describe", searchNestedScriptBlocks: true)
                    .Cast<CommandAst>()
                    .Select(c => c.CommandElements.Skip(1).OfType<StringConstantExpressionAst>().FirstOrDefault()?.Value)
                    .Where(n => n != null);
                foreach (string name in names)
                {
                    yield return new object[] { Path.GetFileName(file), name };
                }
            }
        }

        [Theory]
        [MemberData(nameof(DescribeBlocks))]
        public void PesterBlockPasses(string file, string describe)
        {
            PSObject run = Runs.GetOrAdd(file, f => new Lazy<PSObject>(() => InvokePester(f))).Value;

            var tests = Items(run, "Tests").Where(t => FirstPathElement(t) == describe).ToList();
            var report = new StringBuilder();
            foreach (PSObject test in tests.Where(t => (string)t.Properties["Result"].Value != "Passed"))
            {
                report.Append(string.Join(" > ", Items(test, "Path"))).Append(": ").Append(test.Properties["Result"].Value).Append(": ")
                    .AppendLine(string.Join(" | ", Items(test, "ErrorRecord")));
            }

            foreach (PSObject block in Items(run, "FailedBlocks").Where(b => FirstPathElement(b) == describe))
            {
                report.Append(string.Join(" > ", Items(block, "Path"))).Append(" (setup): ")
                    .AppendLine(string.Join(" | ", Items(block, "ErrorRecord")));
            }

            foreach (PSObject container in Items(run, "FailedContainers"))
            {
                report.Append(file).Append(" (file): ").AppendLine(string.Join(" | ", Items(container, "ErrorRecord")));
            }

            Assert.True(report.Length == 0, $"{describe}:\n{report}");
            Assert.True(tests.Count > 0, $"{describe}: no Pester test ran");
        }

        // One Invoke-Pester per file (importing Pester costs seconds); each Describe block is then its own xunit case.
        private static readonly ConcurrentDictionary<string, Lazy<PSObject>> Runs = new ConcurrentDictionary<string, Lazy<PSObject>>();

        private static PSObject InvokePester(string file)
        {
            var state = InitialSessionState.CreateDefault2();
            using Runspace runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
            using PowerShell ps = PowerShell.Create(runspace);
            ps.AddScript(@"
param($Pester, $Path)
Import-Module $Pester
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Output.Verbosity = 'None'
Invoke-Pester -Configuration $configuration")
                .AddParameter("Pester", Path.Combine(AppContext.BaseDirectory, "Pester", "Pester.psd1"))
                .AddParameter("Path", Path.Combine(Root, "tests", "Pester", file));

            PSObject run = ps.Invoke().Last();
            if (ps.Streams.Error.Count > 0)
            {
                throw new InvalidOperationException("Invoke-Pester wrote errors: " + string.Join("; ", ps.Streams.Error));
            }

            return run;
        }

        private static string FirstPathElement(PSObject item) => Items(item, "Path").FirstOrDefault()?.ToString();

        private static IEnumerable<PSObject> Items(PSObject owner, string property)
        {
            object value = owner.Properties[property]?.Value;
            return value is System.Collections.IEnumerable list && !(value is string)
                ? list.Cast<object>().Where(o => o != null).Select(PSObject.AsPSObject)
                : value == null ? Enumerable.Empty<PSObject>() : new[] { PSObject.AsPSObject(value) };
        }
    }
}
