using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker.Maintenance;

/// <summary>What one <see cref="LeaseRecovery.RunCycleAsync"/> did.</summary>
internal sealed record LeaseRecoveryReport(
    int ShardsScanned,
    int KeysExamined,
    int Recovered,
    int FailedAfterMaxRetries,
    int OrphansDeleted,
    int StaleKeysDeleted,
    int Malformed,
    int LostRaces);

/// <summary>
/// The monitor's core (protocol §3.10, improved): recovers running tasks whose lease expired (T7a/T7b) by walking the
/// lease index <c>leases/{shard}/{bucket}/{id}</c> of every shard of the configured <see cref="ShardSpace"/>.
/// </summary>
/// <remarks>
/// <para><b>Incremental scan.</b> Each shard has a cursor (the last key examined). A cycle LISTs at most
/// <see cref="MaxKeysPerShard"/> keys per shard with <c>StartAfter = cursor</c>, and continues there next cycle.</para>
/// <para><b>Never the future.</b> Lease keys are bucketed by the minute their lease expires, and listing is in key
/// order, so buckets come oldest first. A key in a bucket after the current store-time bucket cannot be expired yet:
/// the scan of a shard stops at the first such key and the cursor wraps to the start, so the next cycle begins again
/// at the oldest bucket. Keys of the current bucket are examined (a lease that ended at :30 is recovered at :31, not a
/// minute later). A shard whose listing ends also wraps.</para>
/// <para><b>Per key.</b> Task missing ⇒ orphan key deleted. Running and <c>now &gt; lease_expires_at</c> ⇒
/// <see cref="TaskRepository.RecoverTimeoutAsync"/>, which writes T7a (back to pending with backoff) or T7b (failed)
/// by compare-and-swap and moves the index keys. A lost CAS means someone else (the holder renewing, or another
/// monitor) moved the task: skipped quietly. A key that no longer matches its task (not running, or moved by a lease
/// extension) is deleted with <see cref="IndexKeeper.DeleteVerifiedAsync"/> so it is not re-examined forever.
/// A malformed task object is counted and logged, and its key left alone; it never stops the cycle.</para>
/// <para><b>Several monitors.</b> Every write is a CAS on the task's ETag, so concurrent monitors are safe: at most
/// one wins each recovery.</para>
/// Not thread-safe: one caller at a time (the monitor actor).
/// </remarks>
internal sealed class LeaseRecovery
{
    // Immutable after construction.
    private readonly IndexKeeper _keeper;
    private readonly IStoreClock _clock;
    private readonly Func<double> _random;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _shards;

    // Confined to the caller (one cycle at a time).
    private readonly Dictionary<string, string?> _cursors = new(StringComparer.Ordinal);
    private int _nextShard;

