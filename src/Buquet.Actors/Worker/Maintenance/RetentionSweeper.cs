using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>What one <see cref="RetentionSweeper.StepAsync"/> (or a whole pass) did.</summary>
/// <param name="Listed">Task objects listed.</param>
/// <param name="Read">Task objects read (old enough by their last write, not remembered as not yet due).</param>
/// <param name="Removed">Finished tasks deleted (with their payloads and index keys).</param>
/// <param name="Changed">Due tasks whose object changed between the read and the conditional delete: kept.</param>
/// <param name="Malformed">Objects that are not readable tasks: left alone.</param>
/// <param name="PassCompleted">Every held shard's listing reached its end in this step.</param>
/// <param name="HeldShards">Shards held when the step started (0: nothing was listed, no request made).</param>
internal sealed record RetentionReport(int Listed, int Read, int Removed, int Changed, int Malformed, bool PassCompleted, int HeldShards = 0);

/// <summary>
/// Removes finished tasks older than the <see cref="RetentionPolicy"/> from the shards this worker holds: walks
/// <c>tasks/{shard}/</c> of each held shard with a cursor, at most <see cref="MaxObjectsPerStep"/> objects per step,
/// and deletes each due task with <c>If-Match</c> on the ETag it read, then its payload objects and its ready key.
/// </summary>
/// <remarks>
/// <para><b>Cost.</b> A step is O(page): LISTs of at most <see cref="MaxObjectsPerStep"/> keys, and a GET only for an
/// object whose listed <c>LastModified</c> (store time of its last write, never earlier than the time it finished) is
/// older than the smallest enabled age and which is not remembered, by ETag, as not yet due. A pass over a history of
/// n tasks costs n/1000 LISTs; nothing is added to the worker's polls.</para>
/// <para><b>Fencing.</b> Only shards in <c>ownedShards()</c> (the worker's shard leases, or its polled shards without
/// leasing) are walked, checked again per object. Every delete is conditional on the ETag read, so a task replayed,
/// archived or otherwise changed since is not removed, and two sweepers (a lease that moved, <c>buquet purge</c>) can
/// only both fail or one succeed. Ages are judged on the store clock.</para>
/// <para><b>Index keys.</b> A finished task has none by protocol (each finishing transition deletes them); its ready
/// key, derived from <c>available_at</c>, is deleted anyway in one batch per step, and any other leftover (a lease key
/// from a crash window) is an orphan the <see cref="IndexSweeper"/> deletes once the task is gone.</para>
/// Not thread-safe: one caller at a time (the retention actor, or <c>buquet purge</c>).
/// </remarks>
internal sealed class RetentionSweeper
{
    /// <summary>Bound of the not-yet-due memory.</summary>
    public const int DefaultMemory = 100_000;

    // Immutable after construction.
    private readonly TaskRepository _repository;
    private readonly RetentionPolicy _policy;
    private readonly Func<IReadOnlySet<string>> _ownedShards;
    private readonly int _parallelism;
    private readonly ILogger _logger;

    // Confined to the caller.
    private readonly Dictionary<string, string?> _cursors = new(StringComparer.Ordinal);
    private readonly Queue<string> _pass = new();
    private readonly Dictionary<string, (string ETag, DateTimeOffset DueAt)> _notDue = new(StringComparer.Ordinal);

    /// <param name="repository">Task access; its store clock judges ages.</param>
    /// <param name="policy">Ages per status.</param>
    /// <param name="ownedShards">The shards this sweeper may touch, read at each step and before each object.</param>
    /// <param name="maxObjectsPerStep">Task objects listed per step.</param>
    /// <param name="parallelism">Reads and deletes in flight at once within a page.</param>
    /// <param name="logger">Diagnostics.</param>
    public RetentionSweeper(TaskRepository repository, RetentionPolicy policy, Func<IReadOnlySet<string>> ownedShards, int maxObjectsPerStep = 1000, int parallelism = 8, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(ownedShards);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxObjectsPerStep, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _repository = repository;
        _policy = policy.Validate();
        _ownedShards = ownedShards;
        _parallelism = parallelism;
        _logger = logger ?? NullLogger.Instance;
        MaxObjectsPerStep = maxObjectsPerStep;
    }

    public int MaxObjectsPerStep { get; }

    public RetentionPolicy Policy => _policy;

    /// <summary>Lists up to <see cref="MaxObjectsPerStep"/> task objects of the held shards and removes the due ones.</summary>
    public async Task<RetentionReport> StepAsync(CancellationToken cancellationToken = default)
    {
        var tally = new Tally();
        if (!_policy.Enabled)
        {
            tally.PassCompleted = true;
            return tally.ToReport();
        }

        var owned = _ownedShards();
        tally.HeldShards = owned.Count;
        if (_pass.Count == 0)
        {
            foreach (var shard in owned.Where(_repository.Shards.All.Contains).Order(StringComparer.Ordinal))
            {
                _pass.Enqueue(shard);
            }
        }

        var extras = new List<string>();
        while (_pass.Count > 0 && tally.Listed < MaxObjectsPerStep)
        {
            var shard = _pass.Peek();
            if (!_ownedShards().Contains(shard))
            {
                _pass.Dequeue(); // lost its lease: its new holder sweeps it
                continue;
            }

            _cursors.TryGetValue(shard, out var after);
            var page = await _repository.Store.ListAsync(
                new ListRequest(TaskKeys.TaskPrefix(shard), after, Math.Min(1000, MaxObjectsPerStep - tally.Listed)), cancellationToken);
            tally.Listed += page.Objects.Count;
            if (page.Objects.Count > 0)
            {
                _cursors[shard] = page.Objects[^1].Key;
                await ExamineAsync(shard, page.Objects, tally, extras, cancellationToken);
            }

            if (!page.IsTruncated)
            {
                _cursors[shard] = null;
                _pass.Dequeue();
            }
        }

        if (extras.Count > 0)
        {
            await _repository.Store.DeleteManyAsync(extras, cancellationToken);
        }

        tally.PassCompleted = _pass.Count == 0;
        return tally.ToReport();
    }

