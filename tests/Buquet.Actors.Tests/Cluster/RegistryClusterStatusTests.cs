using System.Text.Json;
using Buquet.Actors.Cluster;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>The clustered-fleet state in <c>workers/{id}.json</c> (ADR 0026): last, read at each heartbeat, absent when the cluster is off.</summary>
public sealed class RegistryClusterStatusTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly StoreClock _clock;

    public RegistryClusterStatusTests()
    {
        _store = new InMemoryObjectStore(_time);
        _clock = new StoreClock(_store, _time, TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task HeartbeatAsync_ClusterOn_WritesTheCurrentStateLast()
    {
        var status = new FleetStatus(FleetState.Isolated, 0, 1);
        var registry = new WorkerRegistry(_store, _clock, "worker-a", () => ["0"], cluster: () => status.ToString());
        await registry.RegisterAsync();
        status = new FleetStatus(FleetState.Clustered, 3, 1);

        await registry.HeartbeatAsync();

        var stored = (await _store.GetAsync("workers/worker-a.json"))!;
        var json = JsonDocument.Parse(stored.Body).RootElement;
        Assert.Equal("cluster", json.EnumerateObject().Last().Name);
        Assert.Equal("clustered (3)", json.GetProperty("cluster").GetString());
        Assert.Equal("clustered (3)", ModelJson.ParseWorker(stored.Body, stored.Key).Cluster);
    }

    [Fact]
    public async Task RegisterAsync_ClusterOff_WritesNoClusterField()
    {
        var registry = new WorkerRegistry(_store, _clock, "worker-b", () => ["0"]);

        await registry.RegisterAsync();

        var stored = (await _store.GetAsync("workers/worker-b.json"))!;
        Assert.False(JsonDocument.Parse(stored.Body).RootElement.TryGetProperty("cluster", out _));
        Assert.Null(ModelJson.ParseWorker(stored.Body, stored.Key).Cluster);
    }

    [Fact]
    public void ToString_EachState_IsTheShortText()
    {
        Assert.Equal("absent", FleetStatus.Absent.ToString());
        Assert.Equal("isolated", new FleetStatus(FleetState.Isolated, 1, 2).ToString());
        Assert.Equal("clustered (2)", new FleetStatus(FleetState.Clustered, 2, 1).ToString());
    }
}
