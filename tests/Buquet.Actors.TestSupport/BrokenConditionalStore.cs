using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>A store that ignores every precondition, like the npm S3 emulators: the negative control.</summary>
internal sealed class BrokenConditionalStore(IObjectStore inner) : IObjectStore
{
    public StoreCapabilities Capabilities => inner.Capabilities;

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) => inner.GetVersionAsync(key, versionId, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => inner.HeadAsync(key, cancellationToken);

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        inner.PutAsync(key, body, PutCondition.None, cancellationToken);

    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, null, cancellationToken);

    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => inner.ListAsync(request, cancellationToken);

    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);

    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => inner.GetServerTimeAsync(cancellationToken);
}
