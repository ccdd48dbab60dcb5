namespace Buquet.Actors.Storage;

/// <summary>
/// Wraps any store and injects S3's failure modes, driven by a seeded <see cref="Random"/> so a failing run can be
/// replayed: latency, 503 throttling, 409 conflicts on conditional puts, timeouts and dropped responses after the
/// operation was performed (the write landed, the caller does not know), and a switchable full outage.
/// </summary>
public sealed class FaultInjectingObjectStore : IObjectStore
{
    private readonly IObjectStore _inner;
    private readonly FaultSettings _settings;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private volatile bool _outage;
    private int _outages;
    private int _throttles;
    private int _conflicts;
    private int _landedTimeouts;
    private int _dropped;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The store that really performs operations.</param>
    /// <param name="settings">Which faults, how often.</param>
    /// <param name="random">A seeded generator (print the seed in tests to replay).</param>
    /// <param name="timeProvider">Timer for injected latency. The default is the system clock.</param>
    public FaultInjectingObjectStore(IObjectStore inner, FaultSettings settings, Random random, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(random);
        settings.Validate();
        _inner = inner;
        _settings = settings;
        _random = random;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>While true, every operation fails with <see cref="ObjectStoreUnavailableException"/> and nothing is performed.</summary>
    public bool Outage
    {
        get => _outage;
        set => _outage = value;
    }

    /// <summary>Faults injected so far.</summary>
    public FaultCounts Injected => new(Volatile.Read(ref _outages), Volatile.Read(ref _throttles), Volatile.Read(ref _conflicts), Volatile.Read(ref _landedTimeouts), Volatile.Read(ref _dropped));

    /// <inheritdoc />
    public StoreCapabilities Capabilities => _inner.Capabilities;

    /// <inheritdoc />
    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        RunAsync("GET", key, false, c => _inner.GetAsync(key, c), null, cancellationToken);

    /// <inheritdoc />
    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        RunAsync("GET version", key, false, c => _inner.GetVersionAsync(key, versionId, c), null, cancellationToken);

    /// <inheritdoc />
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) =>
        RunAsync("HEAD", key, false, c => _inner.HeadAsync(key, c), null, cancellationToken);

    /// <inheritdoc />
    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        RunAsync("PUT", key, condition is not PutCondition.NoneCondition, c => _inner.PutAsync(key, body, condition, c), PutResult.PreconditionFailed, cancellationToken);

    /// <inheritdoc />
    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        RunAsync("DELETE", key, false, c => _inner.DeleteAsync(key, ifMatchETag, c), (DeleteStatus?)null, cancellationToken);

    /// <inheritdoc />
    public Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        RunAsync("DELETE many", keys is { Count: > 0 } ? keys[0] : "", false, async c =>
        {
            await _inner.DeleteManyAsync(keys!, c).ConfigureAwait(false);
            return true;
        }, null, cancellationToken);

    /// <inheritdoc />
    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) =>
        RunAsync("LIST", request?.Prefix ?? "", false, c => _inner.ListAsync(request!, c), null, cancellationToken);

    /// <inheritdoc />
    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        RunAsync("LIST versions", key, false, c => _inner.ListVersionsAsync(key, maxItems, continuationToken, c), null, cancellationToken);

    /// <inheritdoc />
    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) =>
        RunAsync("server time", "clock/now", false, c => _inner.GetServerTimeAsync(c), (DateTimeOffset?)null, cancellationToken);

    private async Task<T> RunAsync<T>(string op, string key, bool conditional, Func<CancellationToken, Task<T>> perform, object? conflictResult, CancellationToken ct)
    {
        if (_outage)
        {
            Interlocked.Increment(ref _outages);
            throw new ObjectStoreUnavailableException($"Injected outage: {op} '{key}' not performed.");
        }

        // Draw every number up front, in a fixed order, so that a seed replays the same faults.
        double latency, throttle, conflict, timeout, dropped;
        lock (_gate)
        {
            latency = _random.NextDouble();
            throttle = _random.NextDouble();
            conflict = _random.NextDouble();
            timeout = _random.NextDouble();
            dropped = _random.NextDouble();
        }

        var delay = _settings.MinLatency + (_settings.MaxLatency - _settings.MinLatency) * latency;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }

        if (throttle < _settings.ThrottleProbability)
        {
            Interlocked.Increment(ref _throttles);
            throw new ObjectStoreThrottledException($"Injected 503 SlowDown: {op} '{key}' not performed.");
        }

        if (conditional && conflict < _settings.ConflictProbability && conflictResult is T result)
        {
            Interlocked.Increment(ref _conflicts);
            return result;
        }

        var value = await perform(ct).ConfigureAwait(false);
        if (timeout < _settings.LandedTimeoutProbability)
        {
            Interlocked.Increment(ref _landedTimeouts);
            throw new ObjectStoreTimeoutException($"Injected timeout: {op} '{key}' was performed, but the caller was not told.");
        }

        if (dropped < _settings.DroppedResponseProbability)
        {
            Interlocked.Increment(ref _dropped);
            throw new ObjectStoreUnavailableException($"Injected dropped response: {op} '{key}' was performed, but its response was lost.", new IOException("connection reset by peer (injected)"));
        }

        return value;
    }
}
