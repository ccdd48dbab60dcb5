using System.Collections.Concurrent;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Workflows;

/// <summary>Passes everything through and counts GETs by the key's first segment (<c>tasks</c>, <c>workflow</c>, ...).</summary>
internal sealed class GetCountingStore(IObjectStore inner) : IObjectStore
{
    private readonly ConcurrentDictionary<string, long> _gets = new(StringComparer.Ordinal);

    public StoreCapabilities Capabilities => inner.Capabilities;

    /// <summary>GETs of keys under <paramref name="root"/> (the first segment, without the slash) so far.</summary>
    public long Gets(string root) => _gets.GetValueOrDefault(root);

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        _gets.AddOrUpdate(key.Split('/')[0], 1, (_, n) => n + 1);
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        inner.GetVersionAsync(key, versionId, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => inner.HeadAsync(key, cancellationToken);

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, body, condition, cancellationToken);

    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, ifMatchETag, cancellationToken);

    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => inner.ListAsync(request, cancellationToken);

    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);

    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => inner.GetServerTimeAsync(cancellationToken);
}
