namespace Buquet.Host.Dashboard;

/// <summary>
/// A version counter with a wake-up: the cache bumps it on every published snapshot and each live stream waits for a
/// version it has not seen. Waiting costs no store request; the one background refresh loop is the only reader of S3.
/// </summary>
internal sealed class ChangeSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _version;

    /// <summary>The number of changes so far.</summary>
    public long Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>Bumps the version and wakes every waiter.</summary>
    public void Notify()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _version++;
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    /// <summary>Completes once the version differs from <paramref name="seen"/> (at once when it already does).</summary>
    public Task WhenChangedFrom(long seen)
    {
        lock (_gate)
        {
            return _version != seen ? Task.CompletedTask : _next.Task;
        }
    }
}
