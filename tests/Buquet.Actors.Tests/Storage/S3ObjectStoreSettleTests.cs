using System.Text;
using Amazon.S3;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

/// <summary>
/// <see cref="S3ObjectStore"/> settling refused conditional writes by re-reading, against <see cref="FakeS3Client"/>:
/// a write that landed but whose re-sent copy was answered 412 is reported written; a real lost race costs one HEAD
/// and stays lost, even when the winner wrote the very same bytes.
/// </summary>
public sealed class S3ObjectStoreSettleTests
{
    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static async Task<(S3ObjectStore Store, FakeS3Client S3)> CreateAsync()
    {
        var (client, control) = FakeS3Client.Create();
        var options = new S3StoreOptions { ServiceUrl = "http://127.0.0.1:9", Bucket = "fake-bucket", MaxAttempts = 3, RetryBaseDelay = TimeSpan.Zero, RetryMaxDelay = TimeSpan.Zero };
        var store = await S3ObjectStore.CreateWithClientAsync(client, ownsClient: true, options, null, () => 0.5, CancellationToken.None);
        Assert.True(store.Probe.ConditionalDelete);
        return (store, control);
    }

    [Fact]
    public async Task PutAsync_IfMatchLandedThenResentInto412_WrittenWithTheStoredETag()
    {
        var (store, s3) = await CreateAsync();
        using var _ = store;
        var seed = await store.PutAsync("k", Bytes("seed"), PutCondition.None);
        s3.Faults.Enqueue(FakeS3Fault.LandThenResendInto412);
        var put = await store.PutAsync("k", Bytes("ours"), PutCondition.IfMatch(seed.ETag!));
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(ETags.ForBody(Bytes("ours")), put.ETag);
        Assert.Equal("ours", Encoding.UTF8.GetString(s3.Body("k")!));
        Assert.Equal(1, store.SettledAsOurs);
        Assert.Equal(1, store.SettleReads);
    }

    [Fact]
    public async Task PutAsync_CreateOnlyLandedThenResentInto412_Written()
    {
        var (store, s3) = await CreateAsync();
        using var _ = store;
        s3.Faults.Enqueue(FakeS3Fault.LandThenResendInto412);
        var put = await store.PutAsync("fresh", Bytes("ours"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.Written, put.Status);
        Assert.Equal(ETags.ForBody(Bytes("ours")), put.ETag);
        Assert.Equal(1, store.SettledAsOurs);
    }

    [Fact]
    public async Task PutAsync_LostRace_PreconditionFailedAfterExactlyOneHead()
    {
        var (store, s3) = await CreateAsync();
        using var _ = store;
        var seed = await store.PutAsync("k", Bytes("seed"), PutCondition.None);
        Assert.True((await store.PutAsync("k", Bytes("winner"), PutCondition.IfMatch(seed.ETag!))).Succeeded);
        var putsBefore = s3.Calls(nameof(IAmazonS3.PutObjectAsync));
        var headsBefore = s3.Calls(nameof(IAmazonS3.GetObjectMetadataAsync));

        var put = await store.PutAsync("k", Bytes("loser"), PutCondition.IfMatch(seed.ETag!));

        Assert.Equal(PutStatus.PreconditionFailed, put.Status);
        Assert.Null(put.ETag);
        Assert.Equal(1, s3.Calls(nameof(IAmazonS3.PutObjectAsync)) - putsBefore);
        Assert.Equal(1, s3.Calls(nameof(IAmazonS3.GetObjectMetadataAsync)) - headsBefore);
        Assert.Equal(0, s3.Calls(nameof(IAmazonS3.GetObjectAsync)));
        Assert.Equal(0, store.SettledAsOurs);
        Assert.Equal("winner", Encoding.UTF8.GetString(s3.Body("k")!));
    }

    [Fact]
    public async Task PutAsync_CreateOnlyOfIdenticalBytesAlreadyWrittenByAnotherCall_PreconditionFailed()
    {
        // Body equality is not proof of ownership: a second, deliberate create-only PUT of the same bytes (a readiness
        // probe does exactly this) must still be refused. The write token tells the two calls apart.
        var (store, _) = await CreateAsync();
        using var __ = store;
        Assert.True((await store.PutAsync("k", Bytes("probe"), PutCondition.IfNoneMatch)).Succeeded);
        var again = await store.PutAsync("k", Bytes("probe"), PutCondition.IfNoneMatch);
        Assert.Equal(PutStatus.PreconditionFailed, again.Status);
        Assert.Equal(0, store.SettledAsOurs);
    }

    [Fact]
    public async Task PutAsync_IfMatchOnMissingKey_PreconditionFailed()
    {
        var (store, _) = await CreateAsync();
        using var __ = store;
        var put = await store.PutAsync("missing", Bytes("x"), PutCondition.IfMatch(ETags.ForBody(Bytes("x"))));
        Assert.Equal(PutStatus.PreconditionFailed, put.Status);
        Assert.Equal(1, store.SettleReads);
    }

    [Fact]
    public async Task DeleteAsync_IfMatchLandedThenResentInto404_Deleted()
    {
        var (store, s3) = await CreateAsync();
        using var _ = store;
        var put = await store.PutAsync("k", Bytes("v"), PutCondition.None);
        s3.Faults.Enqueue(FakeS3Fault.LandThenResendInto412);
        Assert.Equal(DeleteStatus.Deleted, await store.DeleteAsync("k", put.ETag));
        Assert.Null(s3.Body("k"));
        Assert.Equal(1, store.SettledAsOurs);
    }

    [Fact]
    public async Task DeleteAsync_IfMatchRefusedAndKeyKept_PreconditionFailed()
    {
        var (store, s3) = await CreateAsync();
        using var _ = store;
        var put = await store.PutAsync("k", Bytes("v"), PutCondition.None);
        s3.Faults.Enqueue(FakeS3Fault.RefuseWithoutLanding);
        Assert.Equal(DeleteStatus.PreconditionFailed, await store.DeleteAsync("k", put.ETag));
        Assert.Equal("v", Encoding.UTF8.GetString(s3.Body("k")!));
        Assert.Equal(0, store.SettledAsOurs);
    }

    [Fact]
    public async Task ObjectLeaseRenewAsync_RenewalLandedThenResentInto412_RenewedNotLost()
    {
        // Before settling, a holder whose renewal landed but was answered 412 (the re-sent copy) believed it had lost
        // its own lease and stopped work it still held.
        var (store, s3) = await CreateAsync();
        using var _ = store;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var clock = new Buquet.Actors.Protocol.StoreClock(store, time, TimeSpan.FromHours(1));
        var lease = new Buquet.Actors.Coordination.ObjectLease(store, clock, "locks/settle-test", TimeSpan.FromSeconds(30));
        var acquired = await lease.TryAcquireAsync("holder-a");
        Assert.True(acquired.IsHeld);
        time.Advance(TimeSpan.FromSeconds(10));
        s3.Faults.Enqueue(FakeS3Fault.LandThenResendInto412);

        var renewed = await lease.RenewAsync(acquired.Grant!);

        Assert.Equal(Buquet.Actors.Coordination.LeaseStatus.Renewed, renewed.Status);
        Assert.True(await lease.VerifyAsync(renewed.Grant!));
        Assert.Equal(1, store.SettledAsOurs);
    }
}
