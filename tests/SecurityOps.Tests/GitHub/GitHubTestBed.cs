using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using SecurityOps.Database;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Tests.GitHub
{
    /// <summary>A state, a GitHub emulator and a gateway on a fake clock whose waits move the clock instead of sleeping.</summary>
    internal sealed class GitHubTestBed : IDisposable
    {
        public static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

        public GitHubTestBed(bool privateRepo = false, WritePacer pacer = null)
        {
            Folder = new TempFolder("secops-gh");
            SecurityState.Initialize(Folder.Path, initGit: false);
            State = SecurityState.Open(Folder.Path);
            Database = new CveDatabase(State.Files);
            Emulator = new GitHubEmulator();
            Repo = Emulator.Repo("flatcar/Flatcar", privateRepo);
            Emulator.RateReset = T0.AddHours(1);
            Clock = new FixedTimeProvider(T0);
            Pacer = pacer ?? new WritePacer(80, 500);
        }

        public TempFolder Folder { get; }

        public SecurityState State { get; }

        public CveDatabase Database { get; }

        public GitHubEmulator Emulator { get; }

        public EmulatedRepo Repo { get; }

        public FixedTimeProvider Clock { get; }

        public WritePacer Pacer { get; }

        public List<TimeSpan> Waits { get; } = new List<TimeSpan>();

        public List<ProgressInfo> Progress { get; } = new List<ProgressInfo>();

        public List<string> Verbose { get; } = new List<string>();

        public GitHubRepositoryName Name { get; } = GitHubRepositoryName.Parse("flatcar/Flatcar");

        public GitHubSettings Settings { get; } = new GitHubSettings();

        public GitHubGateway Gateway() => new GitHubGateway(new GitHubGatewayOptions
        {
            ApiUrl = new Uri(Emulator.ApiUrl),
            Token = GitHubToken.FromValue(Emulator.Token, "test"),
            Clock = Clock,
            Delay = (t, c) =>
            {
                lock (Waits)
                {
                    Waits.Add(t);
                }

                Clock.Advance(t);
                return Task.CompletedTask;
            },
            Pacer = Pacer,
            Events = new Sink(this),
        });

        public CveRecord Add(string id, string package, double? score = null, string summary = null, params string[] references) =>
            Database.Record(new CveObservation
            {
                CveId = id,
                Packages = { new PackageRef(package) },
                CvssScore = score,
                Summary = summary,
                References = references.ToList(),
            });

        /// <summary>Plans and executes everything, as New-CveIssue does without -WhatIf.</summary>
        public async Task<(CveIssuePlan Plan, List<CveIssueResult> Results)> File(params string[] ids)
        {
            using var gateway = Gateway();
            var sink = new Sink(this);
            var filer = new CveIssuePublisher(gateway, Name, Settings, new CveIssueFormat(Settings.Templates, null, Settings.ActionNeeded), Database.Save,
                PublicGate.Embargoes(Array.Empty<VulnerabilityCase>(), ModuleContext.UtcNow).Reason, new RepositoryVisibility(Settings, gateway, sink), sink);
            var records = ids.Select(Database.Get).ToList();
            var plan = await filer.PlanAsync(records);
            var results = plan.Unchanged.ToList();
            foreach (var item in plan.Items)
            {
                results.AddRange(await filer.ExecuteAsync(item));
            }

            return (plan, results);
        }

        public void Dispose()
        {
            Emulator.Dispose();
            Folder.Dispose();
        }

        private sealed class Sink : IEventSink
        {
            private readonly GitHubTestBed bed;

            public Sink(GitHubTestBed bed) => this.bed = bed;

            public void Verbose(string message)
            {
                lock (bed.Verbose)
                {
                    bed.Verbose.Add(message);
                }
            }

            public void Warning(string message) => Verbose("WARNING " + message);

            public void Progress(ProgressInfo progress)
            {
                lock (bed.Progress)
                {
                    bed.Progress.Add(progress);
                }
            }
        }
    }
}
