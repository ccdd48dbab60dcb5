using System.Collections.Concurrent;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Worker.CancelWatches;

/// <summary>A store decorator counting HEADs and GETs per key, to tell one request family from the others.</summary>
internal sealed class PrefixCountingStore(IObjectStore inner) : IObjectStore
{
    private readonly ConcurrentDictionary<string, long> _heads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _gets = new(StringComparer.Ordinal);

    public StoreCapabilities Capabilities => inner.Capabilities;

    public long Heads(string prefix) => _heads.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public long Gets(string prefix) => _gets.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(kv => kv.Value);

    public void Reset()
    {
        _heads.Clear();
        _gets.Clear();
    }

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        _gets.AddOrUpdate(key, 1, (_, n) => n + 1);
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        inner.GetVersionAsync(key, versionId, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        _heads.AddOrUpdate(key, 1, (_, n) => n + 1);
        return inner.HeadAsync(key, cancellationToken);
    }

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, body, condition, cancellationToken);

    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, ifMatchETag, cancellationToken);

    public Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        inner.DeleteManyAsync(keys, cancellationToken);

    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) =>
        inner.ListAsync(request, cancellationToken);

    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);

    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => inner.GetServerTimeAsync(cancellationToken);
}
