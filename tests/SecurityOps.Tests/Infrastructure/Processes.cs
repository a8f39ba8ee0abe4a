using System.Diagnostics;

namespace SecurityOps.Tests.Infrastructure
{
    public static class Processes
    {
        /// <summary>Runs a program to completion; returns exit code and output.</summary>
        public static (int ExitCode, string Output, string Error) Run(string file, string arguments, string workingDirectory = null, int timeoutMs = 60000)
        {
            var start = new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? System.IO.Directory.GetCurrentDirectory(),
            };
            using var process = Process.Start(start);
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(timeoutMs))
            {
                process.Kill(true);
            }

            return (process.ExitCode, stdout, stderr.Result);
        }

        public static string Git(string repo, string arguments)
        {
            var (code, output, error) = Run("git", arguments, repo);
            if (code != 0)
            {
                throw new System.InvalidOperationException($"git {arguments} failed: {error}");
            }

            return output;
        }
    }
}
