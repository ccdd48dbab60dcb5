using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Schemas;

/// <summary>
/// The worker's view of task schemas (<c>buquet.worker.validate-input</c>): each task type's schema is read at most once
/// per <c>schema-refresh-interval</c> (one GET, also when there is none), and rebuilt only when its ETag changed. Tasks
/// in between cost no request. Concurrent callers of one type share one read. Thread-safe.
/// </summary>
/// <remarks>
/// The shared read belongs to no caller: each caller's token cancels only its own wait, and the read itself is
/// cancelled when every caller waiting on it has given up (a caller that comes later then starts a new read). So one
/// cancelled caller (an executor stopped mid-read) never fails the others.
/// </remarks>
internal sealed class SchemaCache
{
    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refresh;

    // Guarded by _gate.
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Load> _loading = new(StringComparer.Ordinal);

    public SchemaCache(IObjectStore store, TimeProvider time, TimeSpan refresh)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
        _refresh = refresh;
    }

    /// <summary>The schema of <paramref name="taskType"/>, or <c>null</c> when it has none.</summary>
    /// <exception cref="MalformedObjectException">The stored schema is unreadable or not a valid JSON Schema (names the key).</exception>
    /// <exception cref="ObjectStoreUnavailableException">The store did not answer.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (only this caller's wait ends).</exception>
    public async Task<CompiledTaskSchema?> GetAsync(string taskType, CancellationToken cancellationToken = default)
    {
        Load load;
        Entry? previous;
        var start = false;
        lock (_gate)
        {
            if (_entries.TryGetValue(taskType, out previous) && _time.GetElapsedTime(previous.FetchedAt) < _refresh)
            {
                return previous.SchemaOrThrow();
            }

            if (!_loading.TryGetValue(taskType, out load!))
            {
                load = new Load();
                _loading[taskType] = load;
                start = true;
            }

            load.Waiters++;
        }

        if (start)
        {
            _ = RunAsync(taskType, previous, load);
        }

        try
        {
            return (await load.Completion.Task.WaitAsync(cancellationToken)).SchemaOrThrow();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Leave(taskType, load);
            throw;
        }
    }

    /// <summary>A waiter gave up; the last one to leave a read still in progress cancels it.</summary>
    private void Leave(string taskType, Load load)
    {
        lock (_gate)
        {
            if (--load.Waiters > 0 || !_loading.TryGetValue(taskType, out var current) || current != load)
            {
                return;
            }

            _loading.Remove(taskType);
        }

        load.Cancel.Cancel();
    }

    private async Task RunAsync(string taskType, Entry? previous, Load load)
    {
        try
        {
            var entry = await FetchAsync(taskType, previous, load.Cancel.Token);
            lock (_gate)
            {
                _entries[taskType] = entry;
                Forget(taskType, load);
            }

            load.Completion.SetResult(entry);
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                Forget(taskType, load);
            }

            if (load.Cancel.IsCancellationRequested)
            {
                load.Completion.SetCanceled(load.Cancel.Token); // every waiter has left with its own cancellation
            }
            else
            {
                load.Completion.SetException(e);
            }
        }
    }

    private void Forget(string taskType, Load load)
    {
        if (_loading.TryGetValue(taskType, out var current) && current == load)
        {
            _loading.Remove(taskType);
        }
    }

    private async Task<Entry> FetchAsync(string taskType, Entry? previous, CancellationToken cancellationToken)
    {
        var stored = await _store.GetAsync(TaskKeys.Schema(taskType), cancellationToken);
        var now = _time.GetTimestamp();
        if (stored is null)
        {
            return new Entry(now, null, null, null);
        }

        if (previous is not null && previous.ETag == stored.ETag)
        {
            return previous with { FetchedAt = now };
        }

        try
        {
            return new Entry(now, stored.ETag, SchemaClient.Compile(taskType, stored), null);
        }
        catch (MalformedObjectException e)
        {
            return new Entry(now, stored.ETag, null, e);
        }
    }

    /// <summary>One read: the built schema, or why the stored object is unusable, or neither (no schema).</summary>
    private sealed record Entry(long FetchedAt, string? ETag, CompiledTaskSchema? Schema, MalformedObjectException? Error)
    {
        public CompiledTaskSchema? SchemaOrThrow() => Error is { } e ? throw new MalformedObjectException(e.Key, e.Problem, e) : Schema;
    }

    /// <summary>One shared read in progress: its result, its own cancellation, and how many callers wait on it (guarded by the cache's gate).</summary>
    private sealed class Load
    {
        public TaskCompletionSource<Entry> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenSource Cancel { get; } = new();

        public int Waiters { get; set; }
    }
}
