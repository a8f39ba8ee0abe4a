using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using SecurityOps.Advisories;
using SecurityOps.Disclosure;
using SecurityOps.State;
using SecurityOps.Tests.Embargo;
using SecurityOps.Tests.Infrastructure;
using SecurityOps.Tests.Messaging;
using Xunit;

namespace SecurityOps.Tests.Advisories
{
    /// <summary>Test-ReleaseArtifact against the loopback GitHub's releases, with real gpg signatures.</summary>
    [Collection(PowerShellCollection.Name)]
    public sealed class ReleaseArtifactTests : IClassFixture<MessagingKeys>
    {
        private const string Repo = "example/runtime";
        private const string Cmd = "SecurityOps.Commands.TestReleaseArtifactCommand";
        private readonly PowerShellFixture ps;
        private readonly MessagingKeys keys;

        public ReleaseArtifactTests(PowerShellFixture ps, MessagingKeys keys)
        {
            this.ps = ps;
            this.keys = keys;
        }

        /// <summary>Signs with a key's own gpg home: a detached armored signature of the bytes.</summary>
        private static byte[] Sign(GpgIdentity key, TempFolder temp, byte[] bytes)
        {
            string input = temp.Combine(Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(input, bytes);
            key.Run($"--armor --detach-sign --local-user {key.Fingerprint} --output {input}.asc {input}");
            return File.ReadAllBytes(input + ".asc");
        }

        [Fact]
        public void AGoodReleasePassesAndIsRecordedAWrongChecksumAndABadSignatureAreCaught()
        {
            using var temp = new TempFolder();
            using var github = new GitHubEmulator();
            github.Repo(Repo);
            byte[] amd64 = Encoding.UTF8.GetBytes("runc amd64 binary 1.2.2");
            byte[] arm64 = Encoding.UTF8.GetBytes("runc arm64 binary 1.2.2");
            string sums = $"{EmulatedRelease.Sha256(amd64)}  runc.amd64\n{EmulatedRelease.Sha256(arm64)}  runc.arm64\n";
            github.AddRelease(Repo, "v1.2.2")
                .Add("runc.amd64", amd64).Add("runc.amd64.asc", Sign(keys.Team, temp, amd64))
                .Add("runc.arm64", arm64).Add("runc.arm64.asc", Sign(keys.Team, temp, arm64))
                .Add("SHA256SUMS", Encoding.UTF8.GetBytes(sums));
            // v1.2.3: a corrupted amd64 upload (its checksums file still lists the good build) and an arm64 signed by a stranger.
            byte[] corrupt = Encoding.UTF8.GetBytes("runc amd64 binary 1.2.3 (truncated");
            byte[] good123 = Encoding.UTF8.GetBytes("runc amd64 binary 1.2.3");
            github.AddRelease(Repo, "v1.2.3")
                .Add("runc.amd64", corrupt, digest: "").Add("runc.amd64.asc", Sign(keys.Team, temp, good123))
                .Add("runc.arm64", arm64).Add("runc.arm64.asc", Sign(keys.Curve, temp, arm64))
                .Add("SHA256SUMS", Encoding.UTF8.GetBytes($"{EmulatedRelease.Sha256(good123)}  runc.amd64\n{EmulatedRelease.Sha256(arm64)}  runc.arm64\n"));
            github.AddRelease(Repo, "v1.3.0", draft: true).Add("runc.amd64", amd64);

            string state = EmbargoTestState.NewState(ps, temp, null);
            string id = EmbargoTestState.NewCase(ps, state, "2026-03-20T14:00:00Z");
            Directory.CreateDirectory(Path.Combine(state, "keys"));
            File.WriteAllText(Path.Combine(state, "keys", "release.asc"), keys.Team.PublicKey);
            string config = Path.Combine(state, "securityops.yaml");
            File.WriteAllText(config, File.ReadAllText(config)
                .Replace("  signingKeys: []\n", "  signingKeys: [keys/release.asc]\n")
                .Replace("  apiUrl:\n", $"  apiUrl: {github.ApiUrl}\n"));
            var vars = new Dictionary<string, object> { ["state"] = state, ["id"] = id, ["token"] = github.Token, ["repo"] = Repo };
            const string Token = "$secure = [Net.NetworkCredential]::new('', $token).SecurePassword\n";

            var good = ps.At("2026-03-20T15:00:00Z", Token + "Test-ReleaseArtifact v1.2.2 -Repository $repo -Id $id -Token $secure -StatePath $state -Confirm:$false", vars).AssertNoErrors();
            var results = good.Objects<ReleaseArtifactResult>().ToList();
            Assert.Equal(new[] { "runc.amd64", "runc.arm64" }, results.Select(r => r.Asset));
            Assert.All(results, r => Assert.Equal(("ok", "ok", true), (r.Checksum, r.Signature, r.Passed)));
            Assert.Equal(EmulatedRelease.Sha256(amd64), results[0].Sha256);
            Assert.Contains("signed by " + keys.Team.Fingerprint, results[0].Detail);
            var recorded = new CaseStore(new StateRepository(state)).GetRequired(id).Timeline.Last();
            Assert.Equal("release-artifacts-verified", recorded.Kind);
            Assert.Contains("Release v1.2.2 of example/runtime verified: 2 artefact(s)", recorded.What);

            var bad = ps.At("2026-03-20T15:10:00Z", Token + "Test-ReleaseArtifact v1.2.3 -Repository $repo -Id $id -Token $secure -StatePath $state -Confirm:$false", vars);
            Assert.Equal(new[] { "ReleaseChecksumMismatch," + Cmd, "ReleaseSignatureInvalid," + Cmd, "ReleaseSignatureInvalid," + Cmd }, bad.ErrorIds);
            var badResults = bad.Objects<ReleaseArtifactResult>().ToList();
            Assert.Equal(("mismatch", "bad"), (badResults[0].Checksum, badResults[0].Signature));
            Assert.Equal(("ok", "bad"), (badResults[1].Checksum, badResults[1].Signature));
            Assert.Contains("not one of the configured signing keys", bad.Errors.Last().ToString());
            Assert.Equal("release-artifacts-failed", new CaseStore(new StateRepository(state)).GetRequired(id).Timeline.Last().Kind);

            var missing = ps.At("2026-03-20T15:20:00Z", Token + "Test-ReleaseArtifact v1.2.2 -Repository $repo -Asset 'runc.s390x' -Token $secure -StatePath $state", vars);
            Assert.Equal(new[] { "ReleaseAssetMissing," + Cmd }, missing.ErrorIds);
            var draft = ps.At("2026-03-20T15:20:00Z", Token + "Test-ReleaseArtifact v1.3.0 -Repository $repo -Token $secure -StatePath $state", vars);
            Assert.Equal(new[] { "ReleaseNotPublic," + Cmd }, draft.ErrorIds);
            var none = ps.At("2026-03-20T15:20:00Z", Token + "Test-ReleaseArtifact v9.9.9 -Repository $repo -Token $secure -StatePath $state", vars);
            Assert.Equal(new[] { "ReleaseNotFound," + Cmd }, none.ErrorIds);
            Assert.DoesNotContain(github.Token, string.Join("\n", good.Verbose.Concat(bad.Errors.Select(e => e.ToString()))));
        }
    }
}
