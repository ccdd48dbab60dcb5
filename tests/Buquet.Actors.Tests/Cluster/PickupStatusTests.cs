using System.Diagnostics.Metrics;
using System.Text;
using Buquet.Actors.Diagnostics;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Cluster;

/// <summary>
/// Pickups by path and the cluster state as status (ADR 0027): the <c>pickups</c> extension of <c>workers/{id}.json</c>,
/// the <c>buquet.worker.pickups{path}</c> counter and the <c>buquet.cluster.members{state}</c> gauge.
/// </summary>
public sealed class PickupStatusTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task HeartbeatAsync_PickupsGiven_WritesThemLastAndReadsThemBack()
    {
        var time = new FakeTimeProvider(T);
        var store = new InMemoryObjectStore(time);
        var counter = new PickupCounter();
        var registry = new WorkerRegistry(store, new StoreClock(store, time, TimeSpan.FromHours(1)), "worker-a", () => ["0"], cluster: () => "clustered (2)", pickups: counter.Snapshot);
        counter.Add(PickupPath.Push);
        counter.Add(PickupPath.Push);
        counter.Add(PickupPath.Hint);

        await registry.RegisterAsync();

        var stored = (await store.GetAsync("workers/worker-a.json"))!;
        Assert.EndsWith("""
            "cluster":"clustered (2)","pickups":{"push":2,"hint":1,"poll":0}}
            """, Encoding.UTF8.GetString(stored.Body.Span), StringComparison.Ordinal);
        Assert.Equal(new WorkerPickups(2, 1, 0), ModelJson.ParseWorker(stored.Body, stored.Key).Pickups);
    }

    [Fact]
    public void ParseWorker_NoPickups_Null()
    {
        var text = ModelJson.Serialize(new WorkerInfo("w", T, T, ["0"], null, 0, 0));

        Assert.DoesNotContain("pickups", Encoding.UTF8.GetString(text), StringComparison.Ordinal);
        Assert.Null(ModelJson.ParseWorker(text, "k").Pickups);
    }

    [Fact]
    public void Add_EachPath_CountsItAndTagsTheMetric()
    {
        var seen = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BuquetTelemetry.Name && instrument.Name == "buquet.worker.pickups")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "path" && value == 1)
                {
                    lock (seen)
                    {
                        seen.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();
        var counter = new PickupCounter();

        counter.Add(PickupPath.Poll);
        counter.Add(PickupPath.Hint);
        counter.Add(PickupPath.Push);
        counter.Add(PickupPath.Poll);

        Assert.Equal(new WorkerPickups(1, 1, 2), counter.Snapshot());
        lock (seen)
        {
            // Other tests may pick up in parallel: at least ours were recorded with their tags.
            Assert.True(seen.Count(p => p == "poll") >= 2 && seen.Contains("hint") && seen.Contains("push"), string.Join(",", seen));
        }
    }

    [Fact]
    public void ObserveFleet_Registered_ReportsMembersTaggedWithStateUntilDisposed()
    {
        var marker = 1_000 + Random.Shared.Next(1_000_000); // tells this test's measurement from a parallel test's
        var seen = new List<(int Members, string State)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BuquetTelemetry.Name && instrument.Name == "buquet.cluster.members")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => seen.Add((value, (string)tags[0].Value!)));
        listener.Start();

        var handle = BuquetTelemetry.ObserveFleet(() => ("clustered", marker));
        listener.RecordObservableInstruments();
        handle.Dispose();
        listener.RecordObservableInstruments();

        Assert.Equal(1, seen.Count(s => s == (marker, "clustered")));
    }
}
