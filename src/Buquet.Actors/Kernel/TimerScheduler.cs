namespace Buquet.Actors.Kernel;

/// <summary>
/// Keyed timers of one actor. Only the owning actor calls it. Each start bumps a generation; a tick carries the
/// generation it was scheduled with and is dropped on arrival if the key was cancelled or restarted since.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private int _generation;

    public int Count => _timers.Count;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, periodic: false);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, periodic: true);

    public bool IsTimerActive(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _timers.ContainsKey(key);
    }

    public void Cancel(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_timers.Remove(key, out var entry))
        {
            Dispose(entry);
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            Dispose(entry);
        }

        _timers.Clear();
    }

    /// <summary>True when the tick is current; a single timer is then removed.</summary>
    internal bool TryConsume(TimerTick tick)
    {
        if (!_timers.TryGetValue(tick.Key, out var entry) || entry.Tick.Generation != tick.Generation)
        {
            return false;
        }

        if (!tick.Periodic)
        {
            _timers.Remove(tick.Key);
            Dispose(entry);
        }

        return true;
    }

    private void Start(object key, object message, TimeSpan interval, bool periodic)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        if (interval < TimeSpan.Zero || (periodic && interval == TimeSpan.Zero))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, $"Timer '{key}' needs a positive interval.");
        }

        if (cell.IsDead)
        {
            return;
        }

        Cancel(key);
        var entry = new Entry(cell, new TimerTick(key, ++_generation, message, periodic));
        _timers[key] = entry;
        cell.SystemImpl.OnTimerStarted();
        entry.Timer = cell.SystemImpl.TimeProvider.CreateTimer(
            static s => ((Entry)s!).Fire(), entry, interval, periodic ? interval : Timeout.InfiniteTimeSpan);
    }

    private void Dispose(Entry entry)
    {
        entry.Timer?.Dispose();
        cell.SystemImpl.OnTimerStopped();
    }

    private sealed class Entry(ActorCell cell, TimerTick tick)
    {
        public TimerTick Tick { get; } = tick;

        public ITimer? Timer { get; set; }

        public void Fire() => cell.Tell(Tick);
    }
}
