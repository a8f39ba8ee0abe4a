using SecurityOps.Messaging;

namespace SecurityOps.Commands
{
    /// <summary>The distributors-list cmdlets' shared services over the opened state.</summary>
    public abstract class MessagingCmdlet : StateCmdlet
    {
        private MembershipService membership;
        private TemplateRenderer templates;

        internal DistributorStore Distributors => new DistributorStore(State.Files);

        internal TemplateRenderer Templates => templates ??= new TemplateRenderer(State.Files);

        internal MembershipService Membership => membership ??= new MembershipService(Distributors, Templates, State.Config);
    }
}
