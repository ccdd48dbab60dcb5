using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Protocol;

/// <summary>
/// Collects the index-key DELETEs nothing waits on — the lease key of an execution that ended in a terminal state or
/// moved its lease to a later minute — and sends them together, one request per <see cref="Window"/>
/// (<see cref="IObjectStore.DeleteManyAsync"/>: S3 DeleteObjects, up to 1,000 keys). At 100 completions a second and a
/// 100 ms window that is one DELETE per ten tasks instead of one per task. Thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Which keys may wait.</b> Only keys nobody else needs within the window: a terminal task gets no lease
/// key, and while a task runs only its holder writes its lease keys (a renewal of this process that needs a queued key
/// again takes it out of the queue, see <see cref="Cancel"/>); a re-claim after a recovery comes a lease later, and
/// its lease ends a whole task timeout after that. Keys whose DELETE must be ordered against other writes — a retry's old lease
/// key, which a re-claim in the same minute may reuse, and a claim's ready key — are still deleted at once by
/// <see cref="TaskRepository"/>. A key written again by this process while queued is taken out of the batch
/// (<see cref="Cancel"/>).</para>
/// <para><b>Failure.</b> A batch that fails, or a process killed with keys queued, leaves stale lease keys: harmless
/// hints that the lease recovery deletes once they are due and older than <see cref="TaskRepository.YoungIndexKey"/>.</para>
/// </remarks>
internal sealed class IndexDeleteBatch
{
    /// <summary>Most keys one request carries (the S3 DeleteObjects limit).</summary>
    public const int MaxKeys = 1000;

    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Guarded by _gate.
    private readonly object _gate = new();
    private HashSet<string> _queued = new(StringComparer.Ordinal);
    private ITimer? _timer;
    private Task _flushing = Task.CompletedTask;

    private long _requests;
    private long _keysDeleted;
    private long _failures;

    public IndexDeleteBatch(IObjectStore store, TimeSpan window, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _store = store;
        Window = window;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How long the first key of a batch waits for others.</summary>
    public TimeSpan Window { get; }

    /// <summary>DELETE requests sent.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Keys deleted by those requests.</summary>
    public long KeysDeleted => Interlocked.Read(ref _keysDeleted);

    /// <summary>Requests that failed (logged; the keys stay as stale hints).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Keys waiting for the next request.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queued.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/>; the batch goes at the end of the window, or at once when full.</summary>
    public void Enqueue(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_gate)
        {
            _queued.Add(key);
            if (_queued.Count >= MaxKeys)
            {
                SendLocked();
            }
            else
            {
                _timer ??= _time.CreateTimer(_ => Send(), null, Window, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Takes <paramref name="key"/> out of the batch (it is being written again); true when it was queued.</summary>
    public bool Cancel(string key)
    {
        lock (_gate)
        {
            return _queued.Remove(key);
        }
    }

    /// <summary>Sends what is queued now and completes when every request sent so far has finished (shutdown, tests).</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            SendLocked();
            return _flushing;
        }
    }

    private void Send()
    {
        lock (_gate)
        {
            SendLocked();
        }
    }

    private void SendLocked()
    {
        _timer?.Dispose();
        _timer = null;
        if (_queued.Count == 0)
        {
            return;
        }

        var keys = _queued.ToArray();
        _queued = new HashSet<string>(StringComparer.Ordinal);
        var request = Task.Run(() => DeleteAsync(keys)); // the store call never runs under the lock
        _flushing = _flushing.IsCompleted ? request : Task.WhenAll(_flushing, request);
    }

    private async Task DeleteAsync(string[] keys)
    {
        try
        {
            Interlocked.Increment(ref _requests);
            await _store.DeleteManyAsync(keys).ConfigureAwait(false);
            Interlocked.Add(ref _keysDeleted, keys.Length);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failures);
            _logger.LogWarning(ex, "Batched DELETE of {Count} lease keys failed (first {Key}); the lease recovery removes them later", keys.Length, keys[0]);
        }
    }
}
