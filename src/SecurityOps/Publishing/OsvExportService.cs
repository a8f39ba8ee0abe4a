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

        /// <summary>
        /// What passed the gate, in the order it was chosen: documents built now, and records an export of everything
        /// passes over because the manifest shows them and their files as the last export left them.
        /// </summary>
        public List<OsvPlanned> Planned { get; } = new List<OsvPlanned>();

        /// <summary>The documents built now (not passed over), in order.</summary>
        public IEnumerable<OsvDocument> Documents => Planned.Where(p => p.Document != null).Select(p => p.Document);

        /// <summary>Records passed over through the manifest (.cache/osv-export.tsv), unread.</summary>
        public int PassedOver { get; set; }

        public List<OsvAdvisoryFile> Written { get; } = new List<OsvAdvisoryFile>();

        public List<SecurityOpsException> Errors { get; } = new List<SecurityOpsException>();

        /// <summary>Embargoed cases and records left out of an export of everything (a CVE held by a case counts with its case).</summary>
        public int LeftOut { get; set; }

        /// <summary>Public cases and records left out of an export of everything for want of an id (no GHSA id, no osv.idPrefix).</summary>
        public int Unnamed { get; set; }
    }

    /// <summary>One advisory an export goes on with: a document to render, or a record passed over as unchanged.</summary>
    internal sealed class OsvPlanned
    {
        /// <summary>The document built now; null when <see cref="Cached"/>.</summary>
        public OsvDocument Document { get; set; }

        /// <summary>A record passed over: the manifest's entry, its record file and its OSV file as the last export left them.</summary>
        public OsvExportManifest.Entry Cached { get; set; }

        /// <summary>For a record's document built now: its manifest entry but for the OSV file (null: not to be remembered).</summary>
        public OsvExportManifest.Entry Remember { get; set; }
    }

    /// <summary>
    /// Export-OsvAdvisory's walk (plan, approve each file, write): which cases and records go out, through the public
    /// gate: an export of everything leaves embargoed ones out and counts them, a chosen one that is embargoed is
    /// refused (EmbargoActive); a record whose CVE a chosen case carries is that case's advisory, not a lookup. Each
    /// document is validated against the official schema (<see cref="OsvExporter"/>) before it is offered for approval,
    /// so an invalid one is an error and never a file.
    /// An export of everything passes over, unread, each CVE record whose file and OSV file are as the last such export
    /// left them (<see cref="OsvExportManifest"/>, .cache/osv-export.tsv): it is still asked through the gate (its own
    /// embargo date and the cases' embargoes, as of now), approved and reported as a file found unchanged.
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
            // An export of everything remembers what it wrote for each record (.cache/osv-export.tsv) and passes over,
            // unread, a record whose file and OSV file are as it left them; the gate is still asked about each one.
            bool everything = (request.CaseIds?.Count ?? 0) == 0 && (request.CveIds?.Count ?? 0) == 0;
            string manifestKey = everything ? OsvExportManifest.KeyFor(settings, walk.Folder) : null;
            string manifestPath = files.FullPath(OsvExportManifest.RelativePath);
            OsvExportManifest manifest = everything && exporter.PrefixAccepted ? OsvExportManifest.Load(manifestPath, manifestKey) : OsvExportManifest.Empty();
            Plan(request, walk, events, Fail, manifest);
            if (walk.Unnamed > 0)
            {
                events.Warning($"{walk.Unnamed} public case(s) or CVE record(s) were not exported: they have no GitHub advisory (GHSA id) and osv.idPrefix is not set. " +
                    "Set osv.idPrefix in securityops.yaml to the prefix the project registered with OSV.");
            }

            if (walk.LeftOut > 0)
            {
                events.Warning($"{walk.LeftOut} case(s) or CVE record(s) are still under embargo and were not exported.");
            }

            var toRender = walk.Planned.Where(p => p.Document != null).ToList();
            events.Verbose($"{toRender.Count} OSV document(s) to validate against the OSV schema {OsvSchemaValidator.SchemaVersion}; writing to {walk.Folder}." +
                (walk.PassedOver > 0 ? $" {walk.PassedOver} CVE record(s) and their files are as the last export left them (.cache/osv-export.tsv): passed over unread." : string.Empty));
            // Validating and serializing is the CPU work of an export (10,000 documents on a big database), and so is
            // comparing each with the file already there: done on every core, in order, and taken up as it comes, so
            // that writing overlaps the validation of the documents after. Asking, writing and reporting stay on the
            // caller's thread, one document at a time.
            // A document whose very bytes are already in the folder, from an export validated against this same schema
            // version, is valid: it is not validated again (the bytes decide, so an edited file is validated and rewritten).
            bool validatedBefore = toRender.Count > 0 && ValidatedBefore(walk.Folder);
            bool folderExisted = Directory.Exists(walk.Folder); // if not, no file can be there yet
            bool folderReady = folderExisted;
            var rendering = toRender.Count == 0 ? Enumerable.Empty<(OsvAdvisoryFile File, bool Same, OsvExporter.FileStamp Stamp, SecurityOpsException Error)>() : System.Collections.Concurrent.Partitioner.Create(toRender, loadBalance: true).AsParallel().AsOrdered().WithMergeOptions(ParallelMergeOptions.NotBuffered).Select(p =>
            {
                OsvDocument doc = p.Document;
                try
                {
                    OsvAdvisoryFile f = exporter.Render(doc, validate: false);
                    OsvExporter.FileStamp stamp = default;
                    bool same = folderExisted && OsvExporter.AlreadyThere(walk.Folder, f, out stamp);
                    if (!same || !validatedBefore)
                    {
                        exporter.Validator.Validate(doc.Json, doc.Id);
                    }

                    return (File: f, Same: same, Stamp: stamp, Error: (SecurityOpsException)null);
                }
                catch (SecurityOpsException ex)
                {
                    return (File: (OsvAdvisoryFile)null, Same: false, Stamp: default(OsvExporter.FileStamp), Error: ex);
                }
            });

            var remembered = new List<OsvExportManifest.Entry>();
            int added = 0;
            using (var rendered = rendering.GetEnumerator())
            {
                foreach (OsvPlanned planned in walk.Planned)
                {
                    if (planned.Cached != null)
                    {
                        PassOver(request, walk, events, planned.Cached, remembered);
                        continue;
                    }

                    OsvDocument doc = planned.Document;
                    if (!rendered.MoveNext())
                    {
                        throw new InvalidOperationException("The OSV export rendered fewer documents than it planned.");
                    }

                    var (file, same, stamp, error) = rendered.Current;
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
                        OsvExporter.Write(walk.Folder, file, same, folderReady);
                        folderReady |= !same;
                        if (file.Unchanged)
                        {
                            events.Verbose($"{target}: unchanged, left as it was.");
                        }

                        if (planned.Remember != null && (same ? stamp.Known : OsvExporter.Stamp(file.Path, file.Content.Length, out stamp)))
                        {
                            planned.Remember.OutputId = doc.Id;
                            planned.Remember.OutputSize = stamp.Size;
                            planned.Remember.OutputTicks = stamp.Ticks;
                            remembered.Add(planned.Remember);
                            added++;
                        }

                        walk.Written.Add(file);
                        request.Output?.Invoke(file);
                    }
                }
            }

            if (walk.Written.Count > 0)
            {
                RememberValidated(walk.Folder);
                // Rewritten when anything differs from what was read (a record built now, one gone, another key), so that
                // an unchanged export leaves the manifest, like the OSV files, as it was.
                if (everything && (added > 0 || remembered.Count != manifest.Count || manifest.Key != manifestKey))
                {
                    OsvExportManifest.Save(manifestPath, manifestKey, remembered);
                }
            }

            return walk;
        }

        /// <summary>A record passed over: asked for approval and reported as the full path reports a file found unchanged.</summary>
        private void PassOver(OsvExportRequest request, OsvExportWalk walk, IEventSink events, OsvExportManifest.Entry e, List<OsvExportManifest.Entry> remembered)
        {
            string target = Path.Combine(walk.Folder, e.OutputId + ".json");
            if (!request.Approve(target, $"Write OSV advisory {e.OutputId} ({e.CveId})"))
            {
                remembered.Add(e); // nothing written: the file is still the one the entry describes
                return;
            }

            var file = new OsvAdvisoryFile
            {
                Id = e.OutputId,
                CveIds = new List<string> { e.CveId },
                Packages = OsvDocumentBuilder.RecordPackages(settings),
                Modified = e.Modified,
                Valid = true,
                Path = target,
                Unchanged = true,
            };
            file.JsonIsTheFile();
            events.Verbose($"{target}: unchanged, left as it was.");
            remembered.Add(e);
            walk.Written.Add(file);
            request.Output?.Invoke(file);
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
        private void Plan(OsvExportRequest request, OsvExportWalk walk, IEventSink events, Action<SecurityOpsException> fail, OsvExportManifest manifest)
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

            void Built(OsvPlanned planned, OsvDocument document, SecurityOpsException error)
            {
                if (error == null)
                {
                    planned.Document = document;
                    walk.Planned.Add(planned);
                }
                else if (error.ErrorId == "OsvIdUnavailable" && !chosen)
                {
                    walk.Unnamed++; // counted in one warning: without a prefix, only cases with an advisory can be named
                }
                else
                {
                    fail(error); // no id to name it by, or a version its ranges cannot hold: this one only
                }
            }

            void Build(Func<OsvDocument> build)
            {
                OsvDocument document = null;
                SecurityOpsException error = null;
                try
                {
                    document = build();
                }
                catch (SecurityOpsException ex)
                {
                    error = ex;
                }

                Built(new OsvPlanned(), document, error);
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
            // An export of everything asks the manifest about each record file before it is read: one it passes over
            // comes back as its entry (with the CVE id and the record's own embargo date for the gate), in id order
            // among the records read.
            var readFiles = new System.Collections.Concurrent.ConcurrentDictionary<string, (string Path, long Size, long Ticks)>(StringComparer.Ordinal);
            var passed = new System.Collections.Concurrent.ConcurrentBag<OsvExportManifest.Entry>();
            IEnumerable<(CveRecord Record, OsvExportManifest.Entry Cached)> records = chosen
                ? cveIds.Distinct().Where(id => !selectedCaseCves.Contains(id)).Select(id => database.Get(id) ?? Missing<CveRecord>("CveRecordNotFound", id)).Where(r => r != null).Select(r => (r, (OsvExportManifest.Entry)null))
                : InIdOrder(database.Query(new CveQuery
                {
                    Statuses = ExportedStatuses,
                    FileFilter = (path, size, ticks) =>
                    {
                        OsvExportManifest.Entry e = manifest.Match(path, size, ticks, walk.Folder);
                        if (e != null)
                        {
                            passed.Add(e);
                            return false;
                        }

                        readFiles[Path.GetFileNameWithoutExtension(path)] = (path, size, ticks);
                        return true;
                    },
                }, ex => fail(ex)), passed);
            // In an export of everything, the records' documents are built on every core once the gate has chosen them,
            // and taken in order: the same documents, failures and counts as one by one (only a failure to build now
            // comes after the query's reports of broken files). A record passed over keeps its place in that order.
            var toBuild = new List<(OsvPlanned Planned, CveRecord Record)>();
            foreach (var (r, cached) in records)
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

                if (cached != null)
                {
                    toBuild.Add((new OsvPlanned { Cached = cached }, null));
                    walk.PassedOver++;
                    continue;
                }

                if (chosen)
                {
                    Build(() => OsvDocumentBuilder.FromRecord(r, settings, now)); // a few: one by one, as they come
                    continue;
                }

                // Remembered for the next export when its document depends on nothing but the record and the key (a
                // record with neither LastUpdated nor FirstSeen is modified "now").
                OsvExportManifest.Entry remember = (r.LastUpdated ?? r.FirstSeen) != null && readFiles.TryGetValue(r.CveId ?? string.Empty, out var source)
                    ? new OsvExportManifest.Entry
                    {
                        RecordPath = source.Path,
                        RecordSize = source.Size,
                        RecordTicks = source.Ticks,
                        CveId = r.CveId,
                        EmbargoedUntil = r.EmbargoedUntil,
                        Modified = (r.LastUpdated ?? r.FirstSeen).Value,
                    }
                    : null;
                toBuild.Add((new OsvPlanned { Remember = remember }, r));
            }

            (OsvDocument Document, SecurityOpsException Error) FromRecord(CveRecord r)
            {
                try
                {
                    return (OsvDocumentBuilder.FromRecord(r, settings, now), null);
                }
                catch (SecurityOpsException ex)
                {
                    return (null, ex);
                }
            }

            var publicRecords = toBuild.Where(b => b.Record != null).Select(b => b.Record).ToList();
            var built = publicRecords.Count < 64 ? publicRecords.Select(FromRecord).ToList() : publicRecords.AsParallel().AsOrdered().Select(FromRecord).ToList();
            int next = 0;
            foreach (var (planned, record) in toBuild)
            {
                if (record == null)
                {
                    walk.Planned.Add(planned); // passed over
                    continue;
                }

                var (document, error) = built[next++];
                Built(planned, document, error);
            }
        }

        /// <summary>
        /// The records read, with the entries of those passed over merged in, all in id order (the query's). The
        /// entries are complete once the query has listed the files, that is after its first step.
        /// </summary>
        private static IEnumerable<(CveRecord Record, OsvExportManifest.Entry Cached)> InIdOrder(IEnumerable<CveRecord> read, System.Collections.Concurrent.ConcurrentBag<OsvExportManifest.Entry> passed)
        {
            using (IEnumerator<CveRecord> e = read.GetEnumerator())
            {
                bool more = e.MoveNext();
                var entries = passed.ToList();
                entries.Sort((a, b) => CveIdComparer.Instance.Compare(a.FileId, b.FileId));
                int i = 0;
                while (more || i < entries.Count)
                {
                    if (i < entries.Count && (!more || CveIdComparer.Instance.Compare(entries[i].FileId, e.Current.CveId) < 0))
                    {
                        OsvExportManifest.Entry cached = entries[i++];
                        // The gate's facts about the record, as its unchanged file holds them.
                        yield return (new CveRecord { CveId = cached.CveId, EmbargoedUntil = cached.EmbargoedUntil }, cached);
                        continue;
                    }

                    yield return (e.Current, null);
                    more = e.MoveNext();
                }
            }
        }
    }
}
