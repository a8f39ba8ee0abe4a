namespace SecurityOps
{
    /// <summary>Progress of long work, as the parts report it (a cmdlet turns it into WriteProgress).</summary>
    internal sealed class ProgressInfo
    {
        public ProgressInfo(string activity, string status, int percent = -1, int id = 1, bool completed = false)
        {
            Activity = activity;
            Status = status;
            Percent = percent;
            Id = id;
            Completed = completed;
        }

        public string Activity { get; }

        public string Status { get; }

        /// <summary>0-100, or -1 when unknown.</summary>
        public int Percent { get; }

        public int Id { get; }

        public bool Completed { get; }

        public int SecondsRemaining { get; set; } = -1;
    }

    /// <summary>
    /// How the parts tell the user what happens without knowing PowerShell: a cmdlet implements it and forwards to
    /// WriteVerbose / WriteWarning / WriteProgress on the pipeline thread. Safe to call from any thread.
    /// </summary>
    internal interface IEventSink
    {
        void Verbose(string message);

        void Warning(string message);

        void Progress(ProgressInfo progress);
    }

    /// <summary>A sink that drops everything (for services used outside a cmdlet).</summary>
    internal sealed class NullEventSink : IEventSink
    {
        public static readonly NullEventSink Instance = new NullEventSink();

        public void Verbose(string message)
        {
        }

        public void Warning(string message)
        {
        }

        public void Progress(ProgressInfo progress)
        {
        }
    }
}
