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
/// <para><b>One listing for every shard.</b> A cycle LISTs the whole <c>leases/</c> prefix (keys come shard by shard,
/// oldest bucket first), so an empty index costs one LIST however many shards there are, instead of one per shard.
/// At most <see cref="KeysPerCycle"/> keys are examined per cycle; a cycle that stops early keeps its cursor (the last
/// key listed) and the next cycle continues there; a listing that ends wraps to the start.</para>
/// <para><b>Never the future.</b> Lease keys are bucketed by the minute their lease expires. A key in a bucket after the
/// current store-time bucket cannot be expired yet: the rest of that shard is skipped (the next LIST starts after the
/// shard when the page ended inside it). Keys of the current bucket are examined (a lease that ended at :30 is
/// recovered at :31, not a minute later). The bucket filter uses the clock's estimate; the store clock is read (and
/// synced if stale) only when a key is actually examined, so an empty or not-yet-due index costs no clock request.</para>
/// <para><b>Per key.</b> Task missing ⇒ orphan key deleted. Running and <c>now &gt; lease_expires_at</c> ⇒
/// <see cref="TaskRepository.RecoverTimeoutAsync"/>, which writes T7a (back to pending with backoff) or T7b (failed)
/// by compare-and-swap and moves the index keys. A lost CAS means someone else (the holder renewing, or another
/// monitor) moved the task: skipped quietly. A key that no longer matches its task (not running, or moved by a lease
/// extension) is deleted with <see cref="TaskRepository.DeleteStaleIndexAsync"/> so it is not re-examined forever — once
/// it is older than <see cref="TaskRepository.YoungIndexKey"/>: a younger one may be a claim's key whose CAS is in flight.
/// A malformed task object is counted and logged, and its key left alone; it never stops the cycle. Keys of shards
/// outside the configured space, and foreign objects, are left alone.</para>
/// <para><b>Several monitors.</b> Every write is a CAS on the task's ETag, so concurrent monitors are safe: at most
/// one wins each recovery.</para>
/// Not thread-safe: one caller at a time (the monitor actor).
/// </remarks>
internal sealed class LeaseRecovery
{
    // Immutable after construction.
    private readonly TaskRepository _repository;
    private readonly IStoreClock _clock;
    private readonly Func<double> _random;
    private readonly ILogger _logger;
    private readonly HashSet<string> _shards;

    /// <param name="repository">Task access; its <see cref="TaskRepository.Shards"/> is the shard space scanned.</param>
    /// <param name="random">Jitter source in [0, 1) for the retry backoff of T7a.</param>
    /// <param name="maxKeysPerShard">Lease keys examined per shard per cycle (<c>monitor.max-tasks-per-scan</c>): a cycle examines at most this times <paramref name="shardsPerCycle"/> keys.</param>
    /// <param name="shardsPerCycle">Shards' worth of budget per cycle; <c>null</c> = every shard of the space.</param>
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

