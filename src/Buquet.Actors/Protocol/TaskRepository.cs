using System.Text.Json;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Protocol.Transitions;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Protocol;

/// <summary>
/// The compare-and-swap around every transition: GET → pure transition → PUT If-Match → index upkeep (§1.3, §3.1).
/// A lost race is a value, never an exception. A 412 is a lost race: the store itself settles a refusal that may answer
/// a re-sent copy of a write that landed (<see cref="IObjectStore"/>'s invariants, ADR 0002). A write whose outcome the
/// store could not learn (<see cref="ObjectStoreUnavailableException"/>) is resolved by re-reading the task: it counts
/// as ours when the stored body is byte-identical to what we wrote (bodies carry our unique lease id and store time).
/// </summary>
internal sealed partial class TaskRepository
{
    /// <summary>Compare-and-swap rounds before a transition reports <see cref="CasStatus.Conflict"/>.</summary>
    public const int MaxCasAttempts = 8;

    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly IStoreClock _clock;
    private readonly ILogger _logger;
    private readonly WakeHintPublisher? _wakeHints;
    private long _malformed;

    public TaskRepository(IObjectStore store, IStoreClock clock, int shardPrefixLength = 1, ILogger? logger = null, WakeHintPublisher? wakeHints = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        _store = store;
        _wakeHints = wakeHints;
        _clock = clock;
        Shards = ShardSpace.For(shardPrefixLength);
        _logger = logger ?? NullLogger.Instance;
    }

    public ShardSpace Shards { get; }

    public IObjectStore Store => _store;

    public IStoreClock Clock => _clock;

    /// <summary>Told after every ready-index key this repository writes (submit, replay, retry, reschedule, recovery); null = no hints.</summary>
    public WakeHintPublisher? WakeHints => _wakeHints;

    /// <summary>Members of a clustered fleet told after writes that make a task ready now (ADR 0026); null = no cluster.</summary>
    public IFleetSignals? Signals { get; init; }

    /// <summary>Where lease-key DELETEs nothing waits on are batched (workers); <c>null</c> = each deleted at once.</summary>
    public IndexDeleteBatch? DeferredDeletes { get; init; }

    /// <summary>Task objects found unreadable so far.</summary>
    public long MalformedObjects => Interlocked.Read(ref _malformed);

    /// <summary>The store key of a task id under this fleet's shard length.</summary>
    public string KeyOf(Guid id) => TaskKeys.Task(Shards.ShardOf(id), id);

    /// <summary>GET a task; <c>null</c> when missing. Throws <see cref="MalformedObjectException"/> for a bad object.</summary>
    public Task<TaskSnapshot?> GetAsync(Guid id, CancellationToken cancellationToken = default) => GetByKeyAsync(KeyOf(id), cancellationToken);

