using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace Buquet.Actors.Runtime;

/// <summary>
/// Akka's scheduler driven by a <see cref="TimeProvider"/>: every actor timer, <c>ReceiveTimeout</c>, backoff restart and
/// coordinated-shutdown phase timeout is a <see cref="TimeProvider.CreateTimer"/> timer. In production the clock is
/// <see cref="TimeProvider.System"/> (no 10 ms tick thread: an idle worker wakes only when a timer is due); in tests a
/// <c>FakeTimeProvider</c> fires actor timers exactly on <c>Advance</c>, the same clock the store and the worker read.
/// Akka creates the scheduler from HOCON (<c>akka.scheduler.implementation</c>) with the system's config, so the clock
/// reaches it through <see cref="Register"/> and the key in <c>buquet.akka.time-provider-key</c> (ADR 0013).
/// </summary>
/// <remarks>
/// Invariants: a cancelled or disposed entry never fires again (its timer is disposed and the callback re-checks);
/// a callback that throws is logged and never stops other timers; after <see cref="Dispose"/> nothing fires.
/// </remarks>
public sealed class TimeProviderScheduler : SchedulerBase, IDisposable
{
    /// <summary>The config path holding the key returned by <see cref="Register"/>.</summary>
    public const string ClockKeyPath = "buquet.akka.time-provider-key";

    private static readonly ConcurrentDictionary<string, TimeProvider> Pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Entry, byte> _live = new();
    private readonly long _started;
    private volatile bool _disposed;

    /// <summary>Created by Akka from <c>akka.scheduler.implementation</c>.</summary>
    /// <param name="config">The actor system's config.</param>
    /// <param name="log">The system's log.</param>
    public TimeProviderScheduler(Config config, ILoggingAdapter log)
        : base(config, log)
    {
        var key = config?.GetString(ClockKeyPath, null);
        Clock = key is not null && Pending.TryRemove(key, out var clock) ? clock : TimeProvider.System;
        _started = Clock.GetTimestamp();
    }

    /// <summary>The clock this scheduler runs on.</summary>
    public TimeProvider Clock { get; }

    /// <summary>Timers scheduled and not yet fired (one-shot) or cancelled (diagnostics and tests).</summary>
    public int PendingCount => _live.Count;

    /// <inheritdoc />
    public override TimeSpan MonotonicClock => Clock.GetElapsedTime(_started);

    /// <inheritdoc />
    public override TimeSpan HighResMonotonicClock => MonotonicClock;

    /// <inheritdoc />
    protected override DateTimeOffset TimeNow => Clock.GetUtcNow();

    /// <summary>Hands <paramref name="clock"/> to the next scheduler created with the returned key in its config.</summary>
    /// <param name="clock">The clock.</param>
    /// <returns>The value for <see cref="ClockKeyPath"/>.</returns>
    public static string Register(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var key = Guid.NewGuid().ToString("N");
        Pending[key] = clock;
        return key;
    }

    /// <summary>Stops every pending timer; nothing fires afterwards.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var entry in _live.Keys)
        {
            entry.Stop();
        }
    }

    /// <inheritdoc />
    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(delay, null, () => receiver.Tell(message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(initialDelay, interval, () => receiver.Tell(message, sender), cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Schedule(delay, null, action, cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Schedule(delay, null, action.Run, cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action, cancelable);

    /// <inheritdoc />
    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action.Run, cancelable);

    private void Schedule(TimeSpan delay, TimeSpan? interval, Action run, ICancelable? cancelable)
    {
        if (_disposed || cancelable?.IsCancellationRequested == true)
        {
            return;
        }

        var entry = new Entry(this, run, cancelable, interval is not null);
        _live[entry] = 0;
        entry.Start(delay, interval ?? Timeout.InfiniteTimeSpan);
    }

    private sealed class Entry(TimeProviderScheduler owner, Action run, ICancelable? cancelable, bool repeating)
    {
        private readonly Lock _gate = new();
        private ITimer? _timer;
        private CancellationTokenRegistration _registration;
        private bool _stopped;

        public void Start(TimeSpan delay, TimeSpan period)
        {
            // Register for cancellation first; a cancel that runs before the timer exists just marks the entry stopped.
            var registration = cancelable is null ? default : cancelable.Token.Register(static s => ((Entry)s!).Stop(), this);

            // A FakeTimeProvider fires a due timer inside CreateTimer: Fire may run (and stop a one-shot) before _timer is set.
            var timer = owner.Clock.CreateTimer(static s => ((Entry)s!).Fire(), this, delay, period);
            lock (_gate)
            {
                if (!_stopped)
                {
                    _timer = timer;
                    _registration = registration;
                    return;
                }
            }

            timer.Dispose();
            registration.Dispose();
        }

        public void Stop()
        {
            ITimer? timer;
            CancellationTokenRegistration registration;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                _stopped = true;
                timer = _timer;
                registration = _registration;
            }

            timer?.Dispose();
            registration.Dispose();
            owner._live.TryRemove(this, out _);
        }

        private void Fire()
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }
            }

            if (owner._disposed || cancelable?.IsCancellationRequested == true)
            {
                Stop();
                return;
            }

            if (!repeating)
            {
                Stop();
            }

            try
            {
                run();
            }
            catch (Exception ex)
            {
                owner.Log.Error(ex, "A scheduled action failed");
            }
        }
    }
}