        _repository = repository;
        _clock = repository.Clock;
        _random = random;
        _logger = logger ?? NullLogger.Instance;
        _shards = new HashSet<string>(repository.Shards.All, StringComparer.Ordinal);
        MaxKeysPerShard = maxKeysPerShard;
        KeysPerCycle = maxKeysPerShard * Math.Min(shardsPerCycle ?? _shards.Count, _shards.Count);
    }

    public int MaxKeysPerShard { get; }

    /// <summary>Keys examined at most per cycle.</summary>
    public int KeysPerCycle { get; }

    /// <summary>The key the next cycle's listing starts after; <c>null</c> at the start of <c>leases/</c>.</summary>
    public string? Cursor { get; private set; }

    /// <summary>One monitor cycle: a bounded slice of the whole lease index, from <see cref="Cursor"/> on.</summary>
    public async Task<LeaseRecoveryReport> RunCycleAsync(CancellationToken cancellationToken = default)
    {
        var tally = new Tally();
        var shardsSeen = new HashSet<string>(StringComparer.Ordinal);
        var fromStart = Cursor is null;
        var wrapped = false;
        var estimate = await _clock.EstimateNowAsync(cancellationToken);
        var nowBucket = TimeBuckets.Number(estimate);
        DateTimeOffset? now = null;
        var maxPages = _shards.Count + 1; // never more LISTs than the per-shard scan made
        for (var pages = 0; pages < maxPages && tally.Examined < KeysPerCycle; pages++)
        {
            var page = await _repository.Store.ListAsync(
                new ListRequest(TaskKeys.LeasesRoot, Cursor, Math.Min(1000, KeysPerCycle - tally.Examined)), cancellationToken);
            string? futureShard = null;
            string? lastShard = null;
            foreach (var obj in page.Objects)
            {
                Cursor = obj.Key;
                if (!TaskKeys.TryParseIndexKey(obj.Key, out var key) || key.Kind != IndexKind.Lease || !_shards.Contains(key.Shard))
                {
                    continue; // a foreign object, or another shard space's key: not ours to touch
                }

                lastShard = key.Shard;
                shardsSeen.Add(key.Shard);
                if (key.Shard == futureShard || key.Bucket > nowBucket)
                {
                    futureShard = key.Shard; // everything after this in the shard expires in the future
                    continue;
                }

                tally.Examined++;
                now ??= await _clock.NowAsync(cancellationToken);
                await ExamineAsync(obj, key, now.Value, tally, cancellationToken);
                if (tally.Examined >= KeysPerCycle)
                {
                    break;
                }
            }

            if (!page.IsTruncated && tally.Examined < KeysPerCycle)
            {
                Cursor = null; // the listing ended: the next cycle starts again at the oldest buckets
                wrapped = true;
                break;
            }

            if (futureShard is not null && futureShard == lastShard)
            {
                Cursor = AfterShard(futureShard); // skip the rest of a shard whose remaining keys are all in the future
            }
        }

        tally.Shards = fromStart && wrapped ? _shards.Count : shardsSeen.Count; // a whole pass covers every shard
        return tally.ToReport();
    }

    /// <summary>A StartAfter key greater than every key of <c>leases/{shard}/</c> and smaller than the next shard's keys.</summary>
    private static string AfterShard(string shard) => TaskKeys.LeasesRoot + shard + "0";

    private async Task ExamineAsync(ObjectInfo listed, IndexKey key, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        var indexKey = listed.Key;
        var taskKey = TaskRepository.TaskKeyOf(key);
        TaskSnapshot? snapshot;
        try
        {
            snapshot = await _repository.GetByKeyAsync(taskKey, cancellationToken);
        }
        catch (MalformedObjectException ex)
        {
            tally.Malformed++;
            _logger.LogWarning("Lease key {Key} points at a malformed task: {Problem}", indexKey, ex.Problem);
            return;
        }

        if (snapshot is null)
        {
            if (await _repository.DeleteStaleIndexAsync(listed, taskKey, IndexKind.Lease, now, cancellationToken))
            {
                tally.Orphans++;
            }

            return;
        }

        var task = snapshot.Task;
        var expected = TaskRepository.ExpectedIndexKey(task, IndexKind.Lease);
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

        // The task moved on (not running), or a lease extension moved its key to another bucket: this key is stale. An
        // extension whose new key could not be written kept this one (TaskRepository.UpkeepIndexesAsync): the new key
        // is put in place first, so a running task never drops out of the lease index.
        if (task.Status == BuquetTaskStatus.Running && expected is not null && expected != indexKey)
        {
            await _repository.EnsureIndexAsync(expected, cancellationToken);
        }

        // A claim's (or extension's) key is written before its CAS and usually ends in the current minute, so it is
        // examined at once: while that CAS is in flight the task still reads pending (or with its old lease). The
        // keeper never deletes such a young key (soak finding 12); a stale key goes on a later cycle.
        if (await _repository.DeleteStaleIndexAsync(listed, taskKey, IndexKind.Lease, now, cancellationToken))
        {
            tally.Stale++;
        }
    }

    private async Task<bool> RecoverAsync(TaskSnapshot snapshot, Tally tally, CancellationToken cancellationToken)
    {
        var outcome = await _repository.RecoverTimeoutAsync(snapshot, _random, cancellationToken);
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
