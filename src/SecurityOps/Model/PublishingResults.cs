using System;
using System.Collections.Generic;

namespace SecurityOps.Model
{
    /// <summary>The security section of a release's notes (New-SecurityReleaseNote).</summary>
    public sealed class ReleaseNote
    {
        public string Release { get; set; }

        /// <summary>Changelog, Detailed, Bulletin or All.</summary>
        public string Format { get; set; }

        public string Markdown { get; set; }

        /// <summary>The CVE ids the note names, sorted by year then number.</summary>
        public List<string> CveIds { get; set; } = new List<string>();

        /// <summary>The public cases the note covers.</summary>
        public List<string> CaseIds { get; set; } = new List<string>();

        /// <summary>How many cases or CVE records fixed in the release were left out because they are still under embargo.</summary>
        public int LeftOut { get; set; }

        /// <summary>The file written, or null.</summary>
        public string Path { get; set; }

        public override string ToString() => Markdown;
    }

    /// <summary>A retrospective draft or its completion (New-SecurityRetrospective, Complete-SecurityRetrospective).</summary>
    public sealed class SecurityRetrospective
    {
        public string CaseId { get; set; }

        /// <summary>retrospectives/SEC-YYYY-NNNN.md inside the state repository.</summary>
        public string RelativePath { get; set; }

        public string Path { get; set; }

        /// <summary>draft (generated, untouched), edited (a person changed it) or done (the case is retrospective-done).</summary>
        public string Status { get; set; }

        public int MilestonesMet { get; set; }

        public int MilestonesMissed { get; set; }

        public string Markdown { get; set; }

        /// <summary>Same as CaseId, so the output pipes into the case cmdlets.</summary>
        public string Id => CaseId;

        public override string ToString() => RelativePath;
    }

    /// <summary>One OSV file Export-OsvAdvisory wrote (or, with -WhatIf, would write).</summary>
    public sealed class OsvAdvisoryFile
    {
        /// <summary>The OSV id (PREFIX-YYYY-NNNN for a case, PREFIX-CVE-YYYY-NNNN for a CVE record).</summary>
        public string Id { get; set; }

        /// <summary>The case it came from, or null for a CVE record.</summary>
        public string CaseId { get; set; }

        public List<string> CveIds { get; set; } = new List<string>();

        public List<string> Packages { get; set; } = new List<string>();

        public DateTimeOffset Modified { get; set; }

        /// <summary>Valid against the official OSV schema (an invalid document is an error and never a file).</summary>
        public bool Valid { get; set; }

        /// <summary>The file written; null with -WhatIf.</summary>
        public string Path { get; set; }

        /// <summary>True when the file already held this very document and was left as it was (bytes and file time).</summary>
        public bool Unchanged { get; set; }

        /// <summary>
        /// The document's JSON text. For a file an export passed over as unchanged (its record and its file as the last
        /// export left them), read from the file when first asked for.
        /// </summary>
        public string Json
        {
            get
            {
                if (json == null && content != null)
                {
                    json = new System.Text.UTF8Encoding(false).GetString(content);
                }

                if (json == null && jsonFromFile && Path != null)
                {
                    try
                    {
                        json = System.IO.File.ReadAllText(Path, new System.Text.UTF8Encoding(false));
                    }
                    catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
                    {
                        return null; // gone or unreadable since: nothing to show
                    }
                }

                return json;
            }

            set
            {
                json = value;
                content = null;
                jsonFromFile = false;
            }
        }

        private string json;
        private byte[] content;
        private bool jsonFromFile;

        /// <summary>The file's bytes (UTF-8, no BOM) as rendered: <see cref="Json"/> is decoded from them when asked for.</summary>
        internal byte[] Content
        {
            get => content ?? (json == null ? null : new System.Text.UTF8Encoding(false).GetBytes(json));
            set
            {
                content = value;
                json = null;
                jsonFromFile = false;
            }
        }

        /// <summary>The JSON text is the file's at <see cref="Path"/>, read when first asked for.</summary>
        internal void JsonIsTheFile() => jsonFromFile = true;

        public override string ToString() => Id;
    }
}
