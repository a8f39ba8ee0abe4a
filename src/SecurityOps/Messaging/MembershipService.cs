using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using SecurityOps.Model;

namespace SecurityOps.Messaging
{
    /// <summary>
    /// The distributors list's life: requests (from parameters or a request mail), their checks, approval with a
    /// welcome message, denial, removal with a notice, and the list's health.
    /// </summary>
    internal sealed class MembershipService
    {
        private static readonly Regex MailAddress = new Regex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant);
        private static readonly Regex KeyBlock = new Regex(@"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        private static readonly Regex SubjectHeader = new Regex(@"^Subject:[ \t]*(?<s>.+)$", RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex FromHeader = new Regex(@"^From:[ \t]*(?<s>.+)$", RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly string[] TeamWords =
        {
            "security", "secure", "sec", "psirt", "cert", "csirt", "response", "team", "announce", "distro", "distros",
            "vuln", "vulns", "vulnerability", "incident", "incidents", "product-security", "secalert", "oss", "disclosure", "alerts", "alert",
        };

        private readonly DistributorStore store;
        private readonly TemplateRenderer templates;
        private readonly Model.SecurityConfig config;
        private readonly Func<string, IList<MembershipCriterion>> criteriaSource;

        /// <param name="criteria">
        /// The membership criteria by name (oci, kubeedge, a policy's name): they live in the disclosure policy
        /// (distributors.membershipCriteria), the one source of truth; the caller resolves them there. Needed only by
        /// <see cref="CreateRequest"/> and <see cref="Test"/>.
        /// </param>
        public MembershipService(DistributorStore store, TemplateRenderer templates, Model.SecurityConfig config, Func<string, IList<MembershipCriterion>> criteria = null)
        {
            this.store = store;
            this.templates = templates;
            this.config = config ?? new Model.SecurityConfig();
            criteriaSource = criteria;
        }

        /// <summary>
        /// Whether the policy named by the criteria (oci, kubeedge...) requires members to handle PGP-encrypted mail
        /// (distributors.requiresPgp). Unknown (null): required, as every notice this module sends is encrypted.
        /// </summary>
        public Func<string, bool> PgpRequired { get; set; }

        /// <summary>The published policy (its first source) of the criteria named (oci, kubeedge...): the welcome links to it (OCI's does).</summary>
        public Func<string, string> PolicyLink { get; set; }

        /// <summary>The criteria a request named <paramref name="name"/> is tested against, from the policy.</summary>
        public List<MembershipCriterion> Criteria(string name)
        {
            if (criteriaSource == null)
            {
                throw new InvalidOperationException("This MembershipService was made without a source of membership criteria.");
            }

            return criteriaSource(name).ToList();
        }

        public string CriteriaName => config.Messaging?.MembershipCriteria ?? "oci";

        /// <summary>Reads a request mail's answers by its structure (see <see cref="RequestMailParser"/>).</summary>
        public static List<CriterionAnswer> ParseAnswers(string mailText, IList<MembershipCriterion> criteria) => RequestMailParser.Parse(mailText, criteria);

        public MembershipRequest CreateRequest(MembershipRequest request, string mailText)
        {
            List<MembershipCriterion> criteria = Criteria(request.Criteria ?? CriteriaName);
            request.Criteria = request.Criteria ?? CriteriaName;
            if (!string.IsNullOrWhiteSpace(mailText))
            {
                request.MailText = mailText;
                var parsed = ParseAnswers(mailText, criteria);
                foreach (CriterionAnswer answer in parsed)
                {
                    if (!request.Answers.Any(a => a.Criterion == answer.Criterion))
                    {
                        request.Answers.Add(answer);
                    }
                }

                request.PublicKey = request.PublicKey ?? KeyBlock.Match(mailText).Value.NullIfEmpty();
                string aliasAnswer = parsed.FirstOrDefault(a => a.Criterion == IdOfCheck(criteria, "alias"))?.Answer;
                request.SecurityAlias = request.SecurityAlias ?? (aliasAnswer == null ? null : MailAddress.Match(aliasAnswer).Value.NullIfEmpty());
                Match subject = SubjectHeader.Match(mailText);
                if (request.Organisation == null && subject.Success)
                {
                    Match org = Regex.Match(subject.Groups["s"].Value, @"^(?<o>.+?)\s+(membership|request)\b", RegexOptions.IgnoreCase);
                    request.Organisation = org.Success ? org.Groups["o"].Value.Trim() : null;
                }

                Match from = FromHeader.Match(mailText);
                request.Requester = request.Requester ?? (from.Success ? from.Groups["s"].Value.Trim() : null);
                request.Vouch = request.Vouch ?? parsed.FirstOrDefault(a => a.Criterion == IdOfCheck(criteria, "vouch"))?.Answer.NullIfEmpty();
            }

            // The voucher is a named person of an active member, read from the applicant's words; when no one is found
            // the words are kept and Test-MembershipRequest says which names were tried.
            request.Vouch = request.Vouch?.Trim().NullIfEmpty();
            request.VouchedBy = request.VouchedByPerson = request.VouchedByEmail = null;
            request.VouchConfirmed = null;
            request.VouchConfirmedBy = request.VouchConfirmedMember = null;
            VoucherResolution voucher = Vouchers.Resolve(request.Vouch, store.Load().Members);
            if (voucher.Resolved)
            {
                request.VouchedBy = voucher.Member.Id;
                request.VouchedByPerson = voucher.Person.Name;
                request.VouchedByEmail = voucher.Person.Email;
            }

            if (string.IsNullOrWhiteSpace(request.Organisation))
            {
                throw new SecurityOpsException("MembershipOrganisationMissing", FailureKind.InvalidArgument, request.Id,
                    "The request names no organisation: pass -Organisation (it could not be read from the mail's Subject).");
            }

            request.Id = request.Id ?? Slug(request.Organisation);
            if (!DistributorStore.IsValidId(request.Id))
            {
                throw new SecurityOpsException("MembershipRequestIdInvalid", FailureKind.InvalidArgument, request.Id,
                    $"'{request.Id}' cannot be a member id (letters, digits, '.', '_', '-'; up to 64).");
            }

            request.Distribution = request.Distribution ?? request.Organisation;
            request.Status = "pending";
            request.Received = request.Received ?? ModuleContext.UtcNow;
            using (store.Files.AcquireLock())
            {
                if (store.RequestExists(request.Id))
                {
                    throw new SecurityOpsException("MembershipRequestExists", FailureKind.ResourceExists, request.Id,
                        $"A membership request '{request.Id}' already exists; pass another -Id.");
                }

                if (store.Load().Members.Any(m => string.Equals(m.Id, request.Id, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new SecurityOpsException("DistributorMemberExists", FailureKind.ResourceExists, request.Id,
                        $"'{request.Id}' is already on the distributors list.");
                }

                store.SaveRequest(request);
            }

            return request;
        }

        public List<MembershipCheckResult> Test(MembershipRequest request)
        {
            DateTimeOffset now = ModuleContext.UtcNow;
            var results = new List<MembershipCheckResult>();
            DistributorList list = store.Load();
            foreach (MembershipCriterion criterion in Criteria(request.Criteria ?? CriteriaName))
            {
                CriterionAnswer answer = request.Answers?.FirstOrDefault(a => a.Criterion == criterion.Id);
                bool answered = !string.IsNullOrWhiteSpace(answer?.Answer);
                results.Add(Result(request, criterion.Id, "Answered", answered,
                    answered ? Shorten(answer.Answer) : $"No answer to: {criterion.Text}"));
                switch (criterion.Check)
                {
                    case "alias":
                        results.Add(CheckAlias(request, criterion.Id));
                        break;
                    case "vouch":
                        results.AddRange(CheckVouch(request, list, criterion.Id));
                        break;
                }
            }

            bool keyRequired = PgpRequired?.Invoke(request.Criteria ?? CriteriaName) ?? true;
            if (!keyRequired && string.IsNullOrWhiteSpace(request.PublicKey))
            {
                // distributors.requiresPgp false (KubeEdge's list asks for no key): the member may join without one, and
                // gets no embargoed notice until it gives one (every notice is encrypted).
                results.Add(Result(request, "pgp-key", "PgpKeyPresent", true,
                    "No OpenPGP public key; the policy does not require one (distributors.requiresPgp), but embargoed notices go encrypted only: none reach this member until Update-DistributorKey gives it a key."));
                return results;
            }

            results.AddRange(CheckKey(request.Id, request.PublicKey, now));
            return results;
        }

        public MembershipDecision Approve(string requestId, bool force)
        {
            MembershipRequest request = store.GetRequest(requestId);
            RequirePending(request);
            List<MembershipCheckResult> failed = Test(request).Where(r => !r.Passed).ToList();
            bool keyFailed = failed.Any(r => r.Criterion == "pgp-key");
            if (keyFailed || (failed.Count > 0 && !force))
            {
                throw new SecurityOpsException("MembershipChecksFailed", FailureKind.InvalidData, requestId,
                    $"Request '{requestId}' fails {failed.Count} check(s): {string.Join("; ", failed.Select(f => f.Check + " (" + f.Criterion + ")"))}. " +
                    (keyFailed ? "A member needs a usable OpenPGP key (distributors.requiresPgp); -Force does not override that." : "Run Test-MembershipRequest; -Force approves anyway.")
                    + (failed.Any(f => f.Check == "VouchConfirmed") ? " A vouch counts once the named person confirms it (Confirm-MembershipVouch)." : string.Empty));
            }

            OpenPgpKeyInfo key = string.IsNullOrWhiteSpace(request.PublicKey) ? null : OpenPgpKeys.Inspect(request.PublicKey, ModuleContext.UtcNow);
            VoucherResolution vouch = Voucher(request, store.Load());
            bool vouchConfirmed = IsVouchConfirmed(request, vouch);
            var member = new DistributorMember
            {
                Id = request.Id,
                Organisation = request.Organisation,
                Distribution = request.Distribution,
                SecurityAlias = request.SecurityAlias,
                PublicKey = key == null ? null : request.PublicKey.Trim() + "\n",
                Fingerprint = key?.Fingerprint,
                Joined = ModuleContext.UtcNow,
                VouchedBy = vouch.Resolved ? vouch.Member.Id : null,
                VouchedByPerson = vouchConfirmed ? Vouchers.Format(vouch.Person) : null,
                VouchConfirmed = vouchConfirmed ? request.VouchConfirmed : null,
                RequestId = request.Id,
                Answers = request.Answers,
                Status = "active",
            };

            Dictionary<string, object> welcomeModel = Model(member);
            string policyLink = PolicyLink?.Invoke(request.Criteria ?? CriteriaName);
            welcomeModel["policy"] = new Dictionary<string, object> { ["url"] = policyLink, ["hasUrl"] = !string.IsNullOrWhiteSpace(policyLink) };
            RenderedMessage welcome = templates.Render("welcome", welcomeModel, member.SecurityAlias);
            store.Update(list =>
            {
                if (list.Members.Any(m => string.Equals(m.Id, member.Id, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new SecurityOpsException("DistributorMemberExists", FailureKind.ResourceExists, member.Id, $"'{member.Id}' is already on the distributors list.");
                }

                list.Members.Add(member);
                return true;
            });
            request.Status = "approved";
            request.Decided = ModuleContext.UtcNow;
            request.DecisionReason = failed.Count > 0 ? "approved with -Force despite: " + string.Join(", ", failed.Select(f => f.Check)) : null;
            store.SaveRequest(request);
            return new MembershipDecision { RequestId = request.Id, MemberId = member.Id, Decision = "approved", Reason = request.DecisionReason, At = request.Decided.Value, Message = welcome };
        }

        public MembershipDecision Deny(string requestId, string reason)
        {
            MembershipRequest request = store.GetRequest(requestId);
            RequirePending(request);
            var model = BaseModel();
            model["request"] = new Dictionary<string, object>
            {
                ["id"] = request.Id, ["organisation"] = request.Organisation, ["distribution"] = request.Distribution,
            };
            model["decision"] = new Dictionary<string, object> { ["reason"] = reason };
            RenderedMessage message = templates.Render("membership-denied", model, request.SecurityAlias);
            request.Status = "denied";
            request.Decided = ModuleContext.UtcNow;
            request.DecisionReason = reason;
            store.SaveRequest(request);
            return new MembershipDecision { RequestId = request.Id, Decision = "denied", Reason = reason, At = request.Decided.Value, Message = message };
        }

        public MembershipDecision Remove(string memberId, string reason)
        {
            DateTimeOffset now = ModuleContext.UtcNow;
            DistributorMember current = store.Get(memberId);
            if (!current.IsActive && string.Equals(current.Status, "removed", StringComparison.OrdinalIgnoreCase))
            {
                throw new SecurityOpsException("DistributorMemberAlreadyRemoved", FailureKind.InvalidOperation, memberId, $"'{memberId}' was already removed on {current.Removed:yyyy-MM-dd}.");
            }

            var model = Model(current);
            model["removal"] = new Dictionary<string, object> { ["reason"] = reason, ["date"] = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
            RenderedMessage notice = templates.Render("removal", model, current.SecurityAlias);
            store.Update(list =>
            {
                DistributorMember member = list.Members.First(m => string.Equals(m.Id, memberId, StringComparison.OrdinalIgnoreCase));
                member.Status = "removed";
                member.RemovalReason = reason;
                member.Removed = now;
                member.FlaggedForRemoval = false;
                return member;
            });
            return new MembershipDecision { MemberId = current.Id, Decision = "removed", Reason = reason, At = now, Message = notice };
        }

        /// <summary>
        /// The person who vouches for a request: the one recorded when it was made (still a person of a member), or,
        /// when none was found then, read again from the applicant's words against the list as it is now.
        /// </summary>
        public static VoucherResolution Voucher(MembershipRequest request, DistributorList list)
        {
            if (request.VouchedBy == null || (request.VouchedByPerson == null && request.VouchedByEmail == null))
            {
                return Vouchers.Resolve(request.Vouch ?? request.VouchedBy, list.Members);
            }

            var result = new VoucherResolution();
            string who = Vouchers.Format(new MemberPerson { Name = request.VouchedByPerson, Email = request.VouchedByEmail });
            result.Tried.Add($"the person {who} of {request.VouchedBy}");
            result.Member = list.Members.FirstOrDefault(m => string.Equals(m.Id, request.VouchedBy, StringComparison.OrdinalIgnoreCase));
            result.Person = Vouchers.Find(result.Member, request.VouchedByPerson, request.VouchedByEmail);
            result.Problem = result.Member == null ? $"The request names {who} of {request.VouchedBy}, and '{request.VouchedBy}' is no longer on the list."
                : result.Person == null ? $"The request names {who} of {request.VouchedBy}, who is no longer one of its people ({string.Join(", ", result.Member.People.Select(Vouchers.Format))})."
                : !result.Member.IsActive ? $"The request names {who} of {request.VouchedBy}, which is {result.Member.Status}, not active."
                : null;
            return result;
        }

        /// <summary>Whether the request's vouch was confirmed by the very person it names, of an active member.</summary>
        public static bool IsVouchConfirmed(MembershipRequest request, VoucherResolution vouch) =>
            vouch.Resolved && request.VouchConfirmed != null
            && string.Equals(request.VouchConfirmedMember, vouch.Member.Id, StringComparison.OrdinalIgnoreCase)
            && Vouchers.Is(vouch.Person, request.VouchConfirmedBy);

        private static IEnumerable<MembershipCheckResult> CheckVouch(MembershipRequest request, DistributorList list, string criterionId)
        {
            VoucherResolution vouch = Voucher(request, list);
            yield return Result(request, criterionId, "VouchedByActiveMember", vouch.Resolved,
                vouch.Resolved ? $"Vouched for by {vouch.Describe()}." : vouch.Problem);
            bool confirmed = IsVouchConfirmed(request, vouch);
            yield return Result(request, criterionId, "VouchConfirmed", confirmed,
                confirmed ? $"Confirmed by {request.VouchConfirmedBy} of {request.VouchConfirmedMember} on {request.VouchConfirmed:yyyy-MM-dd HH:mm}Z."
                : !vouch.Resolved ? "No vouch to confirm: the request names no person of an active member."
                : request.VouchConfirmed == null ? $"{vouch.Describe()} has not confirmed the vouch yet: once they do, record it with Confirm-MembershipVouch {request.Id} -By '{vouch.Person.Email ?? vouch.Person.Name}'."
                : $"The vouch was confirmed by {request.VouchConfirmedBy} of {request.VouchConfirmedMember}, not by {vouch.Describe()} whom the request names.");
        }

        /// <summary>
        /// Checks that <paramref name="by"/> is the person the request names as voucher, of an active member, and
        /// returns who that is; a clear error otherwise. Nothing is written.
        /// </summary>
        public VoucherResolution CheckVouchConfirmation(MembershipRequest request, string by)
        {
            RequirePending(request);
            VoucherResolution vouch = Voucher(request, store.Load());
            if (!vouch.Resolved)
            {
                throw new SecurityOpsException("VouchNotResolved", FailureKind.InvalidData, request.Id,
                    $"Request '{request.Id}' has no vouch that can be confirmed: {vouch.Problem}");
            }

            if (!Vouchers.Is(vouch.Person, by))
            {
                throw new SecurityOpsException("VouchConfirmerMismatch", FailureKind.SecurityError, request.Id,
                    $"'{by}' is not {vouch.Describe()}, whom request '{request.Id}' names as its voucher: only that person can confirm the vouch (give their name or address as on the member's record).");
            }

            return vouch;
        }

        /// <summary>Records that the named voucher confirmed the vouch (Confirm-MembershipVouch).</summary>
        public MembershipRequest ConfirmVouch(string requestId, string by)
        {
            using (store.Files.AcquireLock())
            {
                MembershipRequest request = store.GetRequest(requestId);
                VoucherResolution vouch = CheckVouchConfirmation(request, by);
                request.VouchedBy = vouch.Member.Id;
                request.VouchedByPerson = vouch.Person.Name;
                request.VouchedByEmail = vouch.Person.Email;
                request.VouchConfirmedBy = Vouchers.Format(vouch.Person);
                request.VouchConfirmedMember = vouch.Member.Id;
                request.VouchConfirmed = ModuleContext.UtcNow;
                store.SaveRequest(request);
                return request;
            }
        }

        /// <summary>The list's health: expiring or expired keys, swapped keys, members without a usable key, removals due.</summary>
        public List<DistributorHealthFinding> Health(int warningDays)
        {
            DateTimeOffset now = ModuleContext.UtcNow;
            var findings = new List<DistributorHealthFinding>();
            foreach (DistributorMember member in store.Load().Members.Where(m => !string.Equals(m.Status, "removed", StringComparison.OrdinalIgnoreCase)))
            {
                if (member.FlaggedForRemoval)
                {
                    findings.Add(Finding(member, "FlaggedForRemoval", "warning", $"{member.OffenseCount} offense(s) recorded; the removal notice is ready (Remove-DistributorMember).", null));
                }

                if (!member.IsActive)
                {
                    continue;
                }

                try
                {
                    OpenPgpKeyInfo key = OpenPgpKeys.RequireUsable(member, now);
                    DateTimeOffset? expires = new[] { key.Expires, key.EncryptionKeyExpires }.Where(e => e != null).OrderBy(e => e).FirstOrDefault();
                    if (expires != null && expires <= now.AddDays(warningDays))
                    {
                        findings.Add(Finding(member, "KeyExpiringSoon", "warning",
                            $"Key {key.Fingerprint} (or its encryption subkey) expires on {expires:yyyy-MM-dd}, in {Math.Max(0, (int)Math.Ceiling((expires.Value - now).TotalDays))} day(s): ask {member.SecurityAlias} for an extended or new key.", expires));
                    }
                }
                catch (SecurityOpsException ex)
                {
                    string finding = ex.ErrorId == "PgpKeyExpired" ? "KeyExpired"
                        : ex.ErrorId == "PgpKeyFingerprintMismatch" ? "FingerprintMismatch"
                        : "NoUsableKey";
                    findings.Add(Finding(member, finding, "error", ex.Message + " Notices to this member are refused.",
                        OpenPgpKeys.Inspect(member.PublicKey, now).Expires));
                }

                // OCI and KubeEdge unsubscribe a member who stops meeting a criterion after joining: re-check those the
                // module can check (the security alias is still a team's alias, not one person's address).
                MembershipCheckResult alias = CheckAlias(new MembershipRequest { Id = member.Id, SecurityAlias = member.SecurityAlias }, "security-alias");
                if (!alias.Passed)
                {
                    findings.Add(Finding(member, "CriterionLapsed", "error",
                        $"security-alias: {alias.Detail} A member who stops meeting a criterion is unsubscribed: ask for a team alias, or Remove-DistributorMember {member.Id}.", null));
                }

                if (member.TestMessageSent != null && (member.LastConfirmed == null || member.LastConfirmed < member.TestMessageSent))
                {
                    DateTimeOffset sent = member.TestMessageSent.Value;
                    string confirmed = member.LastConfirmed == null ? "has never confirmed one" : $"last confirmed one on {member.LastConfirmed:yyyy-MM-dd}";
                    string detail = now > sent.AddDays(TestMessageCodes.ValidDays)
                        ? $"The test message sent {sent:yyyy-MM-dd} was not confirmed within {TestMessageCodes.ValidDays} days and its code has expired; the member {confirmed}. Send a new one (Send-DistributorTestMessage {member.Id})."
                        : $"The test message sent {sent:yyyy-MM-dd} is not confirmed yet (Confirm-DistributorTestMessage {member.Id} -Code <code> once the member quotes it); the member {confirmed}.";
                    findings.Add(Finding(member, "TestMessageUnconfirmed", "warning", detail, null));
                }
            }

            return findings;
        }

        /// <summary>Records that a person confirmed a member's new key (its fingerprint checked out of band).</summary>
        public DistributorMember ConfirmKey(string memberId, string publicKey, string confirmedFingerprint)
        {
            DateTimeOffset now = ModuleContext.UtcNow;
            return store.Update(list =>
            {
                DistributorMember member = list.Members.FirstOrDefault(m => string.Equals(m.Id, memberId, StringComparison.OrdinalIgnoreCase))
                    ?? throw new SecurityOpsException("DistributorMemberNotFound", FailureKind.ObjectNotFound, memberId, $"No member '{memberId}' on the distributors list.");
                string armored = string.IsNullOrWhiteSpace(publicKey) ? member.PublicKey : publicKey.Trim() + "\n";
                OpenPgpKeyInfo key = OpenPgpKeys.Inspect(armored, now);
                string expected = OpenPgpKeys.NormalizeFingerprint(confirmedFingerprint);
                if (!key.Readable || key.Fingerprint != expected)
                {
                    throw new SecurityOpsException("PgpKeyFingerprintMismatch", FailureKind.SecurityError, memberId,
                        $"The key's fingerprint is {key.Fingerprint ?? "(unreadable)"}, not the confirmed {expected}: nothing was changed.");
                }

                member.PublicKey = armored;
                member.Fingerprint = key.Fingerprint;
                OpenPgpKeys.RequireUsable(member, now);
                return member;
            });
        }

        public Dictionary<string, object> Model(DistributorMember member)
        {
            var model = BaseModel();
            model["member"] = new Dictionary<string, object>
            {
                ["id"] = member.Id,
                ["organisation"] = member.Organisation,
                ["distribution"] = member.Distribution,
                ["securityAlias"] = member.SecurityAlias,
                ["fingerprint"] = FormatFingerprint(member.Fingerprint),
                ["hasKey"] = !string.IsNullOrWhiteSpace(member.Fingerprint),
                ["joined"] = member.Joined?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["vouchedBy"] = member.VouchedByPerson != null ? member.VouchedByPerson + " of " + member.VouchedBy : member.VouchedBy,
                ["people"] = (member.People ?? new List<MemberPerson>()).Select(p => (object)new Dictionary<string, object> { ["name"] = p.Name, ["email"] = p.Email, ["role"] = p.Role }).ToList(),
            };
            return model;
        }

        /// <summary>
        /// The blank request an applicant fills in (OCI's example, in our words): each criterion of the policy quoted and
        /// numbered, a place for the answer under it, and a place for the OpenPGP key. New-MembershipRequest -MailText
        /// reads a filled-in form back by the same structure.
        /// </summary>
        public string RequestForm(string criteriaName)
        {
            string name = string.IsNullOrWhiteSpace(criteriaName) ? CriteriaName : criteriaName.Trim();
            List<MembershipCriterion> criteria = Criteria(name);
            var text = new System.Text.StringBuilder();
            text.Append("To: ").Append(config.Project?.SecurityContact ?? "(the project's security address)").Append('\n');
            text.Append("Subject: <Your organisation> Membership to the ").Append(config.Project?.Name ?? "project").Append(" distributors list\n\n");
            text.Append("Below is each criterion and how we meet it.\n\n");
            for (int i = 0; i < criteria.Count; i++)
            {
                text.Append("> ").Append(i + 1).Append(". ").Append(criteria[i].Text).Append("\n\n");
                text.Append(criteria[i].Check == "alias" ? "<the security alias to subscribe, such as security@example.org>"
                    : criteria[i].Check == "vouch" ? "<the name of the person on the list who vouches for you, and their organisation>"
                    : "<your answer>").Append("\n\n");
            }

            text.Append("<paste your team's OpenPGP public key here: -----BEGIN PGP PUBLIC KEY BLOCK----- ... >\n");
            string link = PolicyLink?.Invoke(name);
            if (!string.IsNullOrWhiteSpace(link))
            {
                text.Append("\nThe policy these criteria come from: ").Append(link).Append('\n');
            }

            return text.ToString();
        }

        public Dictionary<string, object> BaseModel() => new Dictionary<string, object>
        {
            ["project"] = new Dictionary<string, object> { ["name"] = config.Project?.Name, ["securityContact"] = config.Project?.SecurityContact },
            ["team"] = new Dictionary<string, object> { ["name"] = config.Messaging?.TeamName ?? (config.Project?.Name + " security team"), ["from"] = config.Messaging?.From },
        };

        public static string FormatFingerprint(string fingerprint)
        {
            string fpr = OpenPgpKeys.NormalizeFingerprint(fingerprint);
            if (string.IsNullOrEmpty(fpr))
            {
                return null;
            }

            var groups = Enumerable.Range(0, (fpr.Length + 3) / 4).Select(i => fpr.Substring(i * 4, Math.Min(4, fpr.Length - i * 4)));
            return string.Join(" ", groups);
        }

        internal static IEnumerable<MembershipCheckResult> CheckKey(string requestId, string armored, DateTimeOffset now)
        {
            const string c = "pgp-key";
            var request = new MembershipRequest { Id = requestId };
            bool present = !string.IsNullOrWhiteSpace(armored);
            yield return Result(request, c, "PgpKeyPresent", present, present ? "An OpenPGP public key is attached." : "No OpenPGP public key: notices cannot be encrypted.");
            if (!present)
            {
                yield break;
            }

            OpenPgpKeyInfo key = OpenPgpKeys.Inspect(armored, now);
            yield return Result(request, c, "PgpKeyReadable", key.Readable, key.Readable ? $"Key {key.Fingerprint} ({string.Join(", ", key.UserIds)})." : "The key cannot be read: " + key.ReadError);
            if (!key.Readable)
            {
                yield break;
            }

            yield return Result(request, c, "PgpKeyNotExpired", !key.IsExpired(now), key.Expires == null ? "The key does not expire." : $"The key expires on {key.Expires:yyyy-MM-dd}.");
            yield return Result(request, c, "PgpKeyNotRevoked", !key.Revoked, key.Revoked ? "The key is revoked." : "The key is not revoked.");
            yield return Result(request, c, "PgpKeyCanEncrypt", key.EncryptionKey != null,
                key.EncryptionKey != null ? $"Encryption key {key.EncryptionKeyId}{(key.EncryptionKey.IsMasterKey ? " (the primary key)" : " (a subkey)")}." : "No valid key flagged for encryption (sign-only, or its encryption subkey expired or was revoked).");
        }

        /// <summary>The id of the criterion the module checks in a given way (alias, vouch, pgp); null when there is none.</summary>
        private static string IdOfCheck(IEnumerable<MembershipCriterion> criteria, string check) =>
            criteria.FirstOrDefault(c => string.Equals(c.Check, check, StringComparison.OrdinalIgnoreCase))?.Id;

        private static MembershipCheckResult CheckAlias(MembershipRequest request, string criterionId)
        {
            string alias = request.SecurityAlias;
            if (string.IsNullOrWhiteSpace(alias) || !MailAddress.IsMatch(alias))
            {
                return Result(request, criterionId, "TeamAlias", false, "No security alias address was given.");
            }

            string local = alias.Split('@')[0].ToLowerInvariant();
            string[] parts = Regex.Split(local, "[._+-]");
            bool team = TeamWords.Any(w => local == w || parts.Contains(w) || local.Contains(w));
            string requester = (request.Requester ?? string.Empty).ToLowerInvariant();
            bool personal = !team && (Regex.IsMatch(local, @"^[a-z]+[._][a-z]+$") || (requester.Length > 0 && parts.Any(p => p.Length > 2 && requester.Contains(p))));
            bool passed = team && !personal;
            return Result(request, criterionId, "TeamAlias", passed, passed
                ? $"{alias} looks like a team address."
                : $"{alias} looks like a person's address, not a monitored team alias (for example security@ or psirt@).");
        }

        private static void RequirePending(MembershipRequest request)
        {
            if (!string.Equals(request.Status, "pending", StringComparison.OrdinalIgnoreCase))
            {
                throw new SecurityOpsException("MembershipRequestDecided", FailureKind.InvalidOperation, request.Id,
                    $"Request '{request.Id}' was already {request.Status} on {request.Decided:yyyy-MM-dd}.");
            }
        }

        private static MembershipCheckResult Result(MembershipRequest request, string criterion, string check, bool passed, string detail) =>
            new MembershipCheckResult { RequestId = request.Id, Criterion = criterion, Check = check, Passed = passed, Detail = detail };

        private static DistributorHealthFinding Finding(DistributorMember m, string finding, string severity, string detail, DateTimeOffset? expires) =>
            new DistributorHealthFinding
            {
                MemberId = m.Id, Finding = finding, Severity = severity, Detail = detail, KeyExpires = expires,
                TestMessageSent = m.TestMessageSent, LastConfirmed = m.LastConfirmed,
            };

        private static string Shorten(string text) => text.Length <= 160 ? text.Replace('\n', ' ') : text.Substring(0, 157).Replace('\n', ' ') + "...";

        private static string Slug(string name) => Regex.Replace((name ?? string.Empty).Trim().ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
    }

    internal static class StringExtensions
    {
        public static string NullIfEmpty(this string value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
