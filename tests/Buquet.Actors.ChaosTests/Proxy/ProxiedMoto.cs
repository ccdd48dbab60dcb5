using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Proxy;

/// <summary>
/// moto (named by BUQUET_TEST_MOTO_ENDPOINT, which scripts/test.sh exports) behind a <see cref="FaultProxy"/>, with a
/// fresh versioned bucket and a real <see cref="S3ObjectStore"/> pointed at the proxy. A missing variable fails the
/// test with a message naming it: chaos tests never skip.
/// </summary>
public sealed class ProxiedMoto : IAsyncDisposable
{
    private ProxiedMoto(FaultProxy proxy, S3ObjectStore store, string bucket, Uri moto)
    {
        Proxy = proxy;
        Store = store;
        Bucket = bucket;
        Moto = moto;
    }

    public FaultProxy Proxy { get; }

    public S3ObjectStore Store { get; }

    public string Bucket { get; }

    public Uri Moto { get; }

    public static Uri MotoEndpoint() =>
        Environment.GetEnvironmentVariable("BUQUET_TEST_MOTO_ENDPOINT") is { Length: > 0 } value
            ? new Uri(value)
            : throw new InvalidOperationException(
                "moto is missing: environment variable BUQUET_TEST_MOTO_ENDPOINT is not set. Run the suite with scripts/test.sh (or eval \"$(scripts/s3/start-moto.sh PORT)\" and export BUQUET_TEST_MOTO_ENDPOINT=$S3_ENDPOINT); chaos tests fail rather than skip.");

    /// <summary>Creates a bucket on moto directly (never through the proxy), versioned like the integration tier's moto buckets.</summary>
    public static Task<string> CreateBucketAsync(Uri moto) => Backend(moto).CreateBucketAsync();

    public static S3StoreOptions StoreOptions(Uri endpoint, string bucket, TimeSpan? requestTimeout = null) =>
        Backend(endpoint).StoreOptions(endpoint, bucket, requestTimeout);

    private static Harness.ChaosBackend Backend(Uri moto) => new("moto", moto, "test", "test", Versioned: true);

    /// <summary>Starts a proxy with no faults, creates the store through it (the probe runs clean), then returns.</summary>
    public static async Task<ProxiedMoto> StartAsync(int seed = 1, TimeProvider? proxyTime = null, TimeSpan? requestTimeout = null)
    {
        var moto = MotoEndpoint();
        var bucket = await CreateBucketAsync(moto);
        var proxy = await FaultProxy.StartAsync(moto, new FaultDecider(FaultPlan.None, seed, proxyTime), proxyTime);
        try
        {
            var store = await S3ObjectStore.CreateAsync(StoreOptions(proxy.Address, bucket, requestTimeout));
            return new ProxiedMoto(proxy, store, bucket, moto);
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>A store on the same bucket straight to moto, to see the truth behind the proxy.</summary>
    public Task<S3ObjectStore> DirectStoreAsync() => S3ObjectStore.CreateAsync(StoreOptions(Moto, Bucket));

    /// <summary>Completes when the proxy applies <paramref name="kind"/> next.</summary>
    public Task NextFaultAsync(FaultKind kind)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Proxy.FaultApplied += (k, _) =>
        {
            if (k == kind)
            {
                signal.TrySetResult();
            }
        };
        return signal.Task;
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await Proxy.DisposeAsync();
    }
}
