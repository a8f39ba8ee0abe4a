using System;
using System.Threading;
using System.Threading.Tasks;

namespace SecurityOps.Net
{
    /// <summary>What one attempt of a <see cref="RetryLoop"/> came to: a result, or a reason to try again.</summary>
    internal sealed class RetryStep<T>
    {
        private RetryStep()
        {
        }

        public bool IsDone { get; private set; }

        public T Value { get; private set; }

        /// <summary>Why the attempt is to be repeated (it reaches the wait's reporting).</summary>
        public string Reason { get; private set; }

        /// <summary>How long the server asked to wait (Retry-After, a rate limit's reset); null when it did not say.</summary>
        public TimeSpan? ServerWait { get; private set; }

        /// <summary>True: wait exactly <see cref="ServerWait"/>; false: the loop's backoff, and at least <see cref="ServerWait"/>.</summary>
        public bool WaitExactly { get; private set; }

        /// <summary>The caller's last word when no attempt is left: a result to return, or an exception to throw.</summary>
        public Func<T> WhenSpent { get; private set; }

        /// <summary>The caller's last word when the server asks for longer than the loop may wait; null: <see cref="WhenSpent"/>.</summary>
        public Func<T> WhenTooLong { get; private set; }

        public static RetryStep<T> Done(T value) => new RetryStep<T> { IsDone = true, Value = value };

        /// <summary>Try again after the loop's backoff for this attempt, and never sooner than <paramref name="atLeast"/> (a Retry-After).</summary>
        public static RetryStep<T> Backoff(string reason, Func<T> whenSpent, TimeSpan? atLeast = null, Func<T> whenTooLong = null) =>
            new RetryStep<T> { Reason = reason, WhenSpent = whenSpent, ServerWait = atLeast, WhenTooLong = whenTooLong };

        /// <summary>Try again after exactly <paramref name="wait"/>: the server said when it will take the request (a rate limit).</summary>
        public static RetryStep<T> After(TimeSpan wait, string reason, Func<T> whenSpent, Func<T> whenTooLong = null) =>
            new RetryStep<T> { Reason = reason, WhenSpent = whenSpent, ServerWait = wait, WaitExactly = true, WhenTooLong = whenTooLong };
    }

    /// <summary>
    /// The one retry loop of every road out (HTTP feeds and webhooks, the GitHub gateway, SMTP): it counts attempts,
    /// computes the exponential backoff, honours a server's wait (Retry-After, a rate limit's reset) up to a cap, and
    /// sleeps through one injectable delay. The caller's attempt only says what happened (done, or why and how to try
    /// again); what ends a spent loop stays the caller's, so every road keeps its own errors.
    /// Thread-safe: a loop holds no state of a run.
    /// </summary>
    internal sealed class RetryLoop
    {
        [ThreadStatic]
        private static Random jitterRandom;

        private readonly Func<int, TimeSpan> backoff;

        /// <param name="maxAttempts">Attempts in all, the first included (at least one).</param>
        /// <param name="backoff">The wait after failed attempt n (1-based); see <see cref="ExponentialBackoff"/>.</param>
        public RetryLoop(int maxAttempts, Func<int, TimeSpan> backoff)
        {
            MaxAttempts = Math.Max(1, maxAttempts);
            this.backoff = backoff ?? throw new ArgumentNullException(nameof(backoff));
        }

        public int MaxAttempts { get; }

        /// <summary>The longest wait a server may ask for; a step asking for more ends the loop (its WhenTooLong). Null: no cap.</summary>
        public TimeSpan? MaxServerWait { get; set; }

        /// <summary>The one sleep behind every wait; null means Task.Delay. Tests pass one that records the waits (and moves a fake clock).</summary>
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; }

        /// <summary>Told before every wait, a retry's or one the caller asks for (how long, why): where a road reports and counts waits.</summary>
        public Action<TimeSpan, string> Waiting { get; set; }

        /// <summary>
        /// A long wait is slept in steps of this, <see cref="WaitProgress"/> told before each step and once more at the
        /// end, so that the wait is visible; null: one sleep.
        /// </summary>
        public TimeSpan? ProgressStep { get; set; }

        /// <summary>(the whole wait, what is left of it, why): zero left means the wait is over.</summary>
        public Action<TimeSpan, TimeSpan, string> WaitProgress { get; set; }

        /// <summary>
        /// <paramref name="first"/> doubled after each failed attempt, never more than <paramref name="max"/>, with up to
        /// 50% random jitter on top when <paramref name="jitter"/> is set (so that many clients do not retry in step).
        /// </summary>
        public static Func<int, TimeSpan> ExponentialBackoff(TimeSpan first, TimeSpan? max = null, bool jitter = false) =>
            attempt => RetryTiming.Exponential(first, attempt, max, jitter ? jitterRandom ??= new Random(Guid.NewGuid().GetHashCode()) : null);

        /// <summary>The backoff after failed attempt <paramref name="attempt"/> (1-based).</summary>
        public TimeSpan Backoff(int attempt) => backoff(attempt);

        /// <summary>
        /// Runs <paramref name="attempt"/> (given its 1-based number) until it is done, no attempt is left (its
        /// WhenSpent), or the server asks for a wait over <see cref="MaxServerWait"/> (its WhenTooLong).
        /// <paramref name="retrying"/> is told (attempt that failed, wait, reason) before each retry's wait.
        /// </summary>
        public async Task<T> RunAsync<T>(Func<int, Task<RetryStep<T>>> attempt, CancellationToken cancellationToken, Action<int, TimeSpan, string> retrying = null)
        {
            for (int number = 1; ; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RetryStep<T> step = await attempt(number).ConfigureAwait(false);
                if (step.IsDone)
                {
                    return step.Value;
                }

                if (number >= MaxAttempts)
                {
                    return step.WhenSpent();
                }

                if (step.ServerWait is TimeSpan asked && MaxServerWait is TimeSpan cap && asked > cap)
                {
                    return (step.WhenTooLong ?? step.WhenSpent)();
                }

                TimeSpan wait = step.WaitExactly ? step.ServerWait.Value : Backoff(number);
                if (!step.WaitExactly && step.ServerWait is TimeSpan serverWait && serverWait > wait)
                {
                    wait = serverWait;
                }

                retrying?.Invoke(number, wait, step.Reason);
                await WaitAsync(wait, step.Reason, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Waits through <see cref="Delay"/>, reported as <see cref="Waiting"/> and <see cref="WaitProgress"/> say: every wait of a road goes here.</summary>
        public async Task WaitAsync(TimeSpan wait, string reason, CancellationToken cancellationToken)
        {
            Waiting?.Invoke(wait, reason);
            Func<TimeSpan, CancellationToken, Task> delay = Delay ?? ((t, c) => Task.Delay(t, c));
            TimeSpan left = wait;
            while (left > TimeSpan.Zero)
            {
                WaitProgress?.Invoke(wait, left, reason);
                TimeSpan now = ProgressStep is TimeSpan step && step > TimeSpan.Zero && left > step ? step : left;
                await delay(now, cancellationToken).ConfigureAwait(false);
                left -= now;
            }

            WaitProgress?.Invoke(wait, TimeSpan.Zero, reason);
        }
    }
}
