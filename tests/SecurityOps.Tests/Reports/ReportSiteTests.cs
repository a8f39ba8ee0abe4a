using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using PuppeteerSharp;
using SecurityOps.Commands;
using SecurityOps.Database;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Reports
{
    /// <summary>Export-SecurityReport: the team's view and the public page, their links, the gate, and a real headless browser.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class ReportSiteTests
    {
        private const string Chromium = "/usr/bin/chromium";
        private readonly PowerShellFixture ps;

        public ReportSiteTests(PowerShellFixture ps) => this.ps = ps;

        /// <summary>A released case (public since 2026-03-20) and an embargoed one (public 2026-04-30), CVE records, an unanswered report.</summary>
        private string NewState(TempFolder temp)
        {
            string state = EmbargoTestState.NewState(ps, temp, null);
            var vars = new Dictionary<string, object> { ["state"] = state };
            string released = EmbargoTestState.NewCase(ps, state, "2026-03-20T14:00:00Z");
            ps.At("2026-03-19T10:00:00Z", $"Set-VulnerabilityReport {released} -Status released -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            ps.At("2026-03-02T09:00:00Z", "$c = New-VulnerabilityReport 'Secret token leak in the <b>agent</b>' -Component example/agent -Reporter 'Mallory Finder' -StatePath $state -Confirm:$false\n" +
                  "Set-VulnerabilityReport $c.Id -Status acknowledged -StatePath $state -Confirm:$false\n" +
                  "Set-VulnerabilityReport $c.Id -Status triaged -Resolution accepted -StatePath $state -Confirm:$false\n" +
                  "Set-VulnerabilityReport $c.Id -Status fixing -FixTeam bob -CveId CVE-2026-7777 -PlannedPublicDate '2026-04-30T14:00:00Z' -Force -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            ps.At("2026-03-21T09:00:00Z", "New-VulnerabilityReport 'Unanswered report' -Component example/runtime -StatePath $state -Confirm:$false | Out-Null\n" +
                  "Add-CveRecord -CveId CVE-2026-8001 -Package dev-libs/openssl -Source gentoo -StatePath $state -Confirm:$false | Out-Null\n" +
                  "Add-CveRecord -CveId CVE-2026-8002 -Source oss-security -StatePath $state -Confirm:$false | Out-Null", vars).AssertNoErrors();
            return state;
        }

        /// <summary>Every href and src inside the site that is not an absolute URL names a file that exists.</summary>
        private static void AssertLinksResolve(string root)
        {
            foreach (string page in Directory.GetFiles(root, "*.html", SearchOption.AllDirectories))
            {
                foreach (Match m in Regex.Matches(File.ReadAllText(page), "(?:href|src)=\"([^\"#]+)\""))
                {
                    string target = System.Net.WebUtility.HtmlDecode(m.Groups[1].Value);
                    if (Uri.TryCreate(target, UriKind.Absolute, out _))
                    {
                        continue;
                    }

                    string file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page), target));
                    Assert.True(File.Exists(file), $"{page} links to {target}, which does not exist");
                }
            }
        }

        [Fact]
        public void TheTeamViewHasEveryPartEachPageHasItsJsonAndEveryLinkResolves()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            string site = temp.Combine("report");
            var vars = new Dictionary<string, object> { ["state"] = state, ["site"] = site };

            ps.At("2026-03-22T10:00:00Z", "Export-SecurityReport -Path $site -StatePath $state -WhatIf", vars).AssertNoErrors();
            Assert.False(Directory.Exists(site));

            var run = ps.At("2026-03-22T10:00:00Z", "Export-SecurityReport -Path $site -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            SecurityReportResult result = run.Objects<SecurityReportResult>().Single();
            Assert.True(result.Pages >= 4, $"{result.Pages} pages");
            // A long render shows its progress, case by case, and closes it.
            Assert.Contains(run.Progress, p => p.Activity == "Rendering the team's report" && p.StatusDescription.StartsWith("case SEC-2026-", StringComparison.Ordinal));
            Assert.Equal(System.Management.Automation.ProgressRecordType.Completed, run.Progress.Last().RecordType);
            string index = File.ReadAllText(Path.Combine(site, "index.html"));
            Assert.Contains("SEC-2026-0002", index); // the embargoed case is on the private view
            Assert.Contains("Secret token leak in the &lt;b&gt;agent&lt;/b&gt;", index); // escaped, never markup
            Assert.Contains("Unanswered report", index);
            Assert.Contains("Open cases (3)", index);
            Assert.Contains("Acknowledge the report", index);
            Assert.Contains("2026-W12", index);
            Assert.Contains("<th scope=\"col\">", index);
            Assert.Contains("<main id=\"main\">", index);
            string casePage = File.ReadAllText(Path.Combine(site, "cases", "SEC-2026-0002.html"));
            Assert.Contains("class=\"track\"", casePage);
            Assert.Contains("Notify the distributors", casePage);
            Assert.Contains("Distributor notices (0)", casePage);
            Assert.Contains("CVE-2026-8001", File.ReadAllText(Path.Combine(site, "cves", "page-1.html")));
            foreach (string page in Directory.GetFiles(site, "*.html", SearchOption.AllDirectories))
            {
                Assert.True(File.Exists(Path.ChangeExtension(page, ".json")), page + " has no JSON beside it");
                Assert.True(new FileInfo(page).Length < 1024 * 1024);
                Assert.DoesNotContain("<script", File.ReadAllText(page));
            }

            AssertLinksResolve(site);
            Assert.Contains("\"summary\": \"Secret token leak in the <b>agent</b>\"", File.ReadAllText(Path.Combine(site, "cases", "SEC-2026-0002.json")).Replace("\\u003C", "<").Replace("\\u003E", ">"));

            // The unanswered case is closed later: its page goes with the next render.
            File.WriteAllText(Path.Combine(site, "cases", "SEC-2026-0099.html"), "old");
            var again = ps.At("2026-03-22T11:00:00Z", "Export-SecurityReport -Path $site -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            Assert.Equal(1, again.Objects<SecurityReportResult>().Single().Removed);
        }

        [Fact]
        public void ThePublicPageAndItsFeedAndJsonNeverCarryAnEmbargoedCaseAtAnyTime()
        {
            using var temp = new TempFolder();
            string state = NewState(temp);
            TestConfig.SetSection(Path.Combine(state, "securityops.yaml"), "osv", "  idPrefix: KUBE\n  ecosystem: Go\n  package: github.com/example/runtime\n");
            var random = new Random(20261203);
            var vars = new Dictionary<string, object> { ["state"] = state };
            for (int round = 0; round < 6; round++)
            {
                // Clock times before, around and after both public dates.
                DateTimeOffset now = DateTimeOffset.Parse("2026-03-19T12:00:00Z").AddHours(random.Next(0, 24 * 50));
                string site = temp.Combine("public-" + round);
                vars["site"] = site;
                ps.At(now.ToString("o"), "Export-SecurityReport -Path $site -Public -StatePath $state -Confirm:$false", vars).AssertNoErrors();
                string all = string.Join("\n", Directory.GetFiles(site, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".css", StringComparison.Ordinal)).Select(File.ReadAllText));
                foreach (string secret in new[] { "Secret token leak", "CVE-2026-7777", "Mallory Finder", "SEC-2026-0002", "Unanswered report" })
                {
                    Assert.DoesNotContain(secret, all); // the embargoed case never goes out; the fixing one never before it is released
                }

                bool releasedIsPublic = now >= DateTimeOffset.Parse("2026-03-20T14:00:00Z");
                Assert.Equal(releasedIsPublic, all.Contains("CVE-2026-1234"));
                Assert.Equal(releasedIsPublic, Directory.Exists(Path.Combine(site, "osv")) && Directory.GetFiles(Path.Combine(site, "osv"), "KUBE-*.json").Length == 1);
                Assert.Contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">", File.ReadAllText(Path.Combine(site, "feed.atom")));
                AssertLinksResolve(site);
            }
        }

        [Fact]
        public async Task EveryPageLoadsInARealBrowserWithoutConsoleErrorsAtBothWidthsAndThePublicDomHoldsNoEmbargoedText()
        {
            Assert.True(File.Exists(Chromium), "Debian's chromium is needed (apt-get install chromium; .ci/run installs it)");
            using var temp = new TempFolder();
            string state = NewState(temp);
            var vars = new Dictionary<string, object> { ["state"] = state, ["team"] = temp.Combine("team"), ["public"] = temp.Combine("public") };
            ps.At("2026-03-22T10:00:00Z", "Export-SecurityReport -Path $team -StatePath $state -Confirm:$false | Out-Null\nExport-SecurityReport -Path $public -Public -StatePath $state -Confirm:$false | Out-Null", vars).AssertNoErrors();
            string artifacts = Path.Combine(AppContext.BaseDirectory, "TestResults", "report-screenshots");
            Directory.CreateDirectory(artifacts);

            await using IBrowser browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files" },
            });
            var pages = Directory.GetFiles(temp.Combine("team"), "*.html", SearchOption.AllDirectories).Concat(Directory.GetFiles(temp.Combine("public"), "*.html", SearchOption.AllDirectories)).ToList();
            foreach (string file in pages)
            {
                await using IPage page = await browser.NewPageAsync();
                var errors = new List<string>();
                page.Console += (_, e) =>
                {
                    if (e.Message.Type == ConsoleType.Error)
                    {
                        errors.Add(e.Message.Text);
                    }
                };
                page.PageError += (_, e) => errors.Add(e.Message);
                page.RequestFailed += (_, e) => errors.Add("failed: " + e.Request.Url);
                foreach (int width in new[] { 1280, 390 })
                {
                    await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 900 });
                    IResponse response = await page.GoToAsync(new Uri(file).AbsoluteUri, WaitUntilNavigation.Load);
                    Assert.NotNull(response);
                    string name = Path.GetRelativePath(temp.Path, file).Replace(Path.DirectorySeparatorChar, '_');
                    await page.ScreenshotAsync(Path.Combine(artifacts, $"{name}.{width}.png"), new ScreenshotOptions { FullPage = true });
                }

                Assert.True(errors.Count == 0, file + ": " + string.Join("; ", errors));
                Assert.Equal("en", await page.EvaluateExpressionAsync<string>("document.documentElement.lang"));
                Assert.True(await page.EvaluateExpressionAsync<int>("document.querySelectorAll('main h1').length") == 1, file);
                if (file.StartsWith(temp.Combine("public"), StringComparison.Ordinal))
                {
                    string text = await page.EvaluateExpressionAsync<string>("document.body.innerText");
                    Assert.Contains("CVE-2026-1234", text);
                    Assert.DoesNotContain("CVE-2026-7777", text);
                    Assert.DoesNotContain("Secret token leak", text);
                }
            }

            Assert.True(Directory.GetFiles(artifacts, "*.png").Length >= pages.Count * 2);
        }
    }
}
