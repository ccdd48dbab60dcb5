using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Buquet.Host.Tests.Support;

/// <summary>
/// The moto S3 server started by scripts/test.sh (BUQUET_TEST_MOTO_ENDPOINT). A test that needs it FAILS with a message
/// when it is not set; it never skips.
/// </summary>
public static class Moto
{
    public static string Endpoint
    {
        get
        {
            var endpoint = System.Environment.GetEnvironmentVariable("BUQUET_TEST_MOTO_ENDPOINT");
            Assert.False(string.IsNullOrEmpty(endpoint),
                "BUQUET_TEST_MOTO_ENDPOINT is not set: run the tests with scripts/test.sh, or start moto (eval \"$(bash scripts/s3/start-moto.sh 5055)\") and export BUQUET_TEST_MOTO_ENDPOINT=$S3_ENDPOINT.");
            return endpoint!;
        }
    }

    public static AmazonS3Client Client() => new(
        new BasicAWSCredentials("test", "test"),
        new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>Creates a uniquely named bucket, versioned unless told otherwise.</summary>
    public static async Task<string> CreateBucketAsync(bool versioning = true)
    {
        var name = "host-" + Guid.NewGuid().ToString("N")[..20];
        using var s3 = Client();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = name });
        if (versioning)
        {
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = name,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }

        return name;
    }

    /// <summary>A process environment pointing the CLI at <paramref name="bucket"/> on moto via buquet's variables.</summary>
    public static Dictionary<string, string> Environment(string bucket) => new()
    {
        ["S3_ENDPOINT"] = Endpoint,
        ["S3_BUCKET"] = bucket,
        ["S3_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
    };
}
