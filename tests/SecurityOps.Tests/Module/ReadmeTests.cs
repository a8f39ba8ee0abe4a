using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Module
{
    /// <summary>
    /// Every ```powershell block of the README runs as written, in secops-host as a real process (its own HOME, its own
    /// environment, as a user's shell), against a fresh state and the loopback servers the suite has: a GitHub emulator,
    /// a real SMTP server, real gpg keys, a bare git remote. Each block's stage sets up only what the README says the
    /// reader has at that point (a state in $env:SECURITYOPS_STATE, a token in $env:GITHUB_TOKEN, a $cred, a case,
    /// request.eml), and then the block's own text runs unchanged. The errors it may write are the ones its comments
    /// promise (a refusal before the public date); anything else fails, and so does a block without a stage.
    /// </summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class ReadmeTests : IClassFixture<MessagingKeys>
    {
        private const string Credential = "$cred = [pscredential]::new('bot', [Net.NetworkCredential]::new('', 'pw-123456').SecurePassword)\n";

        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public ReadmeTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        public static IEnumerable<object[]> Headings => ReadmeBlock.All().Select(b => new object[] { b.Heading });

        [Fact]
        public void TheReadmeHasItsPowerShellBlocksAndEachHasAStage()
        {
            var blocks = ReadmeBlock.All();
            Assert.True(blocks.Count >= 8, "README blocks: " + string.Join(", ", blocks.Select(b => b.Heading)));
            Assert.Equal(blocks.Count, blocks.Select(b => b.Heading).Distinct().Count());
            Assert.Empty(blocks.Select(b => b.Heading).Except(Stages.Keys));
            Assert.Empty(Stages.Keys.Except(blocks.Select(b => b.Heading)));
        }

        [Theory]
        [MemberData(nameof(Headings))]
        public void ThePowerShellBlockRunsAsWritten(string heading)
        {
            var block = ReadmeBlock.All().Single(b => b.Heading == heading);
            Assert.True(Stages.TryGetValue(heading, out var stage), $"The README block under '{heading}' has no stage in {nameof(ReadmeTests)}: add one.");
            using var world = new ReadmeWorld(ps, keys);
            stage(this, world);
            var run = world.Run(block.Text);
            Assert.True(run.Errors.SequenceEqual(world.ExpectedErrors),
                $"The README block under '{heading}' wrote errors [{string.Join(", ", run.Errors)}], expected [{string.Join(", ", world.ExpectedErrors)}].\n{run.Log}");
            world.Check?.Invoke(run);
        }

        private static readonly Dictionary<string, Action<ReadmeTests, ReadmeWorld>> Stages = new Dictionary<string, Action<ReadmeTests, ReadmeWorld>>
        {
            // A fresh machine: nothing but the repository, already built; ~ is an empty home; the remote the block adds
            // is a bare repository on disk (git's insteadOf), so the push is real.
            ["Build and use from PowerShell"] = (t, w) =>
            {
                w.WorkingDirectory = RepoPaths.Root;
                w.Environment.Remove("SECURITYOPS_STATE");
                w.Prelude = "function dotnet { if (\"$args\" -ne 'build') { throw \"unexpected: dotnet $args\" } 'The suite built and staged out/SecurityOps already.' }\n";
                string remote = w.BareRemote("git@github.com:example/security-state.git");
                w.Check = run =>
                {
                    string state = Path.Combine(w.Home, "security-state");
                    Assert.Contains("CVE-2025-1111", run.Log);
                    Assert.Contains("ships in 4230.1.0", File.ReadAllText(Path.Combine(state, CveRecord.PathFor("CVE-2025-1111"))));
                    Assert.Contains("CVE-2025-2222", Processes.Git(remote, "log --stat -1 --all"));
                };
            },

            // The state from the first block, with its sources on the repository's sample feeds and GitHub on loopback.
            ["The daily watch"] = (t, w) =>
            {
                w.WorkingDirectory = RepoPaths.Root;
                w.SampleSources();
                var repo = w.GitHub("flatcar/Flatcar");
                w.Check = run =>
                {
                    Assert.Contains("gentoo-glsa", run.Log);
                    Assert.Contains("What if", run.Log);
                    Assert.NotEmpty(repo.Issues);
                    Assert.All(repo.Issues, i => Assert.StartsWith("update: ", i.Title));
                    Assert.Equal(repo.Issues.Count, repo.Issues.Select(i => i.Title).Distinct().Count());
                };
            },

            // Two CVE records of a shipped package, one in the shipped version's range, one not; the inventory comes
            // from the block (a plain list in the working folder).
            ["What the project ships: inventories, relevance, VEX"] = (t, w) =>
            {
                var files = new StateRepository(w.State.Path);
                var database = new SecurityOps.Database.CveDatabase(files);
                database.Record(new SecurityOps.Database.CveObservation { CveId = "CVE-2026-1001", Source = "gentoo", Packages = { new PackageRef("dev-libs/openssl", "Gentoo") { Vulnerable = new List<string> { "lt 3.3.3" } } } });
                database.Record(new SecurityOps.Database.CveObservation { CveId = "CVE-2026-1002", Source = "gentoo", Packages = { new PackageRef("dev-libs/openssl", "Gentoo") { Vulnerable = new List<string> { "lt 3.4.0" } } } });
                w.Check = run =>
                {
                    Assert.Contains("CVE-2026-1001", run.Log);
                    Assert.Equal(CveRelevance.Affected, database.Get("CVE-2026-1001").RelevanceState);
                    Assert.True(database.Get("CVE-2026-1002").Relevance.Manual);
                    string vex = File.ReadAllText(Path.Combine(w.WorkingDirectory, "stable.openvex.json"));
                    Assert.Contains("\"status\": \"affected\"", vex);
                    Assert.Contains("Built without the affected module.", vex);
                };
            },

            ["The daily runbook, scheduled"] = (t, w) =>
            {
                w.SampleSources();
                w.GitHub("example/project");
                string remote = w.BareRemote(null);
                w.Check = run =>
                {
                    Assert.Equal(0, run.ExitCode);
                    Assert.Contains("cves/", Processes.Git(remote, "log --all --name-only --format="));
                };
            },

            ["The rotation and the meeting"] = (t, w) =>
            {
                w.Check = run =>
                {
                    string ics = File.ReadAllText(Path.Combine(w.WorkingDirectory, "security-team.ics"));
                    Assert.Contains("BEGIN:VCALENDAR", ics);
                    Assert.True(Regex.Matches(ics, "BEGIN:VEVENT").Count >= 12, ics);
                    Assert.Contains("Vacation", w.State.ReadFile("roster.yaml"));
                    Assert.Contains("### Open cases (0)", run.Log);
                };
            },

            ["Private reports under a disclosure policy"] = (t, w) =>
            {
                w.Check = run =>
                {
                    var c = Assert.Single(Directory.GetFiles(w.State.File("cases"), "*.yaml", SearchOption.AllDirectories));
                    Assert.Contains("status: acknowledged", File.ReadAllText(c));
                    Assert.Contains("9.3", run.Log);
                };
            },

            // A case in fixing with its public date two weeks ahead, a member whose person (Crash Override) vouches, a request mail in the
            // working folder, SMTP on loopback, the reminder issue in a private repository. The announcement is refused
            // before the public date, as the block's comment says.
            ["Embargo, distributors, announcements"] = (t, w) =>
            {
                var smtp = w.Smtp();
                new StateRepository(w.State.Path).Write(DistributorStore.FileName, new DistributorList { Members = { MessagingKeys.Member("CrashOverride", t.keys.Rsa, people: "Crash Override <crash@rsa-distro.example> (security lead)") } });
                string id = EmbargoTestState.NewCase(t.ps, w.State.Path, "2026-03-20T14:00:00Z");
                Assert.Equal("SEC-2026-0001", id);
                File.WriteAllText(Path.Combine(w.WorkingDirectory, "request.eml"), DistributorCommandTests.OciRequestMail(t.keys.Curve.PublicKey));
                var state = w.GitHub("example/security-state", isPrivate: true);
                w.Configure("reminders:", "  issueRepository:\n", "  issueRepository: example/security-state\n");
                // The world's clock is 2026-03-05 for the module and for the block's own (Get-Date): the leak happened an hour ago.
                w.Prelude = Credential + "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-03-05T10:00:00Z')\nfunction Get-Date { [DateTimeOffset]'2026-03-05T09:00:00Z' }\n";
                w.ExpectedErrors.Add("EmbargoActive,SecurityOps.Commands.SendSecurityAnnouncementCommand");
                w.Check = run =>
                {
                    Assert.True(smtp.Received().Count >= 2, run.Log);
                    Assert.Contains(smtp.Received(), m => m.EnvelopeTo.Contains("security-response-team@seven.example"));
                    Assert.Single(state.Issues);
                };
            },

            // A private report waiting in triage on GitHub; alice and bob are the advisories team. Publishing is refused
            // before the public date, as the block's comment says.
            ["GitHub security advisories"] = (t, w) =>
            {
                var emulator = w.Emulator();
                emulator.Repo("StacklokLabs/fetch");
                emulator.AddReport("StacklokLabs/fetch", "SSRF through redirects", "finder-jane", cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
                w.Configure("advisories:", "  team: []\n", "  team: [alice, bob]\n");
                w.Configure("advisories:", "  forkPollSeconds: 5\n", "  forkPollSeconds: 0.05\n");
                w.Prelude = "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-06-01T10:00:00Z')\n";
                w.ExpectedErrors.Add("EmbargoActive,SecurityOps.Commands.PublishSecurityAdvisoryCommand");
                w.Check = run =>
                {
                    Assert.Single(emulator.CveRequests);
                    Assert.Contains(emulator.Calls, c => c.StartsWith("POST /repos/StacklokLabs/fetch/security-advisories/", StringComparison.Ordinal) && c.EndsWith("/forks", StringComparison.Ordinal));
                };
            },

            ["Release notes, retrospectives, OSV"] = (t, w) =>
            {
                ReleasedCase(t, w);
                w.Check = run =>
                {
                    Assert.True(File.Exists(Path.Combine(w.WorkingDirectory, "notes", "v0.8.1-security.md")));
                    Assert.True(File.Exists(w.State.File(Path.Combine("retrospectives", "SEC-2026-0001.md"))));
                };
            },

            // The team has filled in the draft, blamelessly; the announce list is on loopback SMTP.
            ["Release notes, retrospectives, OSV (2)"] = (t, w) =>
            {
                var smtp = w.Smtp();
                w.Configure("announcements:", "  mailingList:\n", "  mailingList: announce@lists.example.org\n");
                ReleasedCase(t, w);
                t.ps.At("2026-03-19T11:00:00Z", "New-SecurityRetrospective -Id SEC-2026-0001 -StatePath $state -Confirm:$false | Out-Null",
                    new Dictionary<string, object> { ["state"] = w.State.Path }).AssertNoErrors();
                string draft = w.State.File(Path.Combine("retrospectives", "SEC-2026-0001.md"));
                File.WriteAllText(draft, File.ReadAllText(draft)
                    .Replace("## What went well\n\n- \n", "## What went well\n\n- The fix landed within a day.\n")
                    .Replace("## What did not go well\n\n- \n", "## What did not go well\n\n- The reporter waited two days for the first answer.\n")
                    .Replace("## Follow-ups\n\n- [ ] \n", "## Follow-ups\n\n- [ ] Add a fuzzer for the unpacker.\n"));
                w.Check = run =>
                {
                    Assert.Contains(smtp.Received(), m => m.EnvelopeTo.Contains("announce@lists.example.org") && m.Raw.Contains("Add a fuzzer for the unpacker."));
                    Assert.Contains("embargoedUntil", w.State.ReadFile(CveRecord.PathFor("CVE-2026-4242")));
                    Assert.Equal(new[] { "GHSA-2p3q-4r5v-6w7x.json" }, Directory.GetFiles(Path.Combine(w.WorkingDirectory, "osv"), "*.json").Select(Path.GetFileName)); // the advisory names it
                };
            },
        };

        /// <summary>SEC-2026-0001 released the day before its public date, a CVE record; the block runs five days after.</summary>
        private static void ReleasedCase(ReadmeTests t, ReadmeWorld w)
        {
            string id = EmbargoTestState.NewCase(t.ps, w.State.Path, "2026-03-20T14:00:00Z");
            Assert.Equal("SEC-2026-0001", id);
            t.ps.At("2026-03-19T10:00:00Z",
                "Set-VulnerabilityReport $id -Status released -IntroducedBy https://github.com/example/runtime/pull/3 -FixedBy https://github.com/example/runtime/pull/9 -AdvisoryUrl https://github.com/example/runtime/security/advisories/GHSA-2p3q-4r5v-6w7x -StatePath $state -Confirm:$false\n" +
                "Add-CveRecord -CveId CVE-2026-4242 -Package example/runtime -Source manual -StatePath $state -Confirm:$false | Out-Null",
                new Dictionary<string, object> { ["state"] = w.State.Path, ["id"] = id }).AssertNoErrors();
            w.Prelude = Credential + "[SecurityOps.ModuleContext]::UseFixedTime([DateTimeOffset]'2026-03-25T10:00:00Z')\n";
        }

        /// <summary>One README block: the heading above it and its text.</summary>
        internal sealed class ReadmeBlock
        {
            public string Heading { get; private set; }

            public string Text { get; private set; }

            public static List<ReadmeBlock> All()
            {
                var blocks = new List<ReadmeBlock>();
                string heading = null;
                var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
                for (int i = 0; i < lines.Length; i++)
                {
                    if (lines[i].StartsWith("#", StringComparison.Ordinal))
                    {
                        heading = lines[i].TrimStart('#').Trim();
                    }
                    else if (lines[i].Trim() == "```powershell")
                    {
                        int end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
                        int same = blocks.Count(b => b.Heading == heading || b.Heading.StartsWith(heading + " (", StringComparison.Ordinal));
                        blocks.Add(new ReadmeBlock { Heading = same == 0 ? heading : $"{heading} ({same + 1})", Text = string.Join("\n", lines[(i + 1)..end]) });
                        i = end;
                    }
                }

                return blocks;
            }
        }
    }

    /// <summary>What one README block finds when it runs: a home, a working folder, a state, servers, environment.</summary>
    internal sealed class ReadmeWorld : IDisposable
    {
        private readonly PowerShellFixture ps;
        private readonly TempFolder temp = new TempFolder("secops-readme");
        private readonly List<IDisposable> owned = new List<IDisposable>();
        private GitHubEmulator emulator;

        public ReadmeWorld(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            Home = temp.Combine("home");
            WorkingDirectory = temp.Combine("work");
            Directory.CreateDirectory(Home);
            Directory.CreateDirectory(WorkingDirectory);
            State = new StateScope(ps);
            owned.Add(State);
            GitConfig = Path.Combine(Home, ".gitconfig");
            File.WriteAllText(GitConfig, "[user]\n\tname = README Reader\n\temail = reader@example.org\n[init]\n\tdefaultBranch = main\n");
            Environment["HOME"] = Home;
            Environment["GIT_CONFIG_GLOBAL"] = GitConfig;
            Environment["SECURITYOPS_STATE"] = State.Path;
        }

        public string Home { get; }

        public string GitConfig { get; }

        public string WorkingDirectory { get; set; }

        public StateScope State { get; }

        public Dictionary<string, string> Environment { get; } = new Dictionary<string, string>();

        public string Prelude { get; set; } = string.Empty;

        public List<string> ExpectedErrors { get; } = new List<string>();

        public Action<ReadmeRun> Check { get; set; }

        /// <summary>A bare repository on disk; with a URL, git rewrites that URL to it; without, the state's origin is it.</summary>
        public string BareRemote(string url)
        {
            string bare = temp.Combine("remote.git");
            Processes.Git(temp.Path, $"init --bare -b main \"{bare}\"");
            if (url != null)
            {
                File.AppendAllText(GitConfig, $"[url \"{bare}\"]\n\tinsteadOf = {url}\n");
            }
            else
            {
                Processes.Git(State.Path, $"remote add origin \"{bare}\"");
            }

            return bare;
        }

        /// <summary>The loopback GitHub, named in the state's config, with the token in $env:GITHUB_TOKEN.</summary>
        public GitHubEmulator Emulator()
        {
            if (emulator == null)
            {
                emulator = new GitHubEmulator();
                owned.Add(emulator);
                Configure("github:", "  apiUrl:\n", $"  apiUrl: {emulator.ApiUrl}\n");
                Environment["GITHUB_TOKEN"] = emulator.Token;
            }

            return emulator;
        }

        public EmulatedRepo GitHub(string repository, bool isPrivate = false) => Emulator().Repo(repository, isPrivate);

        /// <summary>A real SMTP server (STARTTLS, AUTH bot / pw-123456) as the state's messaging.smtp.</summary>
        public SmtpTestServer Smtp()
        {
            var server = new SmtpTestServer(tls: true, user: "bot", password: "pw-123456");
            owned.Add(server);
            Configure("messaging:", "    host:\n", "    host: 127.0.0.1\n");
            Configure("messaging:", "    port: 587\n", $"    port: {server.Port}\n");
            Configure("messaging:", "    certificateThumbprint:\n", $"    certificateThumbprint: {server.CertificateThumbprint}\n");
            return server;
        }

        /// <summary>The state's sources are the repository's sample feeds (file://), as examples/Demo.ps1 sets them.</summary>
        public void SampleSources()
        {
            string feeds = Path.Combine(RepoPaths.Root, "examples", "feeds");
            string Url(params string[] parts) => new Uri(Path.Combine(feeds, Path.Combine(parts))).AbsoluteUri;
            Configure("feeds:", "  useDefaults: true", "  useDefaults: false");
            Configure("sources:", "sources: []",
                $"sources:\n  - name: gentoo-glsa\n    type: gentoo-glsa\n    url: {Url("gentoo", "feed.rss")}\n  - name: rustsec\n    type: rustsec\n    url: {Url("rustsec", "feed.xml")}\n" +
                $"  - name: go-osv\n    type: osv\n    url: {Url("osv-go")}");
            Configure("github:", "  issueRepository:\n", "  issueRepository: example/project\n");
            State.Run("Save-SecurityState -StatePath $state -Message 'readme: sample sources' -Confirm:$false | Out-Null").AssertNoErrors();
        }

        /// <summary>Replaces text in the state's securityops.yaml, after the section heading given; it must be there.</summary>
        public void Configure(string section, string from, string to)
        {
            string path = State.File("securityops.yaml");
            string text = File.ReadAllText(path);
            int at = text.IndexOf("\n" + section, StringComparison.Ordinal);
            int hit = at < 0 ? -1 : text.IndexOf(from, at, StringComparison.Ordinal);
            Assert.True(hit >= 0, $"'{from.Trim()}' not found under {section} in securityops.yaml");
            File.WriteAllText(path, text.Remove(hit, from.Length).Insert(hit, to));
        }

        /// <summary>Runs the prelude and then the block's text in secops-host; collects $Error and the output.</summary>
        public ReadmeRun Run(string block)
        {
            string errors = temp.Combine("errors.txt");
            string script = temp.Combine("block.ps1");
            File.WriteAllText(script,
                "$ErrorActionPreference = 'Continue'\n" + Prelude + "\n$Error.Clear()\n" +
                "try {\n" + block + "\n}\ncatch { $Error.Insert(0, $_) }\n" +
                "finally { Set-Content -LiteralPath '" + errors + "' -Value (@('end') + @($Error | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.FullyQualifiedErrorId } else { $_.GetType().FullName } })) }\n");
            using var host = HostProcess.Start(new[] { script }, Environment, WorkingDirectory);
            Assert.True(host.WaitForExit(120_000), "The block did not end within 2 minutes:\n" + host.Log);
            host.Process.WaitForExit(); // the parameterless wait also drains the redirected output into the log
            // The first line marks a block that reached its end; $Error lists the newest first.
            var lines = File.Exists(errors) ? File.ReadAllLines(errors) : Array.Empty<string>();
            var ids = lines.FirstOrDefault() == "end" ? lines.Skip(1).Where(l => l.Length > 0).Reverse().ToList() : new List<string> { "(the block never finished)" };
            return new ReadmeRun(host.ExitCode, host.Log, ids);
        }

        public void Dispose()
        {
            foreach (var item in Enumerable.Reverse(owned))
            {
                item.Dispose();
            }

            temp.Dispose();
        }
    }

    internal sealed class ReadmeRun
    {
        public ReadmeRun(int exitCode, string log, List<string> errors)
        {
            ExitCode = exitCode;
            Log = log;
            Errors = errors;
        }

        public int ExitCode { get; }

        public string Log { get; }

        /// <summary>Fully qualified error ids, in the order they were written.</summary>
        public List<string> Errors { get; }
    }
}
