using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SecurityOps.Disclosure;
using SecurityOps.Messaging;
using SecurityOps.Model;
using SecurityOps.State;

namespace SecurityOps.Intake
{
    /// <summary>
    /// Replies to the reporter of a case, from templates (reporter-acknowledgement, reporter-status,
    /// reporter-public-date, reporter-credit; a state's templates/ folder overrides them): addressed to the case's
    /// reporter, encrypted when the state keeps the reporter's key (keys/reporters), and recorded on the timeline. The
    /// acknowledgement moves a received case to acknowledged, so the policy's acknowledgement milestone is met by the
    /// reply that was sent.
    /// </summary>
    internal static class ReporterReplies
    {
        public static readonly string[] Kinds = { "Acknowledgement", "Status", "PublicDate", "Credit" };

        public static string Template(string kind) =>
            kind == "PublicDate" ? "reporter-public-date" : "reporter-" + kind.ToLowerInvariant();

        public static RenderedMessage Render(TemplateRenderer templates, SecurityConfig config, VulnerabilityCase c, string kind, string note)
        {
            if (string.IsNullOrWhiteSpace(c.Reporter) || !c.Reporter.Contains("@"))
            {
                throw new SecurityOpsException("ReporterAddressMissing", FailureKind.InvalidData, c.Id,
                    $"{c.Id} has no reporter mail address ('{c.Reporter}'): there is no one to reply to. A report that came through GitHub is answered in its advisory.");
            }

            if (kind == "PublicDate" && c.PlannedPublicDate == null)
            {
                throw new SecurityOpsException("TemplateFieldsMissing", FailureKind.InvalidData, c.Id,
                    $"{c.Id} has no planned public date to tell the reporter: Set-VulnerabilityReport {c.Id} -PlannedPublicDate 'YYYY-MM-DDTHH:MM:SSZ'.");
            }

            var model = new Dictionary<string, object>
            {
                ["project"] = new Dictionary<string, object> { ["name"] = config.Project?.Name, ["securityContact"] = config.Project?.SecurityContact },
                ["team"] = new Dictionary<string, object> { ["name"] = config.Messaging?.TeamName ?? (config.Project?.Name + " security team"), ["from"] = config.Messaging?.From },
                ["case"] = CaseMessageModel.For(c),
                ["reply"] = new Dictionary<string, object> { ["note"] = note?.Trim(), ["hasNote"] = !string.IsNullOrWhiteSpace(note), ["status"] = c.Status },
            };
            return templates.Render(Template(kind), model, c.Reporter.Trim());
        }

        /// <summary>The reporter's armored public key from keys/reporters (a user id with their address); null when the state has none.</summary>
        public static string ReporterKey(StateRepository files, string address)
        {
            string folder = files.FullPath(ReportInbox.ReporterKeysFolder);
            if (!Directory.Exists(folder) || string.IsNullOrWhiteSpace(address))
            {
                return null;
            }

            foreach (string file in Directory.EnumerateFiles(folder, "*.asc").OrderBy(f => f, StringComparer.Ordinal))
            {
                string armored = File.ReadAllText(file);
                OpenPgpKeyInfo info = OpenPgpKeys.Inspect(armored, ModuleContext.UtcNow);
                if (info.Readable && info.UserIds.Any(u => u.IndexOf(address.Trim(), StringComparison.OrdinalIgnoreCase) >= 0))
                {
                    return armored;
                }
            }

            return null;
        }

        /// <summary>The case with the sent reply on its timeline (and, for the acknowledgement of a received case, acknowledged).</summary>
        public static VulnerabilityCase Record(VulnerabilityCase original, string kind, MailDelivery delivery, bool encrypted, string actor, DateTimeOffset now)
        {
            VulnerabilityCase c = kind == "Acknowledgement" && original.Status == CaseStatus.Received
                ? CaseWorkflow.Apply(original, new CaseChange { Status = CaseStatus.Acknowledged, Reason = "Acknowledged by mail to the reporter." }, actor, now)
                : CaseStore.Clone(original);
            c.Timeline.Add(new CaseEvent
            {
                At = now, Actor = actor, Kind = "reporter-reply",
                What = $"{kind} sent to the reporter {delivery.Recipient}{(encrypted ? ", encrypted to their key" : string.Empty)} ({delivery.MessageId}).",
            });
            return c;
        }
    }
}
