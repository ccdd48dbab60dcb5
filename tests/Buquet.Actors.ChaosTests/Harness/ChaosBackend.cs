using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Buquet.Actors.ChaosTests.Proxy;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// The S3 server a chaos run targets (env BUQUET_CHAOS_STORE): <c>moto</c> (the suite's scenario; a versioned bucket,
/// every version kept in moto's memory) or <c>rgw</c> (the soak's default: Ceph RGW with an unversioned bucket, as RGW
/// 16.2 needs for conditional writes, so only current objects are kept and a long run does not exhaust memory).
/// </summary>
public sealed record ChaosBackend(string Name, Uri Endpoint, string AccessKey, string SecretKey, bool Versioned)
{
    /// <summary>The backend named <paramref name="name"/>, from the variables scripts/test.sh (or scripts/chaos.sh) exports.</summary>
    public static ChaosBackend FromName(string name) => name switch
    {
        "moto" => new("moto", ProxiedMoto.MotoEndpoint(), "test", "test", Versioned: true),
        "rgw" => new("rgw", new Uri(Require("BUQUET_TEST_RGW_ENDPOINT")), Require("BUQUET_TEST_RGW_ACCESS_KEY"), Require("BUQUET_TEST_RGW_SECRET_KEY"), Versioned: false),
        _ => throw new ArgumentException($"BUQUET_CHAOS_STORE='{name}' is not a chaos backend: use moto or rgw.", nameof(name)),
    };

    /// <summary>Creates a fresh bucket on the server directly (never through the proxy).</summary>
    public async Task<string> CreateBucketAsync()
    {
        var bucket = $"bq-chaos-{Guid.NewGuid():N}"[..30];
        using var client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        if (Versioned)
        {
            await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }

        return bucket;
    }

    /// <summary>Store options for <paramref name="bucket"/> at <paramref name="endpoint"/> (the server or the proxy in front of it).</summary>
    public S3StoreOptions StoreOptions(Uri endpoint, string bucket, TimeSpan? requestTimeout = null) => new()
    {
        ServiceUrl = endpoint.ToString().TrimEnd('/'),
        Bucket = bucket,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(20),
        MaxAttempts = 5,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    private static string Require(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"BUQUET_CHAOS_STORE=rgw needs {variable}: run through scripts/test.sh or scripts/chaos.sh, which start RGW and export it.");
}
