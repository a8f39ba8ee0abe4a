using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SecurityOps.Advisories;
using SecurityOps.Disclosure;
using SecurityOps.GitHub;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.Rotation;
using SecurityOps.State;

namespace SecurityOps.Commands
{
    /// <summary>
    /// What one command works with: the state and its config, the clock, the event sink, the actor, the case store and
    /// policies, the distributors list and templates, the GitHub gateway and the SMTP settings. Each is built on first use
    /// and shared by everything the command does, so a cmdlet asks the session instead of inheriting services from a
    /// chain of base classes. The session belongs to one command invocation and is disposed with it.
    /// </summary>
    internal sealed class CommandSession : IDisposable
    {
        private readonly SecurityOpsCmdlet command;
        private readonly Dictionary<string, DisclosurePolicy> policies = new Dictionary<string, DisclosurePolicy>(StringComparer.OrdinalIgnoreCase);
        private readonly EventRelay relay = new EventRelay();
        private SecurityState state;
        private CaseStore cases;
        private TemplateRenderer templates;
        private MembershipService membership;
        private bool onDutyRead;
        private RotationSlot onDuty;
        private GitHubGateway gateway;
        private bool gitHubOpened;
        private AdvisoryService advisories;

        public CommandSession(SecurityOpsCmdlet command) => this.command = command;

        /// <summary>Who is on duty at a time: the rotation's week in roster.yaml (null without a roster or before its start). A seam for tests.</summary>
        internal static Func<SecurityState, DateTimeOffset, RotationSlot> OnDutyLookup { get; set; } = (s, now) => new RosterStore(s.Files).OnDuty(now);

        /// <summary>
        /// The opened state: -StatePath, else $env:SECURITYOPS_STATE, else the nearest folder at or above the current
        /// location that holds securityops.yaml. A missing or broken state is a terminating error.
        /// </summary>
        public SecurityState State
        {
            get
            {
                if (state == null)
                {
                    try
                    {
                        state = SecurityState.Open(command.ResolveStateRoot());
                    }
                    catch (SecurityOpsException ex)
                    {
                        command.ThrowFailure(ex);
                    }

                    command.WriteVerbose($"Using the state repository at {state.Root}.");
                }

                return state;
            }
        }

        public SecurityConfig Config => State.Config;

        /// <summary>The module's one clock (tests fix it through ModuleContext).</summary>
        public DateTimeOffset Now => ModuleContext.UtcNow;

        /// <summary>
        /// The command's event sink for services: it writes on the pipeline thread, and while a step runs on workers
        /// (<see cref="SecurityOpsCmdlet.RunStep{T}"/>) it points at that step's queue instead.
        /// </summary>
        public EventRelay Events
        {
            get
            {
                if (relay.Target is NullEventSink)
                {
                    relay.Target = new PipelineThreadSink(command);
                }

                return relay;
            }
        }

        /// <summary>The person recorded on timeline events: the given name, else $env:USER / $env:USERNAME, else git's user.name.</summary>
        public string Actor(string given)
        {
            if (!string.IsNullOrWhiteSpace(given))
            {
                return given.Trim();
            }

            string user = Environment.GetEnvironmentVariable("USER") ?? Environment.GetEnvironmentVariable("USERNAME");
            if (!string.IsNullOrWhiteSpace(user))
            {
                return user;
            }

            try
            {
                string name = State.Git.Run(new[] { "config", "user.name" }, throwOnError: false).Output.Trim();
                return string.IsNullOrEmpty(name) ? "unknown" : name;
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                return "unknown";
            }
        }

        public CaseStore Cases => cases ??= new CaseStore(State.Files);

        public TimeSpan DueSoonWindow => TimeSpan.FromHours(Math.Max(0, Config.Disclosure?.DueSoonHours ?? 24));

        /// <summary>The policy a case is handled under (read once per command; a retired preset warns once).</summary>
        public DisclosurePolicy PolicyFor(VulnerabilityCase c)
        {
            string name = c.Policy ?? string.Empty;
            if (!policies.TryGetValue(name, out DisclosurePolicy policy))
            {
                policy = PolicyCatalog.Resolve(State, c.Policy);
                policies[name] = policy;
                if (policy.RetiredMessage != null)
                {
                    command.WriteWarning($"{c.Id}: {policy.RetiredMessage}");
                }
            }

            return policy;
        }

