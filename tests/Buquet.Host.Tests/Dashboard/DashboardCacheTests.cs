using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Host.Tests.Dashboard;

public sealed class DashboardCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Refresh_After2000TaskWarmUp_StaysWithinRequestBudgetAndSeesChanges()
    {
        var time = new FakeTimeProvider(Start);
        var store = new RequestCountingObjectStore(new InMemoryObjectStore(time));
        var client = new BuquetClient(store, new BuquetClientOptions { BulkParallelism = 16 }, time);
        var submitted = await client.SubmitManyAsync(Enumerable.Range(0, 2000).Select(i => new TaskSubmission(i % 2 == 0 ? "even" : "odd", new { i })));
        Assert.All(submitted, r => Assert.True(r.Succeeded));
        var options = new DashboardCacheOptions { MaxListPagesPerRefresh = 4, MaxGetsPerRefresh = 50 };
        var cache = new DashboardCache(store, client.Clock, options);
        await cache.WarmUpAsync();
        Assert.Equal(2000, cache.Snapshot.Tasks.Count);

        var fresh = await client.SubmitAsync("fresh", new { });
        var victim = submitted[7].Task!;
        await client.CancelAsync(victim.Id);
        store.Reset();
        var perRefresh = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            store.Reset();
            await cache.RefreshAsync();
            perRefresh.Add(store.Snapshot().Total);
        }

        Assert.All(perRefresh, n => Assert.InRange(n, 1, options.RequestBudget));
        var snap = cache.Snapshot;
        Assert.Contains(snap.Tasks, t => t.Id == fresh.Id);
        Assert.Equal(BuquetTaskStatus.Cancelled, snap.Tasks.Single(t => t.Id == victim.Id).Status);
        Assert.Equal(2001, snap.Tasks.Count);
    }

    [Fact]
    public async Task Refresh_UnchangedQueue_GetsNothing()
    {
        var time = new FakeTimeProvider(Start);
        var store = new RequestCountingObjectStore(new InMemoryObjectStore(time));
        var client = new BuquetClient(store, new BuquetClientOptions(), time);
        for (var i = 0; i < 20; i++)
        {
            await client.SubmitAsync("t", new { i });
        }

        var cache = new DashboardCache(store, client.Clock);
        await cache.WarmUpAsync();
        store.Reset();

        await cache.RefreshAsync();

        Assert.Equal(0, store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task Refresh_DeletedTaskAndWorkersAndSchedules_AreTracked()
    {
        var time = new FakeTimeProvider(Start);
        var store = new InMemoryObjectStore(time);
        var client = new BuquetClient(store, new BuquetClientOptions(), time);
        var task = await client.SubmitAsync("t", new { });
        await store.PutAsync(TaskKeys.Worker("w-1"), ModelJson.Serialize(new WorkerInfo("w-1", Start, Start, ["0", "1"], task.Id, 5, 1)), PutCondition.None);
        await store.PutAsync(TaskKeys.Schedule("nightly"), ModelJson.Serialize(new Schedule("nightly", "report", null, "0 3 * * *", true, null, null, Start, Start)), PutCondition.None);
        await store.PutAsync(TaskKeys.ScheduleLastRun("nightly"), ModelJson.Serialize(new ScheduleLastRun("nightly", Start, task.Id, Start.AddDays(1))), PutCondition.None);
        var cache = new DashboardCache(store, client.Clock);
        await cache.WarmUpAsync();
        Assert.Single(cache.Snapshot.Workers);
        Assert.Equal(task.Id, cache.Snapshot.Schedules.Single().LastRun!.LastTaskId);

        await store.DeleteAsync(task.Key);
        await store.DeleteAsync(TaskKeys.Worker("w-1"));
        for (var i = 0; i < 3; i++)
        {
            await cache.RefreshAsync();
        }

        Assert.Empty(cache.Snapshot.Tasks);
        Assert.Empty(cache.Snapshot.Workers);
        Assert.Single(cache.Snapshot.Schedules);
    }
}
