using System.Text;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Protocol;

/// <summary>
/// The wake-up hint (ADR 0008): one object, <see cref="Key"/>, outside every prefix buquet peers list or parse. Whoever
/// makes a task ready overwrites it with a unique body, so its ETag changes; idle workers HEAD it (GET-class) and poll
/// when the ETag moved. The hint is an accelerator only: workers still LIST the ready index on a slow cadence.
/// </summary>
internal static class WakeHints
{
    /// <summary>The hint object's key.</summary>
    public const string Key = "hints/ready";

    /// <summary>Least time between two touches from one process.</summary>
    public static readonly TimeSpan DefaultMinGap = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Touches <see cref="WakeHints.Key"/> with an unconditional PUT at most once per <see cref="MinGap"/>: the first
/// notification touches at once (the caller awaits it, so a short-lived producer does not exit before its hint lands);
/// notifications within the gap are folded into one trailing touch at the end of the gap, run in the background, so
/// the last task of a burst is never left without a hint. A touch never fails a caller: failures are logged and
/// counted. Thread-safe.
/// </summary>
internal sealed class WakeHintPublisher
{
    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Guarded by _gate.
    private readonly object _gate = new();
    private long _lastStart;
    private bool _touchedOnce;
    private bool _inFlight;
    private bool _trailing;
    private ITimer? _timer;
    private Task _current = Task.CompletedTask;

    private long _touches;
    private long _failures;
    private int _consecutiveFailures;

    /// <summary>Failed touches retried (one per gap) before giving up until the next notification.</summary>
    internal const int MaxRetries = 60;

    public WakeHintPublisher(IObjectStore store, TimeProvider? time = null, TimeSpan? minGap = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        MinGap = minGap ?? WakeHints.DefaultMinGap;
        if (MinGap < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minGap), minGap, "The wake-hint gap must not be negative.");
        }
    }

    public TimeSpan MinGap { get; }

    /// <summary>Called with the ETag of each touch written (a clustered fleet's member announces it, ADR 0027); must not throw.</summary>
    public Action<string>? Touched { get; init; }

    /// <summary>Touches written.</summary>
    public long Touches => Interlocked.Read(ref _touches);

    /// <summary>Touches that failed (logged; never surfaced to the caller).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>
    /// A task became ready: touch now (the returned task completes when that touch has finished; it never faults), or,
    /// within the gap, once at its end in the background (the returned task is then already complete).
    /// </summary>
    public Task NotifyAsync()
    {
        lock (_gate)
        {
            if (_inFlight || _timer is not null)
            {
                _trailing = true;
                return Task.CompletedTask;
            }

            if (!DueLocked(out var wait))
            {
                _trailing = true;
                ArmLocked(wait);
                return Task.CompletedTask;
            }

            BeginLocked();
        }

        return Launch();
    }

    /// <summary>Completes when the touch started last has finished (tests, shutdown).</summary>
    public Task WhenTouchedAsync()
    {
        lock (_gate)
        {
            return _current;
        }
    }

    private bool DueLocked(out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (!_touchedOnce)
        {
            return true;
        }

        var since = _time.GetElapsedTime(_lastStart);
        wait = MinGap - since;
        return wait <= TimeSpan.Zero;
    }

    private void BeginLocked()
    {
        _inFlight = true;
        _trailing = false;
        _touchedOnce = true;
        _lastStart = _time.GetTimestamp();
    }

    private void ArmLocked(TimeSpan wait) =>
        _timer = _time.CreateTimer(_ => OnTimer(), null, wait, Timeout.InfiniteTimeSpan);

    private Task Launch()
    {
        var touch = TouchAsync();
        lock (_gate)
        {
            if (!touch.IsCompleted || _current.IsCompleted)
            {
                _current = touch;
            }
        }

        return touch;
    }

    private void OnTimer()
    {
        bool start = false;
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            if (_trailing && !_inFlight)
            {
                BeginLocked();
                start = true;
            }
        }

        if (start)
        {
            _ = Launch();
        }
    }

    private async Task TouchAsync()
    {
        try
        {
            var body = Encoding.UTF8.GetBytes(Guid.NewGuid().ToString("N"));
            var put = await _store.PutAsync(WakeHints.Key, body, PutCondition.None).ConfigureAwait(false);
            Interlocked.Increment(ref _touches);
            if (put.ETag is { } etag)
            {
                Touched?.Invoke(etag);
            }

            Finished(failed: false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failures);
            _logger.LogWarning(ex, "Touching the wake-up hint {Key} failed; retrying after the gap (idle workers also find the task on their next full poll)", WakeHints.Key);
            Finished(failed: true);
        }
    }

    private void Finished(bool failed)
    {
        bool start = false;
        lock (_gate)
        {
            _inFlight = false;
            // A lost touch would leave the task to the idle workers' slow full poll: retry it after the gap (a
            // notification arriving meanwhile folds into the retry), up to MaxRetries in a row.
            _consecutiveFailures = failed ? _consecutiveFailures + 1 : 0;
            if (failed && _consecutiveFailures <= MaxRetries)
            {
                _trailing = true;
            }

            if (_trailing && _timer is null)
            {
                if (DueLocked(out var wait))
                {
                    BeginLocked();
                    start = true;
                }
                else
                {
                    ArmLocked(wait);
                }
            }
        }

        if (start)
        {
            _ = Launch();
        }
    }
}
