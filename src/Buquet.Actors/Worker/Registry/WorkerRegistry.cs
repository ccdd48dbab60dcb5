using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker.Registry;

/// <summary>
/// This worker's entry in the worker registry: <c>workers/{worker_id}.json</c>, WorkerInfo JSON exactly as protocol
/// §2.4 (<c>worker_id, started_at, last_heartbeat, shards, current_task, tasks_completed, tasks_failed</c>).
/// Registered at start, rewritten unconditionally every heartbeat, deleted on clean exit (§6.1). Times come from the
/// store clock, so peers judge liveness (<c>now − last_heartbeat &lt; 60 s</c>) on one clock.
/// </summary>
/// <remarks>
/// A worker here runs several tasks at once while the peer format has one <c>current_task</c>: the oldest task still
/// running is written (null when idle), and every running task in the <c>current_tasks</c> extension, next to
/// <c>task_types</c> (the types it claims); peers ignore both. Counters and the current-task set are thread-safe (executors report from
/// their own continuations); the writes themselves are made by one caller at a time (the registry actor).
/// </remarks>
internal sealed class WorkerRegistry
{
    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly IStoreClock _clock;
    private readonly Func<IReadOnlyCollection<string>> _shards;
    private readonly IReadOnlyList<string>? _taskTypes;
    private readonly ILogger _logger;

    // Immutable after construction (the delegate is thread-safe).
    private readonly Func<string>? _cluster;
    private readonly Func<WorkerPickups>? _pickups;

    // Shared, guarded by _gate.
    private readonly Lock _gate = new();
    private readonly List<Guid> _current = [];
    private long _completed;
    private long _failed;
    private DateTimeOffset? _startedAt;

    /// <param name="store">The bucket.</param>
    /// <param name="clock">Store time for <c>started_at</c> and <c>last_heartbeat</c>.</param>
    /// <param name="workerId">This worker's id (validated as a key segment).</param>
    /// <param name="shards">The shards this worker polls right now (its shard leases, or its configured shards).</param>
    /// <param name="logger">Diagnostics.</param>
    /// <param name="taskTypes">The task types this worker claims, written as the <c>task_types</c> extension (the
    /// dashboard warns about pending types no live worker claims); <c>null</c> = not written.</param>
    /// <param name="cluster">This worker's clustered-fleet state, written as the <c>cluster</c> extension at each
    /// heartbeat (ADR 0026); <c>null</c> = cluster off, not written.</param>
    /// <param name="pickups">This process's pickups by path, written as the <c>pickups</c> extension (ADR 0027); <c>null</c> =
    /// not written (the worker writes it with the cluster on).</param>
    public WorkerRegistry(IObjectStore store, IStoreClock clock, string workerId, Func<IReadOnlyCollection<string>> shards, ILogger? logger = null, IEnumerable<string>? taskTypes = null, Func<string>? cluster = null, Func<WorkerPickups>? pickups = null)
    {
        _cluster = cluster;
        _pickups = pickups;
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(shards);
        WorkerId = KeyComponents.ValidateWorkerId(workerId);
        Key = TaskKeys.Worker(workerId);
        _store = store;
        _clock = clock;
        _shards = shards;
        _taskTypes = taskTypes?.Order(StringComparer.Ordinal).ToArray();
        _logger = logger ?? NullLogger.Instance;
    }

    public string WorkerId { get; }

    /// <summary><c>workers/{worker_id}.json</c>.</summary>
    public string Key { get; }

    /// <summary>True between <see cref="RegisterAsync"/> and <see cref="DeregisterAsync"/>.</summary>
    public bool IsRegistered
    {
        get
        {
            lock (_gate)
            {
                return _startedAt is not null;
            }
        }
    }

    /// <summary>A task began executing here.</summary>
    public void TaskStarted(Guid taskId)
    {
        lock (_gate)
        {
            if (!_current.Contains(taskId))
            {
                _current.Add(taskId);
            }
        }
    }

    /// <summary>A task finished here; <paramref name="failed"/> counts it in <c>tasks_failed</c> instead of <c>tasks_completed</c>.</summary>
    public void TaskFinished(Guid taskId, bool failed)
    {
        lock (_gate)
        {
            _current.Remove(taskId);
            if (failed)
            {
                _failed++;
            }
            else
            {
                _completed++;
            }
        }
    }

    /// <summary>The entry as it would be written at <paramref name="now"/>.</summary>
    public WorkerInfo Snapshot(DateTimeOffset now)
    {
        var shards = _shards().Order(StringComparer.Ordinal).ToArray();
        lock (_gate)
        {
            return new WorkerInfo(WorkerId, _startedAt ?? now, now, shards, _current.Count > 0 ? _current[0] : null, _completed, _failed, _taskTypes, _current.ToArray(), _cluster?.Invoke(), _pickups?.Invoke());
        }
    }

    /// <summary>Registration: <c>started_at = last_heartbeat = now</c>, unconditional PUT.</summary>
    public async Task<WorkerInfo> RegisterAsync(CancellationToken cancellationToken = default)
    {
        var now = await _clock.EstimateNowAsync(cancellationToken);
        lock (_gate)
        {
            _startedAt ??= now;
        }

        var info = await WriteAsync(now, cancellationToken);
        _logger.LogInformation("Worker {WorkerId} registered at {Key}", WorkerId, Key);
        return info;
    }

    /// <summary>Heartbeat: unconditional PUT of the whole entry with a fresh <c>last_heartbeat</c>.</summary>
    public async Task<WorkerInfo> HeartbeatAsync(CancellationToken cancellationToken = default)
    {
        var now = await _clock.EstimateNowAsync(cancellationToken);
        lock (_gate)
        {
            _startedAt ??= now;
        }

        return await WriteAsync(now, cancellationToken);
    }

    /// <summary>Clean exit: DELETE the entry.</summary>
    public async Task DeregisterAsync(CancellationToken cancellationToken = default)
    {
        await _store.DeleteAsync(Key, null, cancellationToken);
        lock (_gate)
        {
            _startedAt = null;
        }

        _logger.LogInformation("Worker {WorkerId} deregistered", WorkerId);
    }

    /// <summary>Live entries of the whole fleet (see <see cref="WorkerDirectory.ListLiveWorkersAsync"/>).</summary>
    public Task<IReadOnlyList<WorkerInfo>> ListLiveWorkersAsync(DateTimeOffset now, TimeSpan? threshold = null, CancellationToken cancellationToken = default) =>
        WorkerDirectory.ListLiveWorkersAsync(_store, now, threshold, _logger, cancellationToken);

    private async Task<WorkerInfo> WriteAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var info = Snapshot(now);
        await _store.PutAsync(Key, ModelJson.Serialize(info), PutCondition.None, cancellationToken);
        return info;
    }
}
