using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.IntegrationTests.Client;

/// <summary>Cancel, replay, archive, expire and history end to end on a real server.</summary>
public abstract class ClientOperatorTests : S3Bucket
{
    [Fact]
    public async Task CancelAsync_Pending_CancelsOnceThenReportsAlreadyDone()
    {
        var client = NewClient();
        var task = await client.SubmitAsync("integ.c", 1);

        var first = await client.CancelAsync(task.Id, "no longer needed", "user:ada");
        var etag = (await Store.HeadAsync(client.Repository.KeyOf(task.Id)))!.ETag;
        var second = await client.CancelAsync(task.Id, "again", "user:bob");

        Assert.Equal(TaskOperationStatus.Applied, first.Status);
        Assert.Equal(TaskOperationStatus.AlreadyDone, second.Status);
        var stored = (await client.GetAsync(task.Id))!;
        Assert.Equal(BuquetTaskStatus.Cancelled, stored.Status);
        Assert.Equal("user:ada", stored.CancelledBy);
        Assert.NotNull(stored.CancelledAt);
        Assert.Equal(etag, (await Store.HeadAsync(client.Repository.KeyOf(task.Id)))!.ETag); // second cancel wrote nothing
        Assert.Null(await Store.HeadAsync(TaskKeys.Ready(stored.Shard, stored.AvailableAt, stored.Id)));
        Assert.Equal(TaskOperationStatus.NotFound, (await client.CancelAsync(Guid.NewGuid())).Status);
    }

