using System.Text;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Worker.Registry;

/// <summary>The <c>task_types</c> extension of <c>workers/{id}.json</c>: written after the peer fields (before <c>current_tasks</c>), absent when unknown.</summary>
public sealed class WorkerTaskTypesTests
{
    private static readonly DateTimeOffset T = new(2026, 1, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RegisterAsync_WithTaskTypes_WritesThemAfterThePeerFields()
    {
        var time = new FakeTimeProvider(T);
        var store = new InMemoryObjectStore(time);
        var registry = new WorkerRegistry(store, new StoreClock(store, time, TimeSpan.FromHours(1)), "worker-t", () => ["0"], null, ["buquet.echo", "resize"]);

        await registry.RegisterAsync();

        var text = Encoding.UTF8.GetString((await store.GetAsync(registry.Key))!.Body.Span);
        Assert.EndsWith("\"tasks_completed\":0,\"tasks_failed\":0,\"task_types\":[\"buquet.echo\",\"resize\"],\"current_tasks\":[]}", text, StringComparison.Ordinal);
        Assert.Equal(["buquet.echo", "resize"], ModelJson.ParseWorker(Encoding.UTF8.GetBytes(text), registry.Key).TaskTypes);
    }

    [Fact]
    public void ParseWorker_PeerEntryWithoutTaskTypes_TaskTypesNull()
    {
        var peer = """{"worker_id":"w","started_at":"2026-01-28T12:00:00Z","last_heartbeat":"2026-01-28T12:00:05Z","shards":[],"current_task":null,"tasks_completed":0,"tasks_failed":0}""";

        Assert.Null(ModelJson.ParseWorker(Encoding.UTF8.GetBytes(peer), "workers/w.json").TaskTypes);
    }
}
