using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker.Registry;

public sealed class WorkerRegistryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly StoreClock _clock;
    private IReadOnlyCollection<string> _shards = ["3", "1"];

    public WorkerRegistryTests()
    {
        _store = new InMemoryObjectStore(_time);
        _clock = new StoreClock(_store, _time, TimeSpan.FromHours(1));
    }

    private WorkerRegistry NewRegistry(string id = "worker-a") => new(_store, _clock, id, () => _shards);

    private async Task<JsonElement> ReadJsonAsync(string key)
    {
        var obj = await _store.GetAsync(key);
        Assert.NotNull(obj);
        return JsonDocument.Parse(obj.Body).RootElement.Clone();
    }

    [Fact]
    public async Task RegisterAsync_WritesWorkerInfoWithExactPeerFields()
    {
        var registry = NewRegistry();

        await registry.RegisterAsync();

        var json = await ReadJsonAsync("workers/worker-a.json");
        // The peer fields of §2.4 in order, then this library's extension (peers ignore it).
        Assert.Equal(
            ["worker_id", "started_at", "last_heartbeat", "shards", "current_task", "tasks_completed", "tasks_failed", "current_tasks"],
            json.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(0, json.GetProperty("current_tasks").GetArrayLength());
        Assert.Equal("worker-a", json.GetProperty("worker_id").GetString());
        Assert.Equal(json.GetProperty("started_at").GetString(), json.GetProperty("last_heartbeat").GetString());
        Assert.Equal("1,3", string.Join(",", json.GetProperty("shards").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("current_task").ValueKind);
        Assert.Equal(0, json.GetProperty("tasks_completed").GetInt64());
    }

    [Fact]
    public async Task HeartbeatAsync_AfterTasks_CountersCurrentTaskAndFreshTimestamp()
    {
        var registry = NewRegistry();
        var first = await registry.RegisterAsync();
        var a = Guid.Parse("a0000000-0000-4000-8000-000000000001");
        var b = Guid.Parse("b0000000-0000-4000-8000-000000000002");
        registry.TaskStarted(a);
        registry.TaskStarted(b);
        registry.TaskFinished(a, failed: false);
        registry.TaskStarted(Guid.Parse("c0000000-0000-4000-8000-000000000003"));
        registry.TaskFinished(Guid.Parse("c0000000-0000-4000-8000-000000000003"), failed: true);
        _shards = ["7"];
        _time.Advance(TimeSpan.FromSeconds(10));

        await registry.HeartbeatAsync();

        var info = Buquet.Actors.Protocol.Json.ModelJson.ParseWorker((await _store.GetAsync(registry.Key))!.Body, registry.Key);
        Assert.Equal(first.StartedAt, info.StartedAt);
        Assert.Equal(first.StartedAt.AddSeconds(10), info.LastHeartbeat);
        Assert.Equal(b, info.CurrentTask);
        Assert.Equal(1, info.TasksCompleted);
        Assert.Equal(1, info.TasksFailed);
        Assert.Equal(["7"], info.Shards);
    }

    [Fact]
    public async Task HeartbeatAsync_TaskTypesAndSeveralRunning_WritesTypesAndEveryCurrentTask()
    {
        var registry = new WorkerRegistry(_store, _clock, "worker-t", () => _shards, null, ["send_email", "buquet.echo"]);
        await registry.RegisterAsync();
        var a = Guid.Parse("a0000000-0000-4000-8000-000000000001");
        var b = Guid.Parse("b0000000-0000-4000-8000-000000000002");
        registry.TaskStarted(a);
        registry.TaskStarted(b);

        await registry.HeartbeatAsync();

        var info = Buquet.Actors.Protocol.Json.ModelJson.ParseWorker((await _store.GetAsync(registry.Key))!.Body, registry.Key);
        Assert.Equal(["buquet.echo", "send_email"], info.TaskTypes);
        Assert.Equal([a, b], info.CurrentTasks);
        Assert.Equal(a, info.CurrentTask);
    }

    [Fact]
    public async Task DeregisterAsync_RemovesEntry()
    {
        var registry = NewRegistry();
        await registry.RegisterAsync();

        await registry.DeregisterAsync();

        Assert.Null(await _store.GetAsync(registry.Key));
        Assert.False(registry.IsRegistered);
    }

    [Fact]
    public async Task ListLiveWorkersAsync_StaleMalformedAndForeignEntries_OnlyLiveReturned()
    {
        await NewRegistry("old").RegisterAsync();
        _time.Advance(TimeSpan.FromSeconds(61));
        var live = NewRegistry("live");
        await live.RegisterAsync();
        await _store.PutAsync("workers/garbage.json", "{nope"u8.ToArray(), PutCondition.None);
        await _store.PutAsync("workers/wrong-shape.json", "[1,2]"u8.ToArray(), PutCondition.None);
        await _store.PutAsync("workers/missing-fields.json", """{"worker_id":"x"}"""u8.ToArray(), PutCondition.None);
        await _store.PutAsync("workers/notes.txt", "hello"u8.ToArray(), PutCondition.None);
        await _store.PutAsync("workers/nested/thing.json", "{}"u8.ToArray(), PutCondition.None);

        var result = await live.ListLiveWorkersAsync(await _clock.NowAsync());

        Assert.Equal(["live"], result.Select(w => w.WorkerId).ToArray());
    }

    [Fact]
    public async Task ListLiveWorkersAsync_HeartbeatExactlyAtThreshold_NotLive()
    {
        await NewRegistry("edge").RegisterAsync();
        _time.Advance(TimeSpan.FromSeconds(60));

        var result = await WorkerDirectory.ListLiveWorkersAsync(_store, await _clock.NowAsync());

        Assert.Empty(result);
    }

    [Fact]
    public void Constructor_InvalidWorkerId_NamesValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => NewRegistry("bad/id"));
        Assert.Contains("bad/id", ex.Message, StringComparison.Ordinal);
    }
}
