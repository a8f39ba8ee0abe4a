using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Reports;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>What Export-SecurityReport wrote.</summary>
    internal sealed class SecurityReportResult
    {
        public string Path { get; set; }

        public bool Public { get; set; }

        public int Files { get; set; }

        public int Pages { get; set; }

        public long Bytes { get; set; }

        /// <summary>The largest HTML page, in bytes (pages are paginated to stay under about 1 MB).</summary>
        public long LargestPage { get; set; }

        /// <summary>Pages of an earlier render that no longer exist (a closed case, a shorter CVE list), removed.</summary>
        public int Removed { get; set; }
    }

    /// <summary>
    /// Export-SecurityReport: a static site from the state: the team's private view (default; it holds embargoed detail,
    /// keep it a run artifact) or, with -Public, the public advisories page and its Atom feed through the public gate.
    /// </summary>
    [Cmdlet(VerbsData.Export, "SecurityReport", SupportsShouldProcess = true)]
    [OutputType(typeof(SecurityReportResult))]
    public sealed class ExportSecurityReportCommand : StateCmdlet
    {
        /// <summary>The folder to write the site to (made when missing).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary>The public page (published advisories only) instead of the team's private view.</summary>
        [Parameter]
        public SwitchParameter Public { get; set; }

        /// <summary>How many days of CVEs the team's view lists.</summary>
        [Parameter]
        [ValidateRange(1, 365)]
        public int RecentDays { get; set; } = 14;

        /// <summary>Where the public site will be served (for the feed's self link).</summary>
        [Parameter]
        public string SiteUrl { get; set; }

        protected override void EndProcessing()
        {
            TryRun(() =>
            {
                string root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                var sink = new PipelineThreadSink(this, writeProgress: true); // the site is built on this thread, as it is enumerated
                var builder = new ReportSiteBuilder(Session.State, sink);
                DateTimeOffset now = Session.Now;
                WriteVerbose(Public
                    ? $"The public page of {root}: published advisories only (the public gate), with an Atom feed."
                    : $"The team's private view in {root}: it names embargoed cases; keep it out of public places.");
                List<ReportFile> files = (Public ? builder.Public(now, SiteUrl) : builder.Team(now, RecentDays)).ToList();
                var result = new SecurityReportResult { Path = root, Public = Public };
                var written = new HashSet<string>(StringComparer.Ordinal);
                var approved = new List<(ReportFile File, string Target)>(files.Count);
                foreach (ReportFile file in files)
                {
                    string target = System.IO.Path.Combine(root, file.RelativePath.Replace('/', System.IO.Path.DirectorySeparatorChar));
                    written.Add(System.IO.Path.GetFullPath(target));
                    if (ShouldProcess(target, $"Write {file.Content.Length} bytes"))
                    {
                        approved.Add((file, target));
                    }
                }

                // Asked one by one on the pipeline thread; written on every core (each file atomically, on its own).
                foreach (string folder in approved.Select(a => System.IO.Path.GetDirectoryName(a.Target)).Distinct(StringComparer.Ordinal))
                {
                    Directory.CreateDirectory(folder);
                }

                try
                {
                    System.Threading.Tasks.Parallel.ForEach(approved, a => StateRepository.WriteFileAtomic(a.Target, s => s.Write(a.File.Content, 0, a.File.Content.Length), durable: false));
                }
                catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault() is SecurityOpsException first)
                {
                    throw first; // the first file that could not be written, as its own error (StateWriteFailed, with its path)
                }
                foreach ((ReportFile file, string _) in approved)
                {
                    result.Files++;
                    result.Bytes += file.Content.Length;
                    if (file.RelativePath.EndsWith(".html", StringComparison.Ordinal))
                    {
                        result.Pages++;
                        result.LargestPage = Math.Max(result.LargestPage, file.Content.Length);
                    }
                }

                // Pages of an earlier render that this one no longer has (only the folders this command owns).
                foreach (string folder in new[] { "cases", "cves" }.Select(f => System.IO.Path.Combine(root, f)).Where(Directory.Exists))
                {
                    foreach (string stale in Directory.GetFiles(folder).Where(f => (f.EndsWith(".html", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)) && !written.Contains(System.IO.Path.GetFullPath(f))))
                    {
                        if (ShouldProcess(stale, "Remove a page of an earlier render"))
                        {
                            File.Delete(stale);
                            result.Removed++;
                        }
                    }
                }

                WriteVerbose($"{result.Files} file(s), {result.Pages} page(s), {result.Bytes} bytes; the largest page {result.LargestPage} bytes.");
                WriteObject(result);
            });
        }
    }
}
