using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Schemas;

/// <summary>
/// The worker's view of task schemas (<c>buquet.worker.validate-input</c>): each task type's schema is read at most once
/// per <c>schema-refresh-interval</c> (one GET, also when there is none), and rebuilt only when its ETag changed. Tasks
/// in between cost no request. Concurrent callers of one type share one read. Thread-safe.
/// </summary>
internal sealed class SchemaCache
{
    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refresh;

    // Guarded by _gate.
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<Entry>> _loading = new(StringComparer.Ordinal);

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
    public async Task<CompiledTaskSchema?> GetAsync(string taskType, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<Entry>? mine = null;
        Task<Entry> pending;
        Entry? previous;
        lock (_gate)
        {
            if (_entries.TryGetValue(taskType, out previous) && _time.GetElapsedTime(previous.FetchedAt) < _refresh)
            {
                return previous.SchemaOrThrow();
            }

            if (!_loading.TryGetValue(taskType, out var loading))
            {
                mine = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
                loading = mine.Task;
                _loading[taskType] = loading;
            }

            pending = loading;
        }

        if (mine is not null)
        {
            try
            {
                var entry = await FetchAsync(taskType, previous, cancellationToken);
                lock (_gate)
                {
                    _entries[taskType] = entry;
                    _loading.Remove(taskType);
                }

                mine.SetResult(entry);
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _loading.Remove(taskType);
                }

                mine.SetException(e);
            }
        }

        return (await pending).SchemaOrThrow();
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
}