    /// <summary>Steps until a whole pass over the held shards completed (<c>buquet purge</c>).</summary>
    public async Task<RetentionReport> PassAsync(CancellationToken cancellationToken = default)
    {
        _pass.Clear();
        _cursors.Clear();
        var total = new Tally();
        while (true)
        {
            var step = await StepAsync(cancellationToken);
            total.Add(step);
            if (step.PassCompleted)
            {
                return total.ToReport();
            }
        }
    }

    private async Task ExamineAsync(string shard, IReadOnlyList<ObjectInfo> objects, Tally tally, List<string> extras, CancellationToken cancellationToken)
    {
        var now = await _repository.Clock.NowAsync(cancellationToken);
        var lastWrittenBefore = now - _policy.MinAge;
        var candidates = objects.Where(o =>
                o.LastModified <= lastWrittenBefore
                && TaskKeys.TryParseTaskKey(o.Key, out _, out _)
                && !(_notDue.TryGetValue(o.Key, out var seen) && ETags.Equal(seen.ETag, o.ETag) && now < seen.DueAt))
            .ToList();
        var outcomes = new (Outcome Outcome, string Key, string? ETag, DateTimeOffset DueAt, string[] Extras)[candidates.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, candidates.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
            async (i, ct) => outcomes[i] = await RemoveIfDueAsync(shard, candidates[i].Key, now, ct));
        foreach (var (outcome, key, etag, dueAt, keys) in outcomes)
        {
            tally.Read += outcome is Outcome.Skipped ? 0 : 1;
            switch (outcome)
            {
                case Outcome.Removed: tally.Removed++; extras.AddRange(keys); _notDue.Remove(key); break;
                case Outcome.Changed: tally.Changed++; break;
                case Outcome.Malformed: tally.Malformed++; Remember(key, etag!, DateTimeOffset.MaxValue); break;
                case Outcome.NotDue: Remember(key, etag!, dueAt); break;
                default: _notDue.Remove(key); break;
            }
        }
    }

    private async Task<(Outcome, string, string?, DateTimeOffset, string[])> RemoveIfDueAsync(string shard, string key, DateTimeOffset now, CancellationToken ct)
    {
        if (!_ownedShards().Contains(shard))
        {
            return (Outcome.Skipped, key, null, default, []);
        }

        StoredObject? obj = await _repository.Store.GetAsync(key, ct);
        if (obj is null)
        {
            return (Outcome.Gone, key, null, default, []);
        }

        TaskRecord task;
        try
        {
            task = _repository.Parse(obj);
        }
        catch (MalformedObjectException ex)
        {
            _logger.LogWarning("Retention skipped malformed task object {Key}: {Problem}", key, ex.Problem);
            return (Outcome.Malformed, key, obj.ETag, default, []);
        }

        var dueAt = _policy.RemovableAt(task) ?? DateTimeOffset.MaxValue;
        if (now < dueAt)
        {
            return (Outcome.NotDue, key, obj.ETag, dueAt, []);
        }

        var deleted = await _repository.Store.DeleteAsync(key, obj.ETag, ct);
        switch (deleted)
        {
            case DeleteStatus.Deleted:
                _logger.LogDebug("Retention removed {Status} task {TaskId}", task.Status, task.Id);
                return (Outcome.Removed, key, obj.ETag, dueAt, ExtraKeys(task));
            case DeleteStatus.PreconditionFailed:
                return (Outcome.Changed, key, null, default, []);
            default:
                return (Outcome.Gone, key, null, default, []);
        }
    }

    /// <summary>The objects that belong to a removed task: its ready key and its own payload objects.</summary>
    private static string[] ExtraKeys(TaskRecord task)
    {
        var own = $"{TaskKeys.PayloadsRoot}{TaskKeys.Id(task.Id)}/";
        return [TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id), .. new[] { task.InputRef, task.OutputRef }.Where(r => r is not null && r.StartsWith(own, StringComparison.Ordinal)).Select(r => r!)];
    }

    private void Remember(string key, string etag, DateTimeOffset dueAt)
    {
        if (_notDue.Count >= DefaultMemory && !_notDue.ContainsKey(key))
        {
            _notDue.Clear(); // crude but bounded: the next pass re-reads and re-learns
        }

        _notDue[key] = (etag, dueAt);
    }

    private enum Outcome
    {
        Skipped,
        Gone,
        NotDue,
        Removed,
        Changed,
        Malformed,
    }

    private sealed class Tally
    {
        public int Listed;
        public int Read;
        public int Removed;
        public int Changed;
        public int Malformed;
        public bool PassCompleted;
        public int HeldShards;

        public void Add(RetentionReport r)
        {
            Listed += r.Listed;
            Read += r.Read;
            Removed += r.Removed;
            Changed += r.Changed;
            Malformed += r.Malformed;
            PassCompleted |= r.PassCompleted;
            HeldShards = Math.Max(HeldShards, r.HeldShards);
        }

        public RetentionReport ToReport() => new(Listed, Read, Removed, Changed, Malformed, PassCompleted, HeldShards);
    }
}
