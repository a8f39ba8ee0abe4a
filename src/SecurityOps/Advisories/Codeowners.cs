using System;
using System.Collections.Generic;
using System.Linq;

namespace SecurityOps.Advisories
{
    /// <summary>The people and teams a CODEOWNERS file names (@user, @org/team; e-mail owners are left out).</summary>
    internal sealed class Codeowners
    {
        public HashSet<string> Users { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Team slugs of <see cref="Organization"/> (teams of another organization cannot be advisory collaborators).</summary>
        public HashSet<string> Teams { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        public string Organization { get; private set; }

        public static Codeowners Parse(string text, string organization)
        {
            var owners = new Codeowners { Organization = organization };
            foreach (string raw in (text ?? string.Empty).Split('\n'))
            {
                string line = raw.Trim();
                int hash = line.IndexOf('#');
                if (hash >= 0)
                {
                    line = line.Substring(0, hash).Trim();
                }

                foreach (string owner in line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(o => o.StartsWith("@", StringComparison.Ordinal)))
                {
                    string name = owner.Substring(1);
                    int slash = name.IndexOf('/');
                    if (slash < 0)
                    {
                        owners.Users.Add(name);
                    }
                    else if (string.Equals(name.Substring(0, slash), organization, StringComparison.OrdinalIgnoreCase))
                    {
                        owners.Teams.Add(name.Substring(slash + 1));
                    }
                }
            }

            return owners;
        }
    }
}