    /// <param name="repository">Task access; its <see cref="TaskRepository.Shards"/> is the shard space scanned.</param>
    /// <param name="random">Jitter source in [0, 1) for the retry backoff of T7a.</param>
    /// <param name="maxKeysPerShard">Lease keys examined per shard per cycle (<c>monitor.max-tasks-per-scan</c>).</param>
    /// <param name="shardsPerCycle">Shards visited per cycle, rotating; <c>null</c> visits every shard each cycle.</param>
    /// <param name="logger">Diagnostics.</param>
    public LeaseRecovery(TaskRepository repository, Func<double> random, int maxKeysPerShard = 100, int? shardsPerCycle = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeysPerShard, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxKeysPerShard, 1000);
        if (shardsPerCycle is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shardsPerCycle), shardsPerCycle, "Shards per cycle must be at least 1.");
        }

        _keeper = new IndexKeeper(repository);
        _clock = repository.Clock;
        _random = random;
        _logger = logger ?? NullLogger.Instance;
        _shards = repository.Shards.All;
        MaxKeysPerShard = maxKeysPerShard;
        ShardsPerCycle = Math.Min(shardsPerCycle ?? _shards.Count, _shards.Count);
    }

    public int MaxKeysPerShard { get; }

    public int ShardsPerCycle { get; }

    /// <summary>The key a shard's next scan starts after; <c>null</c> at the start of the shard.</summary>
    public string? CursorOf(string shard) => _cursors.GetValueOrDefault(shard);

    /// <summary>One monitor cycle: a bounded slice of every (or the next <see cref="ShardsPerCycle"/>) shard.</summary>
    public async Task<LeaseRecoveryReport> RunCycleAsync(CancellationToken cancellationToken = default)
    {
        var tally = new Tally();
        for (var i = 0; i < ShardsPerCycle; i++)
        {
            var shard = _shards[_nextShard];
            await ScanShardAsync(shard, tally, cancellationToken);
            _nextShard = (_nextShard + 1) % _shards.Count;
            tally.Shards++;
        }

        return tally.ToReport();
    }

    private async Task ScanShardAsync(string shard, Tally tally, CancellationToken cancellationToken)
    {
        var now = await _clock.NowAsync(cancellationToken);
        var nowBucket = TimeBuckets.Number(now);
        var cursor = _cursors.GetValueOrDefault(shard);
        var page = await _keeper.Repository.Store.ListAsync(
            new ListRequest(TaskKeys.LeasePrefix(shard), cursor, MaxKeysPerShard), cancellationToken);
        var wrap = !page.IsTruncated;
        foreach (var obj in page.Objects)
        {
            var parsed = TaskKeys.TryParseIndexKey(obj.Key, out var key);
            if (parsed && key.Bucket > nowBucket)
            {
                wrap = true; // everything from here on expires in the future
                break;
            }

            cursor = obj.Key;
            tally.Examined++;
            if (parsed)
            {
                await ExamineAsync(obj.Key, key, now, tally, cancellationToken); // a foreign object under leases/ is not ours to touch
            }
        }

        _cursors[shard] = wrap ? null : cursor;
    }

    private async Task ExamineAsync(string indexKey, IndexKey key, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        var taskKey = IndexKeeper.TaskKeyOf(key);
        TaskSnapshot? snapshot;
        try
        {
            snapshot = await _keeper.ReadAsync(taskKey, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            tally.Malformed++;
            _logger.LogWarning("Lease key {Key} points at a malformed task: {Problem}", indexKey, ex.Problem);
            return;
        }

        if (snapshot is null)
        {
            if (await _keeper.DeleteVerifiedAsync(indexKey, taskKey, IndexKind.Lease, cancellationToken))
            {
                tally.Orphans++;
            }

            return;
        }

        var task = snapshot.Task;
        var expected = IndexKeeper.Expected(task, IndexKind.Lease);
        if (task.Status == BuquetTaskStatus.Running && task.IsLeaseExpiredAt(now))
        {
            // The recovery's own index upkeep removes the expected key; a stale key in another bucket stays for below.
            if (!await RecoverAsync(snapshot, tally, cancellationToken) || expected == indexKey)
            {
                return;
            }
        }
        else if (expected == indexKey)
        {
            return; // running, lease not yet expired: not due
        }

        // The task moved on (not running), or a lease extension moved its key to another bucket: this key is stale.
        if (await _keeper.DeleteVerifiedAsync(indexKey, taskKey, IndexKind.Lease, cancellationToken))
        {
            tally.Stale++;
        }
    }

    private async Task<bool> RecoverAsync(TaskSnapshot snapshot, Tally tally, CancellationToken cancellationToken)
    {
        var outcome = await _keeper.Repository.RecoverTimeoutAsync(snapshot, _random, cancellationToken);
        switch (outcome.Status)
        {
            case CasStatus.Written when outcome.Snapshot!.Task.Status == BuquetTaskStatus.Failed:
                tally.Failed++;
                _logger.LogInformation("Task {TaskId} timed out after max retries; marked failed", snapshot.Task.Id);
                break;
            case CasStatus.Written:
                tally.Recovered++;
                _logger.LogInformation("Task {TaskId} lease expired; back to pending (retry {RetryCount})", snapshot.Task.Id, outcome.Snapshot!.Task.RetryCount);
                break;
            case CasStatus.Malformed:
                tally.Malformed++;
                break;
            default:
                tally.LostRaces++; // renewed, completed or recovered by someone else meanwhile
                return false;
        }

        return outcome.Status == CasStatus.Written;
    }

    private sealed class Tally
    {
        public int Shards;
        public int Examined;
        public int Recovered;
        public int Failed;
        public int Orphans;
        public int Stale;
        public int Malformed;
        public int LostRaces;

        public LeaseRecoveryReport ToReport() => new(Shards, Examined, Recovered, Failed, Orphans, Stale, Malformed, LostRaces);
    }
}
