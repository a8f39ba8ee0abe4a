using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using SecurityOps.Model;

namespace SecurityOps.State
{
    /// <summary>An opened state repository: its files, its git and its configuration.</summary>
    public sealed class SecurityState
    {
        public static readonly string[] RecordFolders = { "cves", "cases", "templates", "retrospectives", "advisories" };

        private SecurityConfig config;

        private SecurityState(string root)
        {
            Files = new StateRepository(root);
            Git = new GitRepository(Files.Root);
        }

        /// <summary>What the state holds, counted from file names (no record is parsed), and what git has pending.</summary>
        public SecurityStateInfo Describe()
        {
            bool isGit = Git.IsRepository;
            return new SecurityStateInfo
            {
                StatePath = Root,
                ProjectName = Config.Project?.Name,
                IsGitRepository = isGit,
                CveCount = Files.EnumerateFiles("cves", "CVE-*.yaml", recursive: true).Count(),
                CaseCount = Files.EnumerateFiles("cases", "*.yaml", recursive: false).Count(),
                PendingChanges = isGit ? Git.Status().Select(c => c.Path).ToList() : (IReadOnlyList<string>)Array.Empty<string>(),
            };
        }

        public StateRepository Files { get; }

        public GitRepository Git { get; }

        public string Root => Files.Root;

        public SecurityConfig Config
        {
            get
            {
                if (config == null)
                {
                    config = Files.Read<SecurityConfig>(StateRepository.ConfigFileName) ?? new SecurityConfig();
                    Files.LockTimeout = TimeSpan.FromSeconds(Math.Max(0, config.State?.LockTimeoutSeconds ?? 30));
                }

                return config;
            }
        }

        /// <summary>Opens an initialized state; a folder without securityops.yaml is a clear StateNotFound error.</summary>
        public static SecurityState Open(string root)
        {
            if (string.IsNullOrWhiteSpace(root))
            {
                throw new SecurityOpsException("StateNotFound", FailureKind.ObjectNotFound, root,
                    "No state repository was given or found. Pass -StatePath, set $env:SECURITYOPS_STATE, or run Initialize-SecurityState.");
            }

            var state = new SecurityState(root);
            if (!state.Files.IsInitialized)
            {
                throw new SecurityOpsException("StateNotFound", FailureKind.ObjectNotFound, state.Root,
                    $"{state.Root} is not a SecurityOps state repository (no {StateRepository.ConfigFileName}). Run Initialize-SecurityState -Path '{state.Root}'.");
            }

            _ = state.Config; // parse now: a broken config is reported before any work starts
            return state;
        }

        /// <summary>
        /// Creates the layout in <paramref name="root"/> (git init when needed). Existing files are left as they are,
        /// so running it again on a live state is harmless. Returns the paths it created.
        /// </summary>
        public static InitializeResult Initialize(string root, bool initGit)
        {
            var state = new SecurityState(root);
            var result = new InitializeResult(state.Root);
            Directory.CreateDirectory(state.Root);
            using (state.Files.AcquireLock())
            {
                foreach (var (file, resource) in new[]
                {
                    (StateRepository.ConfigFileName, "securityops.yaml"),
                    ("roster.yaml", "roster.yaml"),
                    (".gitignore", "state.gitignore"),
                })
                {
                    if (!state.Files.Exists(file))
                    {
                        state.Files.WriteTextAtomic(file, EmbeddedResources.ReadText(resource));
                        result.Created.Add(file);
                    }
                }

                foreach (string folder in RecordFolders)
                {
                    string path = state.Files.FullPath(folder);
                    if (!Directory.Exists(path))
                    {
                        Directory.CreateDirectory(path);
                        // git keeps no empty folders; a marker keeps the layout visible in a fresh clone.
                        state.Files.WriteTextAtomic(folder + "/.gitkeep", string.Empty);
                        result.Created.Add(folder + "/");
                    }
                }
            }

            if (initGit && !state.Git.IsRepository)
            {
                state.Git.Init();
                result.GitInitialized = true;
            }

            return result;
        }
    }

    public sealed class InitializeResult
    {
        public InitializeResult(string root) => Root = root;

        public string Root { get; }

        public System.Collections.Generic.List<string> Created { get; } = new System.Collections.Generic.List<string>();

        public bool GitInitialized { get; set; }
    }

    /// <summary>Text files shipped inside the module (default config, templates, presets, schemas).</summary>
    internal static class EmbeddedResources
    {
        public static string ReadText(string name)
        {
            Assembly assembly = typeof(EmbeddedResources).Assembly;
            using Stream stream = assembly.GetManifestResourceStream("SecurityOps.Resources." + name)
                ?? throw new InvalidOperationException("Missing embedded resource " + name);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }

        public static Stream Open(string name) =>
            typeof(EmbeddedResources).Assembly.GetManifestResourceStream("SecurityOps.Resources." + name);
    }
}
