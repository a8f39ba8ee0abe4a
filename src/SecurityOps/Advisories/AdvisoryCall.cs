using System.Collections.Generic;
using System.Net.Http;
using SecurityOps.GitHub;
using SecurityOps.Model;

namespace SecurityOps.Advisories
{
    /// <summary>What an advisory call does to the case once GitHub has answered.</summary>
    internal enum AdvisoryCallKind
    {
        Create,
        Update,
        Publish,
        Close,
        Collaborators,
        RequestCve,
        CreateFork,
    }

    /// <summary>
    /// One planned write to GitHub for a case: the exact request (for -WhatIf and ShouldProcess) and what it will
    /// change on the case. Planning never writes; <see cref="AdvisoryService.ExecuteAsync"/> sends it and records it.
    /// </summary>
    internal sealed class AdvisoryCall
    {
        public AdvisoryCallKind Kind { get; set; }

        public string CaseId { get; set; }

        public GitHubRepositoryName Repository { get; set; }

        public HttpMethod Method { get; set; }

        /// <summary>Relative to the API root.</summary>
        public string Path { get; set; }

        public object Body { get; set; }

        /// <summary>The advisory fields the case will keep (New-/Set-SecurityAdvisory).</summary>
        public CaseAdvisory Content { get; set; }

        /// <summary>Collaborators this call adds (Add-AdvisoryCollaborator).</summary>
        public List<AdvisoryCollaborator> Added { get; set; } = new List<AdvisoryCollaborator>();

        /// <summary>Send even though an earlier request may have gone through (Request-AdvisoryCve -Force).</summary>
        public bool Force { get; set; }

        /// <summary>In words, for the timeline and ShouldProcess.</summary>
        public string Action { get; set; }

        /// <summary>The request as it goes out: "PATCH repos/o/r/security-advisories/GHSA-... {json}". No token, ever.</summary>
        public string Request => $"{Method.Method} /{Path}" + (Body == null ? string.Empty : " " + GitHubGateway.ToJson(Body));

        public override string ToString() => Request;
    }
}
