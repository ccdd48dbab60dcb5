using System.Collections.Frozen;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buquet.Actors.Worker.ShardLeases;

/// <summary>What one <see cref="ShardLeaseManager.TickAsync"/> did.</summary>
internal sealed record ShardLeaseTickReport(int LiveWorkers, int Target, int Owned, int Acquired, int Released, int Lost);

/// <summary>
/// Fair, buquet-compatible shard leases (protocol §2.5, §3.19): each worker holds about <c>ceil(shards ÷ live
/// workers)</c> of <c>shard-leases/{shard}.json</c>, rebalances within one renewal interval when a worker joins, takes
/// over a dead worker's shards once their lease expired, and renews what it holds. See README.md for the rules.
/// </summary>
/// <remarks>
/// Shard leases only spread polling work. Correctness never depends on them: every claim is a compare-and-swap on
/// the task object, so a peer that polls every shard without leases (a buquet worker, a worker with leasing off),
/// or a worker that still polls a shard it lost a moment ago, can only lose a race, never double-run a task.
/// Not thread-safe: one caller at a time (the shard-lease actor). <see cref="OwnedShards"/> may be read from anywhere.
/// </remarks>
internal sealed partial class ShardLeaseManager
{
    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly IStoreClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<DateTimeOffset, CancellationToken, Task<IReadOnlyList<WorkerInfo>>> _liveWorkers;
    private readonly IReadOnlyList<string> _preference;
    private readonly FrozenSet<string> _shardSet;

    // Confined to the caller.
    private readonly Dictionary<string, Held> _owned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _unclaimedStreak = new(StringComparer.Ordinal);
    private HashSet<string> _releasedLast = new(StringComparer.Ordinal);
    private long _releaseBlockedUntil;
    private TimeSpan _releaseBackoff;

    // Shared: an immutable snapshot, replaced on change.
    private volatile FrozenSet<string> _ownedSnapshot = FrozenSet<string>.Empty;

    private sealed record Held(string ETag, DateTimeOffset ExpiresAt, long LocalDeadline);

    /// <param name="store">The bucket.</param>
    /// <param name="clock">Store time: lease expiry decisions.</param>
    /// <param name="time">Local monotonic time: when an unrenewed lease must no longer be trusted.</param>
    /// <param name="workerId">This worker.</param>
    /// <param name="settings">Shards, TTL, renewal, liveness.</param>
    /// <param name="liveWorkers">Live registry entries at a store time; defaults to <see cref="WorkerDirectory.ListLiveWorkersAsync"/>.</param>
    /// <param name="logger">Diagnostics.</param>
    public ShardLeaseManager(
        IObjectStore store,
        IStoreClock clock,
        TimeProvider time,
        string workerId,
        ShardLeaseSettings settings,
        Func<DateTimeOffset, CancellationToken, Task<IReadOnlyList<WorkerInfo>>>? liveWorkers = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(settings);
        WorkerId = KeyComponents.ValidateWorkerId(workerId);
        Settings = settings.Validate();
        _store = store;
        _clock = clock;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _liveWorkers = liveWorkers ?? ((now, ct) => WorkerDirectory.ListLiveWorkersAsync(store, now, settings.HealthThreshold, _logger, ct));
        _shardSet = settings.Shards.ToFrozenSet(StringComparer.Ordinal);
        var offset = PreferenceOffset(workerId, settings.Shards.Count);
        _releaseBackoff = settings.HealthThreshold;
        _preference = [.. Enumerable.Range(0, settings.Shards.Count).Select(i => settings.Shards[(offset + i) % settings.Shards.Count])];
    }

    /// <summary>Longest pause in offering surplus shards after offers went untaken.</summary>
    public static readonly TimeSpan MaxReleaseBackoff = TimeSpan.FromMinutes(10);

    public string WorkerId { get; }

    public ShardLeaseSettings Settings { get; }

    /// <summary>The shards this worker holds a lease on right now (an immutable snapshot; safe from any thread).</summary>
    public IReadOnlySet<string> OwnedShards => _ownedSnapshot;

    /// <summary>Raised (on the caller of <see cref="TickAsync"/>/<see cref="ReleaseAllAsync"/>) with the new set whenever it changes.</summary>
    public event Action<IReadOnlySet<string>>? OwnedShardsChanged;

    /// <summary>The fair share computed by the last tick.</summary>
    public int Target { get; private set; }

    /// <summary>
    /// One renewal period: drop leases no longer trusted, renew the rest, count live workers, release surplus to
    /// under-target workers, acquire free or expired shards up to the target, adopt shards nobody took.
    /// </summary>
    public async Task<ShardLeaseTickReport> TickAsync(CancellationToken cancellationToken = default)
    {
        var lost = DropUntrusted();
        Publish();
        var now = await _clock.NowAsync(cancellationToken);
        lost += await RenewAllAsync(now, cancellationToken);
        Publish();

        var live = await _liveWorkers(now, cancellationToken);
        var others = live.Where(w => !string.Equals(w.WorkerId, WorkerId, StringComparison.Ordinal)).ToList();
        var liveCount = others.Count + 1; // count ourselves even before our first heartbeat is visible
        Target = (Settings.Shards.Count + liveCount - 1) / liveCount;

        var listing = await ListLeasesAsync(cancellationToken);
        if (_releasedLast.Any(listing.ContainsKey))
        {
            _releaseBackoff = Settings.HealthThreshold; // our last release was taken up: releasing works
            _releasedLast.Clear();
        }

        var free = Settings.Shards.Count(s => !listing.ContainsKey(s));
        var released = await ReleaseSurplusAsync(others, now, free, cancellationToken);
        var acquired = await AcquireAsync(listing, now, cancellationToken);
        Publish();
        return new ShardLeaseTickReport(liveCount, Target, _owned.Count, acquired, released, lost);
    }

