namespace SecurityOps
{
    /// <summary>An event sink that forwards to whichever sink is current: a long-lived service (the GitHub gateway)
    /// reports through the sink of the cmdlet step that is running now.</summary>
    internal sealed class EventRelay : IEventSink
    {
        private volatile IEventSink target = NullEventSink.Instance;

        public IEventSink Target
        {
            get => target;
            set => target = value ?? NullEventSink.Instance;
        }

        public void Verbose(string message) => target.Verbose(message);

        public void Warning(string message) => target.Warning(message);

        public void Progress(ProgressInfo progress) => target.Progress(progress);
    }
}