    /// <summary>GET a task by object key.</summary>
    public async Task<TaskSnapshot?> GetByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        var obj = await _store.GetAsync(key, cancellationToken);
        return obj is null ? null : new TaskSnapshot(Parse(obj), obj.ETag);
    }

    /// <summary>Parses a stored task, counting and logging a malformed one before rethrowing.</summary>
    internal TaskRecord Parse(StoredObject obj)
    {
        try
        {
            return TaskJson.Parse(obj.Body, obj.Key);
        }
        catch (MalformedObjectException ex)
        {
            Interlocked.Increment(ref _malformed);
            _logger.LogWarning(ex, "Malformed task object {Key}", obj.Key);
            throw;
        }
    }

    /// <summary>T1 write: the ready index key, then PUT If-None-Match of the task. Null when the id already exists.</summary>
    public async Task<TaskSnapshot?> CreateAsync(TaskRecord task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var body = TaskJson.Serialize(task);
        var written = await PreWriteIndexesAsync(null, task, cancellationToken); // a producer killed after the create leaves a findable task
        PutResult put;
        try
        {
            put = await _store.PutAsync(task.Key, body, PutCondition.IfNoneMatch, cancellationToken);
        }
        catch (ObjectStoreUnavailableException)
        {
            put = await ResolveAmbiguousAsync(task.Key, body, cancellationToken) ?? throw new ObjectStoreUnavailableException($"Could not create task {task.Id}.");
        }

        if (!put.Succeeded)
        {
            var landed = await ResolveAmbiguousAsync(task.Key, body, cancellationToken);
            if (landed is null)
            {
                return null;
            }

            put = landed;
        }

        await UpkeepIndexesAsync(null, task, cancellationToken, written);
        return new TaskSnapshot(task, put.ETag!);
    }

    /// <summary>T2 by id: one GET, one conditional PUT, index upkeep (PUT lease, DELETE ready).</summary>
    public async Task<ClaimOutcome> ClaimAsync(Guid id, string workerId, CancellationToken cancellationToken = default)
    {
        TaskSnapshot? snapshot;
        try
        {
            snapshot = await GetAsync(id, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            return new ClaimOutcome(ClaimStatus.Malformed, null, ex.Message);
        }

        return snapshot is null ? new ClaimOutcome(ClaimStatus.NotFound, null) : await ClaimAsync(snapshot, workerId, cancellationToken);
    }

    /// <summary>T2 on a task the caller just read (e.g. to check it has a handler): no extra GET.</summary>
    public async Task<ClaimOutcome> ClaimAsync(TaskSnapshot candidate, string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        KeyComponents.ValidateWorkerId(workerId);
        var now = await _clock.NowAsync(cancellationToken);
        var request = new ClaimRequest(workerId, Guid.NewGuid());
        var result = TaskTransitions.Claim(candidate.Task, now, request);
        if (!result.Succeeded)
        {
            if (result.Refusal == Refusal.Expired)
            {
                // Lazy TTL detection (§3.17): mark it expired, best effort; a lost race is fine.
                await TryWriteAsync(candidate, TaskTransitions.Expire(candidate.Task, now, new ExpireRequest()), cancellationToken);
                return new ClaimOutcome(ClaimStatus.Expired, null, result.Message);
            }

            return new ClaimOutcome(ClaimStatus.NotAvailable, null, result.Message);
        }

        var written = await TryWriteAsync(candidate, result, cancellationToken);
        if (written is not null)
        {
            return new ClaimOutcome(ClaimStatus.Claimed, written);
        }

        // Lost the race, unless the winner's body carries our lease id (a landed write reported as failed).
        TaskSnapshot? fresh;
        try
        {
            fresh = await GetByKeyAsync(candidate.Task.Key, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            return new ClaimOutcome(ClaimStatus.Malformed, null, ex.Message);
        }

        if (fresh is not null && fresh.Task.LeaseId == request.LeaseId && fresh.Task.Status == BuquetTaskStatus.Running)
        {
            await UpkeepIndexesAsync(candidate.Task, fresh.Task, cancellationToken);
            return new ClaimOutcome(ClaimStatus.Claimed, fresh);
        }

        // Only a task now running under another lease was claimed by someone else; a task cancelled, expired, finished
        // or re-queued since the candidate was read is simply no longer available as read (the next poll sees it anew).
        return fresh switch
        {
            null => new ClaimOutcome(ClaimStatus.NotFound, null),
            { Task.Status: BuquetTaskStatus.Running } => new ClaimOutcome(ClaimStatus.AlreadyClaimed, null, "Another worker claimed the task first."),
            _ => new ClaimOutcome(ClaimStatus.NotAvailable, null, $"Task {fresh.Task.Id} changed to {fresh.Task.Status} after it was read; not claimed."),
        };
    }

    /// <summary>T3 by the lease holder. With the held ETag still current this is one PUT (no GET) plus index upkeep.</summary>
    public Task<TransitionOutcome> CompleteAsync(TaskSnapshot held, JsonElement? output, string? outputRef = null, CancellationToken cancellationToken = default) =>
        ApplyAsync(held, (t, now) => TaskTransitions.Complete(t, now, new CompleteRequest(LeaseOf(held), output, outputRef)), cancellationToken);

    /// <summary>T5 by the lease holder.</summary>
    public Task<TransitionOutcome> FailAsync(TaskSnapshot held, string error, CancellationToken cancellationToken = default) =>
        ApplyAsync(held, (t, now) => TaskTransitions.Fail(t, now, new FailRequest(LeaseOf(held), error)), cancellationToken);

    /// <summary>T9b by the lease holder: the handler stopped on a cancellation request; the task ends cancelled.</summary>
    public Task<TransitionOutcome> CancelRunningAsync(TaskSnapshot held, string? claimedLastError, string defaultError, CancellationToken cancellationToken = default) =>
        ApplyAsync(held, (t, now) => TaskTransitions.CancelRunning(t, now, new CancelRunningRequest(LeaseOf(held), claimedLastError, defaultError)), cancellationToken);

    /// <summary>T4 by the lease holder (fails the task when no retry is left).</summary>
    public Task<TransitionOutcome> RetryAsync(TaskSnapshot held, string error, Func<double> random, CancellationToken cancellationToken = default) =>
        ApplyAsync(held, (t, now) => TaskTransitions.Retry(t, now, new RetryRequest(LeaseOf(held), error, random)), cancellationToken);

    /// <summary>T6 by the lease holder (fails the task when max reschedules is reached).</summary>
    public Task<TransitionOutcome> RescheduleAsync(TaskSnapshot held, TimeSpan delay, CancellationToken cancellationToken = default) =>
        ApplyAsync(held, (t, now) => TaskTransitions.Reschedule(t, now, new RescheduleRequest(LeaseOf(held), delay)), cancellationToken);

    /// <summary>T8 by the lease holder; the returned snapshot carries the new ETag and lease deadline.</summary>
    public Task<TransitionOutcome> ExtendLeaseAsync(TaskSnapshot held, TimeSpan extra, CancellationToken cancellationToken = default) =>
        ApplyAsync(held, (t, now) => TaskTransitions.ExtendLease(t, now, new ExtendLeaseRequest(LeaseOf(held), extra)), cancellationToken);

    /// <summary>T7 by a monitor, on a task it read from the lease index.</summary>
    public Task<TransitionOutcome> RecoverTimeoutAsync(TaskSnapshot observed, Func<double> random, CancellationToken cancellationToken = default) =>
        ApplyAsync(observed, (t, now) => TaskTransitions.RecoverTimeout(t, now, new TimeoutRecoveryRequest(random)), cancellationToken);

    private static Guid LeaseOf(TaskSnapshot held) =>
        held.Task.LeaseId ?? throw new ArgumentException($"Task {held.Task.Id} snapshot holds no lease.", nameof(held));
}