    /// <summary>
    /// Live workers counting this one, judged at an estimated store time (no clock request): the idle census that keeps
    /// the fleet size current while no lease is held.
    /// </summary>
    public async Task<int> CountLiveWorkersAsync(CancellationToken cancellationToken = default)
    {
        var now = await _clock.EstimateNowAsync(cancellationToken);
        var live = await _liveWorkers(now, cancellationToken);
        return live.Count(w => !string.Equals(w.WorkerId, WorkerId, StringComparison.Ordinal)) + 1;
    }

    /// <summary>Clean exit: DELETE every owned lease (only while it is still ours), so others take over at once.</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken = default)
    {
        foreach (var shard in _owned.Keys.ToList())
        {
            await ReleaseAsync(shard, cancellationToken);
        }

        // Streaks count consecutive renewal ticks; after a pause (idle) they start again, so nothing is adopted
        // before the under-target workers had a whole period.
        _unclaimedStreak.Clear();
        Publish();
    }

    private int DropUntrusted()
    {
        var now = _time.GetTimestamp();
        var expired = _owned.Where(kv => now >= kv.Value.LocalDeadline).Select(kv => kv.Key).ToList();
        foreach (var shard in expired)
        {
            _owned.Remove(shard);
            _logger.LogWarning("Shard lease {Shard} was not renewed in time; no longer polled by {WorkerId}", shard, WorkerId);
        }

        return expired.Count;
    }

    private async Task<int> ReleaseSurplusAsync(List<WorkerInfo> others, DateTimeOffset now, int free, CancellationToken cancellationToken)
    {
        if (_owned.Count <= Target || _time.GetTimestamp() < _releaseBlockedUntil)
        {
            return 0;
        }

        // Shards other workers lack, judged from their heartbeats (each lists the shards it polls), minus shards that
        // are free already. A worker whose heartbeat went quiet is not given anything (it may have just crashed).
        var deficit = others
            .Where(w => now - w.LastHeartbeat < Settings.ActiveHeartbeatAge)
            .Sum(w => Math.Max(0, Target - w.Shards.Count(_shardSet.Contains)));
        var release = Math.Min(_owned.Count - Target, deficit - free);
        if (release <= 0)
        {
            return 0;
        }

        var surplus = _preference.Where(_owned.ContainsKey).Reverse().Take(release).ToList();
        foreach (var shard in surplus)
        {
            await ReleaseAsync(shard, cancellationToken);
        }

        _releasedLast = new HashSet<string>(surplus, StringComparer.Ordinal);

        _logger.LogInformation("Released {Count} shard lease(s) to under-target workers (target {Target})", surplus.Count, Target);
        return surplus.Count;
    }

    private async Task<int> AcquireAsync(Dictionary<string, DateTimeOffset> listing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var acquired = 0;
        foreach (var shard in _preference)
        {
            if (_owned.ContainsKey(shard))
            {
                _unclaimedStreak.Remove(shard);
                continue;
            }

            // From the listing alone: absent ⇒ free; not written for a whole TTL ⇒ probably expired. Anything else
            // is held and renewed by someone: not even read.
            var present = listing.TryGetValue(shard, out var lastModified);
            var expired = present && lastModified + Settings.LeaseTtl <= now;
            if (present && !expired)
            {
                _unclaimedStreak.Remove(shard);
                continue;
            }

            var streak = _unclaimedStreak[shard] = _unclaimedStreak.GetValueOrDefault(shard) + 1;

            // Under target: take it. Expired (its holder died): anyone takes it now. Seen free on two ticks while at or
            // over target: the under-target workers had a whole period and did not take it, so adopt it rather than
            // leave the shard unpolled.
            var adopting = _owned.Count >= Target && !expired;
            if ((!adopting || streak >= 2) && await TryAcquireAsync(shard, now, cancellationToken))
            {
                acquired++;
                _unclaimedStreak.Remove(shard);
                if (adopting && _releasedLast.Contains(shard))
                {
                    // We released it and nobody wanted it (a registered worker that does not take leases): stop
                    // offering shards for a while, backing off, so we do not open a coverage gap every few periods.
                    _releaseBlockedUntil = _time.GetTimestamp() + (long)(_releaseBackoff.TotalSeconds * _time.TimestampFrequency);
                    _releaseBackoff = _releaseBackoff * 2 < MaxReleaseBackoff ? _releaseBackoff * 2 : MaxReleaseBackoff;
                    _releasedLast.Clear();
                }
            }
        }

        return acquired;
    }

    private async Task<Dictionary<string, DateTimeOffset>> ListLeasesAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await _store.ListAsync(new ListRequest(TaskKeys.ShardLeasesRoot, ContinuationToken: token), cancellationToken);
            foreach (var obj in page.Objects)
            {
                var name = obj.Key[TaskKeys.ShardLeasesRoot.Length..];
                if (name.EndsWith(".json", StringComparison.Ordinal) && _shardSet.Contains(name[..^5]))
                {
                    result[name[..^5]] = obj.LastModified;
                }
            }

            token = page.NextContinuationToken;
        }
        while (token is not null);

        return result;
    }

    private void Publish()
    {
        var current = _ownedSnapshot;
        if (current.Count == _owned.Count && _owned.Keys.All(current.Contains))
        {
            return;
        }

        var next = _owned.Keys.ToFrozenSet(StringComparer.Ordinal);
        _ownedSnapshot = next;
        OwnedShardsChanged?.Invoke(next);
    }

    /// <summary>A stable per-worker starting point (FNV-1a of the id), so workers prefer different shards.</summary>
    internal static int PreferenceOffset(string workerId, int shardCount)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(workerId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % (uint)shardCount);
    }
}
