using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace SecurityOps.State
{
    /// <summary>A change git sees in the work tree.</summary>
    public sealed class GitChange
    {
        public GitChange(string status, string path)
        {
            Status = status;
            Path = path;
        }

        /// <summary>Porcelain status letters: "A" added, "M" modified, "D" deleted, "??" untracked.</summary>
        public string Status { get; }

        public string Path { get; }
    }

    /// <summary>The git CLI over the state repository: init, status, commit, push. Output never carries credentials.</summary>
    public sealed class GitRepository
    {
        private readonly string root;

        public GitRepository(string root) => this.root = root;

        public string GitExecutable { get; set; } = "git";

        public bool IsRepository => Run(new[] { "rev-parse", "--is-inside-work-tree" }, throwOnError: false).ExitCode == 0;

        public void Init()
        {
            Run(new[] { "init", "--quiet" });
        }

        public IReadOnlyList<GitChange> Status(string pathspec = ".") => Status(new[] { pathspec });

        /// <summary>The changes under any of the paths, from one git status (each call reads the whole index once).</summary>
        public IReadOnlyList<GitChange> Status(IReadOnlyCollection<string> pathspecs)
        {
            if (pathspecs.Count == 0)
            {
                return Array.Empty<GitChange>();
            }

            var result = Run(new[] { "status", "--porcelain=v1", "-z", "--untracked-files=all", "--" }.Concat(pathspecs));
            var changes = new List<GitChange>();
            string[] parts = result.Output.Split(new[] { '\0' }, StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < parts.Length; i++)
            {
                string entry = parts[i];
                if (entry.Length < 4)
                {
                    continue;
                }

                string status = entry.Substring(0, 2).Trim();
                string path = entry.Substring(3);
                if (status.StartsWith("R", StringComparison.Ordinal) || status.StartsWith("C", StringComparison.Ordinal))
                {
                    i++; // a rename carries the old path as the next field
                }

                changes.Add(new GitChange(status, path));
            }

            return changes;
        }

        /// <summary>Stages everything under the state folder and commits; returns the new commit id, or null when nothing changed.</summary>
        public string CommitAll(string message, string authorName, string authorEmail)
        {
            Run(new[] { "add", "--all", "--", "." });
            if (Run(new[] { "diff", "--cached", "--quiet" }, throwOnError: false).ExitCode == 0)
            {
                return null;
            }

            var args = new List<string>();
            if (!string.IsNullOrEmpty(authorName))
            {
                args.AddRange(new[] { "-c", "user.name=" + authorName });
            }

            if (!string.IsNullOrEmpty(authorEmail))
            {
                args.AddRange(new[] { "-c", "user.email=" + authorEmail });
            }

            args.AddRange(new[] { "commit", "--quiet", "--no-verify", "-F", "-" });
            Run(args, stdin: message);
            return Run(new[] { "rev-parse", "HEAD" }).Output.Trim();
        }

        /// <summary>Stages these paths (the ones that exist) and returns every change the index holds against HEAD.</summary>
        public IReadOnlyList<GitChange> Stage(IEnumerable<string> paths)
        {
            var existing = paths.Where(p => System.IO.File.Exists(System.IO.Path.Combine(root, p)) || System.IO.Directory.Exists(System.IO.Path.Combine(root, p))).ToList();
            if (existing.Count > 0)
            {
                Run(new[] { "add", "--all", "--" }.Concat(existing));
            }

            string head = Head();
            string[] parts = (head == null ? Run(new[] { "ls-files", "-z" }) : Run(new[] { "diff", "--cached", "--name-status", "--no-renames", "-z" }))
                .Output.Split(new[] { '\0' }, StringSplitOptions.RemoveEmptyEntries);
            var changes = new List<GitChange>();
            for (int i = 0; i < parts.Length; i++)
            {
                changes.Add(head == null ? new GitChange("A", parts[i]) : new GitChange(parts[i], i + 1 < parts.Length ? parts[++i] : string.Empty));
            }

            return changes;
        }

        /// <summary>
        /// Commits the index as it is, with plumbing (write-tree, commit-tree, update-ref): unlike `git commit` it does not
        /// stat every file of the work tree, which on a state of 100,000 records is most of a second. Returns the commit id.
        /// </summary>
        public string CommitIndex(string message, string authorName, string authorEmail)
        {
            string tree = Run(new[] { "write-tree" }).Output.Trim();
            string parent = Head();
            var args = new List<string>();
            if (!string.IsNullOrEmpty(authorName))
            {
                args.AddRange(new[] { "-c", "user.name=" + authorName });
            }

            if (!string.IsNullOrEmpty(authorEmail))
            {
                args.AddRange(new[] { "-c", "user.email=" + authorEmail });
            }

            args.AddRange(new[] { "commit-tree", tree });
            if (parent != null)
            {
                args.AddRange(new[] { "-p", parent });
            }

            args.AddRange(new[] { "-F", "-" });
            string commit = Run(args, stdin: message).Output.Trim();
            Run(parent == null ? new[] { "update-ref", "HEAD", commit } : new[] { "update-ref", "HEAD", commit, parent });
            return commit;
        }

        /// <summary>The commit HEAD points to; null on a branch without commits.</summary>
        public string Head()
        {
            var result = Run(new[] { "rev-parse", "-q", "--verify", "HEAD" }, throwOnError: false);
            return result.ExitCode == 0 ? result.Output.Trim() : null;
        }

        /// <summary>Fetches <paramref name="branch"/> of <paramref name="remote"/>; false when the remote has no such branch yet.</summary>
        public bool Fetch(string remote, string branch)
        {
            branch = string.IsNullOrEmpty(branch) ? CurrentBranch() : branch;
            return Run(new[] { "fetch", "--quiet", remote ?? "origin", "refs/heads/" + branch }, throwOnError: false).ExitCode == 0;
        }

        /// <summary>Starts replaying this branch's own commits onto FETCH_HEAD; false when a file conflicts (the rebase waits).</summary>
        public bool RebaseOntoFetched()
        {
            // --autostash: files a person changed and did not commit (a config edit) are set aside and put back.
            GitResult result = Run(new[] { "-c", "core.editor=true", "rebase", "--quiet", "--autostash", "FETCH_HEAD" }, throwOnError: false);
            if (result.ExitCode != 0 && !RebaseInProgress)
            {
                throw new SecurityOpsException("GitCommandFailed", FailureKind.InvalidOperation, root,
                    $"git rebase failed ({result.ExitCode}) and did not start: {Redact.Urls(result.Error.Trim())}");
            }

            return result.ExitCode == 0;
        }

        /// <summary>True while a rebase waits for its conflicts to be resolved.</summary>
        public bool RebaseInProgress =>
            Directory.Exists(Path.Combine(root, ".git", "rebase-merge")) || Directory.Exists(Path.Combine(root, ".git", "rebase-apply"));

        /// <summary>The files of a waiting rebase that conflict, relative to the root.</summary>
        public IReadOnlyList<string> ConflictedFiles() =>
            Run(new[] { "diff", "--name-only", "--diff-filter=U", "-z" }).Output.Split(new[] { '\0' }, StringSplitOptions.RemoveEmptyEntries);

        /// <summary>A stage of a conflicted file: 2 the upstream being rebased onto, 3 the commit being replayed; null when absent.</summary>
        public string ShowStage(int stage, string path)
        {
            GitResult result = Run(new[] { "show", $":{stage}:{path}" }, throwOnError: false);
            return result.ExitCode == 0 ? result.Output : null;
        }

        /// <summary>Marks a resolved file and goes on with the rebase; false when the next commit conflicts too.</summary>
        public bool ContinueRebase(IEnumerable<string> resolved)
        {
            Run(new[] { "add", "--" }.Concat(resolved));
            return Run(new[] { "-c", "core.editor=true", "rebase", "--continue" }, throwOnError: false).ExitCode == 0;
        }

        public void AbortRebase() => Run(new[] { "rebase", "--abort" }, throwOnError: false);

        /// <summary>
        /// What a git process killed mid-way leaves behind: the index lock (every later git command would fail) and a
        /// rebase in progress (a push killed while replaying). Call only while holding the state's run lock, when no other
        /// git process of SecurityOps can be at work. Returns what was cleared, for the log.
        /// </summary>
        public IReadOnlyList<string> ClearInterruptedOperations()
        {
            var cleared = new List<string>();
            string git = Path.Combine(root, ".git");
            if (Directory.Exists(Path.Combine(git, "rebase-merge")) || Directory.Exists(Path.Combine(git, "rebase-apply")))
            {
                string lockFile = Path.Combine(git, "index.lock");
                if (File.Exists(lockFile))
                {
                    File.Delete(lockFile);
                }

                AbortRebase();
                cleared.Add("a rebase in progress (aborted: the local commits are as they were)");
            }

            string index = Path.Combine(git, "index.lock");
            if (File.Exists(index))
            {
                File.Delete(index);
                cleared.Add(".git/index.lock");
            }

            return cleared;
        }

        /// <summary>Pushes HEAD; false when the remote refused it because it moved on (fetch first, not a fast-forward, a ref lock).</summary>
        public bool TryPush(string remote, string branch, out string refusal)
        {
            branch = string.IsNullOrEmpty(branch) ? CurrentBranch() : branch;
            GitResult result = Run(new[] { "push", "--quiet", remote ?? "origin", "HEAD:refs/heads/" + branch }, throwOnError: false);
            refusal = Redact.Urls(result.Error.Trim());
            if (result.ExitCode == 0)
            {
                return true;
            }

            if (refusal.IndexOf("fetch first", StringComparison.OrdinalIgnoreCase) >= 0 || refusal.IndexOf("non-fast-forward", StringComparison.OrdinalIgnoreCase) >= 0 ||
                refusal.IndexOf("cannot lock ref", StringComparison.OrdinalIgnoreCase) >= 0 || refusal.IndexOf("rejected", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return false;
            }

            throw new SecurityOpsException("GitCommandFailed", FailureKind.InvalidOperation, root, $"git push failed ({result.ExitCode}): {refusal}");
        }

        /// <summary>
        /// The tracked files under <paramref name="folder"/> with a line matching <paramref name="pattern"/> (a basic
        /// regular expression), relative to the root with '/'; git's index makes this fast on a tree of 100,000 files.
        /// </summary>
        public IReadOnlyList<string> TrackedFilesMatching(string pattern, string folder)
        {
            GitResult result = Run(new[] { "grep", "-l", "-I", "-e", pattern, "--", folder }, throwOnError: false);
            return result.ExitCode == 0
                ? result.Output.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).Where(l => l.Length > 0).ToList()
                : (IReadOnlyList<string>)Array.Empty<string>(); // 1: nothing matched
        }

        public string CurrentBranch() => Run(new[] { "rev-parse", "--abbrev-ref", "HEAD" }).Output.Trim();

        public string RemoteUrl(string remote)
        {
            var result = Run(new[] { "remote", "get-url", remote ?? "origin" }, throwOnError: false);
            return result.ExitCode == 0 ? result.Output.Trim() : null;
        }

        /// <summary>
        /// Where `git push REMOTE` goes, as written in the config (remote.REMOTE.pushurl, else remote.REMOTE.url; REMOTE
        /// itself when it is a URL rather than a remote's name) AND as git rewrites it (`git remote get-url --push --all`,
        /// which applies url.BASE.insteadOf and pushInsteadOf): distinct, written ones first. Empty when git knows none.
        /// </summary>
        public IReadOnlyList<string> PushUrls(string remote)
        {
            remote = string.IsNullOrEmpty(remote) ? "origin" : remote;
            var urls = new List<string>();
            void Add(GitResult r)
            {
                if (r.ExitCode == 0)
                {
                    urls.AddRange(r.Output.Split(new[] { '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries).Select(u => u.Trim()).Where(u => u.Length > 0));
                }
            }

            var written = Run(new[] { "config", "--get-all", $"remote.{remote}.pushurl" }, throwOnError: false);
            Add(written.ExitCode == 0 ? written : Run(new[] { "config", "--get-all", $"remote.{remote}.url" }, throwOnError: false));
            if (urls.Count == 0)
            {
                // Not a configured remote: git pushes to it as a URL or path, rewritten by insteadOf.
                urls.Add(remote);
                Add(Run(new[] { "ls-remote", "--get-url", remote }, throwOnError: false));
            }
            else
            {
                Add(Run(new[] { "remote", "get-url", "--push", "--all", remote }, throwOnError: false));
            }

            return urls.Distinct(StringComparer.Ordinal).ToList();
        }

        public GitResult Run(IEnumerable<string> arguments, bool throwOnError = true, string stdin = null)
        {
            var args = arguments.ToList();
            var start = new ProcessStartInfo(GitExecutable)
            {
                WorkingDirectory = root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = stdin != null,
                UseShellExecute = false,
                CreateNoWindow = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                Arguments = string.Join(" ", args.Select(Quote)),
            };

            // Never prompt for credentials in a scheduled run; fail instead.
            start.Environment["GIT_TERMINAL_PROMPT"] = "0";

            Process process;
            try
            {
                process = Process.Start(start);
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
            {
                throw new SecurityOpsException("GitNotFound", FailureKind.ResourceUnavailable, GitExecutable,
                    "git was not found on PATH; install git to keep state in a repository.", ex);
            }

            using (process)
            {
                if (stdin != null)
                {
                    process.StandardInput.Write(stdin);
                    process.StandardInput.Close();
                }

                var stderrTask = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                string error = stderrTask.GetAwaiter().GetResult();
                var result = new GitResult(process.ExitCode, output, error);
                if (throwOnError && result.ExitCode != 0)
                {
                    throw new SecurityOpsException("GitCommandFailed", FailureKind.InvalidOperation, root,
                        $"git {args.FirstOrDefault()} failed ({result.ExitCode}): {Redact.Urls(error.Trim())}");
                }

                return result;
            }
        }

        private static string Quote(string arg)
        {
            if (arg.Length > 0 && arg.IndexOfAny(new[] { ' ', '"', '\t', '\'' }) < 0)
            {
                return arg;
            }

            return "\"" + arg.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        }
    }

    public sealed class GitResult
    {
        public GitResult(int exitCode, string output, string error)
        {
            ExitCode = exitCode;
            Output = output;
            Error = error;
        }

        public int ExitCode { get; }

        public string Output { get; }

        public string Error { get; }
    }
}
