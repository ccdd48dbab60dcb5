using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

public sealed class WorkersCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Workers_FreshAndOldHeartbeats_ReportHealthyAndStaleByStoreClock()
    {
        using var store = new SqliteObjectStore(_dir.StorePath);
        var now = await store.GetServerTimeAsync();
        var task = Guid.NewGuid();
        await store.PutAsync(TaskKeys.Worker("w-fresh"), ModelJson.Serialize(new WorkerInfo("w-fresh", now.AddMinutes(-10), now.AddSeconds(-5), ["0", "1"], task, 7, 2)), PutCondition.None);
        await store.PutAsync(TaskKeys.Worker("w-old"), ModelJson.Serialize(new WorkerInfo("w-old", now.AddHours(-1), now.AddMinutes(-5), ["2"], null, 1, 0)), PutCondition.None);

        var run = await new BuquetProcess(_dir.Path).RunAsync("workers", "--json");
        var human = await new BuquetProcess(_dir.Path).RunAsync("workers");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.Equal(60, doc.RootElement.GetProperty("health_threshold_seconds").GetInt64());
        var workers = doc.RootElement.GetProperty("workers").EnumerateArray().ToDictionary(w => w.GetProperty("worker_id").GetString()!);
        Assert.Equal("healthy", workers["w-fresh"].GetProperty("status").GetString());
        Assert.Equal(task.ToString(), workers["w-fresh"].GetProperty("current_task").GetString());
        Assert.Equal(7, workers["w-fresh"].GetProperty("tasks_completed").GetInt64());
        Assert.Equal("stale", workers["w-old"].GetProperty("status").GetString());
        Assert.False(workers["w-old"].GetProperty("healthy").GetBoolean());
        Assert.Contains("w-old | stale", human.Stdout);
        Assert.Contains("Total: 2 workers (1 healthy)", human.Stdout);
    }

    [Fact]
    public async Task Workers_ClusteredWorker_ShowsClusterStateAndPickupsByPath()
    {
        using var store = new SqliteObjectStore(_dir.StorePath);
        var now = await store.GetServerTimeAsync();
        await store.PutAsync(TaskKeys.Worker("w-fleet"), ModelJson.Serialize(new WorkerInfo("w-fleet", now, now, ["0"], null, 9, 0, Cluster: "clustered (3)", Pickups: new WorkerPickups(5, 1, 3))), PutCondition.None);
        await store.PutAsync(TaskKeys.Worker("w-solo"), ModelJson.Serialize(new WorkerInfo("w-solo", now, now, ["1"], null, 2, 0)), PutCondition.None);

        var run = await new BuquetProcess(_dir.Path).RunAsync("workers", "--json");
        var human = await new BuquetProcess(_dir.Path).RunAsync("workers");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var workers = doc.RootElement.GetProperty("workers").EnumerateArray().ToDictionary(w => w.GetProperty("worker_id").GetString()!);
        Assert.Equal("clustered (3)", workers["w-fleet"].GetProperty("cluster").GetString());
        Assert.Equal(5, workers["w-fleet"].GetProperty("pickups").GetProperty("push").GetInt64());
        Assert.Equal(3, workers["w-fleet"].GetProperty("pickups").GetProperty("poll").GetInt64());
        Assert.Equal("absent", workers["w-solo"].GetProperty("cluster").GetString());
        Assert.Equal(JsonValueKind.Null, workers["w-solo"].GetProperty("pickups").ValueKind);
        Assert.Contains("cluster: clustered (3) | pickups: push 5, hint 1, poll 3", human.Stdout);
    }
}
