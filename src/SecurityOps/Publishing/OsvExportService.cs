using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Publishing
{
    /// <summary>What the caller of <see cref="OsvExportService.Export"/> decides: the selection, the folder and the approve callback.</summary>
    internal sealed class OsvExportRequest
    {
        /// <summary>Only these cases (normalized ids). Without case and CVE ids: every public case and every tracked or fixed record.</summary>
        public IReadOnlyCollection<string> CaseIds { get; set; } = Array.Empty<string>();

        /// <summary>Only these CVE records (normalized ids, any status).</summary>
        public IReadOnlyCollection<string> CveIds { get; set; } = Array.Empty<string>();

        /// <summary>The folder to write to (null: the state's osv.folder, default osv/).</summary>
        public string Folder { get; set; }

        /// <summary>(target, action): asked before each file is written; false writes nothing for it.</summary>
        public Func<string, string, bool> Approve { get; set; } = (target, action) => true;

        /// <summary>Each file written (or found unchanged), as it is written.</summary>
        public Action<OsvAdvisoryFile> Output { get; set; }

        /// <summary>Each item that fails (refused by the gate, not found, invalid), as it fails; the others go on.</summary>
        public Action<SecurityOpsException> Error { get; set; }

        public IEventSink Events { get; set; }
    }

    /// <summary>What an export chose and did.</summary>
    internal sealed class OsvExportWalk
    {
        public string Folder { get; set; }

        /// <summary>The documents that passed the gate and could be built, in the order they were chosen.</summary>
        public List<OsvDocument> Documents { get; } = new List<OsvDocument>();

        public List<OsvAdvisoryFile> Written { get; } = new List<OsvAdvisoryFile>();

        public List<SecurityOpsException> Errors { get; } = new List<SecurityOpsException>();

        /// <summary>Embargoed cases and records left out of an export of everything (a CVE held by a case counts with its case).</summary>
        public int LeftOut { get; set; }

        /// <summary>Public cases and records left out of an export of everything for want of an id (no GHSA id, no osv.idPrefix).</summary>
        public int Unnamed { get; set; }
    }

    /// <summary>
    /// Export-OsvAdvisory's walk (plan, approve each file, write): which cases and records go out, through the public
    /// gate: an export of everything leaves embargoed ones out and counts them, a chosen one that is embargoed is
    /// refused (EmbargoActive); a record whose CVE a chosen case carries is that case's advisory, not a lookup. Each
    /// document is validated against the official schema (<see cref="OsvExporter"/>) before it is offered for approval,
    /// so an invalid one is an error and never a file.
    /// </summary>
    internal sealed class OsvExportService
    {
        private const string GateAction = "export it as OSV";
        private static readonly HashSet<string> ExportedStatuses = new HashSet<string>(StringComparer.Ordinal) { "tracked", "fixed" };

        private readonly StateRepository files;
        private readonly OsvSettings settings;
        private readonly CaseStore cases;
        private readonly CveDatabase database;
        private readonly TimeProvider clock;

        public OsvExportService(StateRepository files, SecurityConfig config, TimeProvider clock = null)
        {
            this.files = files;
            settings = config?.Osv ?? new OsvSettings();
            cases = new CaseStore(files);
            database = new CveDatabase(files);
            this.clock = clock ?? ModuleContext.Time;
        }

        public OsvExportWalk Export(OsvExportRequest request)
        {
            IEventSink events = request.Events ?? NullEventSink.Instance;
            var walk = new OsvExportWalk
            {
                Folder = request.Folder ?? files.FullPath(string.IsNullOrWhiteSpace(settings.Folder) ? "osv" : settings.Folder),
            };
            void Fail(SecurityOpsException ex)
            {
                walk.Errors.Add(ex);
                request.Error?.Invoke(ex);
            }

            var exporter = new OsvExporter(settings, events);
            Plan(request, walk, events, Fail);
            if (walk.Unnamed > 0)
            {
                events.Warning($"{walk.Unnamed} public case(s) or CVE record(s) were not exported: they have no GitHub advisory (GHSA id) and osv.idPrefix is not set. " +
                    "Set osv.idPrefix in securityops.yaml to the prefix the project registered with OSV.");
            }

            if (walk.LeftOut > 0)
            {
                events.Warning($"{walk.LeftOut} case(s) or CVE record(s) are still under embargo and were not exported.");
            }

            events.Verbose($"{walk.Documents.Count} OSV document(s) to validate against the OSV schema {OsvSchemaValidator.SchemaVersion}; writing to {walk.Folder}.");
            // Validating and serializing is the CPU work of an export (10,000 documents on a big database), and so is
            // comparing each with the file already there: done on every core, in order. Asking, writing and reporting
            // stay on the caller's thread, one document at a time.
            // A document whose very bytes are already in the folder, from an export validated against this same schema
            // version, is valid: it is not validated again (the bytes decide, so an edited file is validated and rewritten).
            bool validatedBefore = ValidatedBefore(walk.Folder);
            var rendered = walk.Documents.AsParallel().AsOrdered().Select(doc =>
            {
                try
                {
                    OsvAdvisoryFile f = exporter.Render(doc, validate: false);
                    bool same = OsvExporter.AlreadyThere(walk.Folder, f);
                    if (!same || !validatedBefore)
                    {
                        exporter.Validator.Validate(doc.Json, doc.Id);
                    }

                    return (Doc: doc, File: f, Same: same, Error: (SecurityOpsException)null);
                }
                catch (SecurityOpsException ex)
                {
                    return (Doc: doc, File: (OsvAdvisoryFile)null, Same: false, Error: ex);
                }
            }).ToList();

            foreach (var (doc, file, same, error) in rendered)
            {
                if (error != null && error.ErrorId == "OsvIdPrefixNotAccepted" && !settings.StrictIdPrefix)
                {
                    events.Warning(error.Message);
                    continue;
                }

                if (error != null)
                {
                    Fail(error);
                    continue;
                }

                foreach (string note in doc.Notes)
                {
                    events.Warning(note);
                }

                string target = Path.Combine(walk.Folder, doc.Id + ".json");
                if (request.Approve(target, $"Write OSV advisory {doc.Id} ({string.Join(", ", doc.CveIds.DefaultIfEmpty(doc.CaseId))})"))
                {
                    OsvExporter.Write(walk.Folder, file, same);
                    if (file.Unchanged)
                    {
                        events.Verbose($"{target}: unchanged, left as it was.");
                    }

                    walk.Written.Add(file);
                    request.Output?.Invoke(file);
                }
            }

            if (walk.Written.Count > 0)
            {
                RememberValidated(walk.Folder);
            }

            return walk;
        }

        /// <summary>The folders whose files were validated against which schema version (in .cache: never committed).</summary>
        private const string ValidatedPath = ".cache/osv-validated.txt";

        private bool ValidatedBefore(string folder)
        {
            string path = files.FullPath(ValidatedPath);
            try
            {
                return File.Exists(path) && File.ReadAllLines(path).Contains(OsvSchemaValidator.SchemaVersion + "\t" + Path.GetFullPath(folder), StringComparer.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        }

        private void RememberValidated(string folder)
        {
            string path = files.FullPath(ValidatedPath);
            string line = OsvSchemaValidator.SchemaVersion + "\t" + Path.GetFullPath(folder);
            try
            {
                var lines = File.Exists(path) ? File.ReadAllLines(path).Where(l => !l.EndsWith("\t" + Path.GetFullPath(folder), StringComparison.Ordinal)).ToList() : new List<string>();
                lines.Add(line);
                StateRepository.WriteFileAtomic(path, string.Join("\n", lines) + "\n", durable: false);
            }
            catch (SecurityOpsException)
            {
                // Only a shortcut for the next run: without it, that run validates every document again.
            }
        }

        /// <summary>The selection through the gate, into <see cref="OsvExportWalk.Documents"/>; failures reach <paramref name="fail"/> as they happen.</summary>
        private void Plan(OsvExportRequest request, OsvExportWalk walk, IEventSink events, Action<SecurityOpsException> fail)
        {
            var caseIds = request.CaseIds ?? Array.Empty<string>();
            var cveIds = request.CveIds ?? Array.Empty<string>();
            bool chosen = caseIds.Count > 0 || cveIds.Count > 0;
            DateTimeOffset now = clock.GetUtcNow();
            T Missing<T>(string errorId, string id) where T : class
            {
                fail(new SecurityOpsException(errorId, FailureKind.ObjectNotFound, id, $"There is no {id} in {files.Root}."));
                return null;
            }

            void Refuse(Action gate)
            {
                try
                {
                    gate();
                }
                catch (SecurityOpsException ex)
                {
                    fail(ex);
                }
            }

            void Build(Func<OsvDocument> build)
            {
                try
                {
                    walk.Documents.Add(build());
                }
                catch (SecurityOpsException ex) when (ex.ErrorId == "OsvIdUnavailable" && !chosen)
                {
                    walk.Unnamed++; // counted in one warning: without a prefix, only cases with an advisory can be named
                }
                catch (SecurityOpsException ex)
                {
                    fail(ex); // no id to name it by, or a version its ranges cannot hold: this one only
                }
            }

            List<VulnerabilityCase> allCases = cases.All().ToList();
            CveEmbargoes embargoes = PublicGate.Embargoes(allCases, now); // every case, also when only CVE ids were chosen
            List<VulnerabilityCase> selected = caseIds.Count > 0
                ? caseIds.Distinct().Select(id => allCases.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase)) ?? Missing<VulnerabilityCase>("VulnerabilityReportNotFound", id)).Where(c => c != null).ToList()
                : chosen ? new List<VulnerabilityCase>() : allCases;
            foreach (VulnerabilityCase c in selected)
            {
                if (!PublicGate.IsPublic(c, now))
                {
                    if (chosen)
                    {
                        Refuse(() => PublicGate.EnsurePublic(c, now, GateAction));
                    }
                    else if (c.Status != CaseStatus.Rejected)
                    {
                        walk.LeftOut++;
                    }

                    continue;
                }

                Build(() => OsvDocumentBuilder.FromCase(c, settings, now));
            }

            // A case piped in also binds its CveId: that CVE is the case's own advisory (or its refusal), not a lookup.
            var selectedCaseCves = new HashSet<string>(selected.Where(c => c.CveId != null).Select(c => c.CveId), StringComparer.OrdinalIgnoreCase);
            var covered = new HashSet<string>(walk.Documents.SelectMany(d => d.CveIds), StringComparer.Ordinal);
            IEnumerable<CveRecord> records = chosen
                ? cveIds.Distinct().Where(id => !selectedCaseCves.Contains(id)).Select(id => database.Get(id) ?? Missing<CveRecord>("CveRecordNotFound", id)).Where(r => r != null)
                : database.Query(new CveQuery { Statuses = ExportedStatuses }, ex => fail(ex));
            foreach (CveRecord r in records)
            {
                if (covered.Contains(r.CveId))
                {
                    events.Verbose($"{r.CveId}: covered by the advisory of its case.");
                    continue;
                }

                if (!embargoes.IsPublic(r))
                {
                    if (chosen)
                    {
                        Refuse(() => embargoes.EnsurePublic(r, GateAction));
                    }
                    else if (!embargoes.HeldByCase(r.CveId))
                    {
                        walk.LeftOut++; // a CVE held by a case is counted with its case
                    }

                    continue;
                }

                Build(() => OsvDocumentBuilder.FromRecord(r, settings, now));
            }
        }
    }
}
