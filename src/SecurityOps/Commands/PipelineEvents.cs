using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SecurityOps.Commands
{
    /// <summary>
    /// Runs async work for a cmdlet while the pipeline thread writes what the work reports. PowerShell allows Write*
    /// calls only from the pipeline thread, so workers enqueue and this pump writes, in order.
    /// </summary>
    internal sealed class PipelineEvents : IEventSink
    {
        private readonly BlockingCollection<Action<Cmdlet>> queue = new BlockingCollection<Action<Cmdlet>>();

        public void Verbose(string message) => queue.Add(c => c.WriteVerbose(message));

        public void Warning(string message) => queue.Add(c => c.WriteWarning(message));

        public void Progress(ProgressInfo progress) => queue.Add(c =>
        {
            var record = new ProgressRecord(progress.Id, progress.Activity, string.IsNullOrEmpty(progress.Status) ? "..." : progress.Status)
            {
                PercentComplete = progress.Percent,
                SecondsRemaining = progress.SecondsRemaining,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            c.WriteProgress(record);
        });

        /// <summary>Enqueues any pipeline action (WriteObject of a finished item, say) from a worker.</summary>
        public void Post(Action<Cmdlet> action) => queue.Add(action);

        /// <summary>
        /// Runs an action on the pipeline thread (which holds the state lock, say) and completes when it has run, so a
        /// worker can wait for it; cancelled with <paramref name="cancellationToken"/> when the pump is gone.
        /// </summary>
        public async Task Invoke(Action<Cmdlet> action, CancellationToken cancellationToken)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            queue.Add(c =>
            {
                try
                {
                    action(c);
                    done.TrySetResult(true);
                }
                catch (Exception ex)
                {
                    done.TrySetException(ex); // the worker fails with it; the pump goes on writing
                }
            });
            using (cancellationToken.Register(() => done.TrySetCanceled()))
            {
                await done.Task.ConfigureAwait(false);
            }
        }

        /// <summary>Starts the work and pumps its events on this (the pipeline) thread until it ends.</summary>
        public T Run<T>(Cmdlet cmdlet, Func<IEventSink, Task<T>> work)
        {
            Task<T> task = Task.Run(() => work(this));
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var action in queue.GetConsumingEnumerable())
            {
                action(cmdlet);
            }

            return task.GetAwaiter().GetResult();
        }

        public void Run(Cmdlet cmdlet, Func<IEventSink, Task> work) =>
            Run<bool>(cmdlet, async sink =>
            {
                await work(sink).ConfigureAwait(false);
                return true;
            });
    }
}
