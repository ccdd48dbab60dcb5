using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;

namespace Buquet.Actors.Tests.Worker.ShardLeases;

/// <summary>Wraps a store; while <see cref="Down"/> every call throws <see cref="ObjectStoreUnavailableException"/>.</summary>
internal sealed class OutageObjectStore(IObjectStore inner) : DelegatingObjectStore(inner)
{
    public volatile bool Down;

    /// <summary>What a call throws while <see cref="Down"/>; an outage by default.</summary>
    public Func<Exception> Fault { get; set; } = () => new ObjectStoreUnavailableException("store down (test outage)");

    public override Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Check();
        return base.GetAsync(key, cancellationToken);
    }

    public override Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default)
    {
        Check();
        return base.GetVersionAsync(key, versionId, cancellationToken);
    }

    public override Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        Check();
        return base.HeadAsync(key, cancellationToken);
    }

    public override Task<PutResult> PutAsync(string key, ReadOnlyMemory<byte> body, PutCondition condition, CancellationToken cancellationToken = default)
    {
        Check();
        return base.PutAsync(key, body, condition, cancellationToken);
    }

    public override Task<DeleteStatus> DeleteAsync(string key, string? ifMatchETag = null, CancellationToken cancellationToken = default)
    {
        Check();
        return base.DeleteAsync(key, ifMatchETag, cancellationToken);
    }

    public override Task<ListPage> ListAsync(ListRequest request, CancellationToken cancellationToken = default)
    {
        Check();
        return base.ListAsync(request, cancellationToken);
    }

    public override Task<VersionPage> ListVersionsAsync(string key, int maxItems = 1000, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        Check();
        return base.ListVersionsAsync(key, maxItems, continuationToken, cancellationToken);
    }

    public override Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
    {
        Check();
        return base.GetServerTimeAsync(cancellationToken);
    }

    private void Check()
    {
        if (Down)
        {
            throw Fault();
        }
    }
}
