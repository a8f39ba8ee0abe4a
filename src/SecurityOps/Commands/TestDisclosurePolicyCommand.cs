using System.IO;
using System.Management.Automation;
using SecurityOps.Disclosure;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Test-DisclosurePolicy: checks a policy file and lists every problem with its field and file:line.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "DisclosurePolicy")]
    [OutputType(typeof(PolicyCheckResult))]
    public sealed class TestDisclosurePolicyCommand : SecurityOpsCmdlet
    {
        /// <summary>The policy file to check.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string Path { get; set; }

        protected override void ProcessRecord()
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!File.Exists(path))
            {
                WriteFailure(new SecurityOpsException("DisclosurePolicyNotFound", FailureKind.ObjectNotFound, Path, $"There is no file {path}."));
                return;
            }

            var (policy, problems) = PolicyValidator.Check(File.ReadAllText(path), path);
            var result = new PolicyCheckResult { Path = path, Name = policy?.Name };
            foreach (var problem in problems)
            {
                result.Problems.Add(problem.ToString());
                WriteVerbose(problem.ToString());
            }

            WriteVerbose(result.IsValid ? $"{path}: the policy '{policy.Name}' is valid." : $"{path}: {problems.Count} problem(s).");
            WriteObject(result);
        }
    }
}
