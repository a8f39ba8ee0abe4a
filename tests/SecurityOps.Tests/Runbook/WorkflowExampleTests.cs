using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;
using SecurityOps.Commands;
using SecurityOps.Tests.Infrastructure;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace SecurityOps.Tests.Runbook
{
    /// <summary>examples/workflows/daily-security-runbook.yml: what a scheduled run needs, and pwsh scripts that parse and bind.</summary>
    public sealed class WorkflowExampleTests
    {
        private static readonly string WorkflowPath = Path.Combine(RepoPaths.Root, "examples", "workflows", "daily-security-runbook.yml");

        private static YamlMappingNode Load()
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(WorkflowPath))
            {
                stream.Load(reader);
            }

            return (YamlMappingNode)stream.Documents.Single().RootNode;
        }

        private static YamlNode At(YamlNode node, params string[] path)
        {
            foreach (string key in path)
            {
                var map = Assert.IsType<YamlMappingNode>(node);
                Assert.True(map.Children.ContainsKey(new YamlScalarNode(key)), $"missing '{key}' in {WorkflowPath}");
                node = map.Children[new YamlScalarNode(key)];
            }

            return node;
        }

        private static string Text(YamlNode node) => Assert.IsType<YamlScalarNode>(node).Value;

        private static List<YamlMappingNode> Steps(YamlMappingNode root) =>
            ((YamlMappingNode)At(root, "jobs")).Children.Values
                .SelectMany(job => ((YamlSequenceNode)At(job, "steps")).Children.Cast<YamlMappingNode>())
                .ToList();

        [Fact]
        public void RunsDailyAndOnDemandOneAtATimeWithMinimalPermissions()
        {
            YamlMappingNode root = Load();
            var cron = Text(At(((YamlSequenceNode)At(root, "on", "schedule")).Children.Single(), "cron"));
            Assert.Equal(5, cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Matches(@"^\d+ \d+ \* \* \*$", cron); // once a day
            Assert.NotNull(At(root, "on", "workflow_dispatch"));

            Assert.False(string.IsNullOrWhiteSpace(Text(At(root, "concurrency", "group"))));
            Assert.Equal("false", Text(At(root, "concurrency", "cancel-in-progress")));

            var permissions = (YamlMappingNode)At(root, "permissions");
            Assert.Equal(
                new[] { ("contents", "write"), ("issues", "write") },
                permissions.Children.Select(p => (Text(p.Key), Text(p.Value))).OrderBy(p => p.Item1));
        }

        [Fact]
        public void ChecksOutTheStateAndRunsTheRunbookInPwshWithoutPromptsFailingOnPartialFailure()
        {
            var steps = Steps(Load());
            Assert.StartsWith("actions/checkout@", Text(At(steps[0], "uses")));
            var scripts = steps.Where(s => s.Children.ContainsKey(new YamlScalarNode("run"))).ToList();
            Assert.NotEmpty(scripts);
            Assert.All(scripts, s => Assert.Equal("pwsh", Text(At(s, "shell"))));
            Assert.Contains(scripts, s => Text(At(s, "run")).Contains("Install-PSResource -Name SecurityOps -Version $env:SECURITYOPS_VERSION"));

            var runbook = scripts.Single(s => Text(At(s, "run")).Contains("Invoke-SecurityRunbook"));
            string script = Text(At(runbook, "run"));
            Assert.Contains("$ErrorActionPreference = 'Stop'", script);

            // The uncommitted .cache/ (parsed records, feed check times) comes back before the runbook reads the state.
            int cache = steps.FindIndex(s => s.Children.ContainsKey(new YamlScalarNode("uses")) && Text(At(s, "uses")).StartsWith("actions/cache@", StringComparison.Ordinal));
            Assert.True(cache > 0 && cache < steps.IndexOf(runbook), "no cache step restores .cache/ before the runbook");
            Assert.Equal(".cache", Text(At(steps[cache], "with", "path")));
            Assert.Contains("${{ secrets.", Text(At(runbook, "env", "GITHUB_TOKEN")));
            Assert.Equal("${{ github.workspace }}", Text(At(runbook, "env", "SECURITYOPS_STATE")));

            // The call itself, read from the script's syntax tree: no prompt, pushes, keeps going, and the exit code
            // comes from the result.
            Ast ast = Parser.ParseInput(script, out _, out ParseError[] errors);
            Assert.Empty(errors);
            var call = (CommandAst)ast.Find(a => a is CommandAst c && c.GetCommandName() == "Invoke-SecurityRunbook", true);
            var parameters = call.CommandElements.OfType<CommandParameterAst>().ToDictionary(p => p.ParameterName, p => p.Argument?.Extent.Text, StringComparer.OrdinalIgnoreCase);
            Assert.Equal("$false", parameters["Confirm"]);
            Assert.True(parameters.ContainsKey("Push"));
            Assert.Equal("Continue", call.CommandElements.SkipWhile(e => !(e is CommandParameterAst p && p.ParameterName == "ErrorAction")).Skip(1).First().Extent.Text);

            // Every parameter the workflow passes exists on the cmdlet (or is a common parameter).
            var known = typeof(InvokeSecurityRunbookCommand).GetProperties()
                .Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()).Select(p => p.Name)
                .Concat(new[] { "ErrorAction", "ErrorVariable", "WhatIf", "Confirm", "Verbose", "WarningAction" });
            Assert.All(parameters.Keys, name => Assert.Contains(name, known, StringComparer.OrdinalIgnoreCase));

            var exit = ast.FindAll(a => a is ExitStatementAst, true).Cast<ExitStatementAst>().ToList();
            Assert.Contains(exit, e => e.Pipeline?.Extent.Text == "1");
            Ast guard = exit.Single();
            while (guard is not IfStatementAst)
            {
                guard = guard.Parent;
            }

            Assert.Contains("$result.Succeeded", ((IfStatementAst)guard).Clauses[0].Item1.Extent.Text);
        }

        [Fact]
        public void OnlyThePublicPageGoesToGitHubPagesAndTheTeamsReportStaysARunArtifact()
        {
            YamlMappingNode root = Load();
            var steps = Steps(root);
            string render = Text(At(steps.Single(s => s.Children.ContainsKey(new YamlScalarNode("run")) && Text(At(s, "run")).Contains("Export-SecurityReport")), "run"));
            Ast ast = Parser.ParseInput(render, out _, out ParseError[] errors);
            Assert.Empty(errors);
            var exports = ast.FindAll(a => a is CommandAst c && c.GetCommandName() == "Export-SecurityReport", true).Cast<CommandAst>().ToList();
            Assert.Equal(2, exports.Count);
            string PathOf(CommandAst c) => c.CommandElements.SkipWhile(e => !(e is CommandParameterAst p && p.ParameterName == "Path")).Skip(1).First().Extent.Text;
            bool IsPublic(CommandAst c) => c.CommandElements.OfType<CommandParameterAst>().Any(p => p.ParameterName == "Public");
            string teamPath = PathOf(exports.Single(c => !IsPublic(c)));
            string publicPath = PathOf(exports.Single(IsPublic));
            Assert.Contains("team-report", teamPath);
            Assert.Contains("public-site", publicPath);

            var pagesArtifact = steps.Single(s => s.Children.ContainsKey(new YamlScalarNode("uses")) && Text(At(s, "uses")).StartsWith("actions/upload-pages-artifact@", StringComparison.Ordinal));
            Assert.EndsWith("/public-site", Text(At(pagesArtifact, "with", "path")));
            var runArtifact = steps.Single(s => s.Children.ContainsKey(new YamlScalarNode("uses")) && Text(At(s, "uses")).StartsWith("actions/upload-artifact@", StringComparison.Ordinal));
            Assert.EndsWith("/team-report", Text(At(runArtifact, "with", "path")));

            var pages = (YamlMappingNode)At(root, "jobs", "pages");
            Assert.Equal("runbook", Text(At(pages, "needs")));
            Assert.Equal(new[] { ("id-token", "write"), ("pages", "write") }, ((YamlMappingNode)At(pages, "permissions")).Children.Select(p => (Text(p.Key), Text(p.Value))).OrderBy(p => p.Item1));
            Assert.StartsWith("actions/deploy-pages@", Text(At(((YamlSequenceNode)At(pages, "steps")).Children.Single(), "uses")));
            Assert.Equal("github-pages", Text(At(pages, "environment", "name")));
        }

        [Fact]
        public void EveryPwshRunScriptParses()
        {
            var problems = new List<string>();
            foreach (YamlMappingNode step in Steps(Load()).Where(s => s.Children.ContainsKey(new YamlScalarNode("run"))))
            {
                Parser.ParseInput(Text(At(step, "run")), out _, out ParseError[] errors);
                problems.AddRange(errors.Select(e => $"step '{Text(At(step, "name"))}' line {e.Extent.StartLineNumber}: {e.Message}"));
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void TheExampleInstallsAPinnedVersionTheManifestsOwn()
        {
            // A job with contents: write and issues: write must run the version the team reviewed, never "latest".
            YamlMappingNode install = Steps(Load()).Single(s => Text(At(s, "name")) == "Install SecurityOps");
            string pinned = Text(At(install, "env", "SECURITYOPS_VERSION"));
            string manifest = File.ReadAllText(Path.Combine(RepoPaths.Root, "SecurityOps.psd1"));
            Assert.Matches(@"ModuleVersion\s*=\s*'" + System.Text.RegularExpressions.Regex.Escape(pinned) + "'", manifest);
            Assert.Contains("-RequiredVersion $env:SECURITYOPS_VERSION", Text(At(install, "run")));
            Assert.Contains("Register-PSResourceRepository", File.ReadAllText(WorkflowPath)); // the release-package alternative is documented
        }

        [Fact]
        public void TheReleaseWorkflowTestsPacksAttachesAndPublishesOnAVersionTag()
        {
            string path = Path.Combine(RepoPaths.Root, ".github", "workflows", "release.yml");
            var stream = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                stream.Load(reader);
            }

            var root = (YamlMappingNode)stream.Documents.Single().RootNode;
            Assert.Equal("v*", Text(((YamlSequenceNode)At(root, "on", "push", "tags")).Children.Single()));
            Assert.Equal("write", Text(At(root, "permissions", "contents")));
            Assert.Single(((YamlMappingNode)At(root, "permissions")).Children);

            var steps = Steps(root);
            string Run(string name) => Text(At(steps.Single(s => Text(At(s, "name")).StartsWith(name, StringComparison.Ordinal)), "run"));
            Assert.Contains("ModuleVersion", Run("Check that the tag"));
            Assert.Contains("dotnet test SecurityOps.sln", Run("Test"));
            Assert.Contains("-t:PackModule", Run("Pack"));
            Assert.Contains("gh release", Run("Attach"));
            string publish = Run("Publish");
            Assert.Contains("Publish-PSResource -NupkgPath", publish);
            Assert.Equal("${{ secrets.PSGALLERY_API_KEY }}", Text(At(steps.Single(s => Text(At(s, "name")).StartsWith("Publish", StringComparison.Ordinal)), "env", "PSGALLERY_API_KEY")));
            Assert.True(steps.FindIndex(s => Text(At(s, "name")).StartsWith("Test")) < steps.FindIndex(s => Text(At(s, "name")).StartsWith("Publish")), "publishes before testing");

            foreach (YamlMappingNode step in steps.Where(s => s.Children.ContainsKey(new YamlScalarNode("shell")) && Text(At(s, "shell")) == "pwsh"))
            {
                Parser.ParseInput(Text(At(step, "run")), out _, out ParseError[] errors);
                Assert.True(errors.Length == 0, $"step '{Text(At(step, "name"))}': " + string.Join("; ", errors.Select(e => e.Message)));
            }
        }
    }
}
