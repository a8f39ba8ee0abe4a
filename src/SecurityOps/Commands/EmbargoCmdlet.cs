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
    }
}
