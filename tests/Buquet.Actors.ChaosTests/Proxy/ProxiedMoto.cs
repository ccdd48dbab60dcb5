using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
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
    public static async Task<string> CreateBucketAsync(Uri moto, bool versioning = true)
    {
        var bucket = $"bq-chaos-{Guid.NewGuid():N}";
        using var client = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config
        {
            ServiceURL = moto.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        if (versioning)
        {
            await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }

        return bucket;
    }

    public static S3StoreOptions StoreOptions(Uri endpoint, string bucket, TimeSpan? requestTimeout = null) => new()
    {
        ServiceUrl = endpoint.ToString().TrimEnd('/'),
        Bucket = bucket,
        AccessKey = "test",
        SecretKey = "test",
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(20),
        MaxAttempts = 5,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(100),
    };

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
