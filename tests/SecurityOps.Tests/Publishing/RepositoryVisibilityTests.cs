using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SecurityOps.GitHub;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.Tests.Infrastructure;
using Xunit;

namespace SecurityOps.Tests.Publishing
{
    /// <summary>The one visibility policy that issue filing, the reminder issue and the push guard share.</summary>
    public sealed class RepositoryVisibilityTests
    {
        private static GitHubGateway Gateway(GitHubEmulator emulator) => new GitHubGateway(new GitHubGatewayOptions
        {
            ApiUrl = new Uri(emulator.ApiUrl),
            Token = GitHubToken.FromValue(emulator.Token, "test"),
            Delay = (t, c) => Task.CompletedTask,
        });

        private static GitHubRepositoryName Repo(string name) => GitHubRepositoryName.Parse(name);

        [Fact]
        public async Task TheConfigAnswersFirstThenGitHubAndWhatNobodyConfirmsCountsAsPublic()
        {
            using var emulator = new GitHubEmulator();
            emulator.Repo("example/private", isPrivate: true);
            emulator.Repo("example/public");
            emulator.Repo("example/listed", isPrivate: true);
            using var gateway = Gateway(emulator);
            var settings = new GitHubSettings { PublicRepositories = new List<string> { "example/listed" } };
            var policy = new RepositoryVisibility(settings, gateway);

            var listed = await policy.DecideAsync(Repo("example/listed"), CancellationToken.None);
            Assert.True(listed.IsPublic && listed.Confirmed);
            Assert.Contains("github.publicRepositories", listed.Why);
            Assert.Empty(emulator.Calls); // the config answered; GitHub was not asked

            var isPrivate = await policy.DecideAsync(Repo("example/private"), CancellationToken.None);
            Assert.False(isPrivate.IsPublic);
            Assert.True(isPrivate.Confirmed);
            var isPublic = await policy.DecideAsync(Repo("example/public"), CancellationToken.None);
            Assert.True(isPublic.IsPublic && isPublic.Confirmed);

            var missing = await policy.DecideAsync(Repo("example/missing"), CancellationToken.None);
            Assert.True(missing.IsPublic);
            Assert.False(missing.Confirmed);
            Assert.Equal("GitHubNotFound", missing.Error.ErrorId);

            int calls = emulator.Calls.Count;
            await policy.DecideAsync(Repo("example/private"), CancellationToken.None);
            Assert.Equal(calls, emulator.Calls.Count); // one question per repository

            var offline = await new RepositoryVisibility(settings, null).DecideAsync(Repo("example/private"), CancellationToken.None);
            Assert.True(offline.IsPublic);
            Assert.False(offline.Confirmed);
            Assert.Contains("no GitHub token", offline.Why);

            var vouched = await new RepositoryVisibility(new GitHubSettings { CheckVisibility = false }, null).DecideAsync(Repo("example/public"), CancellationToken.None);
            Assert.False(vouched.IsPublic);
            Assert.Contains("github.checkVisibility is false", vouched.Why);
        }
    }
}
