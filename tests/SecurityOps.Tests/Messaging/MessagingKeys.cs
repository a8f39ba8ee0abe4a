using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using SecurityOps.Model;
using SecurityOps.Tests.Infrastructure;

namespace SecurityOps.Tests.Messaging
{
    /// <summary>Keys made once per test class with real gpg, each in its own GNUPGHOME.</summary>
    public sealed class MessagingKeys : IDisposable
    {
        public MessagingKeys()
        {
            var tasks = new[]
            {
                Task.Run(() => Rsa = GpgIdentity.Create("security@rsa-distro.example", "rsa2048", "rsa2048")),
                Task.Run(() => Curve = GpgIdentity.Create("psirt@curve-distro.example", "ed25519", "cv25519")),
                Task.Run(() => SignOnly = GpgIdentity.Create("security@signonly.example", "ed25519", null)),
                Task.Run(() => Expired = GpgIdentity.Create("security@expired.example", "ed25519", "cv25519", "1d", "20200101T000000")),
                Task.Run(() =>
                {
                    Revoked = GpgIdentity.Create("security@revoked.example", "ed25519", "cv25519");
                    Revoked.Revoke();
                }),
                Task.Run(() => Team = GpgIdentity.Create("security@project.example", "ed25519", null)),
            };
            Task.WaitAll(tasks);
        }

        public GpgIdentity Rsa { get; private set; }

        public GpgIdentity Curve { get; private set; }

        public GpgIdentity SignOnly { get; private set; }

        public GpgIdentity Expired { get; private set; }

        public GpgIdentity Revoked { get; private set; }

        public GpgIdentity Team { get; private set; }

        /// <summary>A member with <paramref name="key"/>; <paramref name="people"/> as "Name &lt;email&gt; (role); ...".</summary>
        public static DistributorMember Member(string id, GpgIdentity key, string alias = null, string people = null) => new DistributorMember
        {
            People = SecurityOps.Messaging.DistributorListImporter.ParsePeople(people ?? string.Empty, out _),
            Id = id,
            Organisation = id + " Corp",
            Distribution = id + " Linux",
            SecurityAlias = alias ?? key.Email,
            PublicKey = key.PublicKey,
            Fingerprint = key.Fingerprint,
            Joined = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            Status = "active",
        };

        public void Dispose()
        {
            foreach (var k in new List<GpgIdentity> { Rsa, Curve, SignOnly, Expired, Revoked, Team })
            {
                k?.Dispose();
            }
        }
    }
}
