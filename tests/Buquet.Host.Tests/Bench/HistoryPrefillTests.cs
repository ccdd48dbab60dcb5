using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Buquet.Host.Bench;

namespace Buquet.Host.Tests.Bench;

public sealed class HistoryPrefillTests
{
    [Fact]
    public async Task RunAsync_FiveTasks_LeavesWhatAWorkerLeaves()
    {
        var store = new InMemoryObjectStore();

        var result = await new HistoryPrefill(store, new BuquetClientOptions(), TimeProvider.System, _ => { }).RunAsync(5, "buquet.echo", CancellationToken.None);

        Assert.Equal(5, result.Tasks);
        var tasks = (await store.ListAsync(new ListRequest(TaskKeys.TasksRoot))).Objects;
        Assert.Equal(5, tasks.Count);
        foreach (var obj in tasks)
        {
            var task = TaskJson.Parse((await store.GetAsync(obj.Key))!.Body, obj.Key);
            Assert.Equal(BuquetTaskStatus.Completed, task.Status);
            Assert.Equal(1, task.Attempt);
            // Submitted, running, completed: the three versions a worker's processing writes.
            var versions = (await store.ListVersionsAsync(obj.Key)).Versions.Where(v => !v.IsDeleteMarker).ToList();
            Assert.Equal(3, versions.Count);
        }

        // The ready and lease keys were written and deleted, as by a worker.
        Assert.Empty((await store.ListAsync(new ListRequest(TaskKeys.ReadyRoot))).Objects);
        Assert.Empty((await store.ListAsync(new ListRequest(TaskKeys.LeasesRoot))).Objects);
    }

    [Fact]
    public async Task RunAsync_StoreClockStepsBack_ClaimsEveryTask()
    {
        // The first clock syncs read 50 ms ahead (as when a sync's latency was high), later ones do not: the first tasks
        // are stamped available 50 ms after the time their claims then read.
        var store = new SteppingClockStore(new InMemoryObjectStore(), TimeSpan.FromMilliseconds(50));
        var options = new BuquetClientOptions { ClockResyncInterval = TimeSpan.Zero };

        var result = await new HistoryPrefill(store, options, TimeProvider.System, _ => { }).RunAsync(3, "buquet.echo", CancellationToken.None);

        Assert.Equal(3, result.Tasks);
        Assert.True(store.Reads > 3, $"the clock synced {store.Reads} time(s); the step back needs a fourth sync");
        foreach (var obj in (await store.ListAsync(new ListRequest(TaskKeys.TasksRoot))).Objects)
        {
            Assert.Equal(BuquetTaskStatus.Completed, TaskJson.Parse((await store.GetAsync(obj.Key))!.Body, obj.Key).Status);
        }
    }

    /// <summary>Answers the first three server-time reads <c>ahead</c> of the inner store's clock, every later one exactly.</summary>
    private sealed class SteppingClockStore(IObjectStore inner, TimeSpan ahead) : DelegatingObjectStore(inner)
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override async Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
        {
            var now = await Inner.GetServerTimeAsync(cancellationToken);
            return Interlocked.Increment(ref _reads) <= 3 ? now + ahead : now;
        }
    }
}
