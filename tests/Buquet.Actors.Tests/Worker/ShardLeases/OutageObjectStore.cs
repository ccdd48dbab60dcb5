using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Worker.ShardLeases;

/// <summary>Wraps a store; while <see cref="Down"/> every call throws <see cref="ObjectStoreUnavailableException"/>.</summary>
internal sealed class OutageObjectStore(IObjectStore inner) : IObjectStore
{
    public volatile bool Down;

    /// <summary>What a call throws while <see cref="Down"/>; an outage by default.</summary>
    public Func<Exception> Fault { get; set; } = () => new ObjectStoreUnavailableException("store down (test outage)");

    public StoreCapabilities Capabilities => inner.Capabilities;

    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.GetAsync(key, cancellationToken);
    }

    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.GetVersionAsync(key, versionId, cancellationToken);
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.HeadAsync(key, cancellationToken);
    }

    public Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.PutAsync(key, body, condition, cancellationToken);
    }

    public Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.DeleteAsync(key, ifMatchETag, cancellationToken);
    }

    public Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.ListAsync(request, cancellationToken);
    }

    public Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);
    }

    public Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default) 
    {
        Check();
        return inner.GetServerTimeAsync(cancellationToken);
    }

    private void Check()
    {
        if (Down)
        {
            throw Fault();
        }
    }
}