    [Fact]
    public async Task CancelAsync_Running_SetsCooperativeFlagAndHolderCanStillFinish()
    {
        var client = NewClient();
        var worker = await NewWorkerAsync();
        var task = await SubmitAvailableAsync(client);
        var held = (await worker.ClaimAsync(task.Id, "w-1")).Snapshot!;

        var result = await client.CancelAsync(task.Id);
        var again = await client.CancelAsync(task.Id);

        Assert.Equal(TaskOperationStatus.CancellationRequested, result.Status);
        Assert.Equal(TaskOperationStatus.CancellationRequested, again.Status);
        var seen = (await worker.GetAsync(task.Id))!.Task;
        Assert.Equal(BuquetTaskStatus.Running, seen.Status);
        Assert.True(seen.CancelRequested);
        Assert.Equal(held.Task.LeaseId, seen.LeaseId);

        // The holder's ETag is stale after the flag write; its lease still lets it finish.
        var done = await worker.CompleteAsync(held, null);
        Assert.Equal(CasStatus.Written, done.Status);
        Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(task.Id))!.Status);
    }

    [Fact]
    public async Task CancelManyAsync_MixedIds_ReturnsOneResultPerIdInOrder()
    {
        var client = NewClient();
        var a = await client.SubmitAsync("integ.c", 1);
        var b = await client.SubmitAsync("integ.c", 2);
        var missing = Guid.NewGuid();
        var done = await SubmitAvailableAsync(client);
        var held = (await client.Repository.ClaimAsync(done.Id, "w-1")).Snapshot!;
        await client.Repository.CompleteAsync(held, null);

        var results = await client.CancelManyAsync([a.Id, missing, b.Id, done.Id]);

        Assert.Equal([a.Id, missing, b.Id, done.Id], results.Select(r => r.TaskId));
        Assert.Equal(
            [TaskOperationStatus.Applied, TaskOperationStatus.NotFound, TaskOperationStatus.Applied, TaskOperationStatus.InvalidState],
            results.Select(r => r.Status));
        Assert.Equal(BuquetTaskStatus.Cancelled, (await client.GetAsync(b.Id))!.Status);
        Assert.Equal(BuquetTaskStatus.Completed, (await client.GetAsync(done.Id))!.Status);
    }

    [Fact]
    public async Task CancelByTypeAsync_MixedTypes_CancelsOnlyPendingTasksOfThatType()
    {
        var client = NewClient();
        var targets = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            targets.Add((await client.SubmitAsync("integ.doomed", i)).Id);
        }

        var other = await client.SubmitAsync("integ.kept", 0);
        var running = await SubmitAvailableAsync(client, "integ.doomed");
        await client.Repository.ClaimAsync(running.Id, "w-1");

        var results = await client.CancelByTypeAsync("integ.doomed", "bulk", "ops");

        Assert.Equal(targets.Order(), results.Select(r => r.TaskId).Order());
        Assert.All(results, r => Assert.Equal(TaskOperationStatus.Applied, r.Status));
        Assert.Equal(BuquetTaskStatus.Pending, (await client.GetAsync(other.Id))!.Status);
        Assert.Equal(BuquetTaskStatus.Running, (await client.GetAsync(running.Id))!.Status);
        Assert.Empty(await client.CancelByTypeAsync("integ.doomed"));
    }

    [Fact]
    public async Task ReplayAsync_Failed_ReturnsTaskToPendingAndClaimable()
    {
        var client = NewClient();
        var task = await SubmitAvailableAsync(client);
        var held = (await client.Repository.ClaimAsync(task.Id, "w-1")).Snapshot!;
        Assert.Equal(CasStatus.Written, (await client.Repository.FailAsync(held, "boom")).Status);
        Assert.Equal(TaskOperationStatus.InvalidState, (await client.ReplayAsync((await client.SubmitAsync("integ.p", 0)).Id)).Status);

        var replay = await client.ReplayAsync(task.Id);

        Assert.Equal(TaskOperationStatus.Applied, replay.Status);
        var stored = (await client.GetAsync(task.Id))!;
        Assert.Equal(BuquetTaskStatus.Pending, stored.Status);
        Assert.Equal(1, stored.Attempt);
        Assert.NotNull(await Store.HeadAsync(TaskKeys.Ready(stored.Shard, stored.AvailableAt, stored.Id)));
        var again = await client.Repository.ClaimAsync(task.Id, "w-2");
        Assert.Equal(ClaimStatus.Claimed, again.Status);
        Assert.Equal(2, again.Snapshot!.Task.Attempt);
    }

    [Fact]
    public async Task ArchiveAsync_Completed_ArchivesOnceThenAlreadyDone()
    {
        var client = NewClient();
        var task = await SubmitAvailableAsync(client);
        var pending = await client.SubmitAsync("integ.p", 0);
        var held = (await client.Repository.ClaimAsync(task.Id, "w-1")).Snapshot!;
        await client.Repository.CompleteAsync(held, null);

        var first = await client.ArchiveAsync(task.Id);
        var second = await client.ArchiveAsync(task.Id);

        Assert.Equal(TaskOperationStatus.Applied, first.Status);
        Assert.Equal(TaskOperationStatus.AlreadyDone, second.Status);
        Assert.Equal(BuquetTaskStatus.Archived, (await client.GetAsync(task.Id))!.Status);
        Assert.Equal(TaskOperationStatus.InvalidState, (await client.ArchiveAsync(pending.Id)).Status);
    }

    [Fact]
    public async Task ExpireAsync_Pending_ExpiresAndRemovesReadyIndex()
    {
        var client = NewClient();
        var task = await client.SubmitAsync("integ.e", 0, new SubmitOptions { Ttl = TimeSpan.FromHours(1) });

        var result = await client.ExpireAsync(task.Id);

        Assert.Equal(TaskOperationStatus.Applied, result.Status);
        var stored = (await client.GetAsync(task.Id))!;
        Assert.Equal(BuquetTaskStatus.Expired, stored.Status);
        Assert.NotNull(stored.ExpiredAt);
        Assert.Null(await Store.HeadAsync(TaskKeys.Ready(stored.Shard, stored.AvailableAt, stored.Id)));
        Assert.Equal(ClaimStatus.NotAvailable, (await client.Repository.ClaimAsync(task.Id, "w-1")).Status);
    }

    [Fact]
    public async Task HistoryAsync_ThreeWrites_VersionsNewestFirstOrEmptyWhenUnversioned()
    {
        var client = NewClient();
        var task = await SubmitAvailableAsync(client);
        var held = (await client.Repository.ClaimAsync(task.Id, "w-1")).Snapshot!;
        await client.Repository.CompleteAsync(held, null);

        var all = await client.HistoryAsync(task.Id);
        var first = await client.HistoryAsync(task.Id, pageSize: 2);

        if (!Server.VersionedBuckets)
        {
            // Unversioned bucket (RGW here): the store keeps no history and says so with an empty page, no error.
            Assert.Empty(all.Versions);
            Assert.Null(all.ContinuationToken);
            Assert.Empty(first.Versions);
            return;
        }

        Assert.Equal([BuquetTaskStatus.Completed, BuquetTaskStatus.Running, BuquetTaskStatus.Pending], all.Versions.Select(v => v.Task!.Status));
        Assert.True(all.Versions[0].IsLatest);
        Assert.All(all.Versions.Skip(1), v => Assert.False(v.IsLatest));
        Assert.Null(all.ContinuationToken);
        Assert.Equal(2, first.Versions.Count);
        Assert.NotNull(first.ContinuationToken);
        var rest = await client.HistoryAsync(task.Id, pageSize: 2, continuationToken: first.ContinuationToken);
        Assert.Equal(all.Versions.Select(v => v.VersionId), first.Versions.Concat(rest.Versions).Select(v => v.VersionId));
        Assert.Null(rest.ContinuationToken);
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoClientOperatorTests : ClientOperatorTests
{
    internal override S3TestServer Server => S3TestServer.Moto;
}

/// <summary>On Ceph RGW (unversioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class RgwClientOperatorTests : ClientOperatorTests
{
    internal override S3TestServer Server => S3TestServer.Rgw;
}
