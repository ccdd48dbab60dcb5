using Buquet.Actors.Storage;

namespace Buquet.Actors.Protocol;

/// <summary>The authoritative time for every task-state decision (protocol §3.3, BUG-005).</summary>
internal interface IStoreClock
{
    /// <summary>The store's current time.</summary>
    ValueTask<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The store's time for timestamps that decide nothing about a task's state (heartbeats, "is anything due" filters):
    /// an older reading extrapolated with the monotonic clock may be used, so an idle process makes no clock requests.
    /// Every task-state decision (claims, lease expiry, recoveries, lease terms) keeps using <see cref="NowAsync"/>.
    /// </summary>
    ValueTask<DateTimeOffset> EstimateNowAsync(CancellationToken cancellationToken = default) => NowAsync(cancellationToken);

    /// <summary>
    /// The store time estimated without any request: the last sync advanced by local monotonic time, however old the
    /// sync. For hints only (e.g. which ready-index buckets are due), never for a task-state decision. False before
    /// the first sync (and for clocks that cannot estimate).
    /// </summary>
    bool TryGetApproximateNow(out DateTimeOffset now)
    {
        now = default;
        return false;
    }
}

/// <summary>
/// Store time from <see cref="IObjectStore.GetServerTimeAsync"/>, cached and advanced with the monotonic clock of a
/// <see cref="TimeProvider"/> (never its wall clock), re-synced every <see cref="ResyncInterval"/>. Concurrent callers
/// needing a sync share one request (single flight). Thread-safe.
/// </summary>
internal sealed class StoreClock : IStoreClock
{
    /// <summary>Re-sync interval used by buquet peers.</summary>
    public static readonly TimeSpan DefaultResyncInterval = TimeSpan.FromSeconds(5);

    // Immutable after construction.
    private readonly IObjectStore _store;
    private readonly TimeProvider _time;

    // Shared; guarded by _gate for writes, published as one immutable snapshot.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Sync? _last;

    /// <summary>How long a reading may be extrapolated by <see cref="EstimateNowAsync"/> (monotonic drift is ~0.1 ms/s).</summary>
    public static readonly TimeSpan DefaultEstimateMaxAge = TimeSpan.FromHours(1);

    public StoreClock(IObjectStore store, TimeProvider? timeProvider = null, TimeSpan? resyncInterval = null, TimeSpan? estimateMaxAge = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        ResyncInterval = resyncInterval ?? DefaultResyncInterval;
        if (ResyncInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(resyncInterval), resyncInterval, "Re-sync interval must not be negative.");
        }

        EstimateMaxAge = estimateMaxAge ?? (DefaultEstimateMaxAge > ResyncInterval ? DefaultEstimateMaxAge : ResyncInterval);
        if (EstimateMaxAge < ResyncInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(estimateMaxAge), estimateMaxAge, $"Estimate max age must be at least the re-sync interval ({ResyncInterval}).");
        }
    }

    public TimeSpan ResyncInterval { get; }

    /// <summary>How long <see cref="EstimateNowAsync"/> extrapolates a reading before it syncs.</summary>
    public TimeSpan EstimateMaxAge { get; }

    /// <summary>Number of server-time requests made (for tests and metrics).</summary>
    public int SyncCount => _syncCount;

    private int _syncCount;

    private sealed record Sync(DateTimeOffset ServerTime, long Timestamp);

    public ValueTask<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default)
    {
        var last = _last;
        if (last is not null && Fresh(last, out var now))
        {
            return ValueTask.FromResult(now);
        }

        return new ValueTask<DateTimeOffset>(SyncAsync(cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<DateTimeOffset> EstimateNowAsync(CancellationToken cancellationToken = default)
    {
        var last = _last;
        if (last is not null)
        {
            var elapsed = _time.GetElapsedTime(last.Timestamp);
            if (elapsed < EstimateMaxAge && elapsed >= TimeSpan.Zero)
            {
                return ValueTask.FromResult(last.ServerTime + elapsed);
            }
        }

        return new ValueTask<DateTimeOffset>(SyncAsync(cancellationToken));
    }

    /// <inheritdoc />
    public bool TryGetApproximateNow(out DateTimeOffset now)
    {
        var last = _last;
        if (last is null)
        {
            now = default;
            return false;
        }

        now = last.ServerTime + _time.GetElapsedTime(last.Timestamp);
        return true;
    }

    private bool Fresh(Sync last, out DateTimeOffset now)
    {
        var elapsed = _time.GetElapsedTime(last.Timestamp);
        now = last.ServerTime + elapsed;
        return elapsed < ResyncInterval && elapsed >= TimeSpan.Zero;
    }

    private async Task<DateTimeOffset> SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have synced while we waited.
            var last = _last;
            if (last is not null && Fresh(last, out var now))
            {
                return now;
            }

            var server = await _store.GetServerTimeAsync(cancellationToken);
            Interlocked.Increment(ref _syncCount);

            // Anchor at the response: the server stamped its time somewhere in the round trip, so at this instant its
            // clock reads at least `server`. Anchoring here errs early by up to one round trip (Last-Modified's
            // truncation to seconds errs early too), so "now" never runs ahead of the store: a lease is never taken as
            // expired before the store says so. Anchoring at the request start would run ahead by up to a round trip.
            _last = new Sync(server, _time.GetTimestamp());
            return server;
        }
        finally
        {
            _gate.Release();
        }
    }
}
