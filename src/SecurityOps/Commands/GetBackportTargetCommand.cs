using System.Collections.Generic;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>Get-BackportTarget: the release lines a fix goes to under the policy, each with its next patch version.</summary>
    [Cmdlet(VerbsCommon.Get, "BackportTarget", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(BackportTarget))]
    public sealed class GetBackportTargetCommand : StateCmdlet
    {
        private const string PathSet = "Path";
        private const string TagSet = "Tag";
        private readonly List<string> tags = new List<string>();

        /// <summary>A local git clone whose tags are the releases (default: the current location).</summary>
        [Parameter(Position = 0, ParameterSetName = PathSet)]
        [Alias("Repository")]
        public string Path { get; set; }

        /// <summary>Release tags given directly (or piped).</summary>
        [Parameter(Mandatory = true, ParameterSetName = TagSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("TagName", "Name")]
        public string[] Tag { get; set; }

        /// <summary>The policy whose supportedVersions rule applies (default: the state's current policy, or the stacklok preset without a state; a policy without supportedVersions supports the latest line only).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(DisclosurePolicyCompleter))]
        public string Policy { get; set; }

        protected override void ProcessRecord()
        {
            if (Tag != null)
            {
                tags.AddRange(Tag);
            }
        }

        protected override void EndProcessing()
        {
            try
            {
                DisclosurePolicy policy = ResolvePolicy();
                if (ParameterSetName == PathSet)
                {
                    string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path ?? ".");
                    tags.AddRange(BackportPlanner.TagsOf(path));
                    WriteVerbose($"Read {tags.Count} tag(s) from {path}.");
                }

                var sink = new PipelineEvents();
                var targets = sink.Run(this, s => System.Threading.Tasks.Task.FromResult(BackportPlanner.Plan(tags, policy, s)));
                WriteObject(targets, enumerateCollection: true);
            }
            catch (SecurityOpsException ex)
            {
                ThrowFailure(ex);
            }
        }

        private DisclosurePolicy ResolvePolicy()
        {
            string root = ResolveStateRoot();
            bool haveState = root != null && new StateRepository(root).IsInitialized;
            if (!haveState)
            {
                string name = Policy ?? PolicyCatalog.DefaultPreset;
                WriteVerbose($"No state repository: using the {name} preset.");
                return PolicyCatalog.Preset(name);
            }

            return PolicyCatalog.Resolve(Session.State, Policy);
        }
    }
}
