using System;
using SecurityOps.Messaging;
using SecurityOps.Model;

namespace SecurityOps.Commands
{
    /// <summary>Shared services of the embargo cmdlets (notices, notes, leaks, announcements, reminders): cases and the distributors list.</summary>
    public abstract class EmbargoCmdlet : DisclosureCmdlet
    {
        private TemplateRenderer templates;

        internal DistributorStore Distributors => new DistributorStore(State.Files);

        internal TemplateRenderer Templates => templates ??= new TemplateRenderer(State.Files);

        internal MembershipService Membership => new MembershipService(Distributors, Templates, State.Config, name => Disclosure.PolicyCatalog.MembershipCriteria(State, name)) { PgpRequired = name => Disclosure.PolicyCatalog.MembershipPgpRequired(State, name), PolicyLink = name => Disclosure.PolicyCatalog.PolicyLink(State, name) };

        /// <summary>
        /// The on-duty Primary and Secondary: the parameters, else the rotation's current week (roster.yaml), else
        /// reminders.primary / reminders.secondary from the config. Each comes with the address mail goes to: the
        /// value itself when it is an address, else the roster's e-mail of that handle.
        /// </summary>
        internal OnDutyTeam OnDuty(string primary, string secondary)
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

            var p = Pick(primary, slot?.Primary, slot?.PrimaryEmail, State.Config.Reminders?.Primary);
            var s = Pick(secondary, slot?.Secondary, slot?.SecondaryEmail, State.Config.Reminders?.Secondary);
            return new OnDutyTeam { Primary = p.Who, PrimaryEmail = p.Mail, Secondary = s.Who, SecondaryEmail = s.Mail, Slot = slot };
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
}

namespace SecurityOps.Commands
{
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
