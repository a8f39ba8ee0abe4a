using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Disclosure
{
    /// <summary>The private cases: one file per case, cases/SEC-YYYY-NNNN.yaml, read and written through the state repository.</summary>
    internal sealed class CaseStore
    {
        private readonly StateRepository files;

        public CaseStore(StateRepository files) => this.files = files;

        /// <summary>The state repository the cases live in (for the journals kept beside them).</summary>
        public StateRepository Files => files;

        public VulnerabilityCase Get(string id)
        {
            string normalized = VulnerabilityCase.NormalizeId(id) ?? throw InvalidId(id);
            return files.Read<VulnerabilityCase>(VulnerabilityCase.PathFor(normalized));
        }

        public VulnerabilityCase GetRequired(string id)
        {
            return Get(id) ?? throw new SecurityOpsException("VulnerabilityReportNotFound", FailureKind.ObjectNotFound, id,
                $"There is no case {id} in {files.Root}.");
        }

        /// <summary>
        /// Gives the case the next free id of its received year and writes it. Both happen under the state lock, so two
        /// runs never get the same id (the lock is process-wide and across processes).
        /// </summary>
        public VulnerabilityCase Create(VulnerabilityCase c)
        {
            using (files.AcquireLock())
            {
                int year = c.ReceivedAt.UtcDateTime.Year;
                int next = files.EnumerateFiles("cases", $"SEC-{year:0000}-*.yaml", recursive: false)
                    .Select(p => VulnerabilityCase.SequenceOf(Path.GetFileNameWithoutExtension(p)) ?? 0)
                    .DefaultIfEmpty(0)
                    .Max() + 1;
                c.Id = VulnerabilityCase.FormatId(year, next);
                files.Write(c.RelativePath, c);
                return c;
            }
        }

        /// <summary>
        /// The case that <paramref name="same"/> recognizes, else <paramref name="c"/> created; both under the state lock,
        /// so two imports of one report make one case.
        /// </summary>
        public VulnerabilityCase FindOrCreate(Func<VulnerabilityCase, bool> same, VulnerabilityCase c, out bool created)
        {
            using (files.AcquireLock())
            {
                VulnerabilityCase existing = All().FirstOrDefault(same);
                created = existing == null;
                return existing ?? Create(c);
            }
        }

        public void Save(VulnerabilityCase c) => files.Write(c.RelativePath, c);

        /// <summary>Every case in id order; a broken file stops with its file:line (it must be fixed by hand).</summary>
        public IEnumerable<VulnerabilityCase> All()
        {
            return files.EnumerateFiles("cases", "SEC-*.yaml", recursive: false)
                .Select(Path.GetFileNameWithoutExtension)
                .Where(VulnerabilityCase.IsValidId)
                .OrderBy(id => id, StringComparer.Ordinal)
                .Select(id => files.Read<VulnerabilityCase>(VulnerabilityCase.PathFor(id)))
                .Where(c => c != null);
        }

        /// <summary>The ids of the cases on disk (no file is parsed).</summary>
        public IEnumerable<string> Ids() => files.EnumerateFiles("cases", "SEC-*.yaml", recursive: false)
            .Select(Path.GetFileNameWithoutExtension)
            .Where(VulnerabilityCase.IsValidId)
            .OrderBy(id => id, StringComparer.Ordinal);

        public static SecurityOpsException InvalidId(string id) =>
            new SecurityOpsException("InvalidCaseId", FailureKind.InvalidArgument, id, $"'{id}' is not a case id (expected SEC-YYYY-NNNN).");

        /// <summary>A deep copy (through the YAML form), so a change can be checked in full before anything is kept.</summary>
        public static VulnerabilityCase Clone(VulnerabilityCase c) =>
            YamlFormat.Deserialize<VulnerabilityCase>(YamlFormat.Serialize(c), c.Id);
    }
}
