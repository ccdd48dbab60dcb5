using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Buquet.Actors.Storage;

namespace Buquet.Actors.IntegrationTests.Storage;

/// <summary>The measured server facts of /work/shared/s3/README.md §3, each shown on the server that has it.</summary>
public sealed class S3ServerFactsTests
{
    private static PutObjectRequest Put(string bucket, string key, string body) =>
        new() { BucketName = bucket, Key = key, ContentBody = body, ContentType = "text/plain" };

    private static async Task<HttpStatusCode> StatusOfAsync(Func<Task> action)
    {
        try
        {
            await action();
            return HttpStatusCode.OK;
        }
        catch (AmazonS3Exception e)
        {
            return e.StatusCode;
        }
    }

    [Fact]
    public async Task ProbeAsync_Rgw_DetectsUnquotedIfMatchAndIgnoredConditionalDelete()
    {
        var rgw = S3TestServer.Rgw;
        var bucket = await rgw.CreateBucketAsync();
        using var client = rgw.Client();
        var etag = (await client.PutObjectAsync(Put(bucket, "k", "one"))).ETag;
        Assert.StartsWith("\"", etag, StringComparison.Ordinal);
        var quoted = await StatusOfAsync(() => client.PutObjectAsync(Put(bucket, "k", "two").WithIfMatch(etag)));
        Assert.Equal(HttpStatusCode.PreconditionFailed, quoted);
        var unquoted = await StatusOfAsync(() => client.PutObjectAsync(Put(bucket, "k", "two").WithIfMatch(ETags.Unquote(etag))));
        Assert.Equal(HttpStatusCode.OK, unquoted);

        var probe = await S3ObjectStore.ProbeAsync(rgw.Options(bucket));
        Assert.True(probe.CasHolds, probe.Problem);
        Assert.True(probe.UnquotedIfMatch);
        Assert.False(probe.ConditionalDelete);
        Assert.False(probe.Versioning);

        // The fact behind ConditionalDelete = false: a wrong If-Match still deletes.
        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", IfMatch = "0123456789abcdef0123456789abcdef" });
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(() => client.GetObjectMetadataAsync(bucket, "k")));
    }

    [Fact]
    public async Task ProbeAsync_Moto_AcceptsQuotedIfMatchAndConditionalDelete()
    {
        var moto = S3TestServer.Moto;
        var probe = await S3ObjectStore.ProbeAsync(moto.Options(await moto.CreateBucketAsync()));
        Assert.True(probe.CasHolds, probe.Problem);
        Assert.False(probe.UnquotedIfMatch);
        Assert.True(probe.ConditionalDelete);
        Assert.True(probe.Versioning);
    }

    [Theory]
    [InlineData("moto", HttpStatusCode.NotFound)]
    [InlineData("rgw", HttpStatusCode.PreconditionFailed)]
    public async Task PutAsync_IfMatchOnMissingKey_ServerStatusDiffersStoreSaysPreconditionFailed(string server, HttpStatusCode expected)
    {
        var s = server == "moto" ? S3TestServer.Moto : S3TestServer.Rgw;
        var bucket = await s.CreateBucketAsync();
        using var client = s.Client();
        Assert.Equal(expected, await StatusOfAsync(() => client.PutObjectAsync(Put(bucket, "missing", "x").WithIfMatch("0123456789abcdef0123456789abcdef"))));

        using var store = await S3ObjectStore.CreateAsync(s.Options(bucket));
        var put = await store.PutAsync("missing", Encoding.UTF8.GetBytes("x"), PutCondition.IfMatch("\"0123456789abcdef0123456789abcdef\""));
        Assert.Equal(PutStatus.PreconditionFailed, put.Status);
        Assert.Null(await store.GetAsync("missing"));
    }

    [Fact]
    public async Task PutObject_RgwRaceLosers_Get500WhichTheStoreResolves()
    {
        var rgw = S3TestServer.Rgw;
        var bucket = await rgw.CreateBucketAsync();
        using var client = rgw.Client();
        var etag = ETags.Unquote((await client.PutObjectAsync(Put(bucket, "k", "seed"))).ETag);
        var statuses = new List<HttpStatusCode>();
        for (var round = 0; round < 20 && !statuses.Contains(HttpStatusCode.InternalServerError); round++)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = etag;
            var racers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                await go.Task;
                return await StatusOfAsync(() => client.PutObjectAsync(Put(bucket, "k", $"r{round}w{i}").WithIfMatch(current)));
            })).ToArray();
            go.SetResult();
            var results = await Task.WhenAll(racers);
            Assert.Equal(1, results.Count(r => r == HttpStatusCode.OK));
            statuses.AddRange(results);
            etag = ETags.Unquote((await client.GetObjectMetadataAsync(bucket, "k")).ETag);
        }

        Assert.Contains(HttpStatusCode.InternalServerError, statuses);
        // The store turns those 500s into exact outcomes: one winner, stored body the winner's.
        using var store = await S3ObjectStore.CreateAsync(rgw.Options(bucket));
        await Buquet.Actors.Tests.Storage.ConformanceChecks.IfMatchRaceAsync(store, "k2", rounds: 5);
    }

    [Fact]
    public async Task CreateAsync_VersionedRgwBucket_RefusedBecauseCasBreaks()
    {
        var rgw = S3TestServer.Rgw;
        var bucket = await rgw.CreateBucketAsync(versioning: true);
        var probe = await S3ObjectStore.ProbeAsync(rgw.Options(bucket));
        Assert.False(probe.CasHolds);
        Assert.True(probe.Versioning);
        var e = await Assert.ThrowsAsync<ObjectStoreConfigurationException>(() => S3ObjectStore.CreateAsync(rgw.Options(bucket)));
        Assert.Contains(bucket, e.Message, StringComparison.Ordinal);
        Assert.Contains("versioning", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutObject_RgwWithSdkDefaultChecksums_Fails400WhileStoreConfigWorks()
    {
        var rgw = S3TestServer.Rgw;
        var bucket = await rgw.CreateBucketAsync();
        var defaults = new AmazonS3Config { ServiceURL = rgw.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 };
        using (var naive = new AmazonS3Client(new BasicAWSCredentials(rgw.AccessKey, rgw.SecretKey), defaults))
        {
            var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => naive.PutObjectAsync(Put(bucket, "k", "x")));
            Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
            Assert.Equal("XAmzContentSHA256Mismatch", e.ErrorCode);
        }

        using var client = rgw.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PutObjectAsync(Put(bucket, "k", "x"))).HttpStatusCode);
    }

    [Fact]
    public async Task CreateAsync_MissingBucket_ThrowsConfigurationErrorNamingIt()
    {
        var moto = S3TestServer.Moto;
        var e = await Assert.ThrowsAsync<ObjectStoreConfigurationException>(() => S3ObjectStore.CreateAsync(moto.Options("bq-no-such-bucket-" + Guid.NewGuid().ToString("N")[..8])));
        Assert.Contains("bq-no-such-bucket-", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Require_MissingVariable_FailsNamingTheServer()
    {
        var e = Assert.Throws<InvalidOperationException>(() => S3TestServer.Require("BUQUET_TEST_NO_SUCH_VARIABLE", "Ceph RGW"));
        Assert.Contains("Ceph RGW is missing", e.Message, StringComparison.Ordinal);
        Assert.Contains("BUQUET_TEST_NO_SUCH_VARIABLE", e.Message, StringComparison.Ordinal);
    }
}

internal static class PutObjectRequestExtensions
{
    public static PutObjectRequest WithIfMatch(this PutObjectRequest request, string etag)
    {
        request.IfMatch = etag;
        return request;
    }
}