        /// <summary>A policy by name (the state's current one when null).</summary>
        public DisclosurePolicy Policy(string name) => PolicyCatalog.Resolve(State, name);

        /// <summary>Cases by id (exact ids read one file each; wildcards list the folder first); all cases when none.</summary>
        public IEnumerable<VulnerabilityCase> FindCases(string[] ids)
        {
            if (ids == null || ids.Length == 0)
            {
                return Cases.All();
            }

            var patterns = ids.Select(i => new WildcardPattern(i.Trim(), WildcardOptions.IgnoreCase)).ToList();
            return ids.All(i => !WildcardPattern.ContainsWildcardCharacters(i))
                ? ids.Select(i => Cases.GetRequired(i))
                : Cases.Ids().Where(id => patterns.Any(p => p.IsMatch(id))).Select(id => Cases.GetRequired(id));
        }

        /// <summary>The rotation's slot now (read once per command); an unusable roster is a warning and no slot, never a failure of the command.</summary>
        public RotationSlot OnDutySlot
        {
            get
            {
                if (!onDutyRead)
                {
                    onDutyRead = true;
                    try
                    {
                        onDuty = OnDutyLookup(State, Now);
                    }
                    catch (SecurityOpsException ex)
                    {
                        command.WriteWarning($"The rotation could not be read, so no one on duty is known from it: {ex.Message}");
                    }
                }

                return onDuty;
            }
        }

        /// <summary>
        /// The on-duty Primary and Secondary: the given names, else the rotation's current week (roster.yaml), else
        /// reminders.primary / reminders.secondary from the config. Each comes with the address mail goes to: the
        /// value itself when it is an address, else the roster's e-mail of that handle.
        /// </summary>
        public OnDutyTeam OnDuty(string primary, string secondary)
        {
            RotationSlot slot = OnDutySlot;
            Roster roster = slot == null ? null : TryReadRoster();
            (string Who, string Mail) Pick(string given, string rotation, string rotationMail, string configured)
            {
                string who = Clean(given) ?? Clean(rotation) ?? Clean(configured);
                if (who == null)
                {
                    return (null, null);
                }

                string mail = who.Contains("@") ? who
                    : string.Equals(who, rotation, StringComparison.OrdinalIgnoreCase) ? Clean(rotationMail)
                    : Clean(roster?.FindMember(who)?.Email);
                return (who, mail);
            }

            var p = Pick(primary, slot?.Primary, slot?.PrimaryEmail, Config.Reminders?.Primary);
            var s = Pick(secondary, slot?.Secondary, slot?.SecondaryEmail, Config.Reminders?.Secondary);
            return new OnDutyTeam { Primary = p.Who, PrimaryEmail = p.Mail, Secondary = s.Who, SecondaryEmail = s.Mail, Slot = slot };
        }

        public DistributorStore Distributors => new DistributorStore(State.Files);

        public TemplateRenderer Templates => templates ??= new TemplateRenderer(State.Files);

        public MembershipService Membership => membership ??= new MembershipService(Distributors, Templates, Config, name => PolicyCatalog.MembershipCriteria(State, name))
        {
            PgpRequired = name => PolicyCatalog.MembershipPgpRequired(State, name),
            PolicyLink = name => PolicyCatalog.PolicyLink(State, name),
        };

        /// <summary>The config's SMTP settings with a -SmtpServer / -Port given on the command line applied.</summary>
        public SmtpSettings Smtp(string host = null, int? port = null) => SmtpWith(Config, host, port);

        /// <summary>The mailer for the distributors list and direct mail, with the SMTP login and any -SmtpServer / -Port.</summary>
        public DistributorMailer Mailer(PSCredential smtpCredential, string host = null, int? port = null) =>
            DistributorMailer.FromConfig(State.Files, Config, smtpCredential?.GetNetworkCredential(), Smtp(host, port));

        internal static SmtpSettings SmtpWith(SecurityConfig config, string host, int? port)
        {
            SmtpSettings smtp = config.Messaging?.Smtp ?? new SmtpSettings();
            return new SmtpSettings
            {
                Host = host ?? smtp.Host,
                Port = port ?? smtp.Port,
                Security = smtp.Security,
                CertificateThumbprint = smtp.CertificateThumbprint,
                MaxAttempts = smtp.MaxAttempts,
                RetryDelaySeconds = smtp.RetryDelaySeconds,
                TimeoutSeconds = smtp.TimeoutSeconds,
            };
        }

