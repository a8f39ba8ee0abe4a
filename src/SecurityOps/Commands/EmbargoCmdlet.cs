using SecurityOps.Messaging;

namespace SecurityOps.Commands
{
    /// <summary>Shared services of the embargo cmdlets (notices, notes, leaks, announcements, reminders): cases and the distributors list.</summary>
    public abstract class EmbargoCmdlet : DisclosureCmdlet
    {
        private TemplateRenderer templates;

        internal DistributorStore Distributors => new DistributorStore(State.Files);

        internal TemplateRenderer Templates => templates ??= new TemplateRenderer(State.Files);

        internal MembershipService Membership => new MembershipService(Distributors, Templates, State.Config);

        /// <summary>
        /// The on-duty Primary and Secondary: the parameters, else the rotation (the OnDutyLookup seam; the Rotation part
        /// is not in the module yet), else reminders.primary / reminders.secondary from the config.
        /// </summary>
        internal (string Primary, string Secondary) OnDuty(string primary, string secondary)
        {
            string p = primary ?? OnDutyLookup(State, Now) ?? State.Config.Reminders?.Primary;
            string s = secondary ?? State.Config.Reminders?.Secondary;
            return (string.IsNullOrWhiteSpace(p) ? null : p.Trim(), string.IsNullOrWhiteSpace(s) ? null : s.Trim());
        }
    }
}
