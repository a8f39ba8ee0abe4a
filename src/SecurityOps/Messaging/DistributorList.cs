using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SecurityOps.Model;
using SecurityOps.State;
using YamlDotNet.Serialization;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// distributors.yaml and membership/ in the state repository: read, validated, changed under the state lock.
    /// A malformed file is an error with file:line and nothing is written over it.
    /// </summary>
    internal sealed class DistributorStore
    {
        public const string FileName = "distributors.yaml";
        private static readonly Regex IdPattern = new Regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);

        private readonly StateRepository files;

        public DistributorStore(StateRepository files) => this.files = files;

        public StateRepository Files => files;

        public static bool IsValidId(string id) => id != null && IdPattern.IsMatch(id);

        public DistributorList Load()
        {
            DistributorList list = files.Read<DistributorList>(FileName) ?? new DistributorList();
            list.Members = list.Members ?? new List<DistributorMember>();
            string path = files.FullPath(FileName);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (DistributorMember member in list.Members)
            {
                if (member == null || !IsValidId(member.Id))
                {
                    throw new StateFileException("DistributorListInvalid", path, 0, 0,
                        $"a member has no valid id ('{member?.Id}'); ids are letters, digits, '.', '_' or '-'.");
                }

                if (!seen.Add(member.Id))
                {
                    throw new StateFileException("DistributorListInvalid", path, 0, 0, $"member id '{member.Id}' appears twice.");
                }

                if (!DistributorMember.Statuses.Contains(member.Status ?? "active", StringComparer.OrdinalIgnoreCase))
                {
                    throw new StateFileException("DistributorListInvalid", path, 0, 0,
                        $"member '{member.Id}' has status '{member.Status}'; expected {string.Join(", ", DistributorMember.Statuses)}.");
                }

                member.Answers = member.Answers ?? new List<CriterionAnswer>();
                member.Offenses = member.Offenses ?? new List<MemberOffense>();
                member.People = (member.People ?? new List<MemberPerson>()).Where(p => p != null).ToList();
            }

            return list;
        }

        public DistributorMember Get(string id) =>
            Load().Members.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw new SecurityOpsException("DistributorMemberNotFound", FailureKind.ObjectNotFound, id, $"No member '{id}' on the distributors list.");

        /// <summary>Reads, changes and writes the list under the state lock.</summary>
        public T Update<T>(Func<DistributorList, T> change)
        {
            using (files.AcquireLock())
            {
                DistributorList list = Load();
                T result = change(list);
                files.Write(FileName, list);
                return result;
            }
        }

        public MembershipRequest GetRequest(string id)
        {
            if (!IsValidId(id))
            {
                throw new SecurityOpsException("MembershipRequestIdInvalid", FailureKind.InvalidArgument, id, $"'{id}' is not a request id.");
            }

            return files.Read<MembershipRequest>(MembershipRequest.PathFor(id))
                ?? throw new SecurityOpsException("MembershipRequestNotFound", FailureKind.ObjectNotFound, id, $"No membership request '{id}' (membership/{id}.yaml).");
        }

        public bool RequestExists(string id) => files.Exists(MembershipRequest.PathFor(id));

        public void SaveRequest(MembershipRequest request) => files.Write(MembershipRequest.PathFor(request.Id), request);

        public IEnumerable<MembershipRequest> Requests() =>
            files.EnumerateFiles("membership", "*.yaml", false)
                 .OrderBy(p => p, StringComparer.Ordinal)
                 .Select(p => files.Read<MembershipRequest>("membership/" + System.IO.Path.GetFileName(p)));
    }
}
