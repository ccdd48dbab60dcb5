using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.IntegrationTests.Protocol;

/// <summary>The store clock against a real server's time.</summary>
public abstract class StoreClockTests : S3Bucket
{
    [Fact]
    public async Task NowAsync_TwoClocksOnDifferentStores_AgreeWithinTwoSeconds()
    {
        var otherBucketStore = await S3ObjectStore.CreateAsync(Server.Options(await Server.CreateBucketAsync()));
        using var _ = otherBucketStore;
        var a = new StoreClock(Store);
        var b = new StoreClock(otherBucketStore);

        var ta = await a.NowAsync();
        var tb = await b.NowAsync();
        var ta2 = await a.NowAsync();

        Assert.InRange(tb, ta.AddSeconds(-2), ta2.AddSeconds(2));
        Assert.Equal(1, a.SyncCount);
        Assert.Equal(1, b.SyncCount);
    }

    [Fact]
    public async Task NowAsync_ObjectWrittenMeanwhile_LastModifiedMatchesClockWithinTwoSeconds()
    {
        var clock = new StoreClock(Store);
        var before = await clock.NowAsync();
        await Store.PutAsync("integ/clock-witness", "x"u8.ToArray(), PutCondition.None);
        var after = await clock.NowAsync();

        var written = (await Store.HeadAsync("integ/clock-witness"))!.LastModified;

        Assert.InRange(written, before.AddSeconds(-2), after.AddSeconds(2));
    }

    [Fact]
    public async Task NowAsync_WithinResyncInterval_ProbesOnceAndAdvancesMonotonically()
    {
        var counted = new RequestCountingObjectStore(Store);
        var time = new FakeTimeProvider();
        var clock = new StoreClock(counted, time, TimeSpan.FromSeconds(5));

        var first = await clock.NowAsync();
        for (var i = 0; i < 10; i++)
        {
            await clock.NowAsync();
        }

        time.Advance(TimeSpan.FromMilliseconds(4900));
        var late = await clock.NowAsync();
        var withinInterval = counted.SnapshotAndReset();

        Assert.Equal(1, clock.SyncCount);
        Assert.Equal(1, withinInterval[StoreOperation.Put]); // a probe is one PUT of clock/now ...
        Assert.Equal(1, withinInterval[StoreOperation.Head]); // ... and one HEAD
        Assert.Equal(2, withinInterval.Total);
        Assert.Equal(TimeSpan.FromMilliseconds(4900), late - first);

        time.Advance(TimeSpan.FromMilliseconds(200));
        var resynced = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => clock.NowAsync().AsTask()));

        Assert.Equal(2, clock.SyncCount); // concurrent callers share one probe
        Assert.Equal(2, counted.Snapshot().Total);
        Assert.All(resynced, t => Assert.InRange(t, first.AddSeconds(-2), first.AddSeconds(2)));
    }

    [Fact]
    public async Task BuquetClient_ManyOperationsWithinInterval_UsesOneClockProbe()
    {
        var counted = new RequestCountingObjectStore(Store);
        var time = new FakeTimeProvider();
        var client = new BuquetClient(counted, new BuquetClientOptions { ClockResyncInterval = TimeSpan.FromSeconds(30) }, time);

        for (var i = 0; i < 3; i++)
        {
            await client.SubmitAsync("integ.clock", i);
        }

        time.Advance(TimeSpan.FromSeconds(29));
        var task = await client.SubmitAsync("integ.clock", 3);
        await client.CancelAsync(task.Id);
        var probesBefore = counted.Snapshot()[StoreOperation.Head];
        time.Advance(TimeSpan.FromSeconds(2));
        await client.GetStoreTimeAsync();

        Assert.Equal(1, probesBefore); // the only HEADs are clock probes here
        Assert.Equal(2, counted.Snapshot()[StoreOperation.Head]);
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoStoreClockTests : StoreClockTests
{
    internal override S3TestServer Server => S3TestServer.Moto;
}

/// <summary>On Ceph RGW (unversioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class RgwStoreClockTests : StoreClockTests
{
    internal override S3TestServer Server => S3TestServer.Rgw;
}
