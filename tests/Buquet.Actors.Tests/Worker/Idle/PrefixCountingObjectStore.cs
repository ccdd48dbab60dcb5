using System.Collections.Concurrent;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;

namespace Buquet.Actors.Tests.Worker.Idle;

/// <summary>
/// Counts requests to an inner store by key root (<c>workers</c>, <c>shard-leases</c>, <c>leases</c>, <c>ready</c>,
/// <c>leader</c>, ...; server-time probes as <c>clock</c>) and S3 operation, and signals every request, so a test can
/// pump virtual time while something happens. Thread-safe.
/// </summary>
internal sealed class PrefixCountingObjectStore(IObjectStore inner) : DelegatingObjectStore(inner)
{
    private readonly ConcurrentDictionary<(string Root, StoreOperation Op), long> _counts = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Counts so far, by root and operation.</summary>
    public IReadOnlyDictionary<(string Root, StoreOperation Op), long> Counts => new Dictionary<(string, StoreOperation), long>(_counts);

    /// <summary>Requests of one root (all roots when null) and operation.</summary>
    public long Count(StoreOperation op, string? root = null) =>
        _counts.Where(kv => kv.Key.Op == op && (root is null || kv.Key.Root == root)).Sum(kv => kv.Value);

    /// <summary>PUT + LIST requests (the expensive class), of one root or all.</summary>
    public long PutClass(string? root = null) => Count(StoreOperation.Put, root) + Count(StoreOperation.List, root);

    /// <summary>GET + HEAD requests, of one root or all.</summary>
    public long GetClass(string? root = null) => Count(StoreOperation.Get, root) + Count(StoreOperation.Head, root);

    /// <summary>Zeroes every count.</summary>
    public void Reset() => _counts.Clear();

    /// <summary>Completes at the next request.</summary>
    public Task NextRequest => Volatile.Read(ref _next).Task;

    /// <summary>A readable table, for failure messages and the report.</summary>
    public string Describe() => string.Join(", ", _counts.OrderBy(kv => kv.Key.Root, StringComparer.Ordinal).ThenBy(kv => kv.Key.Op).Select(kv => $"{kv.Key.Root} {kv.Key.Op}={kv.Value}"));

    public override Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => Counted(key, StoreOperation.Get, Inner.GetAsync(key, cancellationToken));

    public override Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        Counted(key, StoreOperation.Get, Inner.GetVersionAsync(key, versionId, cancellationToken));

    public override Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => Counted(key, StoreOperation.Head, Inner.HeadAsync(key, cancellationToken));

    public override Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        Counted(key, StoreOperation.Put, Inner.PutAsync(key, body, condition, cancellationToken));

    public override Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        Counted(key, StoreOperation.Delete, Inner.DeleteAsync(key, ifMatchETag, cancellationToken));

    public override Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) =>
        Counted(request.Prefix ?? "", StoreOperation.List, Inner.ListAsync(request, cancellationToken));

    public override Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        Counted(key, StoreOperation.List, Inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken));

    public override Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
    {
        Add("clock", StoreOperation.Head);
        return Counted("clock/", StoreOperation.Put, Inner.GetServerTimeAsync(cancellationToken));
    }

    private Task<T> Counted<T>(string key, StoreOperation op, Task<T> call)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        Add(slash < 0 ? key : key[..slash], op);
        return call;
    }

    private void Add(string root, StoreOperation op)
    {
        _counts.AddOrUpdate((root, op), 1, (_, n) => n + 1);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
