using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Buquet.Actors.Tests.Client;

public sealed class BuquetClientOperationsTests
{
    [Fact]
    public async Task GetAsync_Missing_ReturnsNull() => Assert.Null(await new ClientFixture().Client.GetAsync(Guid.NewGuid()));

    [Fact]
    public async Task CancelAsync_Pending_CancelsThenAlreadyDone()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        var result = await f.Client.CancelAsync(task.Id, "customer withdrew", "user:alice");
        Assert.Equal(TaskOperationStatus.Applied, result.Status);
        Assert.Equal(BuquetTaskStatus.Cancelled, result.Task!.Status);
        Assert.Equal("user:alice", result.Task.CancelledBy);
        Assert.Null(await f.Store.GetAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
        f.Store.Reset();
        var again = await f.Client.CancelAsync(task.Id);
        Assert.Equal(TaskOperationStatus.AlreadyDone, again.Status);
        Assert.Equal(0, f.Store.Snapshot()[StoreOperation.Put]);
    }

    [Fact]
    public async Task CancelAsync_Running_RequestsCooperativeCancel()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        Assert.True((await f.Client.Repository.ClaimAsync(task.Id, "w1")).Claimed);
        var result = await f.Client.CancelAsync(task.Id);
        Assert.Equal(TaskOperationStatus.CancellationRequested, result.Status);
        Assert.True(result.Task!.CancelRequested);
        Assert.Equal(BuquetTaskStatus.Running, result.Task.Status);
        Assert.Equal(TaskOperationStatus.CancellationRequested, (await f.Client.CancelAsync(task.Id)).Status);
    }

    [Fact]
    public async Task CancelAsync_Running_TouchesItsShardsCancelHintAfterTheRequest()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        Assert.True((await f.Client.Repository.ClaimAsync(task.Id, "w1")).Claimed);
        Assert.Null(await f.Store.HeadAsync(CancelHints.Key(task.Shard)));

        await f.Client.CancelAsync(task.Id, "stop", "user:bob");

        Assert.NotNull(await f.Store.HeadAsync(CancelHints.Key(task.Shard)));
        var requested = await f.Client.GetAsync(task.Id);
        Assert.Equal("stop", requested!.LastError);
        Assert.Equal("user:bob", requested.CancelledBy);
    }

    [Fact]
    public async Task CancelAsync_CompletedOrMissing_ReportedAsValues()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        var claimed = (await f.Client.Repository.ClaimAsync(task.Id, "w1")).Snapshot!;
        await f.Client.Repository.CompleteAsync(claimed, null);
        Assert.Equal(TaskOperationStatus.InvalidState, (await f.Client.CancelAsync(task.Id)).Status);
        Assert.Equal(TaskOperationStatus.NotFound, (await f.Client.CancelAsync(Guid.NewGuid())).Status);
    }

    [Fact]
    public async Task CancelAsync_MalformedObject_ReportedNotThrown()
    {
        var f = new ClientFixture();
        var id = Guid.Parse("00000000-0000-4000-8000-000000000000");
        await f.Store.PutAsync(f.Client.Repository.KeyOf(id), "{}"u8.ToArray(), PutCondition.None);
        var result = await f.Client.CancelAsync(id);
        Assert.Equal(TaskOperationStatus.Malformed, result.Status);
        Assert.Equal(TaskOperationStatus.Malformed, (await f.Client.ReplayAsync(id)).Status);
        await Assert.ThrowsAsync<MalformedObjectException>(() => f.Client.GetAsync(id));
    }

    [Fact]
    public async Task CancelManyAndByType_CancelOnlyMatchingPending()
    {
        var f = new ClientFixture();
        var a = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => f.Client.SubmitAsync("a", null)));
        var b = await f.Client.SubmitAsync("b", null);
        var byType = await f.Client.CancelByTypeAsync("a", cancelledBy: "ops");
        Assert.Equal(5, byType.Count);
        Assert.All(byType, r => Assert.Equal(TaskOperationStatus.Applied, r.Status));
        Assert.Equal(BuquetTaskStatus.Pending, (await f.Client.GetAsync(b.Id))!.Status);
        var many = await f.Client.CancelManyAsync([b.Id, a[0].Id, Guid.NewGuid()]);
        Assert.Equal([TaskOperationStatus.Applied, TaskOperationStatus.AlreadyDone, TaskOperationStatus.NotFound], many.Select(r => r.Status));
    }

    [Fact]
    public async Task ReplayAsync_Failed_BackToPendingWithReadyIndex_PendingRefused()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        Assert.Equal(TaskOperationStatus.InvalidState, (await f.Client.ReplayAsync(task.Id)).Status);
        var claimed = (await f.Client.Repository.ClaimAsync(task.Id, "w1")).Snapshot!;
        await f.Client.Repository.FailAsync(claimed, "Permanent error: x");
        f.Time.Advance(TimeSpan.FromMinutes(3));
        var replayed = await f.Client.ReplayAsync(task.Id);
        Assert.Equal(TaskOperationStatus.Applied, replayed.Status);
        Assert.Equal(f.Now, replayed.Task!.AvailableAt);
        Assert.NotNull(await f.Store.GetAsync(TaskKeys.Ready(task.Shard, f.Now, task.Id)));
    }

    [Fact]
    public async Task ArchiveAsync_Completed_Archives_Twice_AlreadyDone()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        await f.Client.Repository.CompleteAsync((await f.Client.Repository.ClaimAsync(task.Id, "w1")).Snapshot!, null);
        Assert.Equal(TaskOperationStatus.Applied, (await f.Client.ArchiveAsync(task.Id)).Status);
        Assert.Equal(TaskOperationStatus.AlreadyDone, (await f.Client.ArchiveAsync(task.Id)).Status);
    }

    [Fact]
    public async Task ExpireAsync_Pending_ExpiresAndDropsReadyIndex()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        var result = await f.Client.ExpireAsync(task.Id);
        Assert.Equal(BuquetTaskStatus.Expired, result.Task!.Status);
        Assert.Equal(f.Now, result.Task.ExpiredAt);
        Assert.Null(await f.Store.GetAsync(TaskKeys.Ready(task.Shard, task.AvailableAt, task.Id)));
    }

    [Fact]
    public async Task ListAsync_FiltersAndPagesAcrossShards_ReportsMalformed()
    {
        var f = new ClientFixture();
        var submitted = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => f.Client.SubmitAsync(i % 2 == 0 ? "even" : "odd", i)));
        await f.Store.PutAsync("tasks/0/00000000-0000-4000-8000-000000000000.json", "garbage"u8.ToArray(), PutCondition.None);
        await f.Client.CancelAsync(submitted[0].Id);

        var seen = new List<TaskRecord>();
        var malformed = 0;
        string? token = null;
        var pages = 0;
        do
        {
            var page = await f.Client.ListAsync(new TaskQuery { PageSize = 4, ContinuationToken = token });
            Assert.True(page.Tasks.Count <= 4);
            seen.AddRange(page.Tasks);
            malformed += page.Malformed.Count;
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(25, seen.Select(t => t.Id).Distinct().Count());
        Assert.Equal(1, malformed);
        Assert.True(pages >= 7);
        var evenPending = await f.Client.ListAsync(new TaskQuery { TaskType = "even", Status = BuquetTaskStatus.Pending, PageSize = 1000 });
        Assert.Equal(12, evenPending.Tasks.Count);
        var shard = submitted[3].Shard;
        var inShard = await f.Client.ListAsync(new TaskQuery { Shard = shard, PageSize = 1000 });
        Assert.All(inShard.Tasks, t => Assert.Equal(shard, t.Shard));
        Assert.Contains(inShard.Tasks, t => t.Id == submitted[3].Id);
        await Assert.ThrowsAsync<ArgumentException>(() => f.Client.ListAsync(new TaskQuery { Shard = "zz" }));
    }

    [Fact]
    public async Task HistoryAsync_EveryTransition_IsAVersionNewestFirst_Paged()
    {
        var f = new ClientFixture();
        var task = await f.Client.SubmitAsync("t", null);
        var claimed = (await f.Client.Repository.ClaimAsync(task.Id, "w1")).Snapshot!;
        await f.Client.Repository.CompleteAsync(claimed, null);
        var first = await f.Client.HistoryAsync(task.Id, pageSize: 2);
        Assert.Equal([BuquetTaskStatus.Completed, BuquetTaskStatus.Running], first.Versions.Select(v => v.Task!.Status));
        Assert.True(first.Versions[0].IsLatest);
        var second = await f.Client.HistoryAsync(task.Id, 2, first.ContinuationToken);
        Assert.Equal([BuquetTaskStatus.Pending], second.Versions.Select(v => v.Task!.Status));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public void AddBuquetClient_WithStore_ResolvesConfiguredSingleton()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IObjectStore>(new InMemoryObjectStore());
        services.AddBuquetClient(o => o.ShardPrefixLength = 3);
        using var sp = services.BuildServiceProvider();
        var client = sp.GetRequiredService<BuquetClient>();
        Assert.Same(client, sp.GetRequiredService<BuquetClient>());
        Assert.Equal(3, client.Repository.Shards.PrefixLength);
    }

    [Fact]
    public void AddBuquetClient_BadOptions_ThrowsNamingSetting()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IObjectStore>(new InMemoryObjectStore());
        services.AddBuquetClient(o => o.ShardPrefixLength = 7);
        using var sp = services.BuildServiceProvider();
        var ex = Record.Exception(() => { _ = sp.GetRequiredService<BuquetClient>(); });
        Assert.NotNull(ex);
        Assert.Contains("7", ex.ToString(), StringComparison.Ordinal);
    }
}
