using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.IntegrationTests.Protocol;

/// <summary>
/// Requests per operation on the real S3 store, counted by <see cref="RequestCountingObjectStore"/> where the count is
/// the design (the store clock is warmed and frozen first, so no clock probe lands inside a measured window). Wake-up
/// hints are off here: their touch (at most one PUT per second per process, ADR 0008) is counted in the benchmarks.
/// </summary>
public abstract class RequestCountTests : S3Bucket
{
    private RequestCountingObjectStore _counted = null!;
    private BuquetClient _client = null!;

    private async Task SetUpAsync()
    {
        _counted = new RequestCountingObjectStore(Store);
        var clock = new StoreClock(_counted, new FakeTimeProvider(), TimeSpan.FromHours(1));
        _client = new BuquetClient(_counted, new BuquetClientOptions { WakeHints = false }, clock, null, null);
        await clock.NowAsync();
        Assert.Equal(1, clock.SyncCount);
        _counted.Reset();
    }

    [Fact]
    public async Task ClaimAsync_ListedCandidate_OneGetOneConditionalPutPlusIndexUpkeep()
    {
        await SetUpAsync();
        var now = await _client.GetStoreTimeAsync();
        var task = await _client.SubmitAsync("integ.count", 1, new SubmitOptions { RunAt = now.AddMinutes(-1) });
        var listed = await _counted.ListAsync(new ListRequest(TaskKeys.ReadyPrefix(task.Shard)));
        var readyKey = Assert.Single(listed.Objects).Key;
        Assert.True(TaskKeys.TryParseIndexKey(readyKey, out var index));
        _counted.Reset();

        var candidate = (await _client.Repository.GetAsync(index.TaskId))!;
        var settleReads = Store.SettleReads;
        var claim = await _client.Repository.ClaimAsync(candidate, "w-count");
        var counts = _counted.SnapshotAndReset();

        Assert.True(claim.Claimed);
        Assert.Equal(0, Store.SettleReads - settleReads); // a won CAS costs no re-read
        Assert.Equal(1, counts[StoreOperation.Get]);
        Assert.Equal(2, counts[StoreOperation.Put, StoreOutcome.Ok]); // conditional task PUT + lease index PUT
        Assert.Equal(1, counts[StoreOperation.Delete, StoreOutcome.Ok]); // ready index DELETE
        Assert.Equal(4, counts.Total);
        Assert.Null(await Store.HeadAsync(readyKey));
    }

