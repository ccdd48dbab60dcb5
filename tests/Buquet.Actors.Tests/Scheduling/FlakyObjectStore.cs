using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Scheduling;

/// <summary>Passes everything through, except that PUTs to keys starting with <see cref="FailPutsUnder"/> throw
/// <see cref="ObjectStoreUnavailableException"/> (an S3 outage for those writes).</summary>
internal sealed class FlakyObjectStore(IObjectStore inner) : IObjectStore
{
    public string? FailPutsUnder { get; set; }

    public StoreCapabilities Capabilities => inner.Capabilities;

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        inner.GetVersionAsync(key, versionId, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => inner.HeadAsync(key, cancellationToken);

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        FailPutsUnder is { } prefix && key.StartsWith(prefix, StringComparison.Ordinal)
            ? throw new ObjectStoreUnavailableException($"injected outage for PUT {key}")
            : inner.PutAsync(key, body, condition, cancellationToken);

    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(key, ifMatchETag, cancellationToken);

    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => inner.ListAsync(request, cancellationToken);

    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);

    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => inner.GetServerTimeAsync(cancellationToken);
}