        /// <summary>The GitHub token: -Token or -Credential, else $env:GITHUB_TOKEN, then $env:GH_TOKEN; null when none.</summary>
        public GitHubToken ResolveGitHubToken(GitHubAccess access) => GitHubToken.TryResolve(access?.ExplicitToken);

        /// <summary>
        /// The command's one GitHub gateway (opened on first use, closed with the command, its statistics in -Verbose).
        /// Without a token it is null when <paramref name="offlineAllowed"/> (planning under -WhatIf), else GitHubTokenNotFound.
        /// </summary>
        public GitHubGateway OpenGitHub(GitHubAccess access, bool offlineAllowed = false)
        {
            if (gitHubOpened)
            {
                if (gateway == null && !offlineAllowed)
                {
                    command.ThrowFailure(GitHubToken.NotFound());
                }

                return gateway;
            }

            gitHubOpened = true;
            GitHubSettings github = Config.GitHub ?? new GitHubSettings();
            GitHubToken token = null;
            Uri apiUrl = null;
            try
            {
                apiUrl = GitHubGatewayOptions.ParseApiUrl(access?.ApiUrl ?? github.ApiUrl);
                token = ResolveGitHubToken(access);
            }
            catch (SecurityOpsException ex)
            {
                command.ThrowFailure(ex);
            }

            if (token == null)
            {
                if (!offlineAllowed)
                {
                    command.ThrowFailure(GitHubToken.NotFound());
                }

                command.WriteVerbose("No GitHub token: planning offline.");
                return null;
            }

            command.WriteVerbose($"GitHub at {apiUrl} with the {token}.");
            gateway = new GitHubGateway(GitHubGatewayOptions.From(github, apiUrl, token, Events));
            return gateway;
        }

        public AdvisorySettings AdvisorySettings => Config.Advisories ?? new AdvisorySettings();

        /// <summary>The advisory service over the command's gateway (none when planning offline is allowed and there is no token).</summary>
        public AdvisoryService Advisories(GitHubAccess access, bool offlineAllowed)
        {
            if (advisories == null)
            {
                GitHubGateway github = OpenGitHub(access, offlineAllowed);
                advisories = new AdvisoryService(Cases, github == null ? null : new AdvisoryApi(github), AdvisorySettings, Events);
            }

            return advisories;
        }

        /// <summary>Closes the GitHub gateway, saying what it did.</summary>
        public void CloseGitHub()
        {
            if (gateway != null)
            {
                command.WriteVerbose($"GitHub: {gateway.Statistics.Requests} request(s), {gateway.Statistics.Writes} write(s), {gateway.Statistics.Retries} retried, {gateway.Statistics.Waited.TotalSeconds:0} s waited.");
                gateway.Dispose();
                gateway = null;
            }
        }

        public void Dispose()
        {
            gateway?.Dispose();
            gateway = null;
        }

        private static string Clean(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        private Roster TryReadRoster()
        {
            try
            {
                return State.Files.Read<Roster>(Roster.FileName);
            }
            catch (SecurityOpsException)
            {
                return null;
            }
        }
    }

    /// <summary>The GitHub parameters of a command in their one shape: the API root and the explicit token (either may be null).</summary>
    internal sealed class GitHubAccess
    {
        public GitHubAccess(string apiUrl, GitHubToken explicitToken)
        {
            ApiUrl = apiUrl;
            ExplicitToken = explicitToken;
        }

        public string ApiUrl { get; }

        public GitHubToken ExplicitToken { get; }
    }

    /// <summary>Who is told: the on-duty Primary and the Secondary (handles or addresses) and where their mail goes.</summary>
    internal sealed class OnDutyTeam
    {
        public string Primary { get; set; }

        public string PrimaryEmail { get; set; }

        public string Secondary { get; set; }

        public string SecondaryEmail { get; set; }

        /// <summary>The rotation's week, when roster.yaml has one for now.</summary>
        public RotationSlot Slot { get; set; }
    }
}
