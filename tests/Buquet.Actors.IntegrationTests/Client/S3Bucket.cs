using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.IntegrationTests.Client;

/// <summary>
/// Base of the protocol and client integration tests: a fresh bucket per test on the server a subclass names
/// (moto: versioned, RGW: unversioned). Every extra store is its own S3 client, as a separate worker process would have.
/// </summary>
public abstract class S3Bucket : IAsyncLifetime
{
    private readonly List<IDisposable> _owned = [];
    private string? _bucket;
    private S3ObjectStore? _store;

    /// <summary>The server this subclass runs against.</summary>
    internal abstract S3TestServer Server { get; }

    /// <summary>The first store on this test's bucket.</summary>
    internal S3ObjectStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>This test's bucket.</summary>
    internal string Bucket => _bucket ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _bucket = await Server.CreateBucketAsync();
        _store = await NewStoreAsync();
        Assert.Equal(Server.VersionedBuckets, _store.Capabilities.Versioning);
    }

    public Task DisposeAsync()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>Another store (own S3 client) on this test's bucket.</summary>
    internal async Task<S3ObjectStore> NewStoreAsync()
    {
        var store = await S3ObjectStore.CreateAsync(Server.Options(Bucket));
        _owned.Add(store);
        return store;
    }

    /// <summary>A client on <paramref name="store"/> (the first store when null).</summary>
    internal BuquetClient NewClient(IObjectStore? store = null, BuquetClientOptions? options = null) =>
        new(store ?? Store, options ?? new BuquetClientOptions(), timeProvider: null, logger: null);

    /// <summary>A separate worker: its own S3 client, store clock and repository.</summary>
    internal async Task<TaskRepository> NewWorkerAsync()
    {
        var store = await NewStoreAsync();
        return new TaskRepository(store, new StoreClock(store), 1);
    }

    /// <summary>A pending task any clock already sees as available (run-at one minute in the store's past).</summary>
    internal static async Task<TaskRecord> SubmitAvailableAsync(BuquetClient client, string type = "integ.work", object? input = null, SubmitOptions? options = null)
    {
        var now = await client.GetStoreTimeAsync();
        return await client.SubmitAsync(type, input ?? new { n = 1 }, (options ?? new SubmitOptions()) with { RunAt = now.AddMinutes(-1) });
    }
}

/// <summary>
/// The protocol and client integration classes run one at a time, after the parallel storage classes: moto's
/// conditional writes are not atomic under heavy concurrent load (two If-None-Match PUTs to one fresh key both got 200
/// while other test classes hammered the same moto), and these tests' races must measure the protocol, not that.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialS3Collection
{
    /// <summary>Collection name.</summary>
    public const string Name = "S3 protocol and client (serial)";
}
