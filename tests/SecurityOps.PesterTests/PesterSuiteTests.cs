using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text;
using Xunit;

namespace SecurityOps.PesterTests
{
    /// <summary>
    /// Runs every Describe block of tests/Pester/*.Tests.ps1 with real Pester, one xunit case per block, so a failing
    /// Pester test fails CI and is named in the report.
    /// </summary>
    public sealed class PesterSuiteTests
    {
        private static readonly string Root = FindRoot();

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
            var state = InitialSessionState.CreateDefault2();
            using Runspace runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
            using PowerShell ps = PowerShell.Create(runspace);
            ps.AddScript(@"
param($Pester, $Path, $Describe)
Import-Module $Pester
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Run.Exit = $false
$configuration.Filter.FullName = [System.Management.Automation.WildcardPattern]::Escape($Describe) + '.*'
$configuration.Output.Verbosity = 'None'
Invoke-Pester -Configuration $configuration")
                .AddParameter("Pester", Path.Combine(AppContext.BaseDirectory, "Pester", "Pester.psd1"))
                .AddParameter("Path", Path.Combine(Root, "tests", "Pester", file))
                .AddParameter("Describe", describe);

            PSObject run = ps.Invoke().Last();
            Assert.True(ps.Streams.Error.Count == 0, "Invoke-Pester wrote errors: " + string.Join("; ", ps.Streams.Error));

            int passed = Count(run, "PassedCount"), failed = Count(run, "FailedCount");
            int failedBlocks = Count(run, "FailedBlocksCount"), failedContainers = Count(run, "FailedContainersCount");
            var report = new StringBuilder();
            foreach (PSObject test in Items(run, "Failed"))
            {
                report.Append(string.Join(" > ", Items(test, "Path").Select(p => p.ToString())))
                    .Append(": ")
                    .AppendLine(string.Join(" | ", Items(test, "ErrorRecord").Select(e => e.ToString())));
            }

            foreach (PSObject block in Items(run, "FailedBlocks").Concat(Items(run, "FailedContainers")))
            {
                report.Append(block.Properties["Name"]?.Value ?? block.ToString()).Append(": ")
                    .AppendLine(string.Join(" | ", Items(block, "ErrorRecord").Select(e => e.ToString())));
            }

            Assert.True(failed == 0 && failedBlocks == 0 && failedContainers == 0, $"{describe}: {failed} failed\n{report}");
            Assert.True(passed > 0, $"{describe}: no Pester test ran");
        }

        private static int Count(PSObject run, string property) => Convert.ToInt32(run.Properties[property].Value);

        private static IEnumerable<PSObject> Items(PSObject owner, string property)
        {
            object value = owner.Properties[property]?.Value;
            return value is System.Collections.IEnumerable list && !(value is string)
                ? list.Cast<object>().Where(o => o != null).Select(PSObject.AsPSObject)
                : value == null ? Enumerable.Empty<PSObject>() : new[] { PSObject.AsPSObject(value) };
        }

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SecurityOps.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("SecurityOps.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
