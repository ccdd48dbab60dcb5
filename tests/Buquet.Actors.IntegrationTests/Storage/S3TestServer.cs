using Amazon.S3;
using Amazon.S3.Model;
using Buquet.Actors.Storage;

namespace Buquet.Actors.IntegrationTests.Storage;

/// <summary>
/// A real S3 server named by environment variables (scripts/test.sh starts them and exports the variables).
/// A missing variable FAILS the test with a message naming the server: integration tests never skip.
/// </summary>
public sealed class S3TestServer
{
    private S3TestServer(string name, string endpoint, string accessKey, string secretKey, bool versionedBuckets)
    {
        Name = name;
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
        VersionedBuckets = versionedBuckets;
    }

    /// <summary>moto 5.2.1: buckets with versioning on.</summary>
    public static S3TestServer Moto => new("moto", Require("BUQUET_TEST_MOTO_ENDPOINT", "moto"), "test", "test", versionedBuckets: true);

    /// <summary>Ceph RGW 16.2: buckets with versioning off (conditional writes break with it on).</summary>
    public static S3TestServer Rgw => new("rgw", Require("BUQUET_TEST_RGW_ENDPOINT", "Ceph RGW"),
        Require("BUQUET_TEST_RGW_ACCESS_KEY", "Ceph RGW"), Require("BUQUET_TEST_RGW_SECRET_KEY", "Ceph RGW"), versionedBuckets: false);

    public string Name { get; }

    public string Endpoint { get; }

    public string AccessKey { get; }

    public string SecretKey { get; }

    public bool VersionedBuckets { get; }

    public S3StoreOptions Options(string bucket) => new()
    {
        ServiceUrl = Endpoint,
        Bucket = bucket,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        RequestTimeout = TimeSpan.FromSeconds(20),
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>A client with the store's own configuration (checksums WHEN_REQUIRED, no SDK retries).</summary>
    public AmazonS3Client Client() => S3ObjectStore.CreateClient(Options("unused-bucket"));

    /// <summary>Creates a bucket with a unique name; versioning as this server's tests use it unless given.</summary>
    public async Task<string> CreateBucketAsync(bool? versioning = null)
    {
        var bucket = $"bq-{Name}-{Guid.NewGuid():N}";
        using var client = Client();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        if (versioning ?? VersionedBuckets)
        {
            await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }

        return bucket;
    }

    /// <summary>A store on a fresh bucket.</summary>
    public async Task<S3ObjectStore> CreateStoreAsync(bool? versioning = null) =>
        await S3ObjectStore.CreateAsync(Options(await CreateBucketAsync(versioning)));

    internal static string Require(string variable, string server) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{server} is missing: environment variable {variable} is not set. Run the suite with scripts/test.sh, which starts moto and Ceph RGW and exports BUQUET_TEST_*; integration tests fail rather than skip.");
}
