using System.Collections.Concurrent;

namespace Buquet.Actors.Storage;

/// <summary>The kind of store request, as S3 bills it.</summary>
internal enum StoreOperation
{
    Get,
    Put,
    List,
    Delete,
    Head,
}

/// <summary>How a counted request ended.</summary>
internal enum StoreOutcome
{
    /// <summary>Found / written / deleted / listed.</summary>
    Ok,

    /// <summary>GET/HEAD of a missing key, DELETE of a missing key.</summary>
    NotFound,

    /// <summary>A failed precondition (412/409).</summary>
    PreconditionFailed,

    /// <summary>The store threw.</summary>
    Error,
}

/// <summary>An immutable snapshot of request counts.</summary>
internal sealed record RequestCounts(IReadOnlyDictionary<(StoreOperation Operation, StoreOutcome Outcome), long> ByOutcome)
{
    /// <summary>All requests of one operation, whatever the outcome.</summary>
    public long this[StoreOperation operation] => ByOutcome.Where(kv => kv.Key.Operation == operation).Sum(kv => kv.Value);

    /// <summary>Requests of one operation with one outcome.</summary>
    public long this[StoreOperation operation, StoreOutcome outcome] => ByOutcome.TryGetValue((operation, outcome), out var n) ? n : 0;

    /// <summary>Every request.</summary>
    public long Total => ByOutcome.Values.Sum();

    public override string ToString() =>
        string.Join(", ", ByOutcome.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key.Operation}/{kv.Key.Outcome}={kv.Value}"));
}

/// <summary>
/// Counts requests to an inner store by operation (GET, PUT, LIST, DELETE, HEAD) and outcome. Thread-safe.
/// Version reads count as GET, version listings as LIST, server-time probes as PUT + HEAD (what the S3 store does).
/// When the inner store is an <see cref="S3ObjectStore"/>, the HEADs it makes to settle refused conditional writes
/// (one per lost race) are counted too, as HEAD.
/// </summary>
internal sealed class RequestCountingObjectStore : IObjectStore
{
    private readonly ConcurrentDictionary<(StoreOperation, StoreOutcome), long> _counts = new();

    public RequestCountingObjectStore(IObjectStore inner)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (inner is S3ObjectStore s3)
        {
            s3.InternalHeadMade += found => Add(StoreOperation.Head, found ? StoreOutcome.Ok : StoreOutcome.NotFound);
        }
    }

    public IObjectStore Inner { get; }

    public StoreCapabilities Capabilities => Inner.Capabilities;

    /// <summary>The counts so far.</summary>
    public RequestCounts Snapshot() => new(new Dictionary<(StoreOperation, StoreOutcome), long>(_counts));

    /// <summary>Zeroes every count.</summary>
    public void Reset() => _counts.Clear();

    /// <summary>Returns the counts so far and zeroes them.</summary>
    public RequestCounts SnapshotAndReset()
    {
        var snap = Snapshot();
        Reset();
        return snap;
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        CountAsync(StoreOperation.Get, () => Inner.GetAsync(key, cancellationToken), o => o is null ? StoreOutcome.NotFound : StoreOutcome.Ok);

    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        CountAsync(StoreOperation.Get, () => Inner.GetVersionAsync(key, versionId, cancellationToken), o => o is null ? StoreOutcome.NotFound : StoreOutcome.Ok);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) =>
        CountAsync(StoreOperation.Head, () => Inner.HeadAsync(key, cancellationToken), o => o is null ? StoreOutcome.NotFound : StoreOutcome.Ok);

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        CountAsync(StoreOperation.Put, () => Inner.PutAsync(key, body, condition, cancellationToken), r => r.Succeeded ? StoreOutcome.Ok : StoreOutcome.PreconditionFailed);

    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        CountAsync(StoreOperation.Delete, () => Inner.DeleteAsync(key, ifMatchETag, cancellationToken), s => s switch
        {
            DeleteStatus.Deleted => StoreOutcome.Ok,
            DeleteStatus.NotFound => StoreOutcome.NotFound,
            _ => StoreOutcome.PreconditionFailed,
        });

    /// <summary>Counts one DELETE per request the store makes: one per 1,000 keys.</summary>
    public async Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var requests = (keys.Count + 999) / 1000;
        try
        {
            await Inner.DeleteManyAsync(keys, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Add(StoreOperation.Delete, StoreOutcome.Error);
            throw;
        }

        for (var i = 0; i < requests; i++)
        {
            Add(StoreOperation.Delete, StoreOutcome.Ok);
        }
    }

    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) =>
        CountAsync(StoreOperation.List, () => Inner.ListAsync(request, cancellationToken), _ => StoreOutcome.Ok);

    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        CountAsync(StoreOperation.List, () => Inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken), _ => StoreOutcome.Ok);

    public async Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
    {
        var t = await CountAsync(StoreOperation.Put, () => Inner.GetServerTimeAsync(cancellationToken), _ => StoreOutcome.Ok);
        Add(StoreOperation.Head, StoreOutcome.Ok);
        return t;
    }

    private async Task<T> CountAsync<T>(StoreOperation op, Func<Task<T>> call, Func<T, StoreOutcome> classify)
    {
        T result;
        try
        {
            result = await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Add(op, StoreOutcome.Error);
            throw;
        }

        Add(op, classify(result));
        return result;
    }

    private void Add(StoreOperation op, StoreOutcome outcome) => _counts.AddOrUpdate((op, outcome), 1, (_, n) => n + 1);
}
