using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SecurityOps.Database;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.Publishing;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// New-SecurityReleaseNote: the security part of a release's notes from the CVE records and the cases fixed in that
    /// release: Flatcar's concise changelog lines, a detailed report per issue, and the bulletin section of a patch
    /// release. Embargoed issues are left out (and counted) until their public date.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "SecurityReleaseNote", SupportsShouldProcess = true)]
    [OutputType(typeof(ReleaseNote))]
    public sealed class NewSecurityReleaseNoteCommand : StateCmdlet
    {
        /// <summary>The release version (as recorded in FixedIn).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FixedIn", "Version")]
        public string Release { get; set; }

        /// <summary>Write the markdown to this file.</summary>
        [Parameter]
        public string Path { get; set; }

        /// <summary>
        /// Policy (default: the sections the state's disclosure policy asks for: release.listFixedCves the list of fixed
        /// CVEs, release.bulletinInReleaseNotes the bulletin, or a detailed report per issue for an OS image), Changelog
        /// (Flatcar's lines only), Detailed, Bulletin or All.
        /// </summary>
        [Parameter]
        [ValidateSet("Policy", "Changelog", "Detailed", "Bulletin", "All")]
        public string Format { get; set; } = ReleaseNoteFormat.Policy;

        protected override void ProcessRecord()
        {
            TryRun(() =>
            {
                string release = Release?.Trim();
                var records = new CveDatabase(Session.State.Files).Query(new CveQuery(), ex => WriteFailure(ex))
                    .Where(r => r.FixedIn == release).ToList();
                var cases = Session.Cases.All().Where(c => c.FixedIn == release).ToList();
                WriteVerbose($"{release}: {records.Count} CVE record(s) and {cases.Count} case(s) have FixedIn = {release}.");
                string project = Session.Config.Project?.Name ?? "The project";
                ReleaseNote note = RunOnWorkers(sink =>
                    Task.FromResult(ReleaseNoteBuilder.Build(release, records, cases, Session.Now, Format, project, sink, Format == ReleaseNoteFormat.Policy ? PolicyCatalog.Current(Session.State) : null)));

                if (Path != null)
                {
                    string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                    if (ShouldProcess(full, $"Write the {note.Format} security notes for {note.Release} ({note.CveIds.Count} CVE id(s))"))
                    {
                        StateRepository.WriteFileAtomic(full, note.Markdown);
                        note.Path = full;
                        WriteVerbose($"Wrote {full}.");
                    }
                }

                WriteObject(note);
            });
        }
    }
}
