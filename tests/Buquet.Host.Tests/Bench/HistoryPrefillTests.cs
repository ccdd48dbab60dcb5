using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
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
}
