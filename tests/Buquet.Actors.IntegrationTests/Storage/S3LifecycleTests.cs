using Amazon.S3;
using Amazon.S3.Model;
using Buquet.Actors.Storage;

namespace Buquet.Actors.IntegrationTests.Storage;

/// <summary>Buquet's bucket lifecycle rules applied to and read back from real servers (moto, Ceph RGW).</summary>
public sealed class S3LifecycleTests
{
    [Fact]
    public async Task GetLifecycleRulesAsync_NewBucket_NoneAndEveryRuleMissing()
    {
        using var store = await S3TestServer.Moto.CreateStoreAsync();

        var present = await store.GetLifecycleRulesAsync();

        Assert.Empty(present);
        Assert.Equal(BucketLifecycle.Recommended().Count, BucketLifecycle.Missing(present, BucketLifecycle.Recommended()).Count);
    }

    [Fact]
    public async Task PutLifecycleRulesAsync_Recommended_ReadBackCompleteAndOtherRulesKept()
    {
        var moto = S3TestServer.Moto;
        var bucket = await moto.CreateBucketAsync();
        using (var client = moto.Client())
        {
            // An operator's own rule, which applying Buquet's must not remove.
            await client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new LifecycleConfiguration
                {
                    Rules =
                    [
                        new LifecycleRule
                        {
                            Id = "operator-logs",
                            Status = LifecycleRuleStatus.Enabled,
                            Filter = new LifecycleFilter { Prefix = "logs/" },
                            Expiration = new LifecycleRuleExpiration { Days = 90 },
                        },
                    ],
                },
            });
        }

        using var store = await S3ObjectStore.CreateAsync(moto.Options(bucket));
        var wanted = BucketLifecycle.Recommended(14);

        await store.PutLifecycleRulesAsync(wanted);
        var present = await store.GetLifecycleRulesAsync();

        Assert.Empty(BucketLifecycle.Missing(present, wanted));
        var ready = Assert.Single(present, r => r.Prefix == "ready/");
        Assert.Equal(new BucketLifecycleRule("buquet-ready", "ready/", 1, true), ready);
        Assert.Equal(14, Assert.Single(present, r => r.Prefix == "tasks/").NoncurrentDays);
        Assert.Single(present, r => r.Id == "operator-logs");
    }

    [Fact]
    public async Task PutLifecycleRulesAsync_AppliedTwiceWithNewHistory_BuquetRulesReplacedNotDuplicated()
    {
        using var store = await S3TestServer.Moto.CreateStoreAsync();

        await store.PutLifecycleRulesAsync(BucketLifecycle.Recommended(30));
        await store.PutLifecycleRulesAsync(BucketLifecycle.Recommended(7));
        var present = await store.GetLifecycleRulesAsync();

        Assert.Equal(BucketLifecycle.Recommended().Count, present.Count);
        Assert.Equal(7, Assert.Single(present, r => r.Prefix == "tasks/").NoncurrentDays);
    }

    [Fact]
    public async Task PutLifecycleRulesAsync_Rgw_ReadBackComplete()
    {
        using var store = await S3TestServer.Rgw.CreateStoreAsync();
        var wanted = BucketLifecycle.Recommended();

        await store.PutLifecycleRulesAsync(wanted);

        Assert.Empty(BucketLifecycle.Missing(await store.GetLifecycleRulesAsync(), wanted));
    }
}
