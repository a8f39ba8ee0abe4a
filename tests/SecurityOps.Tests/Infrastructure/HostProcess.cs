using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using Xunit;

namespace SecurityOps.Tests.Infrastructure
{
    /// <summary>
    /// secops-host started as a real process (what a scheduled job runs), for tests that kill it or run two at once:
    /// its output is collected in <see cref="Log"/>, and it gets no token and no state from the test's environment
    /// unless given.
    /// </summary>
    public sealed class HostProcess : IDisposable
    {
        private readonly StringBuilder log = new StringBuilder();

        private HostProcess(Process process) => Process = process;

        public Process Process { get; }

        /// <summary>What the process wrote to stdout and stderr so far, for assertion messages.</summary>
        public string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        /// <summary>tests/SecurityOps.Tests/bin/&lt;Configuration&gt;/net10.0/ -> the host built in the same configuration.</summary>
        public static string Dll
        {
            get
            {
                string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
                string dll = Path.Combine(RepoPaths.Root, "src", "SecurityOps.Host", "bin", configuration, "net10.0", "secops-host.dll");
                Assert.True(File.Exists(dll), dll + " was not built");
                return dll;
            }
        }

        public static HostProcess Start(IEnumerable<string> arguments, IDictionary<string, string> environment = null, string workingDirectory = null)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is string d && File.Exists(d) ? d : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            };
            start.ArgumentList.Add(Dll);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (string name in new[] { "GITHUB_TOKEN", "GH_TOKEN", "SECURITYOPS_STATE", "GITHUB_STEP_SUMMARY" })
            {
                start.Environment.Remove(name);
            }

            foreach (var variable in environment ?? new Dictionary<string, string>())
            {
                start.Environment[variable.Key] = variable.Value;
            }

            var process = new Process { StartInfo = start };
            var host = new HostProcess(process);
            process.OutputDataReceived += (_, e) => host.Append(e.Data);
            process.ErrorDataReceived += (_, e) => host.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return host;
        }

        /// <summary>Waits up to <paramref name="milliseconds"/>; true when it ended (and then its output is all in <see cref="Log"/>).</summary>
        public bool WaitForExit(int milliseconds)
        {
            if (!Process.WaitForExit(milliseconds))
            {
                return false;
            }

            Process.WaitForExit(); // the timed wait does not wait for the redirected output to be read; this one does
            return true;
        }

        /// <summary>SIGKILL, as a cancelled runner or a lost machine ends a job.</summary>
        public void Kill()
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        public int ExitCode => Process.ExitCode;

        public void Dispose() => Process.Dispose();

        private void Append(string line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}
