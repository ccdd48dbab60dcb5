using Buquet.Actors.Storage;

namespace Buquet.Actors.TestSupport;

/// <summary>
/// A pass-through <see cref="IObjectStore"/>: every member forwards to <see cref="Inner"/> and is virtual, so a test
/// double (a counter, an outage, a fault or a clock step) overrides only what it changes.
/// </summary>
/// <remarks>
/// <see cref="DeleteManyAsync"/> is the interface's default, key by key through this store's own
/// <see cref="DeleteAsync"/>, so a double that changes <see cref="DeleteAsync"/> sees every deletion; a double that
/// wants the inner store's batch overrides it.
/// </remarks>
/// <param name="inner">The store every call goes to.</param>
public abstract class DelegatingObjectStore(IObjectStore inner) : IObjectStore
{
    /// <summary>The wrapped store.</summary>
    protected IObjectStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual StoreCapabilities Capabilities => Inner.Capabilities;

    /// <inheritdoc />
    public virtual Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => Inner.GetAsync(key, cancellationToken);

    /// <inheritdoc />
    public virtual Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) =>
        Inner.GetVersionAsync(key, versionId, cancellationToken);

    /// <inheritdoc />
    public virtual Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) => Inner.HeadAsync(key, cancellationToken);

    /// <inheritdoc />
    public virtual Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) =>
        Inner.PutAsync(key, body, condition, cancellationToken);

    /// <inheritdoc />
    public virtual Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) =>
        Inner.DeleteAsync(key, ifMatchETag, cancellationToken);

    /// <inheritdoc />
    public virtual async Task DeleteManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            await DeleteAsync(key, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public virtual Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) => Inner.ListAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        Inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);

    /// <inheritdoc />
    public virtual Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) => Inner.GetServerTimeAsync(cancellationToken);
}
