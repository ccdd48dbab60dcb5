using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>What a <see cref="CrashWindowRepair"/> repair did to one task object.</summary>
internal enum RepairAction
{
    /// <summary>Consistent (or terminal): nothing to do.</summary>
    None,

    /// <summary>Unchanged since it was last found consistent: not even read.</summary>
    Cached,

    /// <summary>A pending task had no ready key: created (it is claimable again).</summary>
    ReadyKeyCreated,

    /// <summary>A running task had no lease key: created (the lease recovery can see it again).</summary>
    LeaseKeyCreated,

    /// <summary>A pending task past its TTL: marked expired (T11).</summary>
    Expired,

    /// <summary>A running task with an expired lease: recovered directly (T7a/T7b).</summary>
    Recovered,

    /// <summary>The object is not a readable task: counted and logged.</summary>
    Malformed,

    /// <summary>A compare-and-swap was lost or the object vanished: someone else moved the task.</summary>
    LostRace,
}

/// <summary>
/// Repairs the crash window between a task's compare-and-swap and its index write (protocol §9.2 #1): a pending task
/// with no ready key is invisible to pollers, a running task with no lease key is invisible to the lease recovery,
/// and either would otherwise stay stuck forever. Works on one task object at a time, as listed under
/// <c>tasks/{shard}/</c>; the <see cref="IndexSweeper"/> drives it through every shard with a cursor.
/// </summary>
/// <remarks>
/// Index keys are derived from the task's current fields, so a repair is idempotent and safe to race with the
/// writer that crashed (or did not): both write the same key. A key created for a task that moved on in between stays
/// until a later pass finds it stale and old (<see cref="TaskRepository.YoungIndexKey"/>). To stay cheap on repeated passes over many finished tasks,
/// an object found consistent is remembered by ETag (bounded) and skipped without a GET while its ETag is unchanged;
/// pending tasks with a TTL are never remembered, since time alone makes them due.
/// Not thread-safe: one caller at a time.
/// </remarks>
internal sealed class CrashWindowRepair
{
    /// <summary>Default bound of the consistent-object memory.</summary>
    public const int DefaultMemory = 100_000;

    private readonly TaskRepository _repository;
    private readonly Func<double> _random;
    private readonly ILogger _logger;
    private readonly int _memoryLimit;
    private readonly Dictionary<string, string> _consistent = new(StringComparer.Ordinal);

    public CrashWindowRepair(TaskRepository repository, Func<double> random, int memoryLimit = DefaultMemory, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(memoryLimit);
        _repository = repository;
        _random = random;
        _memoryLimit = memoryLimit;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Checks one listed task object and repairs its index keys.</summary>
    public async Task<RepairAction> RepairAsync(ObjectInfo taskObject, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskObject);
        if (_consistent.TryGetValue(taskObject.Key, out var etag) && ETags.Equal(etag, taskObject.ETag))
        {
            return RepairAction.Cached;
        }

        TaskSnapshot? snapshot;
        try
        {
            snapshot = await _repository.GetByKeyAsync(taskObject.Key, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            _logger.LogWarning("Malformed task object {Key} skipped by the sweeper: {Problem}", taskObject.Key, ex.Problem);
            return RepairAction.Malformed;
        }

        if (snapshot is null)
        {
            return RepairAction.LostRace;
        }

        var action = await RepairAsync(snapshot, now, cancellationToken);
        if (action == RepairAction.None && !(snapshot.Task.Status == BuquetTaskStatus.Pending && snapshot.Task.ExpiresAt is not null))
        {
            Remember(snapshot.Task.Key, snapshot.ETag);
        }

        return action;
    }

    /// <summary>Checks one task that was just read.</summary>
    public async Task<RepairAction> RepairAsync(TaskSnapshot snapshot, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var task = snapshot.Task;
        switch (task.Status)
        {
            case BuquetTaskStatus.Pending when task.IsExpiredAt(now):
                var expired = await _repository.ApplyAsync(snapshot, (t, n) => TaskTransitions.Expire(t, n, new ExpireRequest()), cancellationToken);
                return expired.Status == CasStatus.Written ? RepairAction.Expired : RepairAction.LostRace;

            case BuquetTaskStatus.Pending:
                var ready = TaskRepository.ExpectedIndexKey(task, IndexKind.Ready)!;
                if (await _repository.EnsureIndexAsync(ready, cancellationToken))
                {
                    _logger.LogInformation("Pending task {TaskId} had no ready key (crash window); recreated {Key}", task.Id, ready);
                    return RepairAction.ReadyKeyCreated;
                }

                return RepairAction.None;

            case BuquetTaskStatus.Running when task.IsLeaseExpiredAt(now):
                var recovered = await _repository.RecoverTimeoutAsync(snapshot, _random, cancellationToken);
                return recovered.Status == CasStatus.Written ? RepairAction.Recovered : RepairAction.LostRace;

            case BuquetTaskStatus.Running when TaskRepository.ExpectedIndexKey(task, IndexKind.Lease) is { } lease:
                if (await _repository.EnsureIndexAsync(lease, cancellationToken))
                {
                    _logger.LogInformation("Running task {TaskId} had no lease key (crash window); recreated {Key}", task.Id, lease);
                    return RepairAction.LeaseKeyCreated;
                }

                return RepairAction.None;

            default:
                return RepairAction.None;
        }
    }

    private void Remember(string key, string etag)
    {
        if (_memoryLimit == 0)
        {
            return;
        }

        if (_consistent.Count >= _memoryLimit && !_consistent.ContainsKey(key))
        {
            _consistent.Clear(); // crude but bounded: the next pass re-reads and re-learns
        }

        _consistent[key] = etag;
    }
}
