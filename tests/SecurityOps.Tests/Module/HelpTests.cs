using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.HelpBuilder;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Module
{
    [Collection(PowerShellCollection.Name)]
    public sealed class HelpTests
    {
        private readonly PowerShellFixture ps;

        public HelpTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>Get-Help -Full in the engine, for every exported cmdlet: what a user reads.</summary>
        [Fact]
        public void EveryExportedCmdletHasFullHelp()
        {
            const string script = @"
$common = [System.Management.Automation.Cmdlet]::CommonParameters
foreach ($command in Get-Command -Module SecurityOps -CommandType Cmdlet) {
    $help = Get-Help $command.Name -Full
    $name = $command.Name
    if ($help -is [string] -or -not $help.description) { ""${name}: no MAML help (description missing)""; continue }
    if (-not $help.Synopsis -or $help.Synopsis.Trim().StartsWith($name)) { ""${name}: no synopsis"" }
    if (-not (($help.description | ForEach-Object Text) -join '').Trim()) { ""${name}: empty description"" }
    $examples = @($help.examples.example)
    if ($examples.Count -lt 2) { ""${name}: $($examples.Count) example(s)"" }
    foreach ($example in $examples) { if (-not $example.code) { ""${name}: an example without code"" } }
    $documented = @{}
    foreach ($p in @($help.parameters.parameter)) { $documented[$p.name] = (($p.description | ForEach-Object Text) -join '').Trim() }
    foreach ($parameter in $command.Parameters.Keys) {
        if ($common -contains $parameter) { continue }
        if (-not $documented[$parameter]) { ""${name}: -$parameter has no description"" }
    }
}";
            var result = ps.Run(script).AssertNoErrors();
            Assert.True(result.Output.Count == 0, "Help problems:\n" + string.Join("\n", result.Output));
        }

        [Fact]
        public void HelpShowsSyntaxFromTheCompiledCmdletAndMarkdownProse()
        {
            var result = ps.Run("Get-Help Add-CveRecord -Parameter CveId | ForEach-Object { $_.position, $_.pipelineInput, $_.aliases, (($_.description | ForEach-Object Text) -join ' ') }").AssertNoErrors();
            var values = result.Output.Select(o => o.ToString()).ToList();
            Assert.Equal("0", values[0]);
            Assert.Equal("True (ByPropertyName)", values[1]);
            Assert.Equal("CveIds, Cve", values[2]);
            Assert.Contains("CVE-YYYY-NNNN", values[3]);

            var syntax = ps.Run("(Get-Help Get-CveRecord -Full).syntax.syntaxItem.parameter | ForEach-Object { $_.name + ':' + $_.required }").AssertNoErrors();
            Assert.Contains("Status:false", syntax.Output.Select(o => o.ToString()));
        }

        [Fact]
        public void AboutTopicIsStagedWithTheModule()
        {
            string about = File.ReadAllText(Path.Combine(RepoPaths.StagedModuleDir, "en-US", "about_SecurityOps.help.txt"));
            Assert.StartsWith("TOPIC", about);
            Assert.Contains("SECURITYOPS_STATE", about);
            Assert.Contains("securityops.yaml", about);
        }

        private static CommandModel Command(params string[] parameters)
        {
            var model = new CommandModel { Name = "Get-Thing", Verb = "Get", Noun = "Thing" };
            var set = new ParameterSetModel { Name = "__AllParameterSets", IsDefault = true };
            foreach (string p in parameters)
            {
                var parameter = new ParameterModel { Name = p, Type = typeof(string) };
                model.Parameters.Add(parameter);
                set.Parameters.Add(parameter);
            }

            model.ParameterSets.Add(set);
            return model;
        }

        private static string Page(string parameters) => $@"---
external help file: SecurityOps.dll-Help.xml
Module Name: SecurityOps
---

# Get-Thing

## SYNOPSIS
Gets a thing.

## DESCRIPTION
Gets a thing, really.

## EXAMPLES

### Example 1: one
```powershell
Get-Thing
```

Gets it.

### Example 2: two
```powershell
'a' | Get-Thing
```

Gets it from the pipeline.

## PARAMETERS
{parameters}
## INPUTS

### System.String
A name.

## OUTPUTS

### System.Object
The thing.

## NOTES
None.
";

        [Fact]
        public void GeneratorRejectsAMissingPageAndAnUndescribedParameter()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("Get-Thing.md"), Page("\n### -Name\n\n### -Confirm\n\n"));
            var docs = new Dictionary<string, CommandHelpDoc>(StringComparer.OrdinalIgnoreCase) { ["Get-Thing"] = MarkdownHelpReader.Read(folder.Combine("Get-Thing.md")) };

            var problems = HelpValidator.Validate(new[] { Command("Name", "Confirm"), new CommandModel { Name = "Set-Thing", Verb = "Set", Noun = "Thing" } }, docs, folder.Path);

            Assert.Equal(2, problems.Count);
            Assert.Contains(problems, p => p.Message.Contains("-Name has no description") && p.File.EndsWith("Get-Thing.md") && p.Line > 1);
            Assert.Contains(problems, p => p.Message.Contains("Set-Thing has no help") && p.ToString().Contains("error SOHELP001"));
        }

        [Fact]
        public void GeneratorReadsExamplesParametersAndTypes()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("Get-Thing.md"), Page("\n### -Name\nThe name.\n\n```yaml\nType: String\n```\n\n"));
            var doc = MarkdownHelpReader.Read(folder.Combine("Get-Thing.md"));
            Assert.Equal("Get-Thing", doc.Name);
            Assert.Equal(new[] { "Gets a thing." }, doc.Synopsis);
            Assert.Equal(2, doc.Examples.Count);
            Assert.Equal("'a' | Get-Thing", doc.Examples[1].Code);
            Assert.Equal(new[] { "Gets it from the pipeline." }, doc.Examples[1].Remarks);
            Assert.Equal(new[] { "The name." }, doc.Parameters["Name"].Description);
            Assert.Equal("System.String", doc.Inputs.Single().TypeName);
            Assert.Empty(HelpValidator.Validate(new[] { Command("Name") }, new Dictionary<string, CommandHelpDoc> { ["Get-Thing"] = doc }, folder.Path));
        }
    }
}