    [Fact]
    public async Task ClaimAsync_LostRace_LeaseKeyPutOneFailedPutOneSettleHeadOneGet()
    {
        await SetUpAsync();
        var now = await _client.GetStoreTimeAsync();
        var task = await _client.SubmitAsync("integ.count", 1, new SubmitOptions { RunAt = now.AddMinutes(-1) });
        var candidate = (await _client.Repository.GetAsync(task.Id))!;
        var rival = await NewWorkerAsync();
        Assert.True((await rival.ClaimAsync(task.Id, "w-rival")).Claimed);
        _counted.Reset();
        var settleReads = Store.SettleReads;

        var claim = await _client.Repository.ClaimAsync(candidate, "w-late");
        var counts = _counted.SnapshotAndReset();

        // A lost race costs four requests: the lease key written before the CAS (docs/reliability.md, finding 7; the
        // winner of the same minute needs the very same key, so it is not deleted), the refused PUT, the store's HEAD
        // that settles it (was it a re-sent copy of our own write that landed? our write token is not there, so no),
        // and the repository's GET of the winner.
        Assert.Equal(ClaimStatus.AlreadyClaimed, claim.Status);
        Assert.Equal(1, counts[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(1, counts[StoreOperation.Put, StoreOutcome.PreconditionFailed]);
        Assert.Equal(1, counts[StoreOperation.Head, StoreOutcome.Ok]);
        Assert.Equal(1, counts[StoreOperation.Get]);
        Assert.Equal(4, counts.Total);
        Assert.Equal(1, Store.SettleReads - settleReads);
        Assert.Equal(0, Store.SettledAsOurs);
    }

    [Fact]
    public async Task CompleteAsync_EtagStillCurrent_OnePutOneLeaseDeleteNoGet()
    {
        await SetUpAsync();
        var now = await _client.GetStoreTimeAsync();
        var task = await _client.SubmitAsync("integ.count", 1, new SubmitOptions { RunAt = now.AddMinutes(-1) });
        var held = (await _client.Repository.ClaimAsync(task.Id, "w-count")).Snapshot!;
        _counted.Reset();

        var done = await _client.Repository.CompleteAsync(held, System.Text.Json.JsonDocument.Parse("{\"ok\":true}").RootElement);
        var counts = _counted.SnapshotAndReset();

        Assert.Equal(CasStatus.Written, done.Status);
        Assert.Equal(0, counts[StoreOperation.Get]);
        Assert.Equal(1, counts[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(1, counts[StoreOperation.Delete, StoreOutcome.Ok]);
        Assert.Equal(2, counts.Total);
        Assert.Equal(BuquetTaskStatus.Completed, TaskJsonStatus((await Store.GetAsync(task.Key))!));
    }

    [Fact]
    public async Task DeleteAsync_ReportsWhetherTheKeyExisted_ItsHeadIsCounted()
    {
        // S3 answers 204 either way, so DeleteAsync HEADs first; index deletes use DeleteManyAsync, which does not.
        await SetUpAsync();
        await _counted.PutAsync("count/a", ReadOnlyMemory<byte>.Empty, PutCondition.None);
        _counted.Reset();

        Assert.Equal(DeleteStatus.Deleted, await _counted.DeleteAsync("count/a"));
        var single = _counted.SnapshotAndReset();
        await _counted.DeleteManyAsync(["count/b", "count/c"]);
        var many = _counted.SnapshotAndReset();

        Assert.Equal((1, 1), (single[StoreOperation.Head], single[StoreOperation.Delete]));
        Assert.Equal((0, 1), (many[StoreOperation.Head], many[StoreOperation.Delete]));
    }

    [Fact]
    public async Task SubmitAsync_IdempotentDuplicate_OneRefusedPutOneSettleHeadTwoGetsNothingWritten()
    {
        await SetUpAsync();
        var options = new SubmitOptions { IdempotencyKey = "invoice-7" };
        var first = await _client.SubmitAsync("integ.count", new { amount = 7 }, options);
        var firstCounts = _counted.SnapshotAndReset();

        var settleReads = Store.SettleReads;
        var duplicate = await _client.SubmitAsync("integ.count", new { amount = 7 }, options);
        var counts = _counted.SnapshotAndReset();

        // First submit: record PUT If-None-Match, task PUT If-None-Match, ready index PUT.
        Assert.Equal(3, firstCounts[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(3, firstCounts.Total);
        // Duplicate: record PUT refused, the store's settling HEAD, GET record, GET task.
        Assert.Equal(first.Id, duplicate.Id);
        Assert.Equal(1, counts[StoreOperation.Put, StoreOutcome.PreconditionFailed]);
        Assert.Equal(0, counts[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(1, counts[StoreOperation.Head, StoreOutcome.Ok]);
        Assert.Equal(2, counts[StoreOperation.Get, StoreOutcome.Ok]);
        Assert.Equal(4, counts.Total);
        Assert.Equal(1, Store.SettleReads - settleReads);
    }

    [Fact]
    public async Task CancelAsync_Pending_OneGetOnePutOneReadyDelete()
    {
        await SetUpAsync();
        var task = await _client.SubmitAsync("integ.count", 1);
        _counted.Reset();

        var result = await _client.CancelAsync(task.Id);
        var counts = _counted.SnapshotAndReset();
        var again = await _client.CancelAsync(task.Id);
        var againCounts = _counted.SnapshotAndReset();

        Assert.Equal(TaskOperationStatus.Applied, result.Status);
        Assert.Equal(1, counts[StoreOperation.Get]);
        Assert.Equal(1, counts[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Equal(1, counts[StoreOperation.Delete, StoreOutcome.Ok]);
        Assert.Equal(3, counts.Total);
        Assert.Equal(TaskOperationStatus.AlreadyDone, again.Status);
        Assert.Equal(1, againCounts.Total); // just the GET
    }

    private static BuquetTaskStatus TaskJsonStatus(StoredObject obj) => Buquet.Actors.Protocol.Json.TaskJson.Parse(obj.Body, obj.Key).Status;
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoRequestCountTests : RequestCountTests
{
    internal override S3TestServer Server => S3TestServer.Moto;
}

/// <summary>On Ceph RGW (unversioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class RgwRequestCountTests : RequestCountTests
{
    internal override S3TestServer Server => S3TestServer.Rgw;
}
